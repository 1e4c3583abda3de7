// WriterThread: reorder buffer, back-pressure, error propagation, cancel.

#include "output/writer_thread.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace regsim {
namespace {

// Records the order of writes; optionally throws at one replicate or sleeps per write.
class RecordingWriter final : public Writer {
  public:
    void write(const RunResult& result) override {
        if (result.replicate == fail_at) throw std::runtime_error("disk full");
        if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        std::lock_guard lock(mutex);
        order.push_back(result.replicate);
        EXPECT_EQ(result.cascade_size.at(0), static_cast<std::int32_t>(result.replicate));
    }
    void finish() override { ++finished; }

    std::mutex mutex;
    std::vector<std::uint32_t> order;
    std::atomic<int> finished{0};
    std::uint32_t fail_at = ~0u;
    bool slow = false;
};

RunResult result(std::uint32_t r) {
    RunResult out;
    out.replicate = r;
    out.cascade_size = {static_cast<std::int32_t>(r)};
    return out;
}

std::vector<std::uint32_t> range(std::uint32_t first, std::uint32_t count) {
    std::vector<std::uint32_t> v;
    for (std::uint32_t r = first; r < first + count; ++r) v.push_back(r);
    return v;
}

TEST(WriterThread, HandsResultsOverInReplicateOrder) {
    RecordingWriter w;
    {
        WriterThread q(w, 16, 0, 8);
        std::thread a([&] {
            for (std::uint32_t r : {7u, 5u, 3u, 1u}) q.push(result(r));
        });
        std::thread b([&] {
            for (std::uint32_t r : {6u, 4u, 2u, 0u}) q.push(result(r));
        });
        a.join();
        b.join();
        q.close();
        EXPECT_EQ(q.written(), 8u);
    }
    EXPECT_EQ(w.order, range(0, 8));
    EXPECT_EQ(w.finished, 1);
}

TEST(WriterThread, OffsetRangeAndSmallCapacity) {
    RecordingWriter w;
    w.slow = true;
    WriterThread q(w, 1, 10, 20);
    // Each producer pushes ascending: blocking never stalls the holder of next_to_write.
    std::thread a([&] {
        for (std::uint32_t r = 10; r < 30; r += 2) q.push(result(r));
    });
    std::thread b([&] {
        for (std::uint32_t r = 11; r < 30; r += 2) q.push(result(r));
    });
    a.join();
    b.join();
    q.close();
    EXPECT_EQ(w.order, range(10, 20));
    EXPECT_EQ(w.finished, 1);
}

TEST(WriterThread, PushBlocksWhileTooFarAhead) {
    RecordingWriter w;
    WriterThread q(w, 2, 0, 4);
    std::atomic<bool> pushed{false};
    std::thread ahead([&] {
        q.push(result(3));  // 3 >= 0 + 2: must wait until replicate 1 has been written
        pushed = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(pushed);
    q.push(result(0));
    q.push(result(1));
    ahead.join();
    EXPECT_TRUE(pushed);
    q.push(result(2));
    q.close();
    EXPECT_EQ(w.order, range(0, 4));
}

TEST(WriterThread, RejectsOutOfRangeAndDuplicates) {
    RecordingWriter w;
    WriterThread q(w, 4, 2, 3);
    EXPECT_THROW(q.push(result(1)), std::invalid_argument);
    EXPECT_THROW(q.push(result(5)), std::invalid_argument);
    q.push(result(3));
    EXPECT_THROW(q.push(result(3)), std::invalid_argument);
    q.push(result(2));
    q.push(result(4));
    q.close();
    EXPECT_EQ(w.order, range(2, 3));
}

TEST(WriterThread, WriterErrorReachesPushAndClose) {
    RecordingWriter w;
    w.fail_at = 1;
    WriterThread q(w, 8, 0, 4);
    q.push(result(0));
    q.push(result(1));
    // The error surfaces in a later push (once the worker has hit it) and in close().
    bool push_threw = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (std::uint32_t attempt = 0; !push_threw && std::chrono::steady_clock::now() < deadline;
         ++attempt) {
        try {
            q.push(result(2 + attempt % 2));
        } catch (const std::runtime_error& e) {
            push_threw = std::string(e.what()) == "disk full";
        } catch (const std::invalid_argument&) {
            // a duplicate push while the worker had not failed yet; keep trying
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_TRUE(push_threw);
    EXPECT_THROW(q.close(), std::runtime_error);
    EXPECT_EQ(w.finished, 0);
}

TEST(WriterThread, CancelWakesBlockedPushersAndSkipsFinish) {
    RecordingWriter w;
    std::atomic<bool> threw{false};
    {
        WriterThread q(w, 1, 0, 4);
        std::thread blocked([&] {
            try {
                q.push(result(3));
            } catch (const std::runtime_error&) {
                threw = true;
            }
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        q.cancel();
        blocked.join();
        EXPECT_THROW(q.close(), std::runtime_error);
    }
    EXPECT_TRUE(threw);
    EXPECT_EQ(w.finished, 0);
}

TEST(WriterThread, DestructorWithoutCloseDoesNotFinish) {
    RecordingWriter w;
    {
        WriterThread q(w, 4, 0, 3);
        q.push(result(0));
    }
    EXPECT_EQ(w.finished, 0);
}

TEST(WriterThread, ZeroCountFinishesAtOnce) {
    RecordingWriter w;
    WriterThread q(w, 4, 0, 0);
    q.close();
    q.close();  // idempotent
    EXPECT_EQ(w.finished, 1);
}

}  // namespace
}  // namespace regsim
