#include "output/hdf5_util.hpp"

#include <chrono>
#include <ctime>

#include "output/hdf5_handles.hpp"

namespace regsim::hdf5 {

hsize_t product(const Dims& dims, std::size_t from) {
    hsize_t n = 1;
    for (std::size_t k = from; k < dims.size(); ++k) n *= dims[k];
    return n;
}

std::string utcNow() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string readStringAttribute(hid_t object, const char* name) {
    if (H5Aexists(object, name) <= 0) return {};
    const Attribute a(H5Aopen(object, name, H5P_DEFAULT), std::string("cannot open ") + name);
    const auto type = utf8StringType();
    char* text = nullptr;
    check(H5Aread(a.get(), type.get(), &text), std::string("cannot read ") + name);
    std::string out = text ? text : "";
    H5free_memory(text);
    return out;
}

std::uint64_t readU64Attribute(hid_t object, const char* name) {
    if (H5Aexists(object, name) <= 0) return ~std::uint64_t{0};
    const Attribute a(H5Aopen(object, name, H5P_DEFAULT), std::string("cannot open ") + name);
    std::uint64_t v = 0;
    check(H5Aread(a.get(), H5T_NATIVE_UINT64, &v), std::string("cannot read ") + name);
    return v;
}

PropertyList trackedCreationOrder(hid_t cls) {
    PropertyList plist(H5Pcreate(cls), "H5Pcreate");
    check(H5Pset_attr_creation_order(plist.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "H5Pset_attr_creation_order");
    return plist;
}

PropertyList outputFileCreation() {
    auto fcpl = trackedCreationOrder(H5P_FILE_CREATE);
    check(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "H5Pset_link_creation_order");
    // A chunk rewritten after a flush (a partly filled one, or one the chunk cache evicts)
    // frees its old bytes; with reuse, HDF5 may write new data over them while the index of
    // the last flush still names them, and a run killed before the next flush then holds
    // chunks that fail to inflate (about one kill in ten in the kill test). Without reuse the
    // cost is the space of the chunks rewritten after flushes: a few per dataset per flush.
    check(H5Pset_file_space_strategy(fcpl.get(), H5F_FSPACE_STRATEGY_NONE, false, 1),
          "H5Pset_file_space_strategy");
    return fcpl;
}

}  // namespace regsim::hdf5
