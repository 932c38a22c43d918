// FaceLog against a real SQLite store in a temporary directory.
#include "sync/face_log.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/temp_dir.h"
#include "store/image_digest.h"
#include "store/sqlite/sqlite_store.h"

namespace facesync::sync {
namespace {

using store::Event;
using store::EventKind;

constexpr size_t kImageLimit = 4096;
const std::string kJpeg("\xFF\xD8\xFF\xE0", 4);
const std::string kPng("\x89PNG\r\n\x1A\n", 8);

std::string jpeg(const std::string& tag) {
  return kJpeg + tag;
}

Enrollment enrollment(const std::string& ticket, const std::string& gate,
                      const std::string& image) {
  Enrollment e;
  e.ticket_code = ticket;
  e.source_gate = gate;
  e.image = image;
  e.valid_from = "20260101";
  e.valid_until = "20261231";
  e.template_info = 64;
  return e;
}

class FaceLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::Store>> opened =
        store::open_sqlite_store(path_);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
    log_ = std::make_unique<FaceLog>(*store_, FaceLogLimits{kImageLimit});
  }

  // Enrolls and expects success.
  Appended enroll(const Enrollment& e) {
    Result<Appended> result = log_->enroll(e);
    EXPECT_TRUE(result.is_ok()) << result.status().to_string();
    return result.is_ok() ? *result : Appended{};
  }

  Appended revoke(const std::string& ticket) {
    Result<Appended> result = log_->revoke(ticket);
    EXPECT_TRUE(result.is_ok()) << result.status().to_string();
    return result.is_ok() ? *result : Appended{};
  }

  // Everything `gate` receives from `after` on.
  std::vector<Event> walk(const std::string& gate, int64_t after = 0) {
    std::vector<Event> events;
    for (;;) {
      Result<std::optional<Event>> next = log_->next_for_gate(gate, after);
      EXPECT_TRUE(next.is_ok()) << next.status().to_string();
      if (!next.is_ok() || !next->has_value()) return events;
      EXPECT_GT((*next)->index, after);
      after = (*next)->index;
      events.push_back(std::move(**next));
    }
  }

  int32_t last_index() {
    Result<int32_t> last = store_->last_index();
    EXPECT_TRUE(last.is_ok());
    return last.is_ok() ? *last : -1;
  }

  // How many image rows the database holds, counted behind the store.
  int image_rows() {
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    int count = -1;
    sqlite3_open(path_.c_str(), &db);
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM images", -1, &stmt,
                           nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      count = sqlite3_column_int(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return count;
  }

  TempDir dir_;
  const std::string path_ = dir_.file("facesync.db");
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<FaceLog> log_;
};

std::vector<std::string> tickets_of(const std::vector<Event>& events) {
  std::vector<std::string> tickets;
  for (const Event& event : events)
    tickets.push_back(event.ticket_code);
  return tickets;
}

TEST_F(FaceLogTest, EnrollsANewFace) {
  const Appended appended = enroll(enrollment("T1", "0001", jpeg("a")));

  EXPECT_TRUE(appended.appended);
  EXPECT_EQ(appended.kind, EventKind::kNew);
  EXPECT_GT(appended.index, 0);
  EXPECT_EQ(last_index(), appended.index);

  Result<Event> face = log_->face("T1");
  ASSERT_TRUE(face.is_ok()) << face.status().to_string();
  EXPECT_EQ(face->index, appended.index);
  EXPECT_EQ(face->kind, EventKind::kNew);
  EXPECT_EQ(face->source_gate, "0001");
  EXPECT_EQ(face->valid_from, 20260101);
  EXPECT_EQ(face->valid_until, 20261231);
  EXPECT_EQ(face->template_info, 64);
  EXPECT_TRUE(face->image.empty());
  EXPECT_EQ(face->image_sha256, store::image_sha256(jpeg("a")));
}

TEST_F(FaceLogTest, OtherGatesReceiveTheImageBytes) {
  const std::string image = kPng + std::string("\0\x01\x02", 3);
  const Appended appended = enroll(enrollment("T1", "0001", image));

  std::vector<Event> received = walk("0002");

  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].index, appended.index);
  EXPECT_EQ(received[0].image, image);
  EXPECT_EQ(received[0].ticket_code, "T1");
}

