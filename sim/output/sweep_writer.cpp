#include "output/sweep_writer.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "output/chunk_compressor.hpp"
#include "output/hdf5_handles.hpp"
#include "output/hdf5_util.hpp"

namespace regsim {
namespace {

using hdf5::attachScales;
using hdf5::check;
using hdf5::createCoordinate;
using hdf5::createStringCoordinate;
using hdf5::Dims;
using hdf5::kFillFlag;
using hdf5::kFillFloat;
using hdf5::kFillInt;
using hdf5::makeScale;
using hdf5::product;
using hdf5::utcNow;
using hdf5::writeNumberAttribute;
using hdf5::writeStringAttribute;

// Chunks of at most kChunkBytes and at most max(kMaxChunkPoints, kBlockRuns / replicates)
// points: small blocks keep the work a kill can lose small (docs/sweeps.md, "Resume"), and
// sweeps with few replicates still write a few dozen runs per block.
constexpr hsize_t kChunkBytes = hsize_t{1} << 20;
constexpr hsize_t kMaxChunkPoints = 4;
constexpr hsize_t kBlockRuns = 64;
constexpr unsigned kDeflateLevel = 1;
constexpr const char* kStatusMeanings = "none member suspended withdrawing withdrawn";

void u64Attr(hid_t obj, const char* name, std::uint64_t v) {
    writeNumberAttribute(obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v);
}
void u32Attr(hid_t obj, const char* name, std::uint32_t v) {
    writeNumberAttribute(obj, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, &v);
}

// Rows [first, first + count) of the leading axis of `ds`, whole along the others.
void writeRows(hid_t ds, hid_t mem_type, const Dims& dims, hsize_t first, hsize_t count,
               const void* data, const std::string& name) {
    if (count == 0 || product(dims, 1) == 0) return;
    const std::string what = "cannot write " + name;
    const hdf5::Dataspace file_space(H5Dget_space(ds), what);
    Dims start(dims.size(), 0), n = dims;
    start[0] = first;
    n[0] = count;
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, n.data(),
                              nullptr),
          what);
    // Memory space shaped like the selection (a 1-D one is ~10x slower, hdf5_run_writer.cpp).
    const hdf5::Dataspace mem(H5Screate_simple(int(n.size()), n.data(), nullptr), what);
    check(H5Dwrite(ds, mem_type, mem.get(), file_space.get(), H5P_DEFAULT, data), what);
}

// One data variable: (point, replicate, ...) and how to find one run's values in a RunResult.
// A block of runs is gathered in `buffer`; when it is complete its chunks are cut from it,
// encoded by ChunkCodec (shuffle + deflate, as the dataset's filters say) on the
// ChunkCompressor's helper thread and written once each with H5Dwrite_chunk ("direct"), or,
// for a virtual file or a big-endian machine, written with H5Dwrite through HDF5's filters.
struct Variable {
    std::string name;
    const char* long_name;
    hid_t file_type;
    hid_t mem_type;
    std::size_t element;
    Dims dims;                // full shape, point first
    std::vector<int> scales;  // indices into the coordinate list, per axis
    const void* fill;
    int flags = 0;  // > 0: CF flag_values 0..flags-1 with kStatusMeanings
    std::function<std::pair<const void*, std::size_t>(const RunResult&)> values;
    hdf5::Dataset ds;
    std::vector<unsigned char> buffer;  // one block: [point in block][replicate][rest]

    bool direct = false;
    Dims chunk;                            // chunk shape (chunk[0] = chunk_points)
    Dims cells;                            // chunks per block along each axis (cells[0] = 1)
    hsize_t cells_per_block = 0;           // product(cells)
    std::size_t chunk_bytes = 0;           // bytes of one chunk
    std::vector<std::uint8_t> fill_bytes;  // one element of the fill value
    std::vector<std::vector<std::uint8_t>> spare;  // chunk buffers back from the compressor
    std::size_t perRun() const { return std::size_t(product(dims, 2)); }
};

template <class T>
std::function<std::pair<const void*, std::size_t>(const RunResult&)> field(
    std::vector<T> RunResult::*member) {
    return [member](const RunResult& r) {
        const auto& v = r.*member;
        return std::pair<const void*, std::size_t>(v.data(), v.size());
    };
}

