#include "output/hdf5_run_writer.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "output/chunk_codec.hpp"
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

constexpr hsize_t kChunkBytes = hsize_t{1} << 20;  // docs/output.md: chunks up to about 1 MiB
constexpr hsize_t kEventChunk = 4096;              // events per chunk of the event table
constexpr unsigned kDeflateLevel = 1;

// netCDF-4's name for a dimension scale that is not a variable: xarray then shows the
// dimension without coordinate values (notes/hdf5-xarray.md).
constexpr const char* kNotAVariable = "This is a netCDF dimension but not a netCDF variable.";

std::string joinNames(const char* (*name)(int), int count) {
    std::string out;
    for (int k = 0; k < count; ++k) {
        if (k > 0) out += ' ';
        out += name(k);
    }
    return out;
}

std::vector<std::uint8_t> flagValues(int count) {
    std::vector<std::uint8_t> values(static_cast<std::size_t>(count));
    for (int k = 0; k < count; ++k)
        values[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(k);
    return values;
}

std::int32_t indexOrNone(std::uint32_t index) {
    return index == kNone ? -1 : static_cast<std::int32_t>(index);
}

// --- attributes ----------------------------------------------------------------------------

void writeFlags(hid_t object, int count, const std::string& meanings) {
    const auto values = flagValues(count);
    writeNumberAttribute(object, "flag_values", H5T_STD_U8LE, H5T_NATIVE_UINT8, values.data(),
                         values.size());
    writeStringAttribute(object, "flag_meanings", meanings);
}

// --- datasets ------------------------------------------------------------------------------

// The non-replicate axes whole, halved from the left until one replicate's slice fits
// kChunkBytes; then as many replicates per chunk as fit. `chunk` receives the chunk shape
// (empty when the dataset is contiguous). Empty extents cannot be chunked: those datasets
// stay contiguous.
hdf5::Dataset createGrid(hid_t file, const std::string& name, hid_t file_type, const Dims& dims,
                         hid_t fill_type, const void* fill, Dims& chunk_out) {
    const std::string what = "cannot create dataset " + name;
    const hdf5::Dataspace space(
        H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), what);
    auto dcpl = hdf5::trackedCreationOrder(H5P_DATASET_CREATE);
    check(H5Pset_fill_value(dcpl.get(), fill_type, fill), what);
    if (product(dims) > 0) {
        Dims chunk = dims;
        chunk[0] = 1;
        const hsize_t element = H5Tget_size(file_type);
        for (std::size_t k = 1; k < chunk.size(); ++k) {
            while (chunk[k] > 1 && element * product(chunk) > kChunkBytes) {
                chunk[k] = (chunk[k] + 1) / 2;
            }
        }
        chunk[0] = std::clamp<hsize_t>(kChunkBytes / (element * product(chunk)), 1, dims[0]);
        check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), what);
        check(H5Pset_shuffle(dcpl.get()), what);
        check(H5Pset_deflate(dcpl.get(), kDeflateLevel), what);
        chunk_out = chunk;
    } else {
        chunk_out.clear();
    }
    hdf5::PropertyList dapl(H5Pcreate(H5P_DATASET_ACCESS), "H5Pcreate");
    check(H5Pset_chunk_cache(dapl.get(), 12421, 4 * kChunkBytes, 1.0), what);
    return hdf5::Dataset(
        H5Dcreate2(file, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), dapl.get()),
        what);
}

// 1-D, empty, extendible (the event table and its dimension).
hdf5::Dataset createColumn(hid_t file, const std::string& name, hid_t file_type, hid_t fill_type,
                           const void* fill, bool compress = true) {
    const std::string what = "cannot create dataset " + name;
    const hsize_t size = 0;
    const hsize_t max_size = H5S_UNLIMITED;
    const hdf5::Dataspace space(H5Screate_simple(1, &size, &max_size), what);
    auto dcpl = hdf5::trackedCreationOrder(H5P_DATASET_CREATE);
    check(H5Pset_chunk(dcpl.get(), 1, &kEventChunk), what);
    if (fill != nullptr) check(H5Pset_fill_value(dcpl.get(), fill_type, fill), what);
    if (compress) {
        check(H5Pset_shuffle(dcpl.get()), what);
        check(H5Pset_deflate(dcpl.get(), kDeflateLevel), what);
    }
    return hdf5::Dataset(H5Dcreate2(file, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                    dcpl.get(), H5P_DEFAULT),
                         what);
}

// Writes `data` (row-major, the whole of every axis but the first) as slab `first` of `ds`.
void writeSlab(hid_t ds, hid_t mem_type, const Dims& dims, hsize_t first, const void* data,
               const std::string& name) {
    const hsize_t elements = product(dims, 1);
    if (elements == 0) return;
    const std::string what = "cannot write " + name;
    const hdf5::Dataspace file_space(H5Dget_space(ds), what);
    Dims start(dims.size(), 0);
    Dims count = dims;
    start[0] = first;
    count[0] = 1;
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr),
          what);
    // Memory space of the same shape as the selection: HDF5 then copies whole rows instead
    // of iterating element by element (a 1-D memory space cost 10x in the write path).
    const hdf5::Dataspace mem_space(
        H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), what);
    check(H5Dwrite(ds, mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, data), what);
}

