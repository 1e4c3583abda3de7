#pragma once
// TimedWriter: decorates a Writer to measure the time spent writing (--timings of `regsim run`
// and `regsim sweep`, scripts/bench.sh): wall time inside the writer, and the writer thread's
// CPU time for it (the wall time also counts time the thread waited for a core while
// simulation threads held them). Called from one thread, like the Writer it wraps.

#include <chrono>

#include "output/thread_cpu_time.hpp"
#include "output/writer.hpp"

namespace regsim {

class TimedWriter final : public Writer {
  public:
    explicit TimedWriter(Writer& inner) : inner_(inner) {}
    void write(const RunResult& r) override {
        timed([&] { inner_.write(r); });
    }
    void finish() override {
        timed([&] { inner_.finish(); });
    }
    double seconds() const { return seconds_; }
    double cpuSeconds() const { return cpu_seconds_; }

  private:
    template <typename Fn>
    void timed(Fn&& fn) {
        const auto t0 = std::chrono::steady_clock::now();
        const double c0 = threadCpuSeconds();
        fn();
        cpu_seconds_ += threadCpuSeconds() - c0;
        seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }

    Writer& inner_;
    double seconds_ = 0.0;
    double cpu_seconds_ = 0.0;
};

}  // namespace regsim