// What a file being resumed, or found finished by --resume, must share with this sweep: the
// sweep (its hash) and the shard with its point range and replicate count.
void checkSameSweep(hid_t f, const std::string& part, const SweepMetadata& meta) {
    const std::string hash = hdf5::readStringAttribute(f, "sweep_hash");
    if (hash != meta.sweep_hash) {
        throw SweepFileMismatch(part + " belongs to another sweep (sweep_hash " + hash +
                                ", this sweep " + meta.sweep_hash + "): use --force to start over");
    }
    const auto idx = hdf5::readU64Attribute(f, "shard_index"),
               cnt = hdf5::readU64Attribute(f, "shard_count");
    if (idx != meta.shard_index || cnt != meta.shard_count ||
        hdf5::readU64Attribute(f, "point_first") != meta.point_first ||
        hdf5::readU64Attribute(f, "point_count") != meta.point_count ||
        hdf5::readU64Attribute(f, "replicates") != meta.replicates) {
        throw SweepFileMismatch(part + " is shard " + std::to_string(idx) + "/" +
                                std::to_string(cnt) + ", not " + std::to_string(meta.shard_index) +
                                "/" + std::to_string(meta.shard_count) +
                                " of this sweep: use --force to start over");
    }
}

}  // namespace

struct SweepWriter::Impl {
    std::string path, part;
    SweepMetadata meta;
    hsize_t P = 0, R = 0;
    hsize_t chunk_points = 1;
    hdf5::File file;
    std::vector<hdf5::Dataset> coords;  // kept open while attaching
    std::vector<Variable> vars;
    hdf5::Dataset run_done;
    std::vector<std::uint8_t> done;  // [local point][replicate], mirrors the file
    std::uint64_t done_count = 0;

    // The block being filled.
    hsize_t block = ~hsize_t{0};
    hsize_t block_received = 0;
    // Blocks whose chunks are with the compressor: (block, chunks not yet written), in order.
    std::deque<std::pair<hsize_t, hsize_t>> encoding;
    std::vector<hsize_t> unflagged_blocks;  // written, run_done not yet set
    std::unique_ptr<ChunkCompressor> compressor;
    std::size_t max_in_flight = 1;  // chunks submitted and not yet written, at most
    std::chrono::steady_clock::time_point last_flush = std::chrono::steady_clock::now();
    bool closed = false;

    hsize_t blockFirst(hsize_t b) const { return b * chunk_points; }
    hsize_t blockCount(hsize_t b) const { return std::min(chunk_points, P - blockFirst(b)); }

    void defineVariables();
    void prepareDirect(unsigned compression_threads);
    void create();
    void open();
    void startSwmr(bool resumed);
    void writeBlock();
    void submitChunks(std::size_t var);
    void writeEncoded(ChunkCompressor::Job&& job);
    void writeCompressed();  // the chunks already encoded
    void drain();            // every chunk submitted
    void settle();
    void flagWritten();
};

void SweepWriter::Impl::defineVariables() {
    const hsize_t S = meta.state_ids.size(), I = meta.institution_ids.size(),
                  T = meta.time_steps.size(), A = meta.axis_names.size();
    // Coordinate order: point replicate state institution parameter time axis.
    enum { cP, cR, cS, cI, cPar, cT, cA };
    const auto add = [&](const char* name, const char* long_name, hid_t ft, hid_t mt,
                         std::size_t el, Dims rest, std::vector<int> sc, const void* fill,
                         auto member, int flags = 0) {
        Variable v;
        v.name = name;
        v.long_name = long_name;
        v.file_type = ft;
        v.mem_type = mt;
        v.element = el;
        v.dims = {P, R};
        v.dims.insert(v.dims.end(), rest.begin(), rest.end());
        v.scales = {cP, cR};
        v.scales.insert(v.scales.end(), sc.begin(), sc.end());
        v.fill = fill;
        v.flags = flags;
        v.values = field(member);
        vars.push_back(std::move(v));
    };
    add("announce_step", "step of the first withdrawal announcement, -1 never", H5T_STD_I32LE,
        H5T_NATIVE_INT32, 4, {S, I}, {cS, cI}, &kFillInt, &RunResult::announce_step);
    add("exit_step", "step the exit took effect, -1 never", H5T_STD_I32LE, H5T_NATIVE_INT32, 4,
        {S, I}, {cS, cI}, &kFillInt, &RunResult::exit_step);
    add("final_status", "membership status at the last step", H5T_STD_U8LE, H5T_NATIVE_UINT8, 1,
        {S, I}, {cS, cI}, &kFillFlag, &RunResult::final_status, 5);
    add("dissolve_step", "step of dissolution, -1 never", H5T_STD_I32LE, H5T_NATIVE_INT32, 4, {I},
        {cI}, &kFillInt, &RunResult::dissolve_step);
    add("found_step", "0 active from the start, step of founding, -1 never", H5T_STD_I32LE,
        H5T_NATIVE_INT32, 4, {I}, {cI}, &kFillInt, &RunResult::found_step);
    add("cascade_size", "states whose exit took effect by the end", H5T_STD_I32LE, H5T_NATIVE_INT32,
        4, {I}, {cI}, &kFillInt, &RunResult::cascade_size);
    if (meta.trajectories) {
        add("sovereignty", "sovereignty s_i(t) in [0,1]", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 8,
            {T, S}, {cT, cS}, &kFillFloat, &RunResult::sovereignty);
        add("alignment", "alignment a_i(t) in [-1,1]", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 8,
            {T, S, A}, {cT, cS, cA}, &kFillFloat, &RunResult::alignment);
        add("status", "membership status", H5T_STD_U8LE, H5T_NATIVE_UINT8, 1, {T, S, I},
            {cT, cS, cI}, &kFillFlag, &RunResult::status, 5);
    }
    // Points per block: every variable's block fits kChunkBytes (at least one point).
    const hsize_t max_points = std::max(kMaxChunkPoints, kBlockRuns / std::max<hsize_t>(1, R));
    chunk_points = std::max<hsize_t>(1, std::min<hsize_t>(max_points, P));
    for (const auto& v : vars) {
        const hsize_t per_point = std::max<hsize_t>(1, R * v.perRun() * v.element);
        chunk_points = std::clamp<hsize_t>(kChunkBytes / per_point, 1, chunk_points);
    }
}