// Grows (never shrinks) the 1-D `ds` to `size` elements.
void growColumn(hid_t ds, hsize_t size, const std::string& name) {
    check(H5Dset_extent(ds, &size), "cannot append to " + name);
}

// `value` as the file's little-endian bytes at `out`.
template <class T>
void storeLittleEndian(std::uint8_t* out, T value) {
    std::memcpy(out, &value, sizeof value);
    if constexpr (std::endian::native != std::endian::little) std::reverse(out, out + sizeof value);
}

template <class T>
void checkSize(const std::vector<T>& v, hsize_t expected, const char* field, std::uint32_t r) {
    if (v.size() != expected) {
        throw std::runtime_error("replicate " + std::to_string(r) + ": " + field + " has " +
                                 std::to_string(v.size()) + " values, expected " +
                                 std::to_string(expected));
    }
}

}  // namespace

// One data variable of the file: its handle, shape and name, and for a grid whose chunks hold
// whole replicates, the chunks being filled. Such a chunk is assembled here from the
// replicates' slices, compressed by ChunkCodec (shuffle + deflate, as the dataset's filters
// say) on the ChunkCompressor's helper threads, and written once with H5Dwrite_chunk: no
// hyperslab, chunk cache or filter pipeline per replicate.
struct Variable {
    hdf5::Dataset ds;
    Dims dims;
    std::string name;

    bool direct = false;      // chunks assembled here (else one H5Dwrite per replicate)
    std::size_t element = 0;  // bytes per element (file type = native type, little-endian)
    std::size_t slice = 0;    // bytes of one replicate
    hsize_t per_chunk = 0;    // replicates per chunk
    std::size_t chunk_bytes = 0;
    std::vector<std::uint8_t> fill;  // one element of the fill value
    struct Open {
        std::vector<std::uint8_t> raw;  // the chunk, fill value where no replicate is yet
        hsize_t filled = 0;             // replicates copied in
        bool on_disk = false;           // a partial version was written by a flush
    };
    std::map<hsize_t, Open> open;                  // by chunk index
    std::vector<std::vector<std::uint8_t>> spare;  // buffers of finished chunks, for reuse
};

// One column of the event table. Its chunks of kEventChunk events are assembled here (in
// `tail`, zero beyond the events copied in) and, once full, encoded on the ChunkCompressor like
// the grids' chunks; but every event chunk is written only at a flush, so that events reach
// the file with their replicates: full chunks wait encoded until then, and the last, partly
// filled chunk is encoded at each flush and written whole (the `event` extent covering only
// its events), again by every later flush until it fills.
struct EventColumn {
    hdf5::Dataset ds;
    std::string name;
    std::size_t element = 0;                       // bytes per value
    std::vector<std::uint8_t> tail;                // the chunk being filled
    std::vector<std::vector<std::uint8_t>> spare;  // buffers of submitted chunks, for reuse
};

struct Hdf5RunWriter::Impl {
    std::string path;
    std::string part_path;
    hsize_t replicates = 0, times = 0, states = 0, institutions = 0, axes = 0;
    bool trajectories = true;

    hdf5::File file;  // first member: destroyed last
    Variable sovereignty, alignment, regime, status;
    Variable announce_step, exit_step, final_status, dissolve_step, found_step, cascade_size;
    hdf5::Dataset event_dim;
    std::array<EventColumn, 8> event_columns;  // in the order of `columns` in create()
    hsize_t events = 0;                        // events copied into chunks
    hsize_t events_in_file = 0;                // the extent of `event`: events written by flushes
    std::vector<ChunkCompressor::Job> event_chunks;  // encoded full chunks, for the next flush
    std::array<std::vector<std::uint8_t>, 8> event_partial;  // encodings of the columns' tails
    // Job::tag of event column c: kEventTag | c (grids: their index, | kReplaces).
    static constexpr std::uint64_t kEventTag = std::uint64_t{1} << 33;

    std::vector<bool> written;
    std::uint32_t written_count = 0;
    bool closed = false;

    double flush_interval = 5.0;
    std::chrono::steady_clock::time_point last_flush = std::chrono::steady_clock::now();

