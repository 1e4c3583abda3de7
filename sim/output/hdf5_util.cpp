#include "output/hdf5_util.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <stdexcept>

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
    // The root group's attributes (about 20) stay in its object header ("compact"), not in a
    // fractal heap with B-tree indexes: finish() creates `finished_at` and `complete` in SWMR
    // mode, and a kill while it wrote dense storage left attributes that failed their
    // checksums (SWMR readers then retry for many minutes); a compact one is a message in an
    // object header chunk, written in one piece (hdf5_util.hpp, startSwmrWrite).
    check(H5Pset_attr_phase_change(fcpl.get(), 64, 48), "H5Pset_attr_phase_change");
    return fcpl;
}

PropertyList outputFileAccess() {
    PropertyList fapl(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate");
    check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_V110),
          "H5Pset_libver_bounds");
    return fapl;
}

void startSwmrWrite(hid_t file, const std::string& path) {
    check(H5Fstart_swmr_write(file), "cannot start SWMR writing of " + path);
}

std::string creatingName(const std::string& part) { return part + ".new"; }

void publishPart(const std::string& part) {
    std::error_code ec;
    std::filesystem::rename(creatingName(part), part, ec);
    if (ec) {
        throw std::runtime_error("cannot rename " + creatingName(part) + " to " + part + ": " +
                                 ec.message());
    }
}

File openForReading(const std::string& path, const std::string& what) {
    return File(H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT), what);
}

hid_t reopenForWriting(const std::string& path) {
    auto fapl = outputFileAccess();
    // What `h5clear -s` sets: the library's own (unexported) name of the access property that
    // clears the superblock's status flags on open. Without it, HDF5 refuses a killed .part
    // ("file is already open for write").
    static constexpr const char* kClearStatusFlags = "clear_status_flags";
    if (H5Pexist(fapl.get(), kClearStatusFlags) > 0) {
        hbool_t clear = true;
        check(H5Pset(fapl.get(), kClearStatusFlags, &clear), "H5Pset clear_status_flags");
    }
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get());
    if (id < 0) return id;
    // EOA = max(EOA, end of file): what `h5clear --increment=0` does.
    if (H5Fincrement_filesize(id, 0) < 0) {
        H5Fclose(id);
        return H5I_INVALID_HID;
    }
    return id;
}

void writeStringAttribute(hid_t object, const char* name, const std::string& value) {
    const auto type = utf8StringType();
    const Dataspace space(H5Screate(H5S_SCALAR), "H5Screate");
    const std::string what = std::string("cannot write attribute ") + name;
    if (H5Aexists(object, name) > 0) check(H5Adelete(object, name), what);
    const Attribute attr(
        H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), what);
    const char* text = value.c_str();
    check(H5Awrite(attr.get(), type.get(), &text), what);
}

void writeNumberAttribute(hid_t object, const char* name, hid_t file_type, hid_t mem_type,
                          const void* values, hsize_t count) {
    const Dataspace space(count == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &count, nullptr),
                          "H5Screate");
    const std::string what = std::string("cannot write attribute ") + name;
    if (H5Aexists(object, name) > 0) check(H5Adelete(object, name), what);
    const Attribute attr(H5Acreate2(object, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                         what);
    check(H5Awrite(attr.get(), mem_type, values), what);
}

Dataset createCoordinate(hid_t file, const std::string& name, hid_t file_type, hid_t mem_type,
                         hsize_t size, const void* data) {
    const std::string what = "cannot create coordinate " + name;
    const Dataspace space(H5Screate_simple(1, &size, nullptr), what);
    auto dcpl = trackedCreationOrder(H5P_DATASET_CREATE);
    Dataset ds(H5Dcreate2(file, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(),
                          H5P_DEFAULT),
               what);
    if (size > 0 && data != nullptr)
        check(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
    return ds;
}

Dataset createStringCoordinate(hid_t file, const std::string& name,
                               const std::vector<std::string>& values) {
    return createStringCoordinate(file, name, values.size(),
                                  [&](hsize_t i) -> std::string { return values[i]; });
}

Dataset createStringCoordinate(hid_t file, const std::string& name, hsize_t size,
                               const std::function<std::string(hsize_t)>& value) {
    constexpr hsize_t kBlock = 1 << 16;
    const auto type = utf8StringType();
    auto ds = createCoordinate(file, name, type.get(), type.get(), size, nullptr);
    const std::string what = "cannot write coordinate " + name;
    const Dataspace file_space(H5Dget_space(ds.get()), what);
    std::vector<std::string> strings;
    std::vector<const char*> pointers;
    for (hsize_t first = 0; first < size; first += kBlock) {
        const hsize_t count = std::min(kBlock, size - first);
        strings.resize(count);
        pointers.resize(count);
        for (hsize_t k = 0; k < count; ++k) {
            strings[k] = value(first + k);
            pointers[k] = strings[k].c_str();
        }
        const Dataspace memory(H5Screate_simple(1, &count, nullptr), what);
        check(
            H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &first, nullptr, &count, nullptr),
            what);
        check(H5Dwrite(ds.get(), type.get(), memory.get(), file_space.get(), H5P_DEFAULT,
                       pointers.data()),
              what);
    }
    return ds;
}

void makeScale(hid_t dataset, const std::string& name, std::int32_t dim_id) {
    check(H5DSset_scale(dataset, name.c_str()), "cannot make " + name + " a dimension scale");
    writeNumberAttribute(dataset, "_Netcdf4Dimid", H5T_STD_I32LE, H5T_NATIVE_INT32, &dim_id);
}

void attachScales(hid_t dataset, const std::vector<hid_t>& scales, const std::string& name) {
    for (std::size_t k = 0; k < scales.size(); ++k) {
        check(H5DSattach_scale(dataset, scales[k], static_cast<unsigned>(k)),
              "cannot attach dimension " + std::to_string(k) + " of " + name);
    }
}

bool hasDataset(hid_t f, const char* name) { return H5Lexists(f, name, H5P_DEFAULT) > 0; }

const char* unitsOf(std::string_view dataset) {
    for (const char* step :
         {"time", "announce_step", "exit_step", "dissolve_step", "found_step", "event_step"})
        if (dataset == step) return "month";
    for (const char* unitless : {"sovereignty", "alignment", "cascade_size"})
        if (dataset == unitless) return "1";
    return "";
}

void writeUnits(hid_t object, std::string_view dataset) {
    const char* units = unitsOf(dataset);
    if (units[0] != '\0') writeStringAttribute(object, "units", units);
}

}  // namespace regsim::hdf5