// Chunk shape of a variable: chunk_points points; the other axes whole, halved from the left
// while one chunk exceeds kChunkBytes.
static Dims chunkShape(const Variable& v, hsize_t chunk_points) {
    Dims c = v.dims;
    c[0] = chunk_points;
    for (std::size_t k = 1; k < c.size(); ++k)
        while (c[k] > 1 && v.element * product(c) > kChunkBytes) c[k] = (c[k] + 1) / 2;
    return c;
}

// Chunks are assembled and encoded here (see Variable) unless the file is virtual or the
// machine is big-endian (the buffers hold native values; the file types are little-endian).
void SweepWriter::Impl::prepareDirect(unsigned compression_threads) {
    const bool direct = std::endian::native == std::endian::little &&
                        meta.virtual_sources.empty() && meta.encode_chunks;
    std::size_t chunks_per_block = 0;
    for (auto& v : vars) {
        v.direct = direct && product(v.dims) > 0;
        if (!v.direct) continue;
        v.chunk = chunkShape(v, chunk_points);
        v.cells.assign(v.dims.size(), 1);
        for (std::size_t k = 1; k < v.dims.size(); ++k)
            v.cells[k] = (v.dims[k] + v.chunk[k] - 1) / v.chunk[k];
        v.cells_per_block = product(v.cells);
        v.chunk_bytes = std::size_t(product(v.chunk)) * v.element;
        const auto* bytes = static_cast<const std::uint8_t*>(v.fill);
        v.fill_bytes.assign(bytes, bytes + v.element);
        chunks_per_block += std::size_t(v.cells_per_block);
    }
    // No helper thread when nothing is encoded here (a virtual file, the filter path).
    compressor = std::make_unique<ChunkCompressor>(int(kDeflateLevel),
                                                   chunks_per_block > 0 ? compression_threads : 0);
    // Two blocks' chunks in flight: the writer thread copies the next block's runs while the
    // helper encodes the last one.
    max_in_flight = std::max<std::size_t>(2 * chunks_per_block, 2 * compression_threads + 2);
}

