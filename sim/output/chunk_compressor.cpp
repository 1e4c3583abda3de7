#include "output/chunk_compressor.hpp"

#include <stdexcept>
#include <utility>

#include "output/thread_cpu_time.hpp"

namespace regsim {

ChunkCompressor::ChunkCompressor(int level, unsigned threads) : level_(level) {
    if (threads == 0) {
        inline_codec_ = std::make_unique<ChunkCodec>(level_);
        return;
    }
    threads_.reserve(threads);
    try {
        for (unsigned k = 0; k < threads; ++k) threads_.emplace_back([this] { work(); });
    } catch (...) {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        work_.notify_all();
        for (auto& t : threads_) t.join();
        throw;
    }
}

ChunkCompressor::~ChunkCompressor() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    work_.notify_all();
    for (auto& t : threads_) t.join();
}

double ChunkCompressor::encode(ChunkCodec& codec, Slot& slot) {
    const double t0 = threadCpuSeconds();
    try {
        codec.encode(slot.job.raw.data(), slot.job.raw.size(), slot.job.element, slot.job.encoded);
    } catch (...) {
        slot.error = std::current_exception();
    }
    return threadCpuSeconds() - t0;
}

void ChunkCompressor::work() {
    ChunkCodec codec(level_);
    std::unique_lock lock(mutex_);
    for (;;) {
        work_.wait(lock, [&] { return stop_ || untaken_ < slots_.size(); });
        if (stop_) return;
        // A deque keeps references to its elements valid across push_back and pop_front, and
        // the owner pops a slot only once it is done.
        Slot& slot = slots_[untaken_++];
        slot.taken = true;
        lock.unlock();
        const double s = encode(codec, slot);
        lock.lock();
        slot.done = true;
        seconds_ += s;
        done_.notify_all();
    }
}

void ChunkCompressor::submit(Job job) {
    std::unique_lock lock(mutex_);
    if (job.encoded.capacity() == 0 && !spare_.empty()) {
        job.encoded = std::move(spare_.back());
        spare_.pop_back();
    }
    slots_.emplace_back();
    slots_.back().job = std::move(job);
    if (inline_codec_) {
        Slot& slot = slots_.back();
        slot.taken = true;
        ++untaken_;
        lock.unlock();
        const double s = encode(*inline_codec_, slot);
        lock.lock();
        slot.done = true;
        seconds_ += s;
        return;
    }
    work_.notify_one();
}

std::size_t ChunkCompressor::pending() const {
    std::lock_guard lock(mutex_);
    return slots_.size();
}

bool ChunkCompressor::ready() const {
    std::lock_guard lock(mutex_);
    return !slots_.empty() && slots_.front().done;
}

ChunkCompressor::Job ChunkCompressor::next() {
    std::unique_lock lock(mutex_);
    if (slots_.empty()) throw std::logic_error("ChunkCompressor::next: nothing pending");
    done_.wait(lock, [&] { return slots_.front().done; });
    Slot slot = std::move(slots_.front());
    slots_.pop_front();
    --untaken_;
    lock.unlock();
    if (slot.error) std::rethrow_exception(slot.error);
    return std::move(slot.job);
}

void ChunkCompressor::recycle(std::vector<std::uint8_t>&& encoded) {
    std::lock_guard lock(mutex_);
    spare_.push_back(std::move(encoded));
}

double ChunkCompressor::seconds() const {
    std::lock_guard lock(mutex_);
    return seconds_;
}

}  // namespace regsim