// One field rule: a change to a valid enrollment and the code it must get
// (kOk when the change is still valid).
struct Rule {
  const char* name;
  std::function<void(Enrollment&)> change;
  ErrorCode expected;
};

TEST_F(FaceLogTest, EnrollChecksEveryFieldAtItsBoundaries) {
  const std::vector<Rule> rules = {
      {"ticket 32", [](Enrollment& e) { e.ticket_code = std::string(32, 'T'); },
       ErrorCode::kOk},
      {"ticket 33", [](Enrollment& e) { e.ticket_code = std::string(33, 'T'); },
       ErrorCode::kBadTicketCode},
      {"ticket empty", [](Enrollment& e) { e.ticket_code = ""; },
       ErrorCode::kBadTicketCode},
      {"ticket space", [](Enrollment& e) { e.ticket_code = "T 2"; },
       ErrorCode::kBadTicketCode},
      {"no gate", [](Enrollment& e) { e.source_gate = ""; }, ErrorCode::kOk},
      {"gate 4", [](Enrollment& e) { e.source_gate = "东门一号"; },
       ErrorCode::kOk},
      {"gate 5", [](Enrollment& e) { e.source_gate = "00001"; },
       ErrorCode::kBadGateNum},
      {"gate control", [](Enrollment& e) { e.source_gate = "0\t1"; },
       ErrorCode::kBadGateNum},
      {"leap day", [](Enrollment& e) { e.valid_from = "20240229"; },
       ErrorCode::kOk},
      {"no leap day", [](Enrollment& e) { e.valid_from = "20250229"; },
       ErrorCode::kBadDates},
      {"2100 no leap day", [](Enrollment& e) { e.valid_until = "21000229"; },
       ErrorCode::kBadDates},
      {"month 13", [](Enrollment& e) { e.valid_until = "20261301"; },
       ErrorCode::kBadDates},
      {"day 32", [](Enrollment& e) { e.valid_from = "20260132"; },
       ErrorCode::kBadDates},
      {"short date", [](Enrollment& e) { e.valid_from = "2026011"; },
       ErrorCode::kBadDates},
      {"same day", [](Enrollment& e) { e.valid_from = e.valid_until; },
       ErrorCode::kOk},
      {"begin after end",
       [](Enrollment& e) {
         e.valid_from = "20261231";
         e.valid_until = "20261230";
       },
       ErrorCode::kBadDates},
      {"template 0", [](Enrollment& e) { e.template_info = 0; },
       ErrorCode::kOk},
      {"template 255", [](Enrollment& e) { e.template_info = 255; },
       ErrorCode::kOk},
      {"template 256", [](Enrollment& e) { e.template_info = 256; },
       ErrorCode::kBadTemplateInfo},
      {"template -1", [](Enrollment& e) { e.template_info = -1; },
       ErrorCode::kBadTemplateInfo},
      {"png", [](Enrollment& e) { e.image = kPng + "IHDR"; }, ErrorCode::kOk},
      {"gif", [](Enrollment& e) { e.image = "GIF89a...."; },
       ErrorCode::kBadImage},
      {"empty image", [](Enrollment& e) { e.image = ""; },
       ErrorCode::kBadImage},
      {"image at limit",
       [](Enrollment& e) { e.image = kJpeg + std::string(kImageLimit - 4, 1); },
       ErrorCode::kOk},
      {"image over limit",
       [](Enrollment& e) { e.image = kJpeg + std::string(kImageLimit - 3, 1); },
       ErrorCode::kImageTooLarge},
      {"first failing field wins",
       [](Enrollment& e) {
         e.ticket_code = "T 2";
         e.image = "GIF89a";
       },
       ErrorCode::kBadTicketCode},
  };

  int valid = 0;
  for (const Rule& rule : rules) {
    SCOPED_TRACE(rule.name);
    Enrollment e = enrollment("R" + std::to_string(valid), "0001", jpeg("r"));
    rule.change(e);
    const int32_t before = last_index();

    Result<Appended> result = log_->enroll(e);

    if (rule.expected == ErrorCode::kOk) {
      ++valid;
      EXPECT_TRUE(result.is_ok()) << result.status().to_string();
      EXPECT_GT(last_index(), before);
    } else {
      EXPECT_EQ(result.status().code(), rule.expected)
          << result.status().to_string();
      EXPECT_EQ(last_index(), before);  // nothing appended
    }
  }
  EXPECT_EQ(valid, 9);
}

