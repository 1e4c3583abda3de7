#pragma once
// Hdf5RunWriter: writes one run to one HDF5 file laid out exactly as docs/output.md says
// (netCDF-4 compatible, so xarray opens it with engine="h5netcdf"). The file is written as
// PATH.part and renamed to PATH only by finish(), after `complete` = 1 and close.
// Not thread-safe: feed it from one thread (WriterThread).

#include <memory>
#include <string>

#include "output/run_metadata.hpp"
#include "output/writer.hpp"

namespace regsim {

class Hdf5RunWriter final : public Writer {
  public:
    // Creates PATH.part (std::runtime_error if it cannot) with every dataset sized for
    // metadata.replicates, the coordinates and the provenance attributes (all but
    // finished_at and complete). metadata.scenario must outlive the writer.
    Hdf5RunWriter(const std::string& path, const RunMetadata& metadata);
    // Without finish(): closes and leaves PATH.part (an incomplete file is never renamed).
    ~Hdf5RunWriter() override;

    Hdf5RunWriter(const Hdf5RunWriter&) = delete;
    Hdf5RunWriter& operator=(const Hdf5RunWriter&) = delete;

    // Writes replicate result.replicate's slices (one hyperslab per dataset) and appends its
    // events, then flushes so a killed run leaves a readable .part.
    void write(const RunResult& result) override;
    // Requires every replicate written: writes finished_at, then complete = 1 last, closes and
    // renames PATH.part to PATH.
    void finish() override;

    // CPU time spent compressing full chunks, on the helper threads (RunMetadata::
    // compression_threads) or, with none, inside write().
    double compressionSeconds() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace regsim