    ChunkCodec codec{static_cast<int>(kDeflateLevel)};  // for partly filled chunks (flushes)
    std::vector<std::vector<std::uint8_t>> partial;     // their encodings, capacity reused
    std::unique_ptr<ChunkCompressor> compressor;        // full chunks
    // Raw bytes of the chunks submitted and not yet back, and their bound: a number of the
    // largest chunks, since the event table's chunks (4 to 32 KiB) are much smaller.
    std::size_t in_flight_bytes = 0;
    std::size_t max_in_flight_bytes = kChunkBytes;
    // Encoded full chunks that replace a partial version a flush wrote: held until the next
    // flush (see writeEncoded).
    std::vector<ChunkCompressor::Job> deferred;
    // cascade_size is the marker of flushed replicates (docs/output.md): its chunks, full
    // (held here) or partly filled, are written only by a flush, once everything else it
    // flushes is on disk (flush()).
    std::vector<ChunkCompressor::Job> marker;
    std::vector<std::uint8_t> marker_partial;
    static constexpr std::uint64_t kReplaces = std::uint64_t{1} << 32;  // in Job::tag

    std::array<Variable*, 10> grids() {
        return {&sovereignty, &alignment,    &regime,        &status,     &announce_step,
                &exit_step,   &final_status, &dissolve_step, &found_step, &cascade_size};
    }
    void create(const RunMetadata& metadata);
    void stage(Variable& v, hid_t mem_type, hsize_t r, const void* data);
    void submit(ChunkCompressor::Job&& job);
    void writeEncoded(ChunkCompressor::Job&& job);
    void writeCompressed();  // those already encoded
    void drain();            // every one submitted
    void writeAt(Variable& v, hsize_t index, const std::vector<std::uint8_t>& encoded);
    void writeOpenChunks();  // all but the marker's
    void writeMarker();
    void newEventChunk(EventColumn& c);
    void appendEvents(std::uint32_t r, const EventLog& list);
    bool encodeEventTail();  // false: no partly filled event chunk
    void writeEvents(bool tail_encoded);
    void flush();
    void closeAll();
};

namespace {

struct ColumnSpec {
    const char* name;
    hid_t file_type;
    const char* long_name;
};

}  // namespace