TEST_F(FaceLogTest, DefaultImageLimitIsTwoMebibytes) {
  EXPECT_EQ(FaceLogLimits{}.max_image_bytes, 2u * 1024 * 1024);
}

TEST_F(FaceLogTest, RepeatedEnrollmentAppendsNothing) {
  const Appended first = enroll(enrollment("T1", "0001", jpeg("a")));
  const Appended again = enroll(enrollment("T1", "0001", jpeg("a")));

  EXPECT_FALSE(again.appended);
  EXPECT_EQ(again.index, first.index);
  EXPECT_EQ(again.kind, EventKind::kNew);
  EXPECT_EQ(last_index(), first.index);
}

TEST_F(FaceLogTest, RepeatOfAReplacementReportsTheReplacement) {
  enroll(enrollment("T1", "0001", jpeg("a")));
  const Appended replaced = enroll(enrollment("T1", "0001", jpeg("b")));
  const Appended again = enroll(enrollment("T1", "0001", jpeg("b")));

  EXPECT_FALSE(again.appended);
  EXPECT_EQ(again.index, replaced.index);
  EXPECT_EQ(again.kind, EventKind::kReplaced);
}

TEST_F(FaceLogTest, AnyChangedFieldReplacesTheFace) {
  const std::vector<std::function<void(Enrollment&)>> changes = {
      [](Enrollment& e) { e.image = jpeg("other"); },
      [](Enrollment& e) { e.source_gate = "0002"; },
      [](Enrollment& e) { e.source_gate = ""; },
      [](Enrollment& e) { e.valid_from = "20260102"; },
      [](Enrollment& e) { e.valid_until = "20261230"; },
      [](Enrollment& e) { e.template_info = 65; },
  };

  for (size_t i = 0; i < changes.size(); ++i) {
    SCOPED_TRACE(i);
    const std::string ticket = "C" + std::to_string(i);
    const Appended first = enroll(enrollment(ticket, "0001", jpeg("a")));
    Enrollment changed = enrollment(ticket, "0001", jpeg("a"));
    changes[i](changed);

    const Appended second = enroll(changed);

    EXPECT_TRUE(second.appended);
    EXPECT_EQ(second.kind, EventKind::kReplaced);
    EXPECT_GT(second.index, first.index);
  }
}

TEST_F(FaceLogTest, ReplacementErasesTheOldEvent) {
  const Appended old_face = enroll(enrollment("T1", "0001", jpeg("old")));
  enroll(enrollment("T2", "0001", jpeg("t2")));
  const Appended new_face = enroll(enrollment("T1", "0003", jpeg("new")));

  std::vector<Event> received = walk("0002");

  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].ticket_code, "T2");
  EXPECT_EQ(received[1].index, new_face.index);
  EXPECT_EQ(received[1].kind, EventKind::kReplaced);
  EXPECT_EQ(received[1].image, jpeg("new"));
  for (const Event& event : received)
    EXPECT_NE(event.index, old_face.index);
  EXPECT_EQ(image_rows(), 2);
}

TEST_F(FaceLogTest, RevokeAppendsARemovalAndDropsTheImage) {
  Enrollment e = enrollment("T1", "0001", jpeg("a"));
  e.template_info = 200;
  const Appended enrolled = enroll(e);

  const Appended revoked = revoke("T1");

  EXPECT_TRUE(revoked.appended);
  EXPECT_EQ(revoked.kind, EventKind::kRemoved);
  EXPECT_GT(revoked.index, enrolled.index);
  EXPECT_EQ(log_->face("T1").status().code(), ErrorCode::kFaceNotFound);
  EXPECT_EQ(image_rows(), 0);

  std::vector<Event> received = walk("0002");
  ASSERT_EQ(received.size(), 1u);
  const Event& removal = received[0];
  EXPECT_EQ(removal.index, revoked.index);
  EXPECT_EQ(removal.kind, EventKind::kRemoved);
  EXPECT_EQ(removal.ticket_code, "T1");
  EXPECT_EQ(removal.valid_from, 20260101);
  EXPECT_EQ(removal.valid_until, 20261231);
  EXPECT_EQ(removal.template_info, 200);
  EXPECT_EQ(removal.source_gate, "");
  EXPECT_TRUE(removal.image.empty());
  EXPECT_TRUE(removal.image_sha256.empty());
}

