#pragma once
// Progress of a sweep's runs or a run's replicates on stderr (docs/sweeps.md, "Progress"): on a
// terminal one line redrawn with a carriage return (bar, done/total, per second, ETA) at most
// 5 times a second; in a log (not a TTY) one plain line every `log_interval` seconds; nothing
// when quiet.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace regsim {

class Progress {
  public:
    // total: units of this process (a sweep's runs, a run's replicates); already: done before
    // (a resumed sweep).
    Progress(std::uint64_t total, std::uint64_t already, bool quiet, std::FILE* out = stderr,
             double log_interval = 5.0);
    // What is counted ("runs", "replicates") and who says it in a log ("regsim sweep").
    void setLabels(std::string unit, std::string program) {
        unit_ = std::move(unit);
        program_ = std::move(program);
    }
    // Forces the TTY or plain style (tests); by default isatty(fileno(out)).
    void setTerminal(bool tty) { tty_ = tty; }
    // Units done so far (including `already`); prints if it is time.
    void update(std::uint64_t done);
    // Final line (terminal: ends the bar with a newline).
    void finish(std::uint64_t done);
    // Ends a bar left open on a terminal (before an error message); nothing otherwise.
    void endLine();

    // "[#####.....] 50/100 runs (50.0%), 12.3 runs/s, ETA 4s": exposed for tests.
    static std::string line(std::uint64_t done, std::uint64_t total, double rate, bool bar,
                            const std::string& unit = "runs");

  private:
    void print(std::uint64_t done, bool final);

    std::uint64_t total_, already_;
    bool quiet_, tty_;
    std::FILE* out_;
    double interval_;
    std::chrono::steady_clock::time_point start_, last_;
    bool printed_ = false;
    std::string unit_ = "runs", program_ = "regsim sweep";
};

}  // namespace regsim
