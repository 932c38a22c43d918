// The Store conformance suite (see store_test_suite.h). Every test runs
// against each back end that instantiates StoreConformanceTest.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/image_digest.h"
#include "store/store_test_helpers.h"
#include "store/store_test_suite.h"

namespace facesync::store {
namespace {

using namespace std::chrono_literals;
using namespace test_helpers;

TEST_P(StoreConformanceTest, NewStoreIsEmptyAndHealthy) {
  EXPECT_TRUE(store_->check().is_ok());
  EXPECT_EQ(last_index(*store_), 0);
  EXPECT_EQ(latest(*store_, "T1"), std::nullopt);
  EXPECT_EQ(next_for_gate(*store_, "g1", 0), std::nullopt);

  Result<std::vector<Event>> faces = store_->live_faces("", 10);
  ASSERT_TRUE(faces.is_ok());
  EXPECT_TRUE(faces->empty());
}

TEST_P(StoreConformanceTest, AppendIssuesIncreasingIndexes) {
  const int32_t first = append(*store_, face("T1", "g1"));
  const int32_t second = append(*store_, face("T2", "g1"));
  const int32_t third = append(*store_, face("T1", "g2"));

  EXPECT_GT(first, 0);
  EXPECT_GT(second, first);
  EXPECT_GT(third, second);
  EXPECT_EQ(last_index(*store_), third);
}

TEST_P(StoreConformanceTest, LatestRoundTripsEveryFieldWithoutImage) {
  Event event = face("Ticket-9_x.Y", "门1");
  event.kind = EventKind::kReplaced;
  event.valid_from = 19000101;
  event.valid_until = 99991231;
  event.template_info = 255;
  const int32_t index = append(*store_, event);

  std::optional<Event> found = latest(*store_, "Ticket-9_x.Y");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->index, index);
  EXPECT_EQ(found->kind, EventKind::kReplaced);
  EXPECT_EQ(found->ticket_code, "Ticket-9_x.Y");
  EXPECT_EQ(found->source_gate, "门1");
  EXPECT_EQ(found->valid_from, 19000101);
  EXPECT_EQ(found->valid_until, 99991231);
  EXPECT_EQ(found->template_info, 255);
  EXPECT_TRUE(found->image.empty());
  EXPECT_EQ(found->image_sha256, image_sha256(event.image));
}

TEST_P(StoreConformanceTest, LatestReturnsTheNewestEventOfTheTicket) {
  append(*store_, face("T1", "g1", "first"));
  append(*store_, face("T2", "g1"));
  const int32_t newest = append(*store_, face("T1", "g2", "second"));

  std::optional<Event> found = latest(*store_, "T1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->index, newest);
  EXPECT_EQ(found->source_gate, "g2");
  EXPECT_EQ(found->image_sha256, image_sha256("second"));
  EXPECT_EQ(latest(*store_, "T3"), std::nullopt);
}

TEST_P(StoreConformanceTest, NoGateMeansEmptySourceGate) {
  append(*store_, face("T1", ""));

  std::optional<Event> found = latest(*store_, "T1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->source_gate, "");
}

TEST_P(StoreConformanceTest, RemovalHasNoImageNorDigest) {
  const int32_t index = append(*store_, removal("T1"));

  std::optional<Event> found = next_for_gate(*store_, "g1", 0);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->index, index);
  EXPECT_EQ(found->kind, EventKind::kRemoved);
  EXPECT_TRUE(found->image.empty());
  EXPECT_TRUE(found->image_sha256.empty());
}

TEST_P(StoreConformanceTest, NextForGateCarriesImageBytesAndDigest) {
  std::string image("\x89PNG\r\n\x1A\n\x00\x00\xFF", 11);
  image += std::string(300000, '\x5A');  // larger than any page
  const int32_t index = append(*store_, face("T1", "g2", image));

  std::optional<Event> found = next_for_gate(*store_, "g1", 0);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->index, index);
  EXPECT_EQ(found->image, image);
  EXPECT_EQ(found->image_sha256, image_sha256(image));
}

TEST_P(StoreConformanceTest, NextForGateSkipsFacesCollectedAtThatGate) {
  const int32_t at_g1 = append(*store_, face("T1", "g1"));
  const int32_t at_g2 = append(*store_, face("T2", "g2"));
  const int32_t nowhere = append(*store_, face("T3", ""));
  const int32_t at_g1_again = append(*store_, face("T4", "g1"));

  EXPECT_EQ(walk(*store_, "g1"), (std::vector<int32_t>{at_g2, nowhere}));
  EXPECT_EQ(walk(*store_, "g2"),
            (std::vector<int32_t>{at_g1, nowhere, at_g1_again}));
  EXPECT_EQ(walk(*store_, "g3"),
            (std::vector<int32_t>{at_g1, at_g2, nowhere, at_g1_again}));
}

TEST_P(StoreConformanceTest, GateNamesCompareExactly) {
  const int32_t at_g1 = append(*store_, face("T1", "g1"));

  EXPECT_EQ(walk(*store_, "G1"), (std::vector<int32_t>{at_g1}));
  EXPECT_EQ(walk(*store_, "g1 "), (std::vector<int32_t>{at_g1}));
  EXPECT_TRUE(walk(*store_, "g1").empty());
}

TEST_P(StoreConformanceTest, RemovalsReachEveryGateIncludingTheSource) {
  append(*store_, face("T1", "g1"));
  const int32_t removed = append(*store_, removal("T1", "g1"));
  const int32_t removed_nowhere = append(*store_, removal("T2"));

  const std::vector<int32_t> expected = {removed, removed_nowhere};
  EXPECT_EQ(walk(*store_, "g1"), expected);
}

TEST_P(StoreConformanceTest, NextForGateStartsAfterTheCursor) {
  const int32_t first = append(*store_, face("T1", "g2"));
  const int32_t second = append(*store_, face("T2", "g2"));
  const int32_t third = append(*store_, face("T3", "g2"));

  EXPECT_EQ(next_for_gate(*store_, "g1", first)->index, second);
  EXPECT_EQ(next_for_gate(*store_, "g1", second)->index, third);
  EXPECT_EQ(next_for_gate(*store_, "g1", third), std::nullopt);
  EXPECT_EQ(next_for_gate(*store_, "g1", 2147483647), std::nullopt);
}

TEST_P(StoreConformanceTest, EraseBeforeDeletesOnlyOlderEventsOfTheTicket) {
  const int32_t old_t1 = append(*store_, face("T1", "g1", "old"));
  const int32_t t2 = append(*store_, face("T2", "g1"));
  const int32_t new_t1 = append(*store_, face("T1", "g1", "new"));
  const int32_t newer_t1 = append(*store_, face("T1", "g1", "newer"));

  ASSERT_TRUE(erase_before(*store_, "T1", new_t1).is_ok());

  EXPECT_EQ(walk(*store_, "g9"), (std::vector<int32_t>{t2, new_t1, newer_t1}));
  EXPECT_NE(old_t1, 0);
}

TEST_P(StoreConformanceTest, ErasedImagesAreNoLongerServed) {
  append(*store_, face("T1", "g1", "old image"));
  const int32_t newest = append(*store_, face("T1", "g1", "new image"));
  ASSERT_TRUE(erase_before(*store_, "T1", newest).is_ok());

  std::optional<Event> first = next_for_gate(*store_, "g2", 0);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->index, newest);
  EXPECT_EQ(first->image, "new image");
}

