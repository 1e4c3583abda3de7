#include "sweep/sweep_runner.hpp"

#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "dynamics/simulation.hpp"
#include "graph/topology.hpp"
#include "sweep/run_plan.hpp"

namespace regsim {
namespace {

// One point's model, built once and shared read-only by the workers running it.
struct PointModel {
    std::once_flag built;
    std::exception_ptr error;
    std::unique_ptr<Scenario> scenario;
    std::unique_ptr<Topology> topology;
    std::uint64_t unstarted = 0;  // runs of this point not yet taken (guarded by the cache)
};

class PointCache {
  public:
    explicit PointCache(const SweepJob& job) : job_(job) {
        for (auto run : job.runs) ++remaining_[run / job.replicates];
    }

    // The model of local point p for a run that is starting now.
    std::shared_ptr<PointModel> take(std::uint64_t p) {
        std::shared_ptr<PointModel> model;
        {
            std::lock_guard lock(mutex_);
            auto& slot = live_[p];
            if (!slot) {
                slot = std::make_shared<PointModel>();
                slot->unstarted = remaining_[p];
            }
            model = slot;
            if (--model->unstarted == 0) live_.erase(p);  // workers keep it alive while used
        }
        std::call_once(model->built, [&] {
            try {
                model->scenario =
                    std::make_unique<Scenario>(job_.scenario_for(job_.point_first + p));
                model->topology = std::make_unique<Topology>(buildTopology(*model->scenario));
            } catch (...) {
                model->error = std::current_exception();
            }
        });
        if (model->error) std::rethrow_exception(model->error);
        return model;
    }

  private:
    const SweepJob& job_;
    std::mutex mutex_;
    std::map<std::uint64_t, std::uint64_t> remaining_;
    std::map<std::uint64_t, std::shared_ptr<PointModel>> live_;
};

}  // namespace

std::uint64_t runSweep(const SweepJob& job, const SweepSink& sink, const std::atomic<bool>* stop) {
    if (job.runs.empty()) return 0;
    const int threads =
        job.threads > 0 ? job.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, std::size_t(threads));
    tbb::task_arena arena(threads);
    PointCache cache(job);
    std::atomic<std::uint64_t> next{0};
    std::atomic<std::uint64_t> done{0};
    std::atomic<bool> failed{false};
    const int workers = int(std::min<std::uint64_t>(std::uint64_t(threads), job.runs.size()));
    arena.execute([&] {
        tbb::task_group group;
        for (int w = 0; w < workers; ++w) {
            group.run([&] {
                std::shared_ptr<PointModel> model;
                std::unique_ptr<Simulation> sim;
                std::uint64_t current = ~std::uint64_t{0};
                try {
                    for (;;) {
                        if (failed.load() || (stop && stop->load(std::memory_order_relaxed)))
                            return;
                        const auto seq = next.fetch_add(1);
                        if (seq >= job.runs.size()) return;
                        const std::uint64_t run = job.runs[seq];
                        const std::uint64_t p = run / job.replicates;
                        const auto r = std::uint32_t(run % job.replicates);
                        if (p != current) {
                            sim.reset();
                            model = cache.take(p);
                            sim = std::make_unique<Simulation>(*model->scenario, *model->topology);
                            current = p;
                        } else {
                            (void)cache.take(p);  // counts the run as started
                        }
                        RunResult result;
                        sim->run(pointSeed(job.seed, job.point_first + p), r, job.steps, job.record,
                                 result);
                        result.replicate = r;
                        sink(seq, std::move(result));
                        done.fetch_add(1);
                    }
                } catch (...) {
                    failed.store(true);
                    throw;
                }
            });
        }
        group.wait();
    });
    return done.load();
}

}  // namespace regsim