void Hdf5RunWriter::Impl::create(const RunMetadata& m) {
    const Scenario& sc = *m.scenario;
    const auto steps = recordedSteps(m.steps, m.record.every);
    replicates = m.replicates;
    times = steps.size();
    states = sc.states.size();
    institutions = sc.institutions.size();
    axes = sc.axes.size();
    trajectories = m.record.trajectories;
    written.assign(m.replicates, false);

    hdf5::silenceErrorPrinting();
    const auto fcpl = hdf5::outputFileCreation();
    const auto fapl = hdf5::outputFileAccess();
    file = hdf5::File(
        H5Fcreate(hdf5::creatingName(part_path).c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()),
        "cannot create output file " + part_path);
    const hid_t f = file.get();

    // Coordinates and dimension scales.
    std::vector<std::int32_t> replicate_values(replicates);
    for (hsize_t r = 0; r < replicates; ++r) replicate_values[r] = static_cast<std::int32_t>(r);
    std::vector<std::int32_t> time_values(steps.begin(), steps.end());
    std::vector<std::string> months, inst_ids, inst_names, patron_ids;
    for (auto t : steps) months.push_back(sc.calendarMonth(t));
    for (const auto& i : sc.institutions) {
        inst_ids.push_back(i.id);
        inst_names.push_back(i.name);
    }
    for (const auto& p : sc.patrons) patron_ids.push_back(p.id);

    const auto replicate_ds = createCoordinate(f, "replicate", H5T_STD_I32LE, H5T_NATIVE_INT32,
                                               replicates, replicate_values.data());
    const auto time_ds =
        createCoordinate(f, "time", H5T_STD_I32LE, H5T_NATIVE_INT32, times, time_values.data());
    // State ids and names block by block: 1e7 generated states are never 2e7 strings at once.
    const auto state_ds = createStringCoordinate(
        f, "state", states, [&](hsize_t i) { return sc.states.id(StateIndex(i)); });
    const auto institution_ds = createStringCoordinate(f, "institution", inst_ids);
    const auto axis_ds = createStringCoordinate(f, "axis", sc.axes);
    hdf5::Dataset patron_ds;
    if (!patron_ids.empty()) patron_ds = createStringCoordinate(f, "patron", patron_ids);
    event_dim = createColumn(f, "event", H5T_IEEE_F32LE, H5T_NATIVE_INT32, nullptr, false);

    makeScale(replicate_ds.get(), "replicate", 0);
    makeScale(time_ds.get(), "time", 1);
    makeScale(state_ds.get(), "state", 2);
    makeScale(institution_ds.get(), "institution", 3);
    makeScale(axis_ds.get(), "axis", 4);
    char event_scale_name[96];
    std::snprintf(event_scale_name, sizeof event_scale_name, "%s%10d", kNotAVariable, 0);
    makeScale(event_dim.get(), event_scale_name, 5);
    if (patron_ds) makeScale(patron_ds.get(), "patron", 6);

    // Auxiliary coordinates (xarray finds them through the `coordinates` attributes).
    const auto month_ds = createStringCoordinate(f, "month", months);
    const auto state_name_ds = createStringCoordinate(
        f, "state_name", states, [&](hsize_t i) { return sc.states.name(StateIndex(i)); });
    const auto inst_name_ds = createStringCoordinate(f, "institution_name", inst_names);
    attachScales(month_ds.get(), {time_ds.get()}, "month");
    attachScales(state_name_ds.get(), {state_ds.get()}, "state_name");
    attachScales(inst_name_ds.get(), {institution_ds.get()}, "institution_name");
    writeStringAttribute(month_ds.get(), "long_name", "calendar month of the step (YYYY-MM)");
    writeStringAttribute(state_name_ds.get(), "long_name", "state name");
    writeStringAttribute(inst_name_ds.get(), "long_name", "institution name");
    writeStringAttribute(time_ds.get(), "long_name", "step (months since the scenario start)");
    hdf5::writeUnits(time_ds.get(), "time");
    writeStringAttribute(replicate_ds.get(), "long_name", "replicate index");

    const hid_t R = replicate_ds.get(), T = time_ds.get(), S = state_ds.get(),
                I = institution_ds.get(), A = axis_ds.get();
    const auto make = [&](Variable& v, const char* name, hid_t type, const Dims& dims,
                          const std::vector<hid_t>& scales, hid_t fill_type, const void* fill,
                          const char* long_name, const char* coordinates) {
        v.name = name;
        v.dims = dims;
        Dims chunk;
        v.ds = createGrid(f, name, type, dims, fill_type, fill, chunk);
        // Chunks of whole replicates are assembled in memory; the native types are the file's
        // little-endian types, so the bytes go to the file unconverted.
        v.element = H5Tget_size(type);
        v.direct = std::endian::native == std::endian::little && !chunk.empty() &&
                   std::equal(chunk.begin() + 1, chunk.end(), dims.begin() + 1);
        if (v.direct) {
            v.slice = static_cast<std::size_t>(product(dims, 1)) * v.element;
            v.per_chunk = chunk[0];
            v.chunk_bytes = static_cast<std::size_t>(product(chunk)) * v.element;
            const auto* bytes = static_cast<const std::uint8_t*>(fill);
            v.fill.assign(bytes, bytes + v.element);
        }
        attachScales(v.ds.get(), scales, name);
        writeStringAttribute(v.ds.get(), "long_name", long_name);
        hdf5::writeUnits(v.ds.get(), name);
        if (coordinates[0] != '\0') writeStringAttribute(v.ds.get(), "coordinates", coordinates);
    };
    const std::string status_meanings = "none member suspended withdrawing withdrawn";
    if (trajectories) {
        make(sovereignty, "sovereignty", H5T_IEEE_F64LE, {replicates, times, states}, {R, T, S},
             H5T_NATIVE_DOUBLE, &kFillFloat, "sovereignty s_i(t) in [0,1]", "month state_name");
        make(alignment, "alignment", H5T_IEEE_F64LE, {replicates, times, states, axes},
             {R, T, S, A}, H5T_NATIVE_DOUBLE, &kFillFloat, "alignment a_i(t) in [-1,1]",
             "month state_name");
        make(regime, "regime", H5T_STD_U8LE, {replicates, times, states}, {R, T, S},
             H5T_NATIVE_UINT8, &kFillFlag, "regime", "month state_name");
        writeFlags(regime.ds.get(), 2, "civilian military");
        make(status, "status", H5T_STD_U8LE, {replicates, times, states, institutions},
             {R, T, S, I}, H5T_NATIVE_UINT8, &kFillFlag, "membership status",
             "month state_name institution_name");
        writeFlags(status.ds.get(), 5, status_meanings);
    }
    const Dims rsi{replicates, states, institutions};
    const Dims ri{replicates, institutions};
    make(announce_step, "announce_step", H5T_STD_I32LE, rsi, {R, S, I}, H5T_NATIVE_INT32, &kFillInt,
         "step of the first withdrawal announcement, -1 never", "state_name institution_name");
    make(exit_step, "exit_step", H5T_STD_I32LE, rsi, {R, S, I}, H5T_NATIVE_INT32, &kFillInt,
         "step an exit by decision or force took effect, -1 never (dissolution: dissolve_step)",
         "state_name institution_name");
    make(final_status, "final_status", H5T_STD_U8LE, rsi, {R, S, I}, H5T_NATIVE_UINT8, &kFillFlag,
         "membership status at the last step", "state_name institution_name");
    writeFlags(final_status.ds.get(), 5, status_meanings);
    make(dissolve_step, "dissolve_step", H5T_STD_I32LE, ri, {R, I}, H5T_NATIVE_INT32, &kFillInt,
         "step of dissolution, -1 never", "institution_name");
    make(found_step, "found_step", H5T_STD_I32LE, ri, {R, I}, H5T_NATIVE_INT32, &kFillInt,
         "0 active from the start, step of founding, -1 never", "institution_name");
    make(cascade_size, "cascade_size", H5T_STD_I32LE, ri, {R, I}, H5T_NATIVE_INT32, &kFillInt,
         "states whose exit by decision or force took effect by the end", "institution_name");

    // Event table: one extendible column per field on the `event` dimension.
    static const std::array<ColumnSpec, 8> columns{{
        {"event_replicate", H5T_STD_I32LE, "replicate"},
        {"event_step", H5T_STD_I32LE, "step at which the event took effect"},
        {"event_kind", H5T_STD_U8LE, "event kind"},
        {"event_cause", H5T_STD_U8LE, "mechanism that caused the event"},
        {"event_state", H5T_STD_I32LE, "index into state, -1 none"},
        {"event_institution", H5T_STD_I32LE, "index into institution, -1 none"},
        {"event_patron", H5T_STD_I32LE, "index into patron, -1 none"},
        {"event_value", H5T_IEEE_F64LE, "kind-specific value"},
    }};
    for (std::size_t c = 0; c < columns.size(); ++c) {
        auto& v = event_columns[c];
        v.name = columns[c].name;
        v.element = H5Tget_size(columns[c].file_type);
        newEventChunk(v);
        v.ds = createColumn(f, v.name, columns[c].file_type, H5T_NATIVE_INT32, nullptr);
        attachScales(v.ds.get(), {event_dim.get()}, v.name);
        writeStringAttribute(v.ds.get(), "long_name", columns[c].long_name);
        hdf5::writeUnits(v.ds.get(), v.name);
    }
    writeFlags(
        event_columns[2].ds.get(), kEventKindCount,
        joinNames([](int k) { return eventKindName(static_cast<EventKind>(k)); }, kEventKindCount));
    writeFlags(event_columns[3].ds.get(), kEventCauseCount,
               joinNames([](int k) { return eventCauseName(static_cast<EventCause>(k)); },
                         kEventCauseCount));

    // Provenance (root attributes); finished_at and complete come with finish().
    const std::uint32_t every = m.record.every == 0 ? 1 : m.record.every;
    writeStringAttribute(f, "scenario_name", sc.name);
    writeStringAttribute(f, "scenario_path", sc.source.path);
    writeStringAttribute(f, "scenario_text", sc.source.text);
    if (!sc.source.network_path.empty()) {  // a network file: needed to re-run, and which one
        writeStringAttribute(f, "network_path", sc.source.network_path);
        writeStringAttribute(f, "network_hash", sc.source.network_hash);
    }
    writeStringAttribute(f, "parameters", m.parameters_json);
    writeNumberAttribute(f, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &m.seed);
    writeNumberAttribute(f, "replicates", H5T_STD_U32LE, H5T_NATIVE_UINT32, &m.replicates);
    writeNumberAttribute(f, "steps", H5T_STD_U32LE, H5T_NATIVE_UINT32, &m.steps);
    writeStringAttribute(f, "start_month", sc.calendarMonth(0));
    writeNumberAttribute(f, "record_every", H5T_STD_U32LE, H5T_NATIVE_UINT32, &every);
    writeStringAttribute(f, "regsim_version", m.version);
    writeStringAttribute(f, "git_commit", m.git_commit);
    writeStringAttribute(f, "command_line", m.command_line);
    writeStringAttribute(f, "working_directory", m.working_directory);
    writeStringAttribute(f, "started_at", m.started_at);
    writeStringAttribute(f, "coordinates", "month state_name institution_name");
    check(H5Fflush(f, H5F_SCOPE_GLOBAL), "cannot flush " + part_path);
    // Every object and attribute of the .part exists (but finish()'s last two): from here
    // HDF5 keeps the file on disk readable at every moment (hdf5_util.hpp).
    hdf5::startSwmrWrite(f, part_path);
    hdf5::publishPart(part_path);
}