TEST_F(FaceLogTest, RevokeThenEnrollAgainIsANewFace) {
  enroll(enrollment("T1", "0001", jpeg("a")));
  const Appended revoked = revoke("T1");

  const Appended again = enroll(enrollment("T1", "0001", jpeg("a")));

  EXPECT_TRUE(again.appended);
  EXPECT_EQ(again.kind, EventKind::kNew);
  EXPECT_GT(again.index, revoked.index);
  std::vector<Event> received = walk("0002");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].index, again.index);
}

TEST_F(FaceLogTest, RevokeNeedsALiveFace) {
  EXPECT_EQ(log_->revoke("NOPE").status().code(), ErrorCode::kFaceNotFound);
  EXPECT_EQ(log_->revoke("bad code").status().code(),
            ErrorCode::kBadTicketCode);

  enroll(enrollment("T1", "0001", jpeg("a")));
  const Appended revoked = revoke("T1");
  EXPECT_EQ(log_->revoke("T1").status().code(), ErrorCode::kFaceNotFound);
  EXPECT_EQ(last_index(), revoked.index);  // the failed revokes added none
}

TEST_F(FaceLogTest, FaceNeedsAValidCodeAndALiveFace) {
  EXPECT_EQ(log_->face("NOPE").status().code(), ErrorCode::kFaceNotFound);
  EXPECT_EQ(log_->face("").status().code(), ErrorCode::kBadTicketCode);
}

TEST_F(FaceLogTest, GateGetsOthersFacesAndRemovalsOfItsOwn) {
  const Appended own = enroll(enrollment("T1", "0001", jpeg("1")));
  const Appended other = enroll(enrollment("T2", "0002", jpeg("2")));
  const Appended unattributed = enroll(enrollment("T3", "", jpeg("3")));
  const Appended own_removed = revoke("T1");

  std::vector<Event> at_0001 = walk("0001");
  ASSERT_EQ(at_0001.size(), 3u);
  EXPECT_EQ(at_0001[0].index, other.index);
  EXPECT_EQ(at_0001[1].index, unattributed.index);
  EXPECT_EQ(at_0001[2].index, own_removed.index);
  EXPECT_EQ(at_0001[2].ticket_code, "T1");
  EXPECT_EQ(at_0001[2].kind, EventKind::kRemoved);

  std::vector<Event> at_0002 = walk("0002");
  EXPECT_EQ(tickets_of(at_0002), (std::vector<std::string>{"T3", "T1"}));
  EXPECT_NE(own.index, 0);
}

TEST_F(FaceLogTest, IndexesStrictlyIncreaseAcrossEveryKindOfChange) {
  std::vector<int32_t> indexes;
  indexes.push_back(enroll(enrollment("T1", "0001", jpeg("a"))).index);
  indexes.push_back(enroll(enrollment("T2", "0002", jpeg("b"))).index);
  indexes.push_back(enroll(enrollment("T1", "0001", jpeg("c"))).index);
  indexes.push_back(revoke("T2").index);
  indexes.push_back(enroll(enrollment("T2", "0002", jpeg("b"))).index);
  indexes.push_back(revoke("T1").index);
  indexes.push_back(enroll(enrollment("T3", "", jpeg("d"))).index);

  for (size_t i = 1; i < indexes.size(); ++i) {
    EXPECT_GT(indexes[i], indexes[i - 1]) << "step " << i;
  }
  EXPECT_EQ(last_index(), indexes.back());

  // After compaction each ticket keeps its newest event only.
  std::vector<Event> received = walk("0009");
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].index, indexes[4]);
  EXPECT_EQ(received[1].index, indexes[5]);
  EXPECT_EQ(received[2].index, indexes[6]);
}

