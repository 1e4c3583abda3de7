#include "output/writer_thread.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace regsim {

WriterThread::WriterThread(Writer& writer, std::size_t capacity, std::uint32_t first_replicate,
                           std::uint32_t count)
    : writer_(writer),
      capacity_(capacity == 0 ? 1 : capacity),
      first_(first_replicate),
      end_(first_replicate + count),
      next_(first_replicate) {
    if (end_ < first_) throw std::invalid_argument("WriterThread: replicate range overflows");
    thread_ = std::thread([this] { run(); });
}

WriterThread::~WriterThread() {
    cancel();
    if (thread_.joinable()) thread_.join();
}

void WriterThread::rethrowIfFailed() {
    if (error_) std::rethrow_exception(error_);
    if (cancelled_) throw std::runtime_error("output writer was cancelled");
}

void WriterThread::push(RunResult&& result) {
    const std::uint32_t r = result.replicate;
    std::unique_lock lock(mutex_);
    rethrowIfFailed();
    if (r < first_ || r >= end_) {
        throw std::invalid_argument("WriterThread: replicate " + std::to_string(r) +
                                    " is outside " + std::to_string(first_) + ".." +
                                    std::to_string(end_ == 0 ? 0 : end_ - 1));
    }
    space_.wait(lock, [&] { return error_ || cancelled_ || r < next_ + capacity_; });
    rethrowIfFailed();
    if (r < next_ || (r == next_ && writing_) || pending_.count(r) != 0) {
        throw std::invalid_argument("WriterThread: replicate " + std::to_string(r) +
                                    " pushed twice");
    }
    pending_.emplace(r, std::move(result));
    if (r == next_) ready_.notify_one();
}

void WriterThread::run() {
    std::unique_lock lock(mutex_);
    while (next_ < end_) {
        ready_.wait(lock, [&] { return cancelled_ || pending_.count(next_) != 0; });
        if (cancelled_) return;
        auto node = pending_.extract(next_);
        writing_ = true;
        lock.unlock();
        try {
            writer_.write(node.mapped());
        } catch (...) {
            lock.lock();
            writing_ = false;
            error_ = std::current_exception();
            pending_.clear();
            space_.notify_all();
            return;
        }
        node = {};  // free the result before taking the lock again
        lock.lock();
        writing_ = false;
        ++next_;
        space_.notify_all();
    }
    space_.notify_all();  // close() waits on space_ for next_ == end_
}

void WriterThread::close() {
    {
        std::unique_lock lock(mutex_);
        if (closed_) {
            rethrowIfFailed();
            return;
        }
        space_.wait(lock, [&] { return error_ || cancelled_ || next_ >= end_; });
        closed_ = true;
    }
    if (thread_.joinable()) thread_.join();
    {
        std::lock_guard lock(mutex_);
        rethrowIfFailed();
    }
    // The worker has exited, so this thread is now the only one talking to the writer.
    try {
        writer_.finish();
    } catch (...) {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
        throw;
    }
}

void WriterThread::cancel() noexcept {
    {
        std::lock_guard lock(mutex_);
        if (closed_ && next_ >= end_) return;  // finished normally: nothing to cancel
        cancelled_ = true;
        pending_.clear();
    }
    ready_.notify_all();
    space_.notify_all();
}

std::uint32_t WriterThread::written() const {
    std::lock_guard lock(mutex_);
    return next_ - first_;
}

}  // namespace regsim
