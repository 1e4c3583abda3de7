#include "output/file_info.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "output/hdf5_handles.hpp"
#include "output/hdf5_util.hpp"
#include "output/virtual_sources.hpp"

namespace regsim {
namespace {

using hdf5::check;

constexpr std::size_t kShownChars = 72;  // long texts (scenario_text, parameters) shortened

std::string shorten(const std::string& text) {
    const auto newline = text.find('\n');
    if (text.size() <= kShownChars && newline == std::string::npos) return text;
    std::string head = text.substr(0, std::min({text.size(), kShownChars, newline}));
    return head + "... (" + std::to_string(text.size()) + " chars)";
}

// Built by appending: GCC 12 warns falsely (-Wrestrict) on "(" + std::string&&.
std::string inParentheses(const std::string& text) {
    std::string out = "(";
    out += text;
    out += ')';
    return out;
}

std::string typeName(hid_t type) {
    const std::string bits = std::to_string(8 * H5Tget_size(type));
    switch (H5Tget_class(type)) {
        case H5T_INTEGER:
            return std::string(H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int").append(bits);
        case H5T_FLOAT:
            return std::string("float").append(bits);
        case H5T_STRING:
            return "string";
        default:
            return "other";
    }
}

std::vector<hsize_t> shapeOf(hid_t dataset) {
    const hdf5::Dataspace space(H5Dget_space(dataset), "H5Dget_space");
    const int rank = H5Sget_simple_extent_ndims(space.get());
    std::vector<hsize_t> dims(rank > 0 ? static_cast<std::size_t>(rank) : 0);
    if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    return dims;
}

// The name of the dataset serving as dimension scale `k` of `dataset` ("?" if none).
std::string dimensionName(hid_t dataset, unsigned k) {
    std::string name = "?";
    H5DSiterate_scales(
        dataset, k, nullptr,
        [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
            char buf[256];
            if (H5Iget_name(scale, buf, sizeof buf) > 0) {
                std::string path(buf);
                *static_cast<std::string*>(out) = path.substr(path.find_last_of('/') + 1);
            }
            return 1;  // the first scale is enough
        },
        &name);
    return name;
}

std::string attributeValue(hid_t attr) {
    const hdf5::Datatype type(H5Aget_type(attr), "H5Aget_type");
    const hdf5::Dataspace space(H5Aget_space(attr), "H5Aget_space");
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (n != 1) return inParentheses(std::to_string(n) + " values");
    switch (H5Tget_class(type.get())) {
        case H5T_STRING: {
            if (H5Tis_variable_str(type.get()) > 0) {
                const auto mem = hdf5::utf8StringType();
                char* text = nullptr;
                check(H5Aread(attr, mem.get(), &text), "cannot read attribute");
                std::string out = text != nullptr ? text : "";
                H5free_memory(text);
                return out;
            }
            std::string out(H5Tget_size(type.get()), '\0');
            check(H5Aread(attr, type.get(), out.data()), "cannot read attribute");
            return out.substr(0, out.find('\0'));
        }
        case H5T_INTEGER:
            if (H5Tget_sign(type.get()) == H5T_SGN_NONE) {
                std::uint64_t v = 0;
                check(H5Aread(attr, H5T_NATIVE_UINT64, &v), "cannot read attribute");
                return std::to_string(v);
            } else {
                std::int64_t v = 0;
                check(H5Aread(attr, H5T_NATIVE_INT64, &v), "cannot read attribute");
                return std::to_string(v);
            }
        case H5T_FLOAT: {
            double v = 0;
            check(H5Aread(attr, H5T_NATIVE_DOUBLE, &v), "cannot read attribute");
            std::ostringstream s;
            s << v;
            return s.str();
        }
        default:
            return inParentheses(typeName(type.get()));
    }
}

struct Listing {
    std::vector<std::string> names;
};

// What an unfinished file already holds, in the terms its readers use: the runs marked in
// run_done (sweeps), or the flushed prefix of replicates, those whose cascade_size is set
// (runs; docs/output.md, "A killed run's .part"). Empty when the file has neither.
std::string writtenSoFar(hid_t f) {
    if (hdf5::hasDataset(f, "run_done")) {
        const auto done = hdf5::readAll<std::uint8_t>(f, "run_done", H5T_NATIVE_UINT8);
        const auto n = std::count_if(done.begin(), done.end(), [](auto d) { return d != 0; });
        return "runs written: " + std::to_string(n) + " of " + std::to_string(done.size()) +
               " (run_done)\n";
    }
    if (hdf5::hasDataset(f, "cascade_size")) {
        hdf5::Dims shape;
        const auto sizes = hdf5::readAll<std::int32_t>(f, "cascade_size", H5T_NATIVE_INT32, &shape);
        if (shape.size() != 2) return "";
        std::size_t n = 0;
        for (hsize_t r = 0; r < shape[0]; ++r)
            n += shape[1] == 0 || sizes[r * shape[1]] != hdf5::kFillInt;
        std::string line =
            "replicates written: " + std::to_string(n) + " of " + std::to_string(shape[0]);
        if (n > 0)
            line += " (the flushed ones, 0.." + std::to_string(n - 1) +
                    "; the rest read as fill values)";
        return line + "\n";
    }
    return "";
}

// The shard files a virtual merged file reads, one a line, and its completeness line when any
// is missing: HDF5 reads a missing source as fill values, silently, so `complete = 1` alone
// would call such a file complete.
struct ShardReport {
    std::string listing;
    std::string missing_line;  // "" when every shard file is found
};

ShardReport describeVirtualSources(hid_t f, const std::string& path) {
    const auto sources = virtualSourceFiles(f, path);
    ShardReport report;
    if (sources.empty()) return report;
    std::vector<std::string> missing;
    report.listing = "shard files (read by virtual datasets):\n";
    for (const auto& s : sources) {
        report.listing +=
            "  " + s.name + ": " + (s.resolved.empty() ? "MISSING" : s.resolved) + '\n';
        if (s.resolved.empty()) missing.push_back(s.name);
    }
    if (missing.empty()) return report;
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    const bool one = missing.size() == 1;
    report.missing_line = "NOT complete: virtual datasets read " + std::to_string(missing.size()) +
                          " missing shard file" + (one ? "" : "s") + ": " + names +
                          " (their data reads as fill values; keep the shards where the file "
                          "names them, or merge without --virtual for a self-contained file)\n";
    return report;
}

}  // namespace

std::string describeRunFile(const std::string& path) {
    hdf5::silenceErrorPrinting();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw std::runtime_error(path + ": no such file");
    }
    if (H5Fis_hdf5(path.c_str()) <= 0) throw std::runtime_error(path + ": not an HDF5 file");
    // SWMR read access: a killed run's .part opens too (hdf5_util.hpp).
    const hdf5::File file = hdf5::openForReading(path, path + ": cannot open");
    const hid_t f = file.get();