TEST_P(StoreConformanceTest, EraseBeforeOfTheOnlyEventEmptiesTheTicket) {
  const int32_t index = append(*store_, face("T1", "g1"));
  ASSERT_TRUE(erase_before(*store_, "T1", index + 1).is_ok());

  EXPECT_EQ(latest(*store_, "T1"), std::nullopt);
  EXPECT_TRUE(walk(*store_, "g2").empty());
  EXPECT_EQ(last_index(*store_), index);  // the index stays issued
}

TEST_P(StoreConformanceTest, IndexesAreNotReusedAfterDeletingTheNewest) {
  append(*store_, face("T1", "g1"));
  const int32_t newest = append(*store_, face("T2", "g1"));
  ASSERT_TRUE(erase_before(*store_, "T2", newest + 1).is_ok());

  const int32_t next = append(*store_, face("T3", "g1"));

  EXPECT_GT(next, newest);
}

TEST_P(StoreConformanceTest, IndexesAreNotReusedAcrossReopen) {
  append(*store_, face("T1", "g1"));
  const int32_t newest = append(*store_, face("T2", "g1"));
  ASSERT_TRUE(erase_before(*store_, "T2", newest + 1).is_ok());

  reopen();
  EXPECT_EQ(last_index(*store_), newest);
  const int32_t next = append(*store_, face("T3", "g1"));

  EXPECT_GT(next, newest);
}

