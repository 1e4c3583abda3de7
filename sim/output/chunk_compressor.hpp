#pragma once
// ChunkCompressor: encodes chunks (ChunkCodec) on helper threads so the one HDF5 writer thread
// only copies replicates into chunks and hands encoded chunks to HDF5. Jobs come back in the
// order they were submitted, whatever thread encoded them, so the file is written in the same
// order for any number of helpers. HDF5-free. Owned and called by one thread (the writer).

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "output/chunk_codec.hpp"

namespace regsim {

class ChunkCompressor {
  public:
    struct Job {
        std::vector<std::uint8_t> raw;      // the chunk; handed back by next() for reuse
        std::size_t element = 0;            // bytes per element
        std::vector<std::uint8_t> encoded;  // filled by the compressor
        std::uint64_t tag = 0, index = 0;   // the caller's: which dataset, which chunk
    };

    // `threads` helper threads (0: submit() encodes in the calling thread).
    ChunkCompressor(int level, unsigned threads);
    // Stops the helpers; jobs not yet returned by next() are dropped.
    ~ChunkCompressor();
    ChunkCompressor(const ChunkCompressor&) = delete;
    ChunkCompressor& operator=(const ChunkCompressor&) = delete;

    void submit(Job job);
    std::size_t pending() const;  // submitted, not yet returned by next()
    bool ready() const;           // the oldest pending job is encoded: next() will not wait
    // Waits for the oldest pending job and returns it; rethrows its encoding error.
    Job next();
    // Gives an encoded buffer back, so steady-state encoding allocates nothing.
    void recycle(std::vector<std::uint8_t>&& encoded);
    // CPU time spent encoding, summed over every thread that encoded.
    double seconds() const;

  private:
    struct Slot {
        Job job;
        bool taken = false, done = false;
        std::exception_ptr error;
    };
    void work();
    double encode(ChunkCodec& codec, Slot& slot);

    const int level_;
    mutable std::mutex mutex_;
    std::condition_variable work_;  // helpers wait: a slot to take, or stop
    std::condition_variable done_;  // owner waits: the oldest slot is done
    std::deque<Slot> slots_;        // pending jobs, oldest first
    std::size_t untaken_ = 0;       // index in slots_ of the first slot no helper took
    std::vector<std::vector<std::uint8_t>> spare_;
    double seconds_ = 0.0;
    bool stop_ = false;
    std::unique_ptr<ChunkCodec> inline_codec_;  // threads == 0
    std::vector<std::thread> threads_;          // last: started when all else is ready
};

}  // namespace regsim