void Hdf5RunWriter::Impl::stage(Variable& v, hid_t mem_type, hsize_t r, const void* data) {
    if (!v.direct) {
        writeSlab(v.ds.get(), mem_type, v.dims, r, data, v.name);
        return;
    }
    const hsize_t index = r / v.per_chunk;
    auto it = v.open.find(index);
    if (it == v.open.end()) {
        Variable::Open chunk;
        if (!v.spare.empty()) {
            chunk.raw = std::move(v.spare.back());
            v.spare.pop_back();
        }
        chunk.raw.resize(v.chunk_bytes);
        fillWithElement(chunk.raw.data(), v.chunk_bytes, v.fill);  // fill value everywhere
        it = v.open.emplace(index, std::move(chunk)).first;
    }
    Variable::Open& chunk = it->second;
    std::memcpy(chunk.raw.data() + (r - index * v.per_chunk) * v.slice, data, v.slice);
    const hsize_t first = index * v.per_chunk;
    const hsize_t rows = std::min(v.per_chunk, v.dims[0] - first);
    if (++chunk.filled == rows) {
        ChunkCompressor::Job job;
        job.raw = std::move(chunk.raw);
        job.element = v.element;
        const auto all = grids();
        job.tag = static_cast<std::uint64_t>(std::find(all.begin(), all.end(), &v) - all.begin());
        if (chunk.on_disk) job.tag |= kReplaces;
        job.index = index;
        v.open.erase(it);
        submit(std::move(job));
    }
}

