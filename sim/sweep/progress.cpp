#include "sweep/progress.hpp"

#include <unistd.h>

#include <cmath>

namespace regsim {

Progress::Progress(std::uint64_t total, std::uint64_t already, bool quiet, std::FILE* out,
                   double log_interval)
    : total_(total),
      already_(already),
      quiet_(quiet),
      tty_(out != nullptr && isatty(fileno(out)) != 0),
      out_(out),
      interval_(log_interval),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

std::string Progress::line(std::uint64_t done, std::uint64_t total, double rate, bool bar,
                           const std::string& unit) {
    std::string out;
    if (bar) {
        constexpr int width = 30;
        const int filled = total ? int(double(width) * double(done) / double(total)) : width;
        out.reserve(width + 3);
        out.push_back('[');
        out.append(std::size_t(filled), '#');
        out.append(std::size_t(width - filled), '.');
        out.append("] ");
    }
    char buf[160];
    std::snprintf(buf, sizeof buf, "%llu/%llu %s (%.1f%%), %.1f %s/s",
                  static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                  unit.c_str(), total ? 100.0 * double(done) / double(total) : 100.0, rate,
                  unit.c_str());
    out += buf;
    if (rate > 0 && done < total) {
        const double eta = double(total - done) / rate;
        if (eta >= 3600) {
            std::snprintf(buf, sizeof buf, ", ETA %dh%02dm", int(eta / 3600),
                          int(std::fmod(eta, 3600) / 60));
        } else if (eta >= 60) {
            std::snprintf(buf, sizeof buf, ", ETA %dm%02ds", int(eta / 60),
                          int(std::fmod(eta, 60)));
        } else {
            std::snprintf(buf, sizeof buf, ", ETA %ds", int(std::ceil(eta)));
        }
        out += buf;
    }
    return out;
}

void Progress::print(std::uint64_t done, bool final) {
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? double(done - already_) / elapsed : 0.0;
    const std::string text = line(done, total_, rate, tty_, unit_);
    if (tty_) {
        std::fprintf(out_, "\r%s\033[K%s", text.c_str(), final ? "\n" : "");
    } else {
        std::fprintf(out_, "%s: %s\n", program_.c_str(), text.c_str());
    }
    std::fflush(out_);
    last_ = now;
    printed_ = true;
}

void Progress::update(std::uint64_t done) {
    if (quiet_ || out_ == nullptr) return;
    const auto now = std::chrono::steady_clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    if (since >= (tty_ ? 0.2 : interval_)) print(done, false);
}

void Progress::endLine() {
    if (tty_ && printed_ && out_ != nullptr) {
        std::fputc('\n', out_);
        std::fflush(out_);
        printed_ = false;
    }
}

void Progress::finish(std::uint64_t done) {
    if (quiet_ || out_ == nullptr) return;
    if (tty_ || printed_ || done > already_) print(done, true);
}

}  // namespace regsim
