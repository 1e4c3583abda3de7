#include "output/sweep_merge.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "output/hdf5_handles.hpp"
#include "output/hdf5_util.hpp"
#include "output/output_path.hpp"
#include "output/sweep_writer.hpp"

namespace regsim {
namespace {

using hdf5::check;
using hdf5::hasDataset;
using hdf5::readAll;
namespace fs = std::filesystem;

std::vector<std::string> stringDataset(hid_t f, const char* name) {
    const hdf5::Dataset ds(H5Dopen2(f, name, H5P_DEFAULT), std::string("cannot open ") + name);
    const hdf5::Dataspace space(H5Dget_space(ds.get()), name);
    const auto n = std::size_t(H5Sget_simple_extent_npoints(space.get()));
    std::vector<char*> raw(n, nullptr);
    const auto type = hdf5::utf8StringType();
    if (n) check(H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), name);
    std::vector<std::string> out;
    for (char* s : raw) out.emplace_back(s ? s : "");
    if (n) H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, raw.data());
    return out;
}

// Rows [first, first + count) of dataset `name` (whole along the other axes).
template <class T>
void readRows(hid_t f, const char* name, hid_t mem_type, hsize_t first, hsize_t count,
              std::vector<T>& out) {
    const hdf5::Dataset ds(H5Dopen2(f, name, H5P_DEFAULT), std::string("cannot open ") + name);
    const hdf5::Dataspace space(H5Dget_space(ds.get()), name);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    std::vector<hsize_t> start(static_cast<std::size_t>(rank), 0);
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    start[0] = first;
    dims[0] = count;
    hsize_t n = 1;
    for (auto d : dims) n *= d;
    out.resize(n);
    if (n == 0) return;
    check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, dims.data(),
                              nullptr),
          name);
    const hdf5::Dataspace mem(H5Screate_simple(rank, dims.data(), nullptr), name);
    check(H5Dread(ds.get(), mem_type, mem.get(), space.get(), H5P_DEFAULT, out.data()),
          std::string("cannot read ") + name);
}

struct Shard {
    std::string path;
    hdf5::File file;
    std::string hash;
    std::uint64_t index = 0, count = 0, points_total = 0, first = 0, points = 0, replicates = 0;
};

template <class T>
void slice(const std::vector<T>& block, std::size_t run, std::size_t runs, std::vector<T>& out) {
    const std::size_t per = runs ? block.size() / runs : 0;
    out.assign(block.begin() + long(run * per), block.begin() + long((run + 1) * per));
}

}  // namespace