void Hdf5RunWriter::Impl::submit(ChunkCompressor::Job&& job) {
    while (compressor->pending() > 0 && in_flight_bytes + job.raw.size() > max_in_flight_bytes) {
        writeEncoded(compressor->next());
    }
    in_flight_bytes += job.raw.size();
    compressor->submit(std::move(job));
}

// Rewriting a chunk frees its old space in the file, which HDF5 may reuse for the next chunk
// it writes; but the last flush's chunk index still points there, so a run killed before the
// next flush would leave a .part with a corrupt chunk. A chunk that a flush wrote partly is
// therefore rewritten only by the next flush, right before H5Fflush (deferred here).
void Hdf5RunWriter::Impl::writeEncoded(ChunkCompressor::Job&& job) {
    in_flight_bytes -= job.raw.size();
    if ((job.tag & kEventTag) != 0) {
        event_columns[job.tag & ~kEventTag].spare.push_back(std::move(job.raw));
        // Events reach the file at flushes only. Until then keep just the encoded bytes: the
        // codec's buffer has the raw chunk's capacity, and one run of 1e7 states logs 2e7
        // events (0.6 GB of such buffers held until the end).
        std::vector<std::uint8_t> encoded(job.encoded.begin(), job.encoded.end());
        compressor->recycle(std::move(job.encoded));
        job.encoded = std::move(encoded);
        event_chunks.push_back(std::move(job));
        return;
    }
    Variable& v = *grids()[job.tag & ~kReplaces];
    v.spare.push_back(std::move(job.raw));
    if (&v == &cascade_size) {  // the marker: written by flushes only, after the rest
        marker.push_back(std::move(job));
        return;
    }
    if ((job.tag & kReplaces) != 0) {
        deferred.push_back(std::move(job));
        return;
    }
    writeAt(v, job.index, job.encoded);
    compressor->recycle(std::move(job.encoded));
}

void Hdf5RunWriter::Impl::writeCompressed() {
    while (compressor->ready()) writeEncoded(compressor->next());
}

void Hdf5RunWriter::Impl::drain() {
    while (compressor->pending() > 0) writeEncoded(compressor->next());
}

// Writes encoded chunk `index` of `v` (replacing the one in the file, if any).
void Hdf5RunWriter::Impl::writeAt(Variable& v, hsize_t index,
                                  const std::vector<std::uint8_t>& encoded) {
    Dims offset(v.dims.size(), 0);
    offset[0] = index * v.per_chunk;
    check(H5Dwrite_chunk(v.ds.get(), H5P_DEFAULT, 0, offset.data(), encoded.size(), encoded.data()),
          "cannot write " + v.name);
}

// Before a flush: every full chunk (the deferred ones too), then the chunks still being
// filled as they are (fill values where replicates are missing), so a flushed .part holds
// every replicate written so far; then the event table (writeEvents). A chunk is either open,
// submitted or deferred, never two of them, so nothing written here is overwritten by an
// older version. The rewrites free space that the last flush's index still names, so they are
// done back to back (everything encoded first) and the caller flushes right after: a kill
// lands between them only rarely.
void Hdf5RunWriter::Impl::writeOpenChunks() {
    drain();
    std::size_t n = 0;
    for (Variable* v : grids()) {
        for (auto& [index, chunk] : v->open) {
            if (partial.size() <= n) partial.emplace_back();
            codec.encode(chunk.raw.data(), chunk.raw.size(), v->element, partial[n++]);
        }
    }
    const bool tail_encoded = encodeEventTail();
    for (auto& job : deferred) {
        writeAt(*grids()[job.tag & ~kReplaces], job.index, job.encoded);
        compressor->recycle(std::move(job.encoded));
    }
    deferred.clear();
    n = 0;
    for (Variable* v : grids()) {
        for (auto& [index, chunk] : v->open) {
            if (v != &cascade_size) writeAt(*v, index, partial[n]);
            ++n;
        }
    }
    writeEvents(tail_encoded);
}

// After writeOpenChunks and a flush: cascade_size's full chunks, then its chunks being filled
// as they are (these, like every open chunk, are held back from replacement until the next
// flush: Variable::Open::on_disk).
void Hdf5RunWriter::Impl::writeMarker() {
    for (auto& job : marker) {
        writeAt(cascade_size, job.index, job.encoded);
        compressor->recycle(std::move(job.encoded));
    }
    marker.clear();
    for (auto& [index, chunk] : cascade_size.open) {
        codec.encode(chunk.raw.data(), chunk.raw.size(), cascade_size.element, marker_partial);
        writeAt(cascade_size, index, marker_partial);
    }
    for (Variable* v : grids()) {
        for (auto& [index, chunk] : v->open) chunk.on_disk = true;
    }
}

void Hdf5RunWriter::Impl::newEventChunk(EventColumn& c) {
    if (!c.spare.empty()) {
        c.tail = std::move(c.spare.back());
        c.spare.pop_back();
    }
    c.tail.assign(static_cast<std::size_t>(kEventChunk) * c.element, 0);
}

