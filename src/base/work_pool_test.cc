// WorkPool: tasks run on its threads, overload is refused, stop drains.
#include "base/work_pool.h"

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include <gtest/gtest.h>

namespace facesync {
namespace {

TEST(WorkPoolTest, RunsTasksOnItsOwnThreadsAtOnce) {
  WorkPool pool(4, 100);
  std::mutex mutex;
  std::set<std::thread::id> ids;
  std::promise<void> all_in;
  std::atomic<int> arrived{0};
  std::shared_future<void> release = all_in.get_future().share();

  // Four tasks that wait for each other can only finish on four threads.
  std::vector<std::promise<void>> done(4);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(pool.submit([&, i] {
      {
        std::lock_guard lock(mutex);
        ids.insert(std::this_thread::get_id());
      }
      if (++arrived == 4) all_in.set_value();
      release.wait();
      done[i].set_value();
    }));
  }
  for (auto& promise : done) {
    ASSERT_EQ(promise.get_future().wait_for(std::chrono::seconds(5)),
              std::future_status::ready);
  }
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids.count(std::this_thread::get_id()), 0u);
}

TEST(WorkPoolTest, RefusesWorkBeyondTheQueueLimit) {
  WorkPool pool(1, 2);
  std::promise<void> unblock;
  std::shared_future<void> blocker = unblock.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.submit([&] {
    started.set_value();
    blocker.wait();
  }));
  started.get_future().wait();  // the one thread is busy

  std::atomic<int> ran{0};
  EXPECT_TRUE(pool.submit([&] { ++ran; }));
  EXPECT_TRUE(pool.submit([&] { ++ran; }));
  EXPECT_FALSE(pool.submit([&] { ++ran; }));  // the queue holds two

  unblock.set_value();
  pool.stop();
  EXPECT_EQ(ran, 2);
}

TEST(WorkPoolTest, StopRunsWhatIsQueuedThenRefuses) {
  WorkPool pool(1, 100);
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i)
    ASSERT_TRUE(pool.submit([&] {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
      ++ran;
    }));
  pool.stop();
  EXPECT_EQ(ran, 50);
  EXPECT_FALSE(pool.submit([&] { ++ran; }));
  pool.stop();  // again: nothing happens
}

}  // namespace
}  // namespace facesync
