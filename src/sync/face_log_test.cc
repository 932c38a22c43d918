// FaceLog against a real SQLite store in a temporary directory.
#include "sync/face_log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/temp_dir.h"
#include "store/image_digest.h"
#include "store/sqlite/sqlite_store.h"
#include "sync/test_util.h"

namespace facesync::sync {
namespace {

using store::Event;
using store::EventKind;
using store::GateView;
using testing::enrollment;
using testing::jpeg;
using testing::kJpeg;
using testing::kPng;
using testing::tickets_of;
using testing::WrappedStore;

constexpr size_t kImageLimit = 4096;

// Options with a small image limit, and today when given.
FaceLogOptions limited(std::function<int32_t()> today = {}) {
  FaceLogOptions options;
  options.max_image_bytes = kImageLimit;
  options.today = std::move(today);
  return options;
}

class FaceLogTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    log_ = std::make_unique<FaceLog>(*store_, limited());
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

  // How many image rows the database holds, counted behind the store.
  int64_t image_rows() {
    return testing::query_count(path_, "SELECT count(*) FROM images");
  }

  // The ticket codes of every live face, in ticket order.
  std::vector<std::string> live_tickets() {
    Result<std::vector<Event>> faces = log_->live_faces("", 1000);
    EXPECT_TRUE(faces.is_ok()) << faces.status().to_string();
    return faces.is_ok() ? tickets_of(*faces) : std::vector<std::string>{};
  }