// Copies replicate r's events into the columns' chunks; each chunk that fills goes to the
// compressor.
void Hdf5RunWriter::Impl::appendEvents(std::uint32_t r, const EventLog& list) {
    auto& c = event_columns;
    for (const EventRecord ev : list) {
        const std::size_t at = static_cast<std::size_t>(events % kEventChunk);
        storeLittleEndian(c[0].tail.data() + 4 * at, static_cast<std::int32_t>(r));
        storeLittleEndian(c[1].tail.data() + 4 * at, static_cast<std::int32_t>(ev.step));
        c[2].tail[at] = static_cast<std::uint8_t>(ev.kind);
        c[3].tail[at] = static_cast<std::uint8_t>(ev.cause);
        storeLittleEndian(c[4].tail.data() + 4 * at, indexOrNone(ev.state));
        storeLittleEndian(c[5].tail.data() + 4 * at, indexOrNone(ev.institution));
        storeLittleEndian(c[6].tail.data() + 4 * at, indexOrNone(ev.patron));
        storeLittleEndian(c[7].tail.data() + 8 * at, ev.value);
        ++events;
        if (at + 1 < kEventChunk) continue;
        for (std::size_t k = 0; k < c.size(); ++k) {
            ChunkCompressor::Job job;
            job.raw = std::move(c[k].tail);
            job.element = c[k].element;
            job.tag = kEventTag | k;
            job.index = events / kEventChunk - 1;
            newEventChunk(c[k]);
            submit(std::move(job));
        }
    }
}

bool Hdf5RunWriter::Impl::encodeEventTail() {
    if (events == events_in_file || events % kEventChunk == 0) return false;
    for (std::size_t k = 0; k < event_columns.size(); ++k) {
        const EventColumn& c = event_columns[k];
        codec.encode(c.tail.data(), c.tail.size(), c.element, event_partial[k]);
    }
    return true;
}

// At a flush (writeOpenChunks, every submitted chunk already back): the event table grows to
// every event copied in so far, and its full chunks and its partly filled last chunk (encoded
// by encodeEventTail) are written whole. A chunk that an earlier flush wrote partly is
// replaced, right before the caller's H5Fflush.
void Hdf5RunWriter::Impl::writeEvents(bool tail_encoded) {
    if (events == events_in_file) return;
    for (auto& c : event_columns) growColumn(c.ds.get(), events, c.name);
    growColumn(event_dim.get(), events, "event");
    for (auto& job : event_chunks) {
        const EventColumn& c = event_columns[job.tag & ~kEventTag];
        const hsize_t offset = job.index * kEventChunk;
        check(H5Dwrite_chunk(c.ds.get(), H5P_DEFAULT, 0, &offset, job.encoded.size(),
                             job.encoded.data()),
              "cannot write " + c.name);
    }
    event_chunks.clear();  // exact-size copies: not worth recycling
    if (tail_encoded) {
        const hsize_t offset = events / kEventChunk * kEventChunk;
        for (std::size_t k = 0; k < event_columns.size(); ++k) {
            const auto& encoded = event_partial[k];
            check(H5Dwrite_chunk(event_columns[k].ds.get(), H5P_DEFAULT, 0, &offset, encoded.size(),
                                 encoded.data()),
                  "cannot write " + event_columns[k].name);
        }
    }
    events_in_file = events;
}

// Everything written so far reaches the file: a killed run leaves a readable .part. Two
// H5Fflush calls, so that cascade_size, the marker of flushed replicates, reaches the disk
// after every other dataset and the event table: a replicate whose cascade_size is in the
// file has all of its data there, even if the kill came in the middle of this flush (SWMR
// mode orders the writes within one dataset, not across datasets; hdf5_util.hpp).
void Hdf5RunWriter::Impl::flush() {
    writeOpenChunks();
    check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "cannot flush " + part_path);
    writeMarker();
    check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "cannot flush " + part_path);
    last_flush = std::chrono::steady_clock::now();
}

void Hdf5RunWriter::Impl::closeAll() {
    for (Variable* v : {&sovereignty, &alignment, &regime, &status, &announce_step, &exit_step,
                        &final_status, &dissolve_step, &found_step, &cascade_size}) {
        v->ds.reset();
    }
    for (auto& v : event_columns) v.ds.reset();
    event_dim.reset();
}

Hdf5RunWriter::Hdf5RunWriter(const std::string& path, const RunMetadata& metadata)
    : impl_(std::make_unique<Impl>()) {
    if (metadata.scenario == nullptr) {
        throw std::invalid_argument("Hdf5RunWriter: metadata.scenario is null");
    }
    impl_->path = path;
    impl_->part_path = path + ".part";
    impl_->flush_interval = metadata.flush_interval_seconds;
    impl_->compressor = std::make_unique<ChunkCompressor>(static_cast<int>(kDeflateLevel),
                                                          metadata.compression_threads);
    impl_->max_in_flight_bytes = (2 * std::size_t{metadata.compression_threads} + 2) * kChunkBytes;
    impl_->create(metadata);
}

