#pragma once
// WriterThread: the one thread that talks to the Writer (HDF5 is not thread-safe), fed by
// producers through a bounded reorder buffer. Results may arrive in any order; they reach the
// writer in replicate order, so every dataset and the event table are identical whatever the
// thread count.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "output/writer.hpp"
#include "record/run_result.hpp"

namespace regsim {

class WriterThread {
  public:
    // Writes replicates first_replicate .. first_replicate + count - 1. `capacity` bounds memory:
    // push() of replicate r blocks while r >= next_to_write + capacity (0 counts as 1).
    // Producers must push their own replicates in ascending order, so whoever holds
    // next_to_write is never the one blocked.
    WriterThread(Writer& writer, std::size_t capacity, std::uint32_t first_replicate,
                 std::uint32_t count);
    // Without close(): stops the thread and leaves the writer unfinished (no finish()).
    ~WriterThread();

    WriterThread(const WriterThread&) = delete;
    WriterThread& operator=(const WriterThread&) = delete;

    // Thread-safe; blocks while the buffer is full. Rethrows the writer's error if it failed;
    // throws std::invalid_argument for a replicate out of range or pushed twice.
    void push(RunResult&& result);
    // Waits until all `count` results are written, then calls writer.finish() (once).
    // Rethrows the writer's error.
    void close();
    // Gives up (a producer failed): wakes blocked pushers (they throw) and stops the thread
    // without finish(). Safe to call from any thread, more than once.
    void cancel() noexcept;

    std::uint32_t written() const;  // results handed to the writer so far

  private:
    void run();
    void rethrowIfFailed();  // with mutex_ held

    Writer& writer_;
    const std::size_t capacity_;
    const std::uint32_t first_;
    const std::uint32_t end_;  // one past the last replicate

    mutable std::mutex mutex_;
    std::condition_variable ready_;  // worker waits: next result arrived, or cancelled
    std::condition_variable space_;  // producers wait: next_ advanced, failed or cancelled
    std::map<std::uint32_t, RunResult> pending_;
    std::uint32_t next_;    // next replicate to hand to the writer
    bool writing_ = false;  // next_ is being written right now (already out of pending_)
    bool cancelled_ = false;
    bool closed_ = false;
    std::exception_ptr error_;
    std::thread thread_;  // last: started after every other member is ready
};

}  // namespace regsim