TEST_F(FaceLogTest, NextForGateChecksItsArguments) {
  enroll(enrollment("T1", "0001", jpeg("a")));

  EXPECT_EQ(log_->next_for_gate("", 0).status().code(), ErrorCode::kBadGateNum);
  EXPECT_EQ(log_->next_for_gate("00001", 0).status().code(),
            ErrorCode::kBadGateNum);
  EXPECT_EQ(log_->next_for_gate("0002", -1).status().code(),
            ErrorCode::kBadLastSuccessIndex);
  EXPECT_EQ(log_->next_for_gate("0002", 2147483648LL).status().code(),
            ErrorCode::kBadLastSuccessIndex);

  Result<std::optional<Event>> at_end = log_->next_for_gate("0002", 2147483647);
  ASSERT_TRUE(at_end.is_ok());
  EXPECT_FALSE(at_end->has_value());
  Result<std::optional<Event>> first = log_->next_for_gate("0002", 0);
  ASSERT_TRUE(first.is_ok());
  EXPECT_TRUE(first->has_value());
}

TEST_F(FaceLogTest, LiveFacesListsLiveTicketsInOrder) {
  enroll(enrollment("C", "0001", jpeg("c")));
  enroll(enrollment("A", "0001", jpeg("a")));
  enroll(enrollment("B", "0001", jpeg("b")));
  enroll(enrollment("D", "0001", jpeg("d")));
  revoke("B");

  Result<std::vector<Event>> page1 = log_->live_faces("", 2);
  Result<std::vector<Event>> page2 = log_->live_faces("C", 2);

  ASSERT_TRUE(page1.is_ok());
  ASSERT_TRUE(page2.is_ok());
  EXPECT_EQ(tickets_of(*page1), (std::vector<std::string>{"A", "C"}));
  EXPECT_EQ(tickets_of(*page2), (std::vector<std::string>{"D"}));
}

TEST_F(FaceLogTest, ConcurrentEnrollmentsOfOneTicketLeaveOneEvent) {
  constexpr int kThreads = 4;
  constexpr int kEach = 10;

  std::vector<std::vector<Appended>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string tag = std::to_string(t) + "-" + std::to_string(i);
        Result<Appended> r = log_->enroll(enrollment("T1", "0001", jpeg(tag)));
        if (r.is_ok()) results[t].push_back(*r);
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();

  int news = 0;
  for (const std::vector<Appended>& mine : results) {
    ASSERT_EQ(mine.size(), static_cast<size_t>(kEach));
    for (const Appended& a : mine)
      news += a.kind == EventKind::kNew;
  }
  EXPECT_EQ(news, 1);  // only the very first enrollment found no face
  std::vector<Event> received = walk("0002");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].index, last_index());
  EXPECT_EQ(image_rows(), 1);
}

// A Store whose every operation fails, to see failures come through.
class BrokenStore final : public store::Store {
 public:
  Status write(const std::function<Status(store::Transaction&)>&) override {
    return broken();
  }
  Result<std::optional<Event>> next_for_gate(std::string_view,
                                             int32_t) override {
    return broken();
  }
  Result<std::optional<Event>> latest(std::string_view) override {
    return broken();
  }
  Result<std::vector<Event>> live_faces(std::string_view, size_t) override {
    return broken();
  }
  Result<int32_t> last_index() override { return broken(); }
  Status check() override { return broken(); }

 private:
  static Status broken() { return Status(ErrorCode::kStorage, "disk gone"); }
};

TEST(FaceLogStorageTest, StoreFailuresComeThroughUnchanged) {
  BrokenStore broken;
  FaceLog log(broken, FaceLogLimits{});

  EXPECT_EQ(log.enroll(enrollment("T1", "", jpeg("a"))).status().code(),
            ErrorCode::kStorage);
  EXPECT_EQ(log.revoke("T1").status().code(), ErrorCode::kStorage);
  EXPECT_EQ(log.face("T1").status().code(), ErrorCode::kStorage);
  EXPECT_EQ(log.next_for_gate("0001", 0).status().code(), ErrorCode::kStorage);
  EXPECT_EQ(log.live_faces("", 10).status().detail(), "disk gone");
}

}  // namespace
}  // namespace facesync::sync