Hdf5RunWriter::~Hdf5RunWriter() {
    if (impl_ && !impl_->closed) {
        try {
            impl_->flush();  // keep what was computed in the .part
        } catch (...) {
        }
        impl_->closeAll();
        impl_->file.reset();  // leaves PATH.part: an incomplete file is never renamed
    }
}

void Hdf5RunWriter::write(const RunResult& result) {
    Impl& w = *impl_;
    const std::uint32_t r = result.replicate;
    if (w.closed) throw std::logic_error("Hdf5RunWriter::write after finish");
    if (r >= w.replicates) {
        throw std::runtime_error("replicate " + std::to_string(r) + " is outside the file's " +
                                 std::to_string(w.replicates) + " replicates");
    }
    if (w.written[r]) {
        throw std::runtime_error("replicate " + std::to_string(r) + " written twice");
    }
    const hsize_t si = w.states * w.institutions;
    checkSize(result.announce_step, si, "announce_step", r);
    checkSize(result.exit_step, si, "exit_step", r);
    checkSize(result.final_status, si, "final_status", r);
    checkSize(result.dissolve_step, w.institutions, "dissolve_step", r);
    checkSize(result.found_step, w.institutions, "found_step", r);
    checkSize(result.cascade_size, w.institutions, "cascade_size", r);
    if (w.trajectories) {
        const hsize_t ts = w.times * w.states;
        checkSize(result.sovereignty, ts, "sovereignty", r);
        checkSize(result.alignment, ts * w.axes, "alignment", r);
        checkSize(result.regime, ts, "regime", r);
        checkSize(result.status, ts * w.institutions, "status", r);
        const auto slab = [&](Variable& v, hid_t type, const void* data) {
            w.stage(v, type, r, data);
        };
        slab(w.sovereignty, H5T_NATIVE_DOUBLE, result.sovereignty.data());
        slab(w.alignment, H5T_NATIVE_DOUBLE, result.alignment.data());
        slab(w.regime, H5T_NATIVE_UINT8, result.regime.data());
        slab(w.status, H5T_NATIVE_UINT8, result.status.data());
    }
    const auto slab = [&](Variable& v, hid_t type, const void* data) { w.stage(v, type, r, data); };
    slab(w.announce_step, H5T_NATIVE_INT32, result.announce_step.data());
    slab(w.exit_step, H5T_NATIVE_INT32, result.exit_step.data());
    slab(w.final_status, H5T_NATIVE_UINT8, result.final_status.data());
    slab(w.dissolve_step, H5T_NATIVE_INT32, result.dissolve_step.data());
    slab(w.found_step, H5T_NATIVE_INT32, result.found_step.data());
    slab(w.cascade_size, H5T_NATIVE_INT32, result.cascade_size.data());

    w.writeCompressed();

    w.appendEvents(r, result.events);
    w.written[r] = true;
    ++w.written_count;
    // Events reach the file at flushes only, so a .part holds the events of exactly the
    // replicates it holds; a million events not yet flushed (29 MB before encoding; full
    // chunks wait encoded) bring the flush forward, so memory stays bounded.
    constexpr std::size_t kEventBatch = 1u << 20;
    const double since =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - w.last_flush).count();
    if (since >= w.flush_interval || w.events - w.events_in_file >= kEventBatch) w.flush();
}

double Hdf5RunWriter::compressionSeconds() const { return impl_->compressor->seconds(); }

void Hdf5RunWriter::finish() {
    Impl& w = *impl_;
    if (w.closed) throw std::logic_error("Hdf5RunWriter::finish called twice");
    if (w.written_count != w.replicates) {
        throw std::runtime_error(w.part_path + ": only " + std::to_string(w.written_count) +
                                 " of " + std::to_string(w.replicates) +
                                 " replicates were written; the file is not complete");
    }
    // Grids: the marker's held chunks (the others were written when their last replicate
    // came); the events since the last flush.
    w.flush();
    // Still in SWMR mode (hdf5_util.hpp, startSwmrWrite: why these two are created in it).
    const hid_t f = w.file.get();
    writeStringAttribute(f, "finished_at", utcNow());
    check(H5Fflush(f, H5F_SCOPE_GLOBAL), "cannot flush " + w.part_path);
    const std::int32_t complete = 1;  // last: its presence means every write before it landed
    writeNumberAttribute(f, "complete", H5T_STD_I32LE, H5T_NATIVE_INT32, &complete);
    w.closeAll();
    w.closed = true;
    w.file.close("cannot close " + w.part_path);
    std::error_code ec;
    std::filesystem::rename(w.part_path, w.path, ec);
    if (ec) {
        throw std::runtime_error("cannot rename " + w.part_path + " to " + w.path + ": " +
                                 ec.message());
    }
}

}  // namespace regsim