void SweepWriter::Impl::create() {
    hdf5::silenceErrorPrinting();
    const auto fcpl = hdf5::outputFileCreation();
    const auto fapl = hdf5::outputFileAccess();  // the 1.10 format (virtual datasets, SWMR)
    file = hdf5::File(
        H5Fcreate(hdf5::creatingName(part).c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()),
        "cannot create output file " + part);
    const hid_t f = file.get();

    std::vector<std::int64_t> points(P);
    for (hsize_t p = 0; p < P; ++p) points[p] = std::int64_t(meta.point_first + p);
    std::vector<std::int32_t> reps(R);
    for (hsize_t r = 0; r < R; ++r) reps[r] = std::int32_t(r);
    coords.push_back(
        createCoordinate(f, "point", H5T_STD_I64LE, H5T_NATIVE_INT64, P, points.data()));
    coords.push_back(
        createCoordinate(f, "replicate", H5T_STD_I32LE, H5T_NATIVE_INT32, R, reps.data()));
    coords.push_back(createStringCoordinate(f, "state", meta.state_ids));
    coords.push_back(createStringCoordinate(f, "institution", meta.institution_ids));
    coords.push_back(createStringCoordinate(f, "parameter", meta.parameter_keys));
    const char* names[] = {"point",     "replicate", "state", "institution",
                           "parameter", "time",      "axis"};
    if (meta.trajectories) {
        coords.push_back(createCoordinate(f, "time", H5T_STD_I32LE, H5T_NATIVE_INT32,
                                          meta.time_steps.size(), meta.time_steps.data()));
        coords.push_back(createStringCoordinate(f, "axis", meta.axis_names));
    }
    for (std::size_t k = 0; k < coords.size(); ++k) makeScale(coords[k].get(), names[k], int(k));
    writeStringAttribute(coords[0].get(), "long_name", "global index of the design point");
    writeStringAttribute(coords[1].get(), "long_name", "replicate index");
    writeStringAttribute(coords[4].get(), "long_name", "swept scenario key path");
    if (meta.trajectories) {
        writeStringAttribute(coords[5].get(), "long_name", "step (months since the start)");
        hdf5::writeUnits(coords[5].get(), "time");
    }

    // Auxiliary coordinates, as run files have them (docs/output.md): names beside the ids and
    // the calendar month of each recorded step, so that xarray lists them with the data.
    std::map<std::size_t, std::string> aux_names;  // coordinate index -> auxiliary name
    const auto auxiliary = [&](const char* name, const std::vector<std::string>& values,
                               std::size_t scale, std::size_t length, const char* long_name) {
        if (values.empty() || values.size() != length) return;  // (a file merged from old shards)
        const auto ds = createStringCoordinate(f, name, values);
        attachScales(ds.get(), {coords[scale].get()}, name);
        writeStringAttribute(ds.get(), "long_name", long_name);
        aux_names[scale] = name;
    };
    auxiliary("state_name", meta.state_names, 2, meta.state_ids.size(), "state name");
    auxiliary("institution_name", meta.institution_names, 3, meta.institution_ids.size(),
              "institution name");
    if (meta.trajectories)
        auxiliary("month", meta.time_months, 5, meta.time_steps.size(),
                  "calendar month of the step (YYYY-MM)");
    std::string all_aux;
    for (const auto& [scale, name] : aux_names) all_aux += (all_aux.empty() ? "" : " ") + name;
    if (!all_aux.empty()) writeStringAttribute(f, "coordinates", all_aux);

    // The design: point_values(point, parameter) and one param_<key>(point) per parameter.
    const hsize_t D = meta.parameter_keys.size();
    std::vector<double> pv(P * D);
    for (hsize_t p = 0; p < P; ++p)
        for (hsize_t d = 0; d < D; ++d) pv[p * D + d] = meta.point_values.at(p).at(d);
    {
        const Dims dims{P, D};
        const hdf5::Dataspace space(H5Screate_simple(2, dims.data(), nullptr), "point_values");
        auto dcpl = hdf5::trackedCreationOrder(H5P_DATASET_CREATE);
        hdf5::Dataset ds(H5Dcreate2(f, "point_values", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                                    dcpl.get(), H5P_DEFAULT),
                         "cannot create point_values");
        if (P * D > 0) {
            check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, pv.data()),
                  "cannot write point_values");
        }
        attachScales(ds.get(), {coords[0].get(), coords[4].get()}, "point_values");
        writeStringAttribute(ds.get(), "long_name", "value of each swept parameter at each point");
    }
    for (hsize_t d = 0; d < D; ++d) {
        std::string name = "param_" + meta.parameter_keys[d];
        for (std::size_t k = 0; k < name.size(); ++k)
            if (name[k] == '.') name.replace(k, 1, "__");
        std::vector<double> col(P);
        for (hsize_t p = 0; p < P; ++p) col[p] = pv[p * D + d];
        hdf5::Dataset ds =
            createCoordinate(f, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, P, col.data());
        attachScales(ds.get(), {coords[0].get()}, name);
        writeStringAttribute(ds.get(), "long_name", meta.parameter_keys[d]);
    }

    // run_done: contiguous, allocated now and written in place (never moves).
    {
        const Dims dims{P, R};
        const hdf5::Dataspace space(H5Screate_simple(2, dims.data(), nullptr), "run_done");
        auto dcpl = hdf5::trackedCreationOrder(H5P_DATASET_CREATE);
        const std::uint8_t zero = 0;
        check(H5Pset_fill_value(dcpl.get(), H5T_NATIVE_UINT8, &zero), "run_done");
        check(H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY), "run_done");
        run_done = hdf5::Dataset(H5Dcreate2(f, "run_done", H5T_STD_U8LE, space.get(), H5P_DEFAULT,
                                            dcpl.get(), H5P_DEFAULT),
                                 "cannot create run_done");
        attachScales(run_done.get(), {coords[0].get(), coords[1].get()}, "run_done");
        writeStringAttribute(run_done.get(), "long_name", "1 once the run's data is in the file");
    }

    for (auto& v : vars) {
        const std::string what = "cannot create dataset " + v.name;
        const hdf5::Dataspace space(H5Screate_simple(int(v.dims.size()), v.dims.data(), nullptr),
                                    what);
        auto dcpl = hdf5::trackedCreationOrder(H5P_DATASET_CREATE);
        check(H5Pset_fill_value(dcpl.get(), v.mem_type, v.fill), what);
        if (!meta.virtual_sources.empty()) {
            for (const auto& src : meta.virtual_sources) {
                if (src.point_count == 0) continue;
                const hdf5::Dataspace vspace(H5Scopy(space.get()), what);
                Dims start(v.dims.size(), 0), count = v.dims;
                start[0] = src.point_first;
                count[0] = src.point_count;
                check(H5Sselect_hyperslab(vspace.get(), H5S_SELECT_SET, start.data(), nullptr,
                                          count.data(), nullptr),
                      what);
                const hdf5::Dataspace sspace(
                    H5Screate_simple(int(count.size()), count.data(), nullptr), what);
                check(H5Pset_virtual(dcpl.get(), vspace.get(), src.file.c_str(), v.name.c_str(),
                                     sspace.get()),
                      what);
            }
        } else if (product(v.dims) > 0) {
            const Dims c = chunkShape(v, chunk_points);
            check(H5Pset_chunk(dcpl.get(), int(c.size()), c.data()), what);
            check(H5Pset_shuffle(dcpl.get()), what);
            check(H5Pset_deflate(dcpl.get(), kDeflateLevel), what);
        }
        hdf5::PropertyList dapl(H5Pcreate(H5P_DATASET_ACCESS), "H5Pcreate");
        check(H5Pset_chunk_cache(dapl.get(), 12421, 4 * kChunkBytes, 1.0), what);
        v.ds = hdf5::Dataset(H5Dcreate2(f, v.name.c_str(), v.file_type, space.get(), H5P_DEFAULT,
                                        dcpl.get(), dapl.get()),
                             what);
        std::vector<hid_t> scales;
        std::string aux;
        for (int s : v.scales) {
            scales.push_back(coords[std::size_t(s)].get());
            if (const auto a = aux_names.find(std::size_t(s)); a != aux_names.end())
                aux += (aux.empty() ? "" : " ") + a->second;
        }
        attachScales(v.ds.get(), scales, v.name);
        writeStringAttribute(v.ds.get(), "long_name", v.long_name);
        hdf5::writeUnits(v.ds.get(), v.name);
        if (!aux.empty()) writeStringAttribute(v.ds.get(), "coordinates", aux);
        if (v.flags > 0) {
            std::vector<std::uint8_t> fv(std::size_t(v.flags));
            for (int k = 0; k < v.flags; ++k) fv[std::size_t(k)] = std::uint8_t(k);
            writeNumberAttribute(v.ds.get(), "flag_values", H5T_STD_U8LE, H5T_NATIVE_UINT8,
                                 fv.data(), fv.size());
            writeStringAttribute(v.ds.get(), "flag_meanings", kStatusMeanings);
        }
    }

    // Provenance: finished_at and complete come with finish().
    writeStringAttribute(f, "sweep_text", meta.sweep_text);
    writeStringAttribute(f, "sweep_path", meta.sweep_path);
    writeStringAttribute(f, "sweep_hash", meta.sweep_hash);
    writeStringAttribute(f, "scenario_name", meta.scenario_name);
    writeStringAttribute(f, "scenario_text", meta.scenario_text);
    writeStringAttribute(f, "scenario_path", meta.scenario_path);
    if (!meta.network_path.empty()) {
        writeStringAttribute(f, "network_path", meta.network_path);
        writeStringAttribute(f, "network_hash", meta.network_hash);
    }
    writeStringAttribute(f, "parameters", meta.parameters_json);
    u64Attr(f, "seed", meta.seed);
    writeStringAttribute(f, "design", meta.design);
    u64Attr(f, "design_seed", meta.design_seed);
    u64Attr(f, "points_total", meta.points_total);
    u32Attr(f, "replicates", meta.replicates);
    u32Attr(f, "steps", meta.steps);
    u32Attr(f, "record_every", meta.record_every);
    writeStringAttribute(f, "start_month", meta.start_month);
    u32Attr(f, "shard_index", meta.shard_index);
    u32Attr(f, "shard_count", meta.shard_count);
    u64Attr(f, "point_first", meta.point_first);
    u64Attr(f, "point_count", meta.point_count);
    writeStringAttribute(f, "regsim_version", meta.version);
    writeStringAttribute(f, "git_commit", meta.git_commit);
    writeStringAttribute(f, "command_line", meta.command_line);
    writeStringAttribute(f, "working_directory", meta.working_directory);
    writeStringAttribute(f, "started_at", meta.started_at);
    check(H5Fflush(f, H5F_SCOPE_GLOBAL), "cannot flush " + part);
}

