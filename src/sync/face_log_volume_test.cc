// Compaction at volume: many enrollments of few tickets leave one event and
// one image per ticket, whatever the history.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/image_digest.h"
#include "sync/face_log.h"
#include "sync/test_util.h"

namespace facesync::sync {
namespace {

using store::Event;
using store::EventKind;

constexpr int kTickets = 20'000;
constexpr int kRounds = 5;  // 100,000 enrollments
constexpr int kBatch = 4'000;

class FaceLogVolumeTest : public testing::StoreTest {
 protected:
  // Enrolls every ticket once more, each with an image of this round, in
  // batches; expects each to append an event of `kind`.
  void enroll_round(FaceLog& log, int round, EventKind kind) {
    for (int first = 0; first < kTickets; first += kBatch) {
      std::vector<Enrollment> batch;
      for (int i = first; i < first + kBatch; ++i) {
        const std::string ticket = "V" + std::to_string(i);
        batch.push_back(testing::enrollment(
            ticket, "", testing::jpeg(ticket + "/" + std::to_string(round))));
      }

      std::vector<Result<Appended>> outcomes;
      Status status = log.enroll_batch(batch, &outcomes);
      ASSERT_TRUE(status.is_ok()) << status.to_string();
      ASSERT_EQ(outcomes.size(), batch.size());
      for (const Result<Appended>& outcome : outcomes) {
        ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
        ASSERT_TRUE(outcome->appended);
        ASSERT_EQ(outcome->kind, kind);
      }
    }
  }

  // Live faces, counted by paging through them.
  size_t count_live_faces() {
    size_t count = 0;
    std::string after;
    for (;;) {
      Result<std::vector<Event>> page = store_->live_faces(after, 1000);
      EXPECT_TRUE(page.is_ok()) << page.status().to_string();
      if (!page.is_ok() || page->empty()) return count;
      count += page->size();
      after = page->back().ticket_code;
    }
  }
};

TEST_F(FaceLogVolumeTest, HundredThousandEnrollmentsOfTwentyThousandFaces) {
  FaceLog log(*store_, FaceLogOptions{});
  enroll_round(log, 0, EventKind::kNew);
  for (int round = 1; round < kRounds; ++round) {
    enroll_round(log, round, EventKind::kReplaced);
  }

  EXPECT_EQ(last_index(), kTickets * kRounds);
  EXPECT_EQ(count_live_faces(), static_cast<size_t>(kTickets));
  Result<int64_t> for_a_new_gate =
      store_->count_for_gate(store::GateView{"0009", "", 0}, 0);
  ASSERT_TRUE(for_a_new_gate.is_ok()) << for_a_new_gate.status().to_string();
  EXPECT_EQ(*for_a_new_gate, kTickets);

  // Behind the store: the rows themselves.
  EXPECT_EQ(testing::query_count(path_, "SELECT count(*) FROM events"),
            kTickets);
  EXPECT_EQ(testing::query_count(path_, "SELECT count(*) FROM images"),
            kTickets);

  // The survivors are the last round's faces.
  Result<Event> face = log.face("V123");
  ASSERT_TRUE(face.is_ok());
  EXPECT_EQ(face->kind, EventKind::kReplaced);
  EXPECT_EQ(face->image_sha256, store::image_sha256(testing::jpeg("V123/4")));
}

}  // namespace
}  // namespace facesync::sync