TEST_P(StoreConformanceTest, OneWriteCommitsAllItsStepsTogether) {
  const int32_t old = append(*store_, face("T1", "g1"));

  int32_t replaced = 0;
  Status status = store_->write([&](Transaction& tx) {
    Result<int32_t> index = tx.append(face("T1", "g2"));
    if (!index.is_ok()) return index.status();
    replaced = *index;
    return tx.erase_before("T1", replaced);
  });

  ASSERT_TRUE(status.is_ok()) << status.to_string();
  EXPECT_GT(replaced, old);
  EXPECT_EQ(walk(*store_, "g9"), (std::vector<int32_t>{replaced}));
}

TEST_P(StoreConformanceTest, TransactionSeesItsOwnChanges) {
  append(*store_, face("T1", "g1"));

  Status status = store_->write([&](Transaction& tx) {
    Result<int32_t> index = tx.append(face("T1", "g2"));
    EXPECT_TRUE(index.is_ok());
    Result<std::optional<Event>> seen = tx.latest("T1");
    EXPECT_TRUE(seen.is_ok() && seen->has_value());
    if (seen.is_ok() && seen->has_value()) {
      EXPECT_EQ((*seen)->index, *index);
      EXPECT_EQ((*seen)->source_gate, "g2");
    }

    EXPECT_TRUE(tx.erase_before("T1", *index + 1).is_ok());
    seen = tx.latest("T1");
    EXPECT_TRUE(seen.is_ok() && !seen->has_value());
    return Status::ok();
  });

  EXPECT_TRUE(status.is_ok()) << status.to_string();
}

TEST_P(StoreConformanceTest, FailingCallbackRollsEverythingBack) {
  const int32_t kept = append(*store_, face("T1", "g1"));

  Status status = store_->write([&](Transaction& tx) {
    Result<int32_t> index = tx.append(face("T1", "g2"));
    EXPECT_TRUE(index.is_ok());
    EXPECT_TRUE(tx.erase_before("T1", *index).is_ok());
    EXPECT_TRUE(tx.append(face("T2", "g2")).is_ok());
    return Status(ErrorCode::kFaceNotFound, "changed my mind");
  });

  EXPECT_EQ(status.code(), ErrorCode::kFaceNotFound);
  EXPECT_EQ(status.detail(), "changed my mind");
  EXPECT_EQ(last_index(*store_), kept);
  EXPECT_EQ(walk(*store_, "g9"), (std::vector<int32_t>{kept}));
  EXPECT_EQ(latest(*store_, "T2"), std::nullopt);
  EXPECT_EQ(latest(*store_, "T1")->source_gate, "g1");
}