// Every object and attribute of the .part exists (but finish()'s last two): from here HDF5 keeps
// the file on disk readable at every moment (hdf5_util.hpp). A virtual file (regsim merge
// --virtual) is written at once and never resumed: it stays an ordinary writer.
void SweepWriter::Impl::startSwmr(bool resumed) {
    if (!meta.virtual_sources.empty()) return;
    if (resumed && H5Fstart_swmr_write(file.get()) < 0) {
        // A .part of an older regsim (HDF5 1.8 format, v1 B-tree chunk indexes) cannot be
        // written in SWMR mode: it goes on as it was started, crash safe between flushes only.
        H5Eclear2(H5E_DEFAULT);
        return;
    }
    if (!resumed) hdf5::startSwmrWrite(file.get(), part);
}

void SweepWriter::Impl::open() {
    hdf5::silenceErrorPrinting();
    // A killed writer's .part: its superblock still says "open for writing", and its end of
    // allocated space may lag what the kill left on disk (hdf5_util.hpp).
    const hid_t id = hdf5::reopenForWriting(part);
    if (id < 0) {
        throw SweepPartUnreadable("cannot open " + part + " to resume it (" + hdf5::lastError() +
                                  ")");
    }
    file = hdf5::File(id, "H5Fopen");
    const hid_t f = file.get();
    checkSameSweep(f, part, meta);
    for (auto& v : vars) {
        v.ds = hdf5::Dataset(H5Dopen2(f, v.name.c_str(), H5P_DEFAULT),
                             "cannot open " + v.name + " in " + part);
        if (product(v.dims) > 0) {
            const hdf5::PropertyList dcpl(H5Dget_create_plist(v.ds.get()), "H5Dget_create_plist");
            Dims c(v.dims.size());
            if (H5Pget_chunk(dcpl.get(), int(c.size()), c.data()) < 0 ||
                c != chunkShape(v, chunk_points)) {
                throw SweepFileMismatch(part + ": " + v.name +
                                        " has another chunk layout; use --force to start over");
            }
        }
    }
    run_done = hdf5::Dataset(H5Dopen2(f, "run_done", H5P_DEFAULT), "cannot open run_done");
    if (P * R > 0) {
        check(H5Dread(run_done.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done.data()),
              "cannot read run_done");
    }
    done_count = 0;
    for (auto d : done) done_count += d == 1;
}

