// write_sample_run_file OUT.h5 [--no-trajectories] [--kill-after N]: writes the sample run
// (sample_run.hpp) through WriterThread + Hdf5RunWriter, for tests/python/test_output_xarray.py.
// --kill-after N writes replicates 0..N-1 and then kills itself with SIGKILL, leaving OUT.h5.part
// as a crashed run would.

#include <csignal>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <thread>

#include "output/hdf5_run_writer.hpp"
#include "output/output_path.hpp"
#include "output/writer_thread.hpp"
#include "sample_run.hpp"

namespace {

int usage() {
    std::cerr << "usage: write_sample_run_file OUT.h5 [--no-trajectories] [--kill-after N]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace regsim;
    if (argc < 2) return usage();
    const std::string out = argv[1];
    bool trajectories = true;
    int kill_after = -1;
    for (int k = 2; k < argc; ++k) {
        if (std::strcmp(argv[k], "--no-trajectories") == 0) {
            trajectories = false;
        } else if (std::strcmp(argv[k], "--kill-after") == 0 && k + 1 < argc) {
            kill_after = std::stoi(argv[++k]);
        } else {
            return usage();
        }
    }
    try {
        prepareOutputPath(out, /*force=*/true);
        const Scenario scenario = sample::makeScenario();
        const RunMetadata metadata = sample::makeMetadata(scenario, trajectories);
        Hdf5RunWriter writer(out, metadata);
        if (kill_after >= 0) {
            for (int r = 0; r < kill_after; ++r) {
                writer.write(
                    sample::makeResult(scenario, static_cast<std::uint32_t>(r), trajectories));
            }
            std::raise(SIGKILL);
        }
        WriterThread queue(writer, sample::kReplicates, 0, sample::kReplicates);
        // Two producers, each pushing its replicates from the last one down (out of order).
        std::exception_ptr errors[2];
        auto produce = [&](std::uint32_t parity) {
            try {
                for (int r = static_cast<int>(sample::kReplicates) - 1; r >= 0; --r) {
                    if (static_cast<std::uint32_t>(r) % 2 == parity) {
                        queue.push(sample::makeResult(scenario, static_cast<std::uint32_t>(r),
                                                      trajectories));
                    }
                }
            } catch (...) {
                errors[parity] = std::current_exception();
                queue.cancel();
            }
        };
        std::thread even(produce, 0u), odd(produce, 1u);
        even.join();
        odd.join();
        for (const auto& e : errors) {
            if (e) std::rethrow_exception(e);
        }
        queue.close();
    } catch (const std::exception& e) {
        std::cerr << "write_sample_run_file: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