  std::unique_ptr<FaceLog> log_;
};

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

TEST_F(FaceLogTest, DefaultOptionsAreTwoMebibytesAndNoToday) {
  EXPECT_EQ(FaceLogOptions{}.max_image_bytes, 2u * 1024 * 1024);
  EXPECT_FALSE(FaceLogOptions{}.today);
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

  const GateView gate{"0002", "", 0};
  EXPECT_EQ(log_->next_for_gate(GateView{"", "", 0}, 0).status().code(),
            ErrorCode::kBadGateNum);
  EXPECT_EQ(log_->next_for_gate(GateView{"00001", "", 0}, 0).status().code(),
            ErrorCode::kBadGateNum);
  EXPECT_EQ(log_->next_for_gate(gate, -1).status().code(),
            ErrorCode::kBadLastSuccessIndex);
  EXPECT_EQ(log_->next_for_gate(gate, 2147483648LL).status().code(),
            ErrorCode::kBadLastSuccessIndex);

  Result<std::optional<Event>> at_end = log_->next_for_gate(gate, 2147483647);
  ASSERT_TRUE(at_end.is_ok());
  EXPECT_FALSE(at_end->has_value());
  Result<std::optional<Event>> first = log_->next_for_gate(gate, 0);
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

// Today's date, for options.today: 2026-06-15.
int32_t june_15() {
  return 20260615;
}

TEST_F(FaceLogTest, RefusesAnEndDateBeforeToday) {
  FaceLog log(*store_, limited(june_15));
  Enrollment ended = enrollment("T1", "0001", jpeg("a"));
  ended.valid_from = "20260101";
  ended.valid_until = "20260614";
  Enrollment ends_today = ended;
  ends_today.valid_until = "20260615";

  Result<Appended> refused = log.enroll(ended);
  Result<Appended> accepted = log.enroll(ends_today);

  EXPECT_EQ(refused.status().code(), ErrorCode::kBadDates);
  EXPECT_NE(refused.status().detail().find("20260614"), std::string::npos)
      << refused.status().detail();
  ASSERT_TRUE(accepted.is_ok()) << accepted.status().to_string();
  EXPECT_EQ(last_index(), accepted->index);  // the refusal appended nothing
}

TEST_F(FaceLogTest, TodayIsJudgedWithTheDatesBeforeLaterFields) {
  FaceLog log(*store_, limited(june_15));
  Enrollment e = enrollment("T1", "0001", "GIF89a");
  e.valid_until = "20260101";

  EXPECT_EQ(log.enroll(e).status().code(), ErrorCode::kBadDates);
}

TEST_F(FaceLogTest, WithoutTodayAnyEndDateIsAccepted) {
  Enrollment e = enrollment("T1", "0001", jpeg("a"));
  e.valid_from = "19990101";
  e.valid_until = "19991231";

  EXPECT_TRUE(enroll(e).appended);
}

TEST_F(FaceLogTest, SitesAreCheckedSortedAndDeduplicated) {
  Enrollment e = enrollment("T1", "0001", jpeg("a"));
  e.sites = {"north", "East-1", "north", "a.b_c"};
  enroll(e);

  Result<Event> face = log_->face("T1");

  ASSERT_TRUE(face.is_ok()) << face.status().to_string();
  EXPECT_EQ(face->sites,
            (std::vector<std::string>{"East-1", "a.b_c", "north"}));
}

TEST_F(FaceLogTest, EnrollRefusesAnInvalidSite) {
  const std::vector<std::string> bad = {"", "two words", std::string(33, 's'),
                                        "北门", "a/b"};
  for (const std::string& site : bad) {
    SCOPED_TRACE(site);
    Enrollment e = enrollment("T1", "0001", jpeg("a"));
    e.sites = {"north", site};

    EXPECT_EQ(log_->enroll(e).status().code(), ErrorCode::kBadSite);
  }
  EXPECT_EQ(last_index(), 0);

  Enrollment longest = enrollment("T1", "0001", jpeg("a"));
  longest.sites = {std::string(32, 's')};
  EXPECT_TRUE(enroll(longest).appended);
}

TEST_F(FaceLogTest, RepeatComparesTheSetOfSites) {
  Enrollment e = enrollment("T1", "0001", jpeg("a"));
  e.sites = {"b", "a"};
  const Appended first = enroll(e);
  e.sites = {"a", "b", "a"};
  const Appended same = enroll(e);
  e.sites = {"a"};
  const Appended fewer = enroll(e);
  e.sites = {};
  const Appended everywhere = enroll(e);

  EXPECT_FALSE(same.appended);
  EXPECT_EQ(same.index, first.index);
  EXPECT_TRUE(fewer.appended);
  EXPECT_EQ(fewer.kind, EventKind::kReplaced);
  EXPECT_TRUE(everywhere.appended);
  EXPECT_GT(everywhere.index, fewer.index);
}

TEST_F(FaceLogTest, SitesDecideWhichGatesReceiveAFace) {
  Enrollment north = enrollment("N1", "", jpeg("n"));
  north.sites = {"north"};
  Enrollment south = enrollment("S1", "", jpeg("s"));
  south.sites = {"south"};
  enroll(north);
  enroll(enrollment("E1", "", jpeg("e")));  // every gate
  enroll(south);

  EXPECT_EQ(tickets_of(walk(GateView{"0001", "north", 0})),
            (std::vector<std::string>{"N1", "E1"}));
  EXPECT_EQ(tickets_of(walk(GateView{"0002", "south", 0})),
            (std::vector<std::string>{"E1", "S1"}));
  EXPECT_EQ(tickets_of(walk(GateView{"0003", "", 0})),
            (std::vector<std::string>{"E1"}));
}

TEST_F(FaceLogTest, MovingAFaceToAnotherSiteRemovesItFromTheFirst) {
  Enrollment face = enrollment("T1", "", jpeg("a"));
  face.sites = {"north"};
  const Appended first = enroll(face);
  const GateView north{"0001", "north", 0};
  ASSERT_EQ(walk(north).size(), 1u);

  face.sites = {"south"};
  const Appended moved = enroll(face);

  std::vector<Event> at_north = walk(north, first.index);
  ASSERT_EQ(at_north.size(), 1u);
  EXPECT_EQ(at_north[0].index, moved.index);
  EXPECT_EQ(at_north[0].kind, EventKind::kRemoved);
  EXPECT_TRUE(at_north[0].image.empty());
  std::vector<Event> at_south = walk(GateView{"0002", "south", 0});
  ASSERT_EQ(at_south.size(), 1u);
  EXPECT_EQ(at_south[0].kind, EventKind::kReplaced);
  EXPECT_EQ(at_south[0].image, jpeg("a"));
}

TEST_F(FaceLogTest, EnrollBatchReportsEachOutcomeInOrder) {
  WrappedStore counted(*store_);
  FaceLog log(counted, limited());
  const std::vector<Enrollment> batch = {
      enrollment("T1", "0001", jpeg("a")),
      enrollment("bad code", "0001", jpeg("x")),
      enrollment("T2", "0002", jpeg("b")),
      enrollment("T1", "0001", jpeg("a")),  // repeats the first
      enrollment("T1", "0001", jpeg("c")),  // replaces it
      enrollment("T3", "0001", "GIF89a"),
  };

  std::vector<Result<Appended>> outcomes;
  Status status = log.enroll_batch(batch, &outcomes);

  ASSERT_TRUE(status.is_ok()) << status.to_string();
  EXPECT_EQ(counted.writes, 1);
  ASSERT_EQ(outcomes.size(), batch.size());
  ASSERT_TRUE(outcomes[0].is_ok());
  EXPECT_EQ(outcomes[0]->kind, EventKind::kNew);
  EXPECT_TRUE(outcomes[0]->appended);
  EXPECT_EQ(outcomes[1].status().code(), ErrorCode::kBadTicketCode);
  ASSERT_TRUE(outcomes[2].is_ok());
  EXPECT_EQ(outcomes[2]->kind, EventKind::kNew);
  ASSERT_TRUE(outcomes[3].is_ok());
  EXPECT_FALSE(outcomes[3]->appended);
  EXPECT_EQ(outcomes[3]->index, outcomes[0]->index);
  ASSERT_TRUE(outcomes[4].is_ok());
  EXPECT_EQ(outcomes[4]->kind, EventKind::kReplaced);
  EXPECT_GT(outcomes[4]->index, outcomes[2]->index);
  EXPECT_EQ(outcomes[5].status().code(), ErrorCode::kBadImage);

  EXPECT_EQ(last_index(), outcomes[4]->index);
  EXPECT_EQ(tickets_of(walk("0009")), (std::vector<std::string>{"T2", "T1"}));
  EXPECT_EQ(image_rows(), 2);
}

TEST_F(FaceLogTest, EnrollBatchStorageFailureLeavesNothing) {
  enroll(enrollment("T0", "0001", jpeg("0")));
  const int32_t before = last_index();
  WrappedStore failing(*store_);
  failing.fail_at_append = 3;
  FaceLog log(failing, limited());
  const std::vector<Enrollment> batch = {
      enrollment("T1", "0001", jpeg("a")),
      enrollment("T0", "0001", jpeg("new")),
      enrollment("T2", "0001", jpeg("b")),
      enrollment("T3", "0001", jpeg("c")),
  };

  std::vector<Result<Appended>> outcomes;
  Status status = log.enroll_batch(batch, &outcomes);

  EXPECT_EQ(status.code(), ErrorCode::kStorage);
  EXPECT_TRUE(outcomes.empty());
  EXPECT_EQ(failing.appends, 3);  // it stopped at the failure
  EXPECT_EQ(last_index(), before);
  EXPECT_EQ(live_tickets(), (std::vector<std::string>{"T0"}));
  Result<Event> t0 = log_->face("T0");
  ASSERT_TRUE(t0.is_ok());
  EXPECT_EQ(t0->image_sha256, store::image_sha256(jpeg("0")));
}

// Enrolls `ticket` ending on `until` (yyyyMMdd).
Enrollment ending(const std::string& ticket, const std::string& until) {
  Enrollment e = enrollment(ticket, "0001", jpeg(ticket));
  e.valid_until = until;
  return e;
}

TEST_F(FaceLogTest, ExpireRemovesFacesEndingBeforeToday) {
  const Appended past = enroll(ending("PAST", "20260110"));
  enroll(ending("TODAY", "20260111"));
  enroll(ending("LATER", "20260112"));
  enroll(ending("GONE", "20260101"));
  revoke("GONE");
  const int32_t before = last_index();

  Result<size_t> expired = log_->expire(20260111);

  ASSERT_TRUE(expired.is_ok()) << expired.status().to_string();
  EXPECT_EQ(*expired, 1u);
  EXPECT_EQ(live_tickets(), (std::vector<std::string>{"LATER", "TODAY"}));
  EXPECT_EQ(image_rows(), 2);

  // Gates learn it as they learn a revocation.
  std::vector<Event> received = walk("0009", before);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].kind, EventKind::kRemoved);
  EXPECT_EQ(received[0].ticket_code, "PAST");
  EXPECT_EQ(received[0].valid_until, 20260110);
  EXPECT_GT(received[0].index, past.index);