void SweepWriter::Impl::writeBlock() {
    const hsize_t first = blockFirst(block), n = blockCount(block);
    hsize_t chunks = 0;
    for (std::size_t k = 0; k < vars.size(); ++k) {
        Variable& v = vars[k];
        if (v.direct) {
            submitChunks(k);
            chunks += v.cells_per_block;
        } else {
            writeRows(v.ds.get(), v.mem_type, v.dims, first, n, v.buffer.data(), v.name);
        }
    }
    encoding.emplace_back(block, chunks);
    block = ~hsize_t{0};
    block_received = 0;
    settle();
    writeCompressed();
}

// Cuts the block in v.buffer into its chunks (fill values outside the dataset's extent, as in
// an edge chunk HDF5 writes) and submits them. A block that is one chunk hands its buffer over.
void SweepWriter::Impl::submitChunks(std::size_t var) {
    Variable& v = vars[var];
    const hsize_t n = blockCount(block);
    const std::size_t rank = v.dims.size();
    // The block's shape: its points, then the dataset's other axes.
    Dims shape = v.dims;
    shape[0] = n;
    for (hsize_t cell = 0; cell < v.cells_per_block; ++cell) {
        ChunkCompressor::Job job;
        job.element = v.element;
        job.tag = var;
        job.index = block * v.cells_per_block + cell;
        if (v.cells_per_block == 1) {
            job.raw = std::move(v.buffer);
            const std::size_t used = job.raw.size();
            job.raw.resize(v.chunk_bytes);
            fillWithElement(job.raw.data() + used, v.chunk_bytes - used, v.fill_bytes);
        } else {
            if (!v.spare.empty()) {
                job.raw = std::move(v.spare.back());
                v.spare.pop_back();
            }
            job.raw.resize(v.chunk_bytes);
            // The cell's start along each axis, and its extent inside the block.
            Dims start(rank, 0), extent(rank, 0);
            bool partial = false;
            for (std::size_t k = rank, rest = std::size_t(cell); k-- > 0;) {
                start[k] = (rest % v.cells[k]) * v.chunk[k];
                rest /= std::size_t(v.cells[k]);
                extent[k] = std::min(v.chunk[k], shape[k] - start[k]);
                partial = partial || extent[k] != v.chunk[k];
            }
            if (partial) fillWithElement(job.raw.data(), v.chunk_bytes, v.fill_bytes);
            // Copy rows along the last axis: for each index of the leading axes in the cell.
            const std::size_t row = std::size_t(extent[rank - 1]) * v.element;
            Dims at(rank, 0);  // offsets inside the cell
            const hsize_t rows = product(extent) / extent[rank - 1];
            for (hsize_t r = 0; r < rows; ++r) {
                hsize_t src = 0, dst = 0;
                for (std::size_t k = 0; k < rank; ++k) {
                    src = src * shape[k] + start[k] + at[k];
                    dst = dst * v.chunk[k] + at[k];
                }
                std::memcpy(job.raw.data() + dst * v.element, v.buffer.data() + src * v.element,
                            row);
                for (std::size_t k = rank - 1; k-- > 0;) {  // next index, last axis fixed at 0
                    if (++at[k] < extent[k]) break;
                    at[k] = 0;
                }
            }
        }
        while (compressor->pending() >= max_in_flight) writeEncoded(compressor->next());
        compressor->submit(std::move(job));
    }
}

