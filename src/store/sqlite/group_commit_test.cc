// Tests GroupCommit's queue on its own, with a runner that records the
// batches it gets: who leads, how writes are gathered and handed on.
#include "store/sqlite/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <span>
#include <thread>
#include <vector>

namespace facesync::store::sqlite {
namespace {

// A write of these tests: a number, and what the runner did with it.
struct TestWrite {
  int id = 0;
  int runs = 0;      // batches it was in
  int finishes = 0;  // batches that finished it
  std::thread::id ran_on;
};

// Records every batch as the ids of its writes, in order. Runs on the
// leaders' threads, one at a time; read by the test once they are joined.
class Recorder {
 public:
  // The runner: records the batch and finishes the first `finish` writes
  // of it (all when 0).
  size_t run(std::span<TestWrite* const> batch, size_t finish = 0) {
    std::vector<int> ids;
    for (TestWrite* write : batch) {
      ids.push_back(write->id);
      ++write->runs;
      write->ran_on = std::this_thread::get_id();
    }
    batches_.push_back(ids);

    const size_t finished = finish == 0 ? batch.size() : finish;
    for (size_t i = 0; i < finished && i < batch.size(); ++i)
      ++batch[i]->finishes;
    return finished;
  }

  const std::vector<std::vector<int>>& batches() const { return batches_; }

 private:
  std::vector<std::vector<int>> batches_;
};

// Waits until `group` holds `count` writes: the running batch's and those
// queued behind it.
void wait_until_queued(const GroupCommit<TestWrite>& group, size_t count) {
  while (group.queued() < count)
    std::this_thread::yield();
}

// Submits writes 1..count, each from a thread of its own, one after the
// other: write k is queued before write k+1 is submitted.
std::vector<std::thread> submit_in_order(GroupCommit<TestWrite>& group,
                                         std::vector<TestWrite>& writes,
                                         size_t already_queued) {
  std::vector<std::thread> threads;
  for (size_t i = 1; i < writes.size(); ++i) {
    threads.emplace_back([&group, &writes, i] { group.submit(writes[i]); });
    wait_until_queued(group, already_queued + i);
  }
  return threads;
}

std::vector<TestWrite> numbered_writes(int count) {
  std::vector<TestWrite> writes(count);
  for (int i = 0; i < count; ++i)
    writes[i].id = i;
  return writes;
}

// Write 0 leads a batch that waits until writes 1.. are queued behind it,
// each from a thread of its own; then all run through a GroupCommit of
// `max_batch` whose runner finishes `finish` writes a batch (all when 0).
// Returns how many writes the queue still holds once every caller is
// back.
size_t run_behind_a_held_leader(std::vector<TestWrite>& writes,
                                size_t max_batch, size_t finish,
                                Recorder& recorder) {
  std::atomic<bool> release{false};
  GroupCommit<TestWrite> group(max_batch,
                               [&](std::span<TestWrite* const> batch) {
                                 if (batch.front()->id == 0) {
                                   while (!release)
                                     std::this_thread::yield();
                                 }
                                 return recorder.run(batch, finish);
                               });

  std::thread leader([&] { group.submit(writes[0]); });
  wait_until_queued(group, 1);
  std::vector<std::thread> followers = submit_in_order(group, writes, 1);
  release = true;
  leader.join();
  for (std::thread& follower : followers)
    follower.join();
  return group.queued();
}

TEST(GroupCommitTest, ALoneWriteRunsAtOnceOnItsCallersThread) {
  Recorder recorder;
  GroupCommit<TestWrite> group(8, [&](std::span<TestWrite* const> batch) {
    return recorder.run(batch);
  });
  TestWrite write;
  write.id = 7;

  group.submit(write);

  EXPECT_EQ(recorder.batches(), (std::vector<std::vector<int>>{{7}}));
  EXPECT_EQ(write.ran_on, std::this_thread::get_id());
  EXPECT_EQ(write.finishes, 1);
  EXPECT_EQ(group.queued(), 0u);
}

// Write 0 leads a batch that waits until the others are queued; they then
// run as one batch, in the order they were queued, led by one of them.
TEST(GroupCommitTest, WritesQueuedDuringABatchRunAsTheNextBatch) {
  std::vector<TestWrite> writes = numbered_writes(6);
  Recorder recorder;
  const size_t left = run_behind_a_held_leader(writes, 8, 0, recorder);

  EXPECT_EQ(recorder.batches(),
            (std::vector<std::vector<int>>{{0}, {1, 2, 3, 4, 5}}));
  for (const TestWrite& write : writes)
    EXPECT_EQ(write.finishes, 1) << "write " << write.id;
  EXPECT_EQ(writes[2].ran_on, writes[1].ran_on);
  EXPECT_NE(writes[1].ran_on, writes[0].ran_on);
  EXPECT_EQ(left, 0u);
}

TEST(GroupCommitTest, ABatchHoldsAtMostMaxBatchWrites) {
  std::vector<TestWrite> writes = numbered_writes(11);
  Recorder recorder;
  run_behind_a_held_leader(writes, 4, 0, recorder);

  EXPECT_EQ(recorder.batches(), (std::vector<std::vector<int>>{
                                    {0}, {1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10}}));
}

// The runner finishes only the first write of each batch (as the store
// does when its transaction is lost): the others run again, in order, in
// the batches that follow, and each is finished exactly once.
TEST(GroupCommitTest, WritesABatchLeftUnfinishedGoIntoTheNextBatch) {
  std::vector<TestWrite> writes = numbered_writes(4);
  Recorder recorder;
  run_behind_a_held_leader(writes, 8, 1, recorder);

  EXPECT_EQ(recorder.batches(),
            (std::vector<std::vector<int>>{{0}, {1, 2, 3}, {2, 3}, {3}}));
  for (const TestWrite& write : writes)
    EXPECT_EQ(write.finishes, 1) << "write " << write.id;
  EXPECT_EQ(writes[3].runs, 3);
}

}  // namespace
}  // namespace facesync::store::sqlite