TEST_P(StoreConformanceTest, WritesWorkAfterARolledBackWrite) {
  Status failed = store_->write([&](Transaction& tx) {
    EXPECT_TRUE(tx.append(face("T1", "g1")).is_ok());
    return Status(ErrorCode::kBadImage, "no");
  });
  ASSERT_FALSE(failed.is_ok());

  const int32_t index = append(*store_, face("T2", "g1"));

  EXPECT_GT(index, 0);
  EXPECT_EQ(walk(*store_, "g9"), (std::vector<int32_t>{index}));
}

TEST_P(StoreConformanceTest, ReadsDuringAnOpenWriteSeeOnlyCommittedEvents) {
  const int32_t committed = append(*store_, face("T1", "g1"));

  Status status = store_->write([&](Transaction& tx) {
    EXPECT_TRUE(tx.append(face("T1", "g2")).is_ok());

    // Another thread reads while this write holds the writer: it must
    // neither wait for the commit nor see the uncommitted event.
    auto reader = std::async(std::launch::async, [&] {
      return std::make_pair(latest(*store_, "T1"), last_index(*store_));
    });
    if (reader.wait_for(20s) != std::future_status::ready) {
      ADD_FAILURE() << "a read waited for the open write";
      return Status::ok();
    }
    auto [seen, last] = reader.get();
    EXPECT_TRUE(seen.has_value());
    if (seen.has_value()) {
      EXPECT_EQ(seen->index, committed);
    }
    EXPECT_EQ(last, committed);
    return Status::ok();
  });

  ASSERT_TRUE(status.is_ok()) << status.to_string();
  EXPECT_GT(latest(*store_, "T1")->index, committed);
}

TEST_P(StoreConformanceTest, ConcurrentReadersFollowWritesInIndexOrder) {
  constexpr int kEvents = 150;
  constexpr int kReaders = 4;
  const char* kGates[] = {"g1", "g2", ""};

  std::vector<int32_t> written;
  std::atomic<int32_t> final_index{0};
  std::thread writer([&] {
    for (int i = 0; i < kEvents; ++i) {
      const std::string ticket = "T" + std::to_string(i % 40);
      written.push_back(append(*store_, face(ticket, kGates[i % 3])));
    }
    final_index = written.back();
  });

  // Each reader follows the log as a gate that collected nothing, and must
  // see every event once, in index order, never an index going back.
  std::vector<std::vector<int32_t>> seen(kReaders);
  std::vector<std::string> errors(kReaders);
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      const auto deadline = std::chrono::steady_clock::now() + 120s;
      int32_t cursor = 0;
      int32_t last_seen_max = 0;
      while (std::chrono::steady_clock::now() < deadline) {
        Result<std::optional<Event>> next =
            store_->next_for_gate(GateView{"g9", "", 0}, cursor);
        Result<int32_t> last = store_->last_index();
        if (!next.is_ok() || !last.is_ok()) {
          errors[r] = "read failed";
          return;
        }
        if (*last < last_seen_max) errors[r] = "last_index went back";
        last_seen_max = *last;
        if (next->has_value()) {
          seen[r].push_back((*next)->index);
          cursor = (*next)->index;
        } else if (final_index != 0 && cursor >= final_index) {
          return;
        } else {
          std::this_thread::sleep_for(100us);  // caught up: let others run
        }
      }
      errors[r] = "timed out";
    });
  }

  writer.join();
  for (std::thread& reader : readers)
    reader.join();

  // Compaction never ran, so every event is still there to be seen.
  ASSERT_EQ(written.size(), static_cast<size_t>(kEvents));
  for (int r = 0; r < kReaders; ++r) {
    EXPECT_EQ(errors[r], "") << "reader " << r;
    EXPECT_EQ(seen[r], written) << "reader " << r;
  }
}