    // Name order, coordinates (dimension scales) first: the order a reader looks for them.
    Listing links;
    check(H5Literate(
              f, H5_INDEX_NAME, H5_ITER_INC, nullptr,
              [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
                  static_cast<Listing*>(out)->names.emplace_back(name);
                  return 0;
              },
              &links),
          path + ": cannot list datasets");

    std::ostringstream dims_out, coords_out, data_out;
    for (const auto& name : links.names) {
        H5O_info_t info;
        if (H5Oget_info_by_name(f, name.c_str(), &info, H5P_DEFAULT) < 0 ||
            info.type != H5O_TYPE_DATASET) {
            continue;
        }
        const hdf5::Dataset ds(H5Dopen2(f, name.c_str(), H5P_DEFAULT),
                               path + ": cannot open " + name);
        const auto shape = shapeOf(ds.get());
        const bool scale = H5DSis_scale(ds.get()) > 0;
        if (scale) dims_out << "  " << name << " = " << (shape.empty() ? 0 : shape[0]) << '\n';
        const hdf5::Datatype type(H5Dget_type(ds.get()), "H5Dget_type");
        auto& listed = scale ? coords_out : data_out;
        listed << "  " << name << " (";
        for (std::size_t k = 0; k < shape.size(); ++k) {
            // A scale is its own dimension (not attached to itself).
            listed << (k > 0 ? ", " : "")
                   << (scale ? name : dimensionName(ds.get(), static_cast<unsigned>(k)));
        }
        listed << ") " << typeName(type.get()) << " [";
        for (std::size_t k = 0; k < shape.size(); ++k) listed << (k > 0 ? " x " : "") << shape[k];
        listed << "]\n";
    }

    // In the order they were written (provenance first), where the file tracks it.
    Listing attr_names;
    const auto listAttributes = [&](H5_index_t index) {
        attr_names.names.clear();
        return H5Aiterate2(
            f, index, H5_ITER_INC, nullptr,
            [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
                static_cast<Listing*>(out)->names.emplace_back(name);
                return 0;
            },
            &attr_names);
    };
    if (listAttributes(H5_INDEX_CRT_ORDER) < 0)
        check(listAttributes(H5_INDEX_NAME), path + ": cannot list attributes");
    std::ostringstream attrs_out;
    bool complete = false;
    for (const auto& name : attr_names.names) {
        const hdf5::Attribute attr(H5Aopen(f, name.c_str(), H5P_DEFAULT),
                                   path + ": cannot open attribute " + name);
        const std::string value = attributeValue(attr.get());
        if (name == "complete") complete = value == "1";
        attrs_out << "  " << name << ": " << shorten(value) << '\n';
    }

    const ShardReport shards = describeVirtualSources(f, path);
    std::ostringstream out;
    out << path << '\n';
    if (!complete) {
        out << "NOT complete (no complete = 1: an unfinished or interrupted run)\n"
            << writtenSoFar(f);
    } else {
        out << (shards.missing_line.empty() ? "complete\n" : shards.missing_line);
    }
    out << shards.listing << "dimensions:\n"
        << dims_out.str() << "coordinates:\n"
        << coords_out.str() << "datasets:\n"
        << data_out.str() << "attributes:\n"
        << attrs_out.str();
    return out.str();
}

}  // namespace regsim
