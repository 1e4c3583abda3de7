#include "output/virtual_sources.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "output/hdf5_handles.hpp"

namespace regsim {
namespace {

namespace fs = std::filesystem;
using hdf5::check;

struct Names {
    std::vector<std::string> datasets;
};

// A file HDF5 would open as a source: it exists and is HDF5.
bool opensAsHdf5(const fs::path& candidate) {
    std::error_code ec;
    return fs::is_regular_file(candidate, ec) && H5Fis_hdf5(candidate.c_str()) > 0;
}

// Where HDF5 1.10 looks for the source file `source` of a virtual dataset in the file `path`
// (H5F_prefix_open_file in H5Fint.c; H5Pset_virtual_prefix in the reference manual), in its
// order: an absolute name as it is, after which only its last component goes on; that name
// after each folder of HDF5_VDS_PREFIX (":"-separated), then after the whole variable with a
// leading ${ORIGIN} read as the file's folder (the default virtual prefix); after the file's
// folder; as it is (the working folder); after the file's folder with links resolved.
std::vector<fs::path> candidates(const std::string& path, const std::string& source) {
    std::vector<fs::path> out;
    fs::path name(source);
    if (name.is_absolute()) {
        out.push_back(name);
        name = name.filename();
    }
    std::error_code ec;
    const fs::path origin = fs::absolute(path, ec).parent_path();
    const char* env = std::getenv("HDF5_VDS_PREFIX");
    const std::string prefixes = env != nullptr ? env : "";
    for (std::size_t from = 0; from < prefixes.size();) {
        const std::size_t colon = std::min(prefixes.find(':', from), prefixes.size());
        if (colon > from) out.push_back(fs::path(prefixes.substr(from, colon - from)) / name);
        from = colon + 1;
    }
    if (!prefixes.empty() && prefixes != ".") {
        constexpr std::string_view kOrigin = "${ORIGIN}";
        const bool relative = prefixes.starts_with(kOrigin);
        out.push_back(
            fs::path(relative ? origin.string() + prefixes.substr(kOrigin.size()) : prefixes) /
            name);
    }
    out.push_back(origin / name);
    out.push_back(name);
    const fs::path resolved = fs::canonical(path, ec);
    if (!ec) out.push_back(resolved.parent_path() / name);
    return out;
}

std::vector<std::string> sourceNames(hid_t dataset) {
    std::vector<std::string> names;
    const hdf5::PropertyList dcpl(H5Dget_create_plist(dataset), "H5Dget_create_plist");
    if (H5Pget_layout(dcpl.get()) != H5D_VIRTUAL) return names;
    std::size_t count = 0;
    check(H5Pget_virtual_count(dcpl.get(), &count), "H5Pget_virtual_count");
    for (std::size_t i = 0; i < count; ++i) {
        const ssize_t size = H5Pget_virtual_filename(dcpl.get(), i, nullptr, 0);
        if (size < 0) hdf5::fail("H5Pget_virtual_filename");
        std::string name(static_cast<std::size_t>(size) + 1, '\0');
        H5Pget_virtual_filename(dcpl.get(), i, name.data(), name.size());
        name.resize(static_cast<std::size_t>(size));
        names.push_back(std::move(name));
    }
    return names;
}

}  // namespace

std::vector<VirtualSourceFile> virtualSourceFiles(hid_t file, const std::string& path) {
    Names links;
    check(H5Literate(
              file, H5_INDEX_NAME, H5_ITER_INC, nullptr,
              [](hid_t group, const char* name, const H5L_info_t*, void* out) -> herr_t {
                  H5O_info_t info;
                  if (H5Oget_info_by_name(group, name, &info, H5P_DEFAULT) >= 0 &&
                      info.type == H5O_TYPE_DATASET)
                      static_cast<Names*>(out)->datasets.emplace_back(name);
                  return 0;
              },
              &links),
          path + ": cannot list datasets");
    std::vector<VirtualSourceFile> sources;
    for (const auto& dataset : links.datasets) {
        const hdf5::Dataset ds(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT),
                               path + ": cannot open " + dataset);
        for (auto& name : sourceNames(ds.get())) {
            const bool known = std::any_of(sources.begin(), sources.end(),
                                           [&](const auto& s) { return s.name == name; });
            if (name == "." || known) continue;
            VirtualSourceFile source{std::move(name), ""};
            for (const auto& candidate : candidates(path, source.name)) {
                if (!opensAsHdf5(candidate)) continue;
                std::error_code ec;
                source.resolved = fs::absolute(candidate, ec).lexically_normal().string();
                break;
            }
            sources.push_back(std::move(source));
        }
    }
    return sources;
}

}  // namespace regsim