TEST_P(StoreConformanceTest, ConcurrentWritesAllCommitWithDistinctIndexes) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;

  std::vector<std::vector<int32_t>> issued(kThreads);
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string ticket =
            "W" + std::to_string(t) + "-" + std::to_string(i);
        issued[t].push_back(append(*store_, face(ticket, "g1")));
      }
    });
  }
  for (std::thread& writer : writers)
    writer.join();

  std::vector<int32_t> all;
  for (const std::vector<int32_t>& mine : issued) {
    EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end()));
    all.insert(all.end(), mine.begin(), mine.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  EXPECT_EQ(walk(*store_, "g2"), all);
}

TEST_P(StoreConformanceTest,
       LiveFacesPagesThroughNewestLiveFacesInTicketOrder) {
  append(*store_, face("T05", "g1"));
  append(*store_, face("T01", "g1"));
  append(*store_, face("T03", "g1"));
  append(*store_, face("T02", "g1", "old"));
  append(*store_, face("T04", "g1"));
  const int32_t t02_newest = append(*store_, face("T02", "g2", "new"));
  append(*store_, removal("T03"));

  Result<std::vector<Event>> page1 = store_->live_faces("", 2);
  ASSERT_TRUE(page1.is_ok()) << page1.status().to_string();
  EXPECT_EQ(tickets_of(*page1), (std::vector<std::string>{"T01", "T02"}));
  ASSERT_EQ(page1->size(), 2u);
  EXPECT_EQ((*page1)[1].index, t02_newest);
  EXPECT_EQ((*page1)[1].source_gate, "g2");
  EXPECT_TRUE((*page1)[1].image.empty());
  EXPECT_EQ((*page1)[1].image_sha256, image_sha256("new"));

  Result<std::vector<Event>> page2 = store_->live_faces("T02", 2);
  ASSERT_TRUE(page2.is_ok());
  EXPECT_EQ(tickets_of(*page2), (std::vector<std::string>{"T04", "T05"}));

  Result<std::vector<Event>> page3 = store_->live_faces("T05", 2);
  ASSERT_TRUE(page3.is_ok());
  EXPECT_TRUE(page3->empty());
}

TEST_P(StoreConformanceTest, LiveFacesHonoursLimitAndStartsAfterTicket) {
  append(*store_, face("A", "g1"));
  append(*store_, face("B", "g1"));
  append(*store_, face("C", "g1"));

  Result<std::vector<Event>> none = store_->live_faces("", 0);
  ASSERT_TRUE(none.is_ok());
  EXPECT_TRUE(none->empty());

  Result<std::vector<Event>> middle = store_->live_faces("AA", 1);
  ASSERT_TRUE(middle.is_ok());
  EXPECT_EQ(tickets_of(*middle), (std::vector<std::string>{"B"}));

  Result<std::vector<Event>> all = store_->live_faces("", SIZE_MAX);
  ASSERT_TRUE(all.is_ok());
  EXPECT_EQ(tickets_of(*all), (std::vector<std::string>{"A", "B", "C"}));
}

TEST_P(StoreConformanceTest, ReopenKeepsEverything) {
  const std::string image("\xFF\xD8\xFF\x00\x01\x02", 6);
  const int32_t kept = append(*store_, face("T1", "g1", image));
  const int32_t removed = append(*store_, removal("T2"));
  const int32_t other = append(*store_, face("T3", ""));

  reopen();

  EXPECT_TRUE(store_->check().is_ok());
  EXPECT_EQ(last_index(*store_), other);
  EXPECT_EQ(walk(*store_, "g2"), (std::vector<int32_t>{kept, removed, other}));
  std::optional<Event> first = next_for_gate(*store_, "g2", 0);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->image, image);
  EXPECT_EQ(first->source_gate, "g1");
  EXPECT_EQ(latest(*store_, "T2")->kind, EventKind::kRemoved);

  Result<std::vector<Event>> faces = store_->live_faces("", 10);
  ASSERT_TRUE(faces.is_ok());
  EXPECT_EQ(tickets_of(*faces), (std::vector<std::string>{"T1", "T3"}));
}

}  // namespace
}  // namespace facesync::store
