#pragma once
// Writer: an abstract sink of finished replicates, so the run layer never names a file format
// (FLAME GPU's io::Logger consuming a RunLog). Not thread-safe: WriterThread is the one caller.

#include "record/run_result.hpp"

namespace regsim {

class Writer {
  public:
    virtual ~Writer();
    // Stores one finished replicate (result.replicate says which).
    virtual void write(const RunResult& result) = 0;
    // Marks the output complete once every replicate has been written.
    virtual void finish() = 0;
};

}  // namespace regsim