void SweepWriter::Impl::writeEncoded(ChunkCompressor::Job&& job) {
    Variable& v = vars[std::size_t(job.tag)];
    const hsize_t b = job.index / v.cells_per_block;
    hsize_t cell = job.index % v.cells_per_block;
    Dims offset(v.dims.size(), 0);
    for (std::size_t k = v.dims.size(); k-- > 1;) {
        offset[k] = (cell % v.cells[k]) * v.chunk[k];
        cell /= v.cells[k];
    }
    offset[0] = blockFirst(b);
    check(H5Dwrite_chunk(v.ds.get(), H5P_DEFAULT, 0, offset.data(), job.encoded.size(),
                         job.encoded.data()),
          "cannot write " + v.name);
    v.spare.push_back(std::move(job.raw));
    compressor->recycle(std::move(job.encoded));
    // Jobs come back in submission order, so they belong to the oldest block in `encoding`.
    if (encoding.empty() || encoding.front().first != b || encoding.front().second == 0) {
        throw std::logic_error("SweepWriter: chunk of block " + std::to_string(b) +
                               " came back out of order");
    }
    --encoding.front().second;
    settle();
}

// Blocks whose chunks are all in the file (the oldest ones in `encoding`) are flagged done at
// the next flush.
void SweepWriter::Impl::settle() {
    if (encoding.empty() || encoding.front().second != 0) return;
    while (!encoding.empty() && encoding.front().second == 0) {
        unflagged_blocks.push_back(encoding.front().first);
        encoding.pop_front();
    }
    const double since =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - last_flush).count();
    if (since >= meta.flush_interval_seconds) flagWritten();
}

void SweepWriter::Impl::writeCompressed() {
    while (compressor->ready()) writeEncoded(compressor->next());
}

void SweepWriter::Impl::drain() {
    while (compressor->pending() > 0) writeEncoded(compressor->next());
}

// Data first, then run_done: each reaches the file with its own flush.
void SweepWriter::Impl::flagWritten() {
    if (!unflagged_blocks.empty()) {
        check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "cannot flush " + part);
        for (hsize_t b : unflagged_blocks) {
            const hsize_t first = blockFirst(b), n = blockCount(b);
            std::fill(done.begin() + long(first * R), done.begin() + long((first + n) * R), 1);
            writeRows(run_done.get(), H5T_NATIVE_UINT8, {P, R}, first, n, done.data() + first * R,
                      "run_done");
            done_count += n * R;
        }
        unflagged_blocks.clear();
    }
    check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "cannot flush " + part);
    last_flush = std::chrono::steady_clock::now();
}

SweepWriter::SweepWriter(const std::string& path, const SweepMetadata& metadata, bool resume)
    : impl_(std::make_unique<Impl>()) {
    Impl& w = *impl_;
    w.path = path;
    w.part = path + ".part";
    w.meta = metadata;
    w.P = metadata.point_count;
    w.R = metadata.replicates;
    if (metadata.point_values.size() != w.P) {
        throw std::invalid_argument("SweepWriter: point_values has " +
                                    std::to_string(metadata.point_values.size()) + " rows, not " +
                                    std::to_string(w.P));
    }
    w.done.assign(w.P * w.R, 0);
    w.defineVariables();
    w.prepareDirect(metadata.compression_threads);
    if (resume) {
        w.open();
    } else {
        w.create();
    }
    w.startSwmr(resume);
    if (!resume) hdf5::publishPart(w.part);
    if (!metadata.virtual_sources.empty()) {
        std::fill(w.done.begin(), w.done.end(), 1);
        if (w.P * w.R > 0) {
            check(H5Dwrite(w.run_done.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                           w.done.data()),
                  "cannot write run_done");
        }
        w.done_count = w.P * w.R;
    }
}

SweepWriter::~SweepWriter() {
    if (impl_ && !impl_->closed && impl_->file) {
        try {
            impl_->drain();  // the complete blocks reach the file, then run_done
            impl_->flagWritten();
        } catch (...) {
        }
    }
}