  Result<size_t> again = log_->expire(20260111);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(*again, 0u);
  EXPECT_EQ(last_index(), received[0].index);
}

TEST_F(FaceLogTest, ExpireWorksInTransactionsOfAFewHundred) {
  constexpr int kFaces = 1201;
  std::vector<Enrollment> batch;
  for (int i = 0; i < kFaces; ++i) {
    batch.push_back(ending("X" + std::to_string(i), "20260110"));
  }
  batch.push_back(ending("KEEP", "20260111"));
  std::vector<Result<Appended>> outcomes;
  ASSERT_TRUE(log_->enroll_batch(batch, &outcomes).is_ok());
  WrappedStore counted(*store_);
  FaceLog log(counted, limited());

  Result<size_t> expired = log.expire(20260111);

  ASSERT_TRUE(expired.is_ok()) << expired.status().to_string();
  EXPECT_EQ(*expired, static_cast<size_t>(kFaces));
  EXPECT_GE(counted.writes, 2);  // not one transaction for all
  EXPECT_LE(counted.writes, 6);  // nor one per face
  EXPECT_EQ(live_tickets(), (std::vector<std::string>{"KEEP"}));
  EXPECT_EQ(image_rows(), 1);
}

TEST_F(FaceLogTest, ExpirePageScansLiveFacesInTicketOrder) {
  enroll(ending("A", "20260110"));
  enroll(ending("B", "20261231"));
  enroll(ending("C", "20260101"));
  enroll(ending("D", "20261231"));
  enroll(ending("E", "20261231"));
  enroll(ending("BB", "20260101"));
  revoke("BB");  // not live: not scanned

  Result<ScanPage> first = log_->expire_page("", 2, 20260111);
  Result<ScanPage> second = log_->expire_page("B", 2, 20260111);
  Result<ScanPage> last = log_->expire_page("D", 2, 20260111);
  Result<ScanPage> past_end = log_->expire_page("E", 2, 20260111);

  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(first->scanned, 2u);
  EXPECT_EQ(first->expired, 1u);
  EXPECT_EQ(first->last_ticket, "B");
  EXPECT_TRUE(first->has_more);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(second->scanned, 2u);
  EXPECT_EQ(second->expired, 1u);
  EXPECT_EQ(second->last_ticket, "D");
  EXPECT_TRUE(second->has_more);
  ASSERT_TRUE(last.is_ok());
  EXPECT_EQ(last->scanned, 1u);
  EXPECT_EQ(last->expired, 0u);
  EXPECT_EQ(last->last_ticket, "E");
  EXPECT_FALSE(last->has_more);
  ASSERT_TRUE(past_end.is_ok());
  EXPECT_EQ(past_end->scanned, 0u);
  EXPECT_EQ(past_end->last_ticket, "");
  EXPECT_FALSE(past_end->has_more);
  EXPECT_EQ(live_tickets(), (std::vector<std::string>{"B", "D", "E"}));
}