void mergeSweepShards(const MergeOptions& o) {
    hdf5::silenceErrorPrinting();
    if (o.shards.empty()) throw MergeError("no shard files given");
    std::vector<Shard> shards;
    for (const auto& path : o.shards) {
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            throw MergeError(path + ": no such shard file" +
                             (fs::exists(path + ".part", ec)
                                  ? std::string(" (") + path +
                                        ".part exists: the shard is not finished; "
                                        "rerun it with --resume)"
                                  : std::string()));
        }
        // Writing over a shard destroys what is being read (and a virtual file that maps
        // itself reads garbage): even --force does not allow it.
        if (fs::exists(o.output, ec) && fs::equivalent(o.output, path, ec))
            throw MergeError(o.output + " is one of the shards; merge into another file");
        Shard s;
        s.path = path;
        s.file = hdf5::openForReading(path, "cannot open shard " + path);
        const hid_t f = s.file.get();
        s.hash = hdf5::readStringAttribute(f, "sweep_hash");
        if (s.hash.empty()) throw MergeError(path + ": not a sweep file (no sweep_hash)");
        if (hdf5::readU64Attribute(f, "complete") != 1) {
            throw MergeError(path +
                             ": the shard is incomplete (no complete = 1); rerun it with --resume");
        }
        s.index = hdf5::readU64Attribute(f, "shard_index");
        s.count = hdf5::readU64Attribute(f, "shard_count");
        s.points_total = hdf5::readU64Attribute(f, "points_total");
        s.first = hdf5::readU64Attribute(f, "point_first");
        s.points = hdf5::readU64Attribute(f, "point_count");
        s.replicates = hdf5::readU64Attribute(f, "replicates");
        const auto done = readAll<std::uint8_t>(f, "run_done", H5T_NATIVE_UINT8);
        if (!std::all_of(done.begin(), done.end(), [](std::uint8_t d) { return d == 1; })) {
            throw MergeError(path + ": some runs are not done (run_done = 0)");
        }
        shards.push_back(std::move(s));
    }
    const Shard& ref = shards.front();
    for (const auto& s : shards) {
        if (s.hash != ref.hash) {
            throw MergeError(s.path + " is from another sweep than " + ref.path + " (sweep_hash " +
                             s.hash + " vs " + ref.hash + ")");
        }
        if (s.count != ref.count || s.points_total != ref.points_total ||
            s.replicates != ref.replicates) {
            throw MergeError(s.path + ": shard_count " + std::to_string(s.count) +
                             " differs from " + ref.path + "'s " + std::to_string(ref.count));
        }
    }
    std::stable_sort(shards.begin(), shards.end(),
                     [](const Shard& a, const Shard& b) { return a.first < b.first; });
    // Names the shards (K/N, 0-based) whose points [from, to) no file holds.
    const auto missing = [&](std::uint64_t from, std::uint64_t to) {
        std::string names;
        __extension__ using Wide = unsigned __int128;
        for (std::uint64_t k = 0; k < ref.count; ++k) {
            const auto first = std::uint64_t(Wide(ref.points_total) * k / ref.count);
            const auto end = std::uint64_t(Wide(ref.points_total) * (k + 1) / ref.count);
            if (first < end && first < to && end > from) {
                names += (names.empty() ? "" : ", ") + std::to_string(k) + "/" +
                         std::to_string(ref.count);
            }
        }
        return "points " + std::to_string(from) + ".." + std::to_string(to - 1) +
               " are in no file: missing shard " + names;
    };
    std::uint64_t next = 0;
    for (const auto& s : shards) {
        if (s.first < next) {
            throw MergeError(s.path + " (shard " + std::to_string(s.index) + "/" +
                             std::to_string(s.count) + ", points " + std::to_string(s.first) +
                             ".." + std::to_string(s.first + s.points - 1) +
                             ") overlaps another shard");
        }
        if (s.first > next) throw MergeError(missing(next, s.first));
        next = s.first + s.points;
    }
    if (next != ref.points_total) throw MergeError(missing(next, ref.points_total));
    try {
        prepareOutputPath(o.output, o.force);
    } catch (const std::runtime_error& e) {
        throw MergeError(e.what());
    }

    // Metadata of the merged file: the shards' sweep as one shard 0/1.
    const hid_t f0 = ref.file.get();
    SweepMetadata m;
    m.state_ids = stringDataset(f0, "state");
    m.institution_ids = stringDataset(f0, "institution");
    if (hasDataset(f0, "state_name")) m.state_names = stringDataset(f0, "state_name");
    if (hasDataset(f0, "month")) m.time_months = stringDataset(f0, "month");
    if (hasDataset(f0, "institution_name"))
        m.institution_names = stringDataset(f0, "institution_name");
    m.parameter_keys = stringDataset(f0, "parameter");
    m.trajectories = hasDataset(f0, "sovereignty");
    if (m.trajectories) {
        m.time_steps = readAll<std::int32_t>(f0, "time", H5T_NATIVE_INT32);
        m.axis_names = stringDataset(f0, "axis");
    }
    m.record_every = std::uint32_t(hdf5::readU64Attribute(f0, "record_every"));
    m.steps = std::uint32_t(hdf5::readU64Attribute(f0, "steps"));
    m.replicates = std::uint32_t(ref.replicates);
    m.points_total = ref.points_total;
    m.point_first = 0;
    m.point_count = ref.points_total;
    const std::size_t D = m.parameter_keys.size();
    for (const auto& s : shards) {
        const auto pv = readAll<double>(s.file.get(), "point_values", H5T_NATIVE_DOUBLE);
        for (std::size_t p = 0; p < s.points; ++p)
            m.point_values.emplace_back(pv.begin() + long(p * D), pv.begin() + long((p + 1) * D));
    }
    m.sweep_text = hdf5::readStringAttribute(f0, "sweep_text");
    m.sweep_path = hdf5::readStringAttribute(f0, "sweep_path");
    m.sweep_hash = ref.hash;
    m.scenario_name = hdf5::readStringAttribute(f0, "scenario_name");
    m.start_month = hdf5::readStringAttribute(f0, "start_month");
    m.scenario_text = hdf5::readStringAttribute(f0, "scenario_text");
    m.scenario_path = hdf5::readStringAttribute(f0, "scenario_path");
    m.network_path = hdf5::readStringAttribute(f0, "network_path");
    m.network_hash = hdf5::readStringAttribute(f0, "network_hash");
    m.parameters_json = hdf5::readStringAttribute(f0, "parameters");
    m.design = hdf5::readStringAttribute(f0, "design");
    m.seed = hdf5::readU64Attribute(f0, "seed");
    m.design_seed = hdf5::readU64Attribute(f0, "design_seed");
    m.shard_index = 0;
    m.shard_count = 1;
    m.command_line = o.command_line;
    m.working_directory = o.working_directory;
    m.version = o.version;
    m.git_commit = o.git_commit;
    m.started_at = o.started_at;

    if (o.virtual_datasets) {
        const fs::path out_dir = fs::absolute(o.output).parent_path();
        for (const auto& s : shards) {
            m.virtual_sources.push_back(
                {fs::relative(fs::absolute(s.path), out_dir).string(), s.first, s.points});
        }
        SweepWriter w(o.output, m, false);
        w.finish();
        return;
    }

    SweepWriter w(o.output, m, false);
    const std::uint64_t R = ref.replicates;
    const std::uint64_t step = std::max<std::uint64_t>(1, w.chunkPoints());
    std::vector<std::int32_t> ann, ext, dis, fnd, cas;
    std::vector<std::uint8_t> fin, sta;
    std::vector<double> sov, ali;
    RunResult rr;
    for (const auto& s : shards) {
        const hid_t f = s.file.get();
        for (std::uint64_t a = 0; a < s.points; a += step) {
            const std::uint64_t n = std::min(step, s.points - a);
            readRows(f, "announce_step", H5T_NATIVE_INT32, a, n, ann);
            readRows(f, "exit_step", H5T_NATIVE_INT32, a, n, ext);
            readRows(f, "final_status", H5T_NATIVE_UINT8, a, n, fin);
            readRows(f, "dissolve_step", H5T_NATIVE_INT32, a, n, dis);
            readRows(f, "found_step", H5T_NATIVE_INT32, a, n, fnd);
            readRows(f, "cascade_size", H5T_NATIVE_INT32, a, n, cas);
            if (m.trajectories) {
                readRows(f, "sovereignty", H5T_NATIVE_DOUBLE, a, n, sov);
                readRows(f, "alignment", H5T_NATIVE_DOUBLE, a, n, ali);
                readRows(f, "status", H5T_NATIVE_UINT8, a, n, sta);
            }
            const std::size_t runs = std::size_t(n * R);
            for (std::size_t k = 0; k < runs; ++k) {
                slice(ann, k, runs, rr.announce_step);
                slice(ext, k, runs, rr.exit_step);
                slice(fin, k, runs, rr.final_status);
                slice(dis, k, runs, rr.dissolve_step);
                slice(fnd, k, runs, rr.found_step);
                slice(cas, k, runs, rr.cascade_size);
                if (m.trajectories) {
                    slice(sov, k, runs, rr.sovereignty);
                    slice(ali, k, runs, rr.alignment);
                    slice(sta, k, runs, rr.status);
                }
                rr.replicate = std::uint32_t(k % R);
                w.write((s.first + a) * R + k, rr);
            }
        }
    }
    w.finish();
}

}  // namespace regsim