std::uint64_t SweepWriter::chunkPoints() const { return impl_->chunk_points; }
double SweepWriter::compressionSeconds() const { return impl_->compressor->seconds(); }
std::uint64_t SweepWriter::totalRuns() const { return impl_->P * impl_->R; }
std::uint64_t SweepWriter::doneRuns() const {
    std::uint64_t n = impl_->done_count;
    for (auto b : impl_->unflagged_blocks) n += impl_->blockCount(b) * impl_->R;
    for (const auto& e : impl_->encoding) n += impl_->blockCount(e.first) * impl_->R;
    return n + impl_->block_received;
}

std::vector<std::uint64_t> SweepWriter::pendingRuns() const {
    const Impl& w = *impl_;
    std::vector<std::uint64_t> runs;
    if (w.R == 0) return runs;
    const hsize_t blocks = (w.P + w.chunk_points - 1) / w.chunk_points;
    for (hsize_t b = 0; b < blocks; ++b) {
        const hsize_t first = w.blockFirst(b) * w.R,
                      end = (w.blockFirst(b) + w.blockCount(b)) * w.R;
        const bool complete = std::all_of(w.done.begin() + long(first), w.done.begin() + long(end),
                                          [](std::uint8_t d) { return d == 1; });
        if (!complete)
            for (hsize_t r = first; r < end; ++r) runs.push_back(r);
    }
    return runs;
}

void SweepWriter::write(std::uint64_t run, const RunResult& result) {
    Impl& w = *impl_;
    if (w.closed) throw std::logic_error("SweepWriter::write after finish");
    if (!w.meta.virtual_sources.empty()) throw std::logic_error("SweepWriter: virtual file");
    const hsize_t p = run / w.R, r = run % w.R;
    if (p >= w.P) throw std::runtime_error("run " + std::to_string(run) + " is outside the file");
    const hsize_t b = p / w.chunk_points;
    if (b != w.block) {
        if (w.block != ~hsize_t{0}) {
            throw std::logic_error("SweepWriter: run " + std::to_string(run) +
                                   " arrived before block " + std::to_string(w.block) +
                                   " was complete");
        }
        w.block = b;
        w.block_received = 0;
        // Every byte is overwritten by the block's runs (resize keeps a reused buffer's bytes).
        for (auto& v : w.vars) {
            if (v.buffer.empty() && !v.spare.empty()) {  // handed to the compressor with a block
                v.buffer = std::move(v.spare.back());
                v.spare.pop_back();
            }
            v.buffer.resize(w.blockCount(b) * w.R * v.perRun() * v.element);
        }
    }
    const hsize_t slot = (p - w.blockFirst(b)) * w.R + r;
    for (auto& v : w.vars) {
        const auto [data, size] = v.values(result);
        if (size != v.perRun()) {
            throw std::runtime_error("run " + std::to_string(run) + ": " + v.name + " has " +
                                     std::to_string(size) + " values, expected " +
                                     std::to_string(v.perRun()));
        }
        if (size > 0)  // a variable with no values per run (no institution): an empty buffer
            std::memcpy(v.buffer.data() + slot * v.perRun() * v.element, data, size * v.element);
    }
    if (++w.block_received == w.blockCount(b) * w.R) w.writeBlock();
}

void SweepWriter::finish() {
    Impl& w = *impl_;
    if (w.closed) throw std::logic_error("SweepWriter::finish called twice");
    w.drain();
    w.flagWritten();
    if (w.done_count != w.P * w.R) {
        throw std::runtime_error(w.part + ": only " + std::to_string(w.done_count) + " of " +
                                 std::to_string(w.P * w.R) +
                                 " runs were written; the file is not complete");
    }
    // Still in SWMR mode (hdf5_util.hpp, startSwmrWrite: why these two are created in it).
    const hid_t f = w.file.get();
    writeStringAttribute(f, "finished_at", utcNow());
    check(H5Fflush(f, H5F_SCOPE_GLOBAL), "cannot flush " + w.part);
    const std::int32_t complete = 1;  // last: its presence means every write before it landed
    writeNumberAttribute(f, "complete", H5T_STD_I32LE, H5T_NATIVE_INT32, &complete);
    for (auto& v : w.vars) v.ds.reset();
    w.run_done.reset();
    w.coords.clear();
    w.closed = true;
    w.file.close("cannot close " + w.part);
    std::error_code ec;
    std::filesystem::rename(w.part, w.path, ec);
    if (ec)
        throw std::runtime_error("cannot rename " + w.part + " to " + w.path + ": " + ec.message());
}

void checkFinishedSweep(const std::string& path, const SweepMetadata& meta) {
    hdf5::silenceErrorPrinting();
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0) throw SweepFileMismatch(path + " is not an HDF5 file: use --force to overwrite it");
    const hdf5::File file(id, "H5Fopen");
    if (hdf5::readStringAttribute(file.get(), "sweep_hash").empty())
        throw SweepFileMismatch(path + " is not a sweep file: use --force to overwrite it");
    checkSameSweep(file.get(), path, meta);
}

}  // namespace regsim