TEST_F(FaceLogTest, ExpirePageThatEndsExactlyAtTheLastFaceHasNoMore) {
  enroll(ending("A", "20261231"));
  enroll(ending("B", "20261231"));

  Result<ScanPage> page = log_->expire_page("", 2, 20260111);

  ASSERT_TRUE(page.is_ok());
  EXPECT_EQ(page->scanned, 2u);
  EXPECT_FALSE(page->has_more);
}

TEST_F(FaceLogTest, ExpirePageChecksItsArguments) {
  EXPECT_EQ(log_->expire_page("", 0, 20260111).status().code(),
            ErrorCode::kBadQuery);
  EXPECT_EQ(log_->expire_page("", 1001, 20260111).status().code(),
            ErrorCode::kBadQuery);
  EXPECT_EQ(log_->expire_page("bad code", 50, 20260111).status().code(),
            ErrorCode::kBadTicketCode);
  EXPECT_TRUE(log_->expire_page("", 1000, 20260111).is_ok());
}

TEST(FaceLogStorageTest, StoreFailuresComeThroughUnchanged) {
  testing::BrokenStore broken;
  FaceLog log(broken, FaceLogOptions{});
  const std::vector<Enrollment> batch = {enrollment("T1", "", jpeg("a"))};
  std::vector<Result<Appended>> outcomes;

  EXPECT_EQ(log.enroll(enrollment("T1", "", jpeg("a"))).status().code(),
            ErrorCode::kStorage);
  EXPECT_EQ(log.enroll_batch(batch, &outcomes).code(), ErrorCode::kStorage);
  EXPECT_EQ(log.revoke("T1").status().code(), ErrorCode::kStorage);
  EXPECT_EQ(log.face("T1").status().code(), ErrorCode::kStorage);
  EXPECT_EQ(log.next_for_gate(GateView{"0001", "", 0}, 0).status().code(),
            ErrorCode::kStorage);
  EXPECT_EQ(log.expire(20260101).status().code(), ErrorCode::kStorage);
  EXPECT_EQ(log.expire_page("", 50, 20260101).status().code(),
            ErrorCode::kStorage);
  EXPECT_EQ(log.live_faces("", 10).status().detail(), "disk gone");
}

}  // namespace
}  // namespace facesync::sync
