#pragma once
// Small helpers shared by the HDF5 writers and readers of this layer (run files, sweep files,
// merge, info). Internal to sim/output: it names HDF5 types.

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "output/hdf5_handles.hpp"

namespace regsim::hdf5 {

using Dims = std::vector<hsize_t>;

// Fill values: a replicate or run that was never written (an unfinished .part) reads as these,
// which no real result uses (-1 already means "never" in the summaries).
inline constexpr double kFillFloat = std::numeric_limits<double>::quiet_NaN();
inline constexpr std::uint8_t kFillFlag = 255;
inline constexpr std::int32_t kFillInt = std::numeric_limits<std::int32_t>::min();

// Product of dims[from..].
hsize_t product(const Dims& dims, std::size_t from = 0);

// The current time as UTC ISO 8601 ("2026-11-28T10:10:32Z"), for provenance attributes.
std::string utcNow();

// A property list of class `cls` that tracks and indexes attribute creation order, as
// netCDF-4 does: h5py/h5netcdf then list attributes and variables in creation order.
PropertyList trackedCreationOrder(hid_t cls);
// File creation properties of every file regsim writes: creation order tracked, and freed
// file space never reused, so that a run or sweep killed between flushes leaves a .part whose
// last flushed chunk index names intact bytes.
PropertyList outputFileCreation();
// File access properties of every file regsim writes: the HDF5 1.10 format (superblock
// version 3, fixed and extensible array chunk indexes), which SWMR writing requires.
PropertyList outputFileAccess();

// Crash safety of a .part (docs/output.md, "A killed run's .part"). Outside SWMR mode HDF5
// writes its dirty metadata at a flush in address order and the superblock (with the end of
// allocated space, EOA) last, so a process killed inside H5Fflush can leave chunk indexes
// that name bytes past the EOA on disk ("addr overflow") or B-tree parents whose new children
// never landed. In SWMR write mode HDF5 orders those writes by flush dependencies (raw data,
// then the index entries naming it, then the dataset's object header with its extent), and a
// SWMR reader does not hold the superblock's EOA against the file: the file on disk is
// readable at every moment. SWMR mode is meant for files whose objects and attributes all
// exist, so it starts once every dataset and attribute exists but the last two root
// attributes, `finished_at` and `complete`, which finish() creates in SWMR mode (HDF5 allows
// it): closing and reopening the file as an ordinary writer for them left, when killed then,
// a file that no reader opens (its superblock says "open for writing" without SWMR) for the
// last ~14 writes; in SWMR mode only a kill between the 2 writes that store `finished_at`
// (its object header message lands before its string in the global heap) leaves that
// attribute unreadable, the datasets intact. The superblock marks the file open for writing
// until a clean close, and HDF5 refuses a killed .part to readers that do not open it with
// SWMR read access (h5py: File(path, "r", swmr=True)).
void startSwmrWrite(hid_t file, const std::string& path);
// A new .part is created under this name and renamed to `part` only once it is in SWMR mode
// (publishPart): before that a kill would leave a file that no reader opens, so a .part that
// exists always opens. A kill while it is created leaves PART.new, which holds nothing.
std::string creatingName(const std::string& part);
void publishPart(const std::string& part);
// Opens a file regsim wrote for reading: a finished one, or the .part of a killed run or
// sweep, whose superblock still says "open for writing" (SWMR read access opens both).
File openForReading(const std::string& path, const std::string& what);
// Reopens PATH for writing (a sweep's --resume): clears the
// superblock's "open for writing" marks of a killed writer, and moves the end of allocated
// space to the end of the file, past everything a killed writer wrote after its last
// complete flush, so nothing it left (data that index entries on disk may name) is
// overwritten. Returns an invalid File (id < 0) if HDF5 cannot open it.
hid_t reopenForWriting(const std::string& path);

// Attributes, written over any attribute of the same name (a resumed sweep rewrites some).
void writeStringAttribute(hid_t object, const char* name, const std::string& value);

// The CF `units` of a dataset of run and sweep files, by name (udunits spellings): "month" for
// steps (a step is one month from the scenario start), "1" for the dimensionless s_i, a_i and
// counts of states; empty for flags, ids and the rest. Never "months since <date>": xarray
// would try to decode that as a calendar time and refuse the file.
const char* unitsOf(std::string_view dataset);
// Writes unitsOf(dataset) as the `units` attribute of `object`, where it is not empty.
void writeUnits(hid_t object, std::string_view dataset);
// `count` values (a scalar when count == 1) of mem_type, stored as file_type.
void writeNumberAttribute(hid_t object, const char* name, hid_t file_type, hid_t mem_type,
                          const void* values, hsize_t count = 1);

// Dimension scales as netCDF-4 writes them: a small contiguous 1-D coordinate written at
// once, marked a scale with its `_Netcdf4Dimid`, and attached to a variable axis by axis.
// With data == nullptr the coordinate is created and left for the caller to write.
Dataset createCoordinate(hid_t file, const std::string& name, hid_t file_type, hid_t mem_type,
                         hsize_t size, const void* data);
Dataset createStringCoordinate(hid_t file, const std::string& name,
                               const std::vector<std::string>& values);
// The same, with value(i) producing the i-th string: written in blocks, so a coordinate of 1e7
// generated state ids never exists as 1e7 strings at once (that was 0.8 GB for ids and names).
Dataset createStringCoordinate(hid_t file, const std::string& name, hsize_t size,
                               const std::function<std::string(hsize_t)>& value);
void makeScale(hid_t dataset, const std::string& name, std::int32_t dim_id);
void attachScales(hid_t dataset, const std::vector<hid_t>& scales, const std::string& name);

// A variable-length UTF-8 string attribute, or "" when absent.
std::string readStringAttribute(hid_t object, const char* name);
// A numeric attribute read as uint64, or ~0 when absent.
std::uint64_t readU64Attribute(hid_t object, const char* name);

// Whether `name` exists under `f` (the layouts' names are datasets).
bool hasDataset(hid_t f, const char* name);

// Every value of dataset `name` in row-major order, as mem_type; its shape into *dims if given.
template <class T>
std::vector<T> readAll(hid_t f, const char* name, hid_t mem_type, Dims* dims = nullptr) {
    const Dataset ds(H5Dopen2(f, name, H5P_DEFAULT), std::string("cannot open ") + name);
    const Dataspace space(H5Dget_space(ds.get()), name);
    if (dims != nullptr) {
        dims->assign(std::size_t(std::max(H5Sget_simple_extent_ndims(space.get()), 0)), 0);
        H5Sget_simple_extent_dims(space.get(), dims->data(), nullptr);
    }
    std::vector<T> out(std::size_t(H5Sget_simple_extent_npoints(space.get())));
    if (!out.empty())
        check(H5Dread(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), name);
    return out;
}

}  // namespace regsim::hdf5
