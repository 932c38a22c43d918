// LongPoll on its own: checks on news, rechecks without news, deadlines.
#include "api/long_poll.h"

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

namespace facesync::api {
namespace {

using namespace std::chrono_literals;

// How a parked request ended: answered by its check, or timed out.
struct Outcome {
  std::promise<const char*> ended;
  std::atomic<bool> news{false};  // what the check looks for
  std::atomic<int> checks{0};
};

void park(LongPoll& poll, Outcome& outcome, std::chrono::milliseconds wait) {
  poll.park(
      [&outcome] {
        ++outcome.checks;
        if (!outcome.news) return false;
        outcome.ended.set_value("answered");
        return true;
      },
      [&outcome] { outcome.ended.set_value("timed out"); },
      LongPoll::Clock::now() + wait, poll.news());
}

TEST(LongPollTest, NotifyWakesAParkedRequestAtOnce) {
  LongPoll poll(std::chrono::hours(1));  // no periodic recheck
  Outcome outcome;
  auto ended = outcome.ended.get_future();
  park(poll, outcome, 1h);

  outcome.news = true;
  poll.notify();
  ASSERT_EQ(ended.wait_for(5s), std::future_status::ready);
  EXPECT_STREQ(ended.get(), "answered");
  EXPECT_EQ(poll.parked(), 0u);
}

TEST(LongPollTest, NoNewsNoCheck) {
  LongPoll poll(std::chrono::hours(1));
  Outcome outcome;
  park(poll, outcome, 1h);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(outcome.checks, 0);
  EXPECT_EQ(poll.parked(), 1u);
  poll.stop();
}

TEST(LongPollTest, NewsBeforeParkingIsNotMissed) {
  LongPoll poll(std::chrono::hours(1));
  Outcome outcome;
  auto ended = outcome.ended.get_future();
  const uint64_t seen = poll.news();
  outcome.news = true;
  poll.notify();  // between the caller's look and its park

  poll.park(
      [&outcome] {
        outcome.ended.set_value("answered");
        return true;
      },
      [&outcome] { outcome.ended.set_value("timed out"); },
      LongPoll::Clock::now() + 1h, seen);
  ASSERT_EQ(ended.wait_for(5s), std::future_status::ready);
  EXPECT_STREQ(ended.get(), "answered");
}

TEST(LongPollTest, RechecksWithoutNewsForWritesOfOtherProcesses) {
  LongPoll poll(50ms);
  Outcome outcome;
  auto ended = outcome.ended.get_future();
  park(poll, outcome, 1h);
  outcome.news = true;  // no notify()

  ASSERT_EQ(ended.wait_for(5s), std::future_status::ready);
  EXPECT_STREQ(ended.get(), "answered");
}

TEST(LongPollTest, TheDeadlineEndsTheWait) {
  LongPoll poll(std::chrono::hours(1));
  Outcome early, late;
  auto early_end = early.ended.get_future();
  auto late_end = late.ended.get_future();
  park(poll, late, 1h);
  park(poll, early, 50ms);  // earlier than the one parked before it

  ASSERT_EQ(early_end.wait_for(5s), std::future_status::ready);
  EXPECT_STREQ(early_end.get(), "timed out");
  EXPECT_EQ(late_end.wait_for(0s), std::future_status::timeout);
  // The sweep that ended the early one puts the late one back.
  for (int i = 0; i < 500 && poll.parked() != 1; ++i)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(poll.parked(), 1u);
}

TEST(LongPollTest, StopTimesOutEveryoneAndLaterParksAtOnce) {
  LongPoll poll(std::chrono::hours(1));
  Outcome parked, after;
  auto parked_end = parked.ended.get_future();
  auto after_end = after.ended.get_future();
  park(poll, parked, 1h);

  poll.stop();
  EXPECT_STREQ(parked_end.get(), "timed out");
  park(poll, after, 1h);
  ASSERT_EQ(after_end.wait_for(0s), std::future_status::ready);
  EXPECT_STREQ(after_end.get(), "timed out");
}

}  // namespace
}  // namespace facesync::api
