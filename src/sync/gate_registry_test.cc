// GateRegistry against a real SQLite store, with a clock the tests move.
#include "sync/gate_registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sync/face_log.h"
#include "sync/test_util.h"

namespace facesync::sync {
namespace {

using store::Event;
using store::EventKind;
using store::GateRecord;
using testing::enrollment;
using testing::jpeg;
using testing::tickets_of;
using testing::WrappedStore;

constexpr int64_t kDay = 24 * 60 * 60;

class GateRegistryTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    log_ = std::make_unique<FaceLog>(*store_, FaceLogOptions{});
  }

  // A registry over the test's store, loaded.
  std::unique_ptr<GateRegistry> registry(RegistryOptions options = {}) {
    auto registry =
        std::make_unique<GateRegistry>(*store_, options, clock_.fn());
    Status loaded = registry->load();
    EXPECT_TRUE(loaded.is_ok()) << loaded.to_string();
    return registry;
  }

  // The gate as the store holds it, read by a registry loaded afresh.
  GateRecord stored(const std::string& gatenum) {
    Result<GateRecord> gate = registry()->get(gatenum);
    EXPECT_TRUE(gate.is_ok()) << gate.status().to_string();
    return gate.is_ok() ? *gate : GateRecord{};
  }

  Admitted admit(GateRegistry& registry, const std::string& gatenum,
                 int64_t reported, const std::string& address = "10.0.0.1") {
    Result<Admitted> admitted = registry.admit(gatenum, address, reported);
    EXPECT_TRUE(admitted.is_ok()) << admitted.status().to_string();
    return admitted.is_ok() ? *admitted : Admitted{};
  }

  GateRecord get(GateRegistry& registry, const std::string& gatenum) {
    Result<GateRecord> gate = registry.get(gatenum);
    EXPECT_TRUE(gate.is_ok()) << gate.status().to_string();
    return gate.is_ok() ? *gate : GateRecord{};
  }

  // A gate syncing as the legacy endpoint serves it: each request is
  // admitted, then answered with the next event for the admitted view,
  // until none is left. Returns what the gate received.
  std::vector<Event> sync_gate(GateRegistry& registry,
                               const std::string& gatenum, int64_t from) {
    std::vector<Event> received;
    int64_t cursor = from;
    for (;;) {
      const Admitted admitted = admit(registry, gatenum, cursor);
      Result<std::optional<Event>> next =
          log_->next_for_gate(admitted.view(), admitted.cursor);
      EXPECT_TRUE(next.is_ok()) << next.status().to_string();
      if (!next.is_ok() || !next->has_value()) return received;
      cursor = (*next)->index;
      received.push_back(std::move(**next));
    }
  }

  Appended enroll(const std::string& ticket, const std::string& gate = "") {
    Result<Appended> appended =
        log_->enroll(enrollment(ticket, gate, jpeg(ticket)));
    EXPECT_TRUE(appended.is_ok()) << appended.status().to_string();
    return appended.is_ok() ? *appended : Appended{};
  }

  Appended revoke(const std::string& ticket) {
    Result<Appended> revoked = log_->revoke(ticket);
    EXPECT_TRUE(revoked.is_ok()) << revoked.status().to_string();
    return revoked.is_ok() ? *revoked : Appended{};
  }

  store::TombstoneSweep collect(GateRegistry& registry) {
    Result<store::TombstoneSweep> swept = registry.collect_tombstones();
    EXPECT_TRUE(swept.is_ok()) << swept.status().to_string();
    return swept.is_ok() ? *swept : store::TombstoneSweep{};
  }

  testing::ManualClock clock_;
  std::unique_ptr<FaceLog> log_;
};

GateSettings settings(const std::string& gatenum, bool enabled = true) {
  GateSettings gate;
  gate.gatenum = gatenum;
  gate.enabled = enabled;
  return gate;
}

TEST_F(GateRegistryTest, OpenModeRegistersAGateOnItsFirstSync) {
  auto registry = this->registry();

  const Admitted admitted = admit(*registry, "0001", 0, "10.0.0.7");

  EXPECT_EQ(admitted.cursor, 0);
  EXPECT_EQ(admitted.gatenum, "0001");
  EXPECT_EQ(admitted.site, "");
  const GateRecord gate = get(*registry, "0001");
  EXPECT_TRUE(gate.enabled);
  EXPECT_EQ(gate.created_at, clock_.now);
  EXPECT_EQ(gate.last_seen, clock_.now);
  EXPECT_EQ(gate.last_address, "10.0.0.7");
  EXPECT_EQ(gate.requests, 1);
  // Written through: the store has it before any flush.
  EXPECT_EQ(stored("0001").created_at, clock_.now);
}

TEST_F(GateRegistryTest, StrictModeAdmitsOnlyRegisteredGates) {
  auto registry = this->registry(RegistryOptions{.strict = true});

  Result<Admitted> unknown = registry->admit("0001", "10.0.0.1", 0);

  EXPECT_EQ(unknown.status().code(), ErrorCode::kUnknownGate);
  EXPECT_TRUE(registry->list().empty());
  Result<std::vector<GateRecord>> in_store = store_->gates();
  ASSERT_TRUE(in_store.is_ok());
  EXPECT_TRUE(in_store->empty());

  ASSERT_TRUE(registry->put(settings("0001")).is_ok());
  EXPECT_TRUE(registry->admit("0001", "10.0.0.1", 0).is_ok());
}

TEST_F(GateRegistryTest, DisabledGateIsRefusedInEitherMode) {
  for (bool strict : {false, true}) {
    SCOPED_TRACE(strict);
    auto registry = this->registry(RegistryOptions{.strict = strict});
    ASSERT_TRUE(registry->put(settings("0001", false)).is_ok());

    Result<Admitted> refused = registry->admit("0001", "10.0.0.1", 5);

    EXPECT_EQ(refused.status().code(), ErrorCode::kGateDisabled);
    const GateRecord gate = get(*registry, "0001");
    EXPECT_EQ(gate.requests, 0);  // a refusal is no progress
    EXPECT_EQ(gate.last_seen, 0);
  }
}

TEST_F(GateRegistryTest, AdmitChecksItsArguments) {
  auto registry = this->registry();

  EXPECT_EQ(registry->admit("", "a", 0).status().code(),
            ErrorCode::kBadGateNum);
  EXPECT_EQ(registry->admit("00001", "a", 0).status().code(),
            ErrorCode::kBadGateNum);
  EXPECT_EQ(registry->admit("0001", "a", -1).status().code(),
            ErrorCode::kBadLastSuccessIndex);
  EXPECT_EQ(registry->admit("0001", "a", 2147483648LL).status().code(),
            ErrorCode::kBadLastSuccessIndex);
  EXPECT_TRUE(registry->list().empty());
}

TEST_F(GateRegistryTest, RebuildFromZeroGetsOwnFacesUpToTheNewestOnly) {
  enroll("A", "0001");
  enroll("B", "0002");
  const Appended c = enroll("C", "0001");
  auto registry = this->registry();

  std::vector<Event> rebuilt = sync_gate(*registry, "0001", 0);

  EXPECT_EQ(tickets_of(rebuilt), (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(get(*registry, "0001").own_until, c.index);
  EXPECT_EQ(stored("0001").own_until, c.index);  // written through

  // Faces it collects after the rebuild are its own again: skipped.
  enroll("D", "0001");
  enroll("E", "0002");
  std::vector<Event> later = sync_gate(*registry, "0001", c.index);
  EXPECT_EQ(tickets_of(later), (std::vector<std::string>{"E"}));
}

TEST_F(GateRegistryTest, WithoutRebuildAGateFromZeroSkipsItsOwnFaces) {
  enroll("A", "0001");
  enroll("B", "0002");
  RegistryOptions options;
  options.rebuild_own_faces = false;
  auto registry = this->registry(options);

  std::vector<Event> synced = sync_gate(*registry, "0001", 0);

  EXPECT_EQ(tickets_of(synced), (std::vector<std::string>{"B"}));
}

TEST_F(GateRegistryTest, RepeatedRequestsFromZeroWriteOnlyWhenTheLogMoved) {
  WrappedStore counted(*store_);
  GateRegistry registry(counted, RegistryOptions{}, clock_.fn());
  ASSERT_TRUE(registry.load().is_ok());

  admit(registry, "0001", 0);
  admit(registry, "0001", 0);
  admit(registry, "0001", 0);
  const int writes = counted.writes;
  const Appended other = enroll("X", "0002");
  const Admitted after_append = admit(registry, "0001", 0);

  EXPECT_EQ(writes, 1);  // registration and rebuild, once
  EXPECT_EQ(counted.writes, 2);
  EXPECT_EQ(after_append.own_until, other.index);
  EXPECT_EQ(get(registry, "0001").requests, 4);
}

TEST_F(GateRegistryTest, KnownGatesAreAdmittedWithoutTouchingTheStore) {
  const Appended a = enroll("A");
  WrappedStore counted(*store_);
  GateRegistry registry(counted, RegistryOptions{}, clock_.fn());
  ASSERT_TRUE(registry.load().is_ok());
  admit(registry, "0001", 0);
  const int reads = counted.last_index_reads;
  const int writes = counted.writes;

  for (int i = 0; i < 100; ++i)
    admit(registry, "0001", a.index);

  EXPECT_EQ(counted.last_index_reads, reads);
  EXPECT_EQ(counted.writes, writes);
  EXPECT_EQ(get(registry, "0001").requests, 101);
  EXPECT_EQ(get(registry, "0001").cursor, a.index);
}

TEST_F(GateRegistryTest, CursorBeyondTheLogRestartsFromZeroAndIsFlagged) {
  const Appended a = enroll("A");
  enroll("B");
  const Appended c = enroll("C");
  auto registry = this->registry();
  testing::LogCapture logs;

  const Admitted admitted = admit(*registry, "0002", 100);

  EXPECT_EQ(admitted.cursor, 0);
  const GateRecord gate = get(*registry, "0002");
  EXPECT_TRUE(gate.needs_resync);
  EXPECT_NE(gate.resync_reason.find("100"), std::string::npos);
  EXPECT_NE(gate.resync_reason.find(std::to_string(c.index)),
            std::string::npos);
  EXPECT_EQ(gate.cursor, 0);
  EXPECT_TRUE(stored("0002").needs_resync);

  const std::string text = logs.text();
  EXPECT_NE(text.find("[warning]"), std::string::npos) << text;
  EXPECT_NE(text.find("gate 0002 reported index 100 beyond the newest index " +
                      std::to_string(c.index)),
            std::string::npos)
      << text;

  // It reads from the start, and later appends go above its cursor.
  Result<std::optional<Event>> first =
      log_->next_for_gate(admitted.view(), admitted.cursor);
  ASSERT_TRUE(first.is_ok() && first->has_value());
  EXPECT_EQ((*first)->index, a.index);
  EXPECT_GT(enroll("D").index, 100);
}

TEST_F(GateRegistryTest, CursorBeyondTheLogCanBeAnsweredAsCaughtUp) {
  enroll("A");
  const Appended b = enroll("B");
  auto registry = this->registry(RegistryOptions{.restart_beyond_log = false});

  const Admitted admitted = admit(*registry, "0002", 100);

  EXPECT_EQ(admitted.cursor, 100);
  EXPECT_TRUE(get(*registry, "0002").needs_resync);
  EXPECT_EQ(stored("0002").cursor, 100);
  Result<std::optional<Event>> next =
      log_->next_for_gate(admitted.view(), admitted.cursor);
  ASSERT_TRUE(next.is_ok());
  EXPECT_FALSE(next->has_value());

  // The same cursor again is progress, and the next append reaches it.
  EXPECT_EQ(admit(*registry, "0002", 100).cursor, 100);
  const Appended c = enroll("C");
  EXPECT_GT(c.index, 100);
  EXPECT_GT(c.index, b.index);
  next = log_->next_for_gate(admitted.view(), 100);
  ASSERT_TRUE(next.is_ok() && next->has_value());
  EXPECT_EQ((*next)->index, c.index);
}

TEST_F(GateRegistryTest, ARebuildClearsTheResyncFlag) {
  auto registry = this->registry();
  admit(*registry, "0002", 100);
  ASSERT_TRUE(get(*registry, "0002").needs_resync);

  admit(*registry, "0002", 0);

  EXPECT_FALSE(get(*registry, "0002").needs_resync);
  EXPECT_EQ(get(*registry, "0002").resync_reason, "");
  EXPECT_FALSE(stored("0002").needs_resync);
}

// Two gates synced past an early removal, which every gate has read.
class TombstoneTest : public GateRegistryTest {
 protected:
  void SetUp() override {
    GateRegistryTest::SetUp();
    for (const char* ticket : {"T0", "T1", "T2", "T3"})
      enroll(ticket);
    early_removal_ = revoke("T0");
    caught_up_ = enroll("T4");

    registry_ = registry(
        RegistryOptions{.max_offline = std::chrono::seconds(30 * kDay)});
    sync_gate(*registry_, "0001", 0);
    sync_gate(*registry_, "0002", 0);
  }

  std::unique_ptr<GateRegistry> registry_;
  Appended early_removal_;
  Appended caught_up_;
};

TEST_F(TombstoneTest, RemovalsEveryActiveGateHasReadAreDeleted) {
  const store::TombstoneSweep swept = collect(*registry_);

  EXPECT_EQ(swept.deleted, 1u);
  EXPECT_EQ(swept.highest, early_removal_.index);
  // A new gate from 0 no longer receives it; the live faces remain.
  EXPECT_EQ(tickets_of(walk("0009")),
            (std::vector<std::string>{"T1", "T2", "T3", "T4"}));
  EXPECT_FALSE(get(*registry_, "0001").needs_resync);
  EXPECT_FALSE(get(*registry_, "0002").needs_resync);
}

TEST_F(TombstoneTest, OfflineGateGetsEveryRemovalWhenItReturns) {
  collect(*registry_);
  clock_.now += 10 * kDay;
  revoke("T1");
  revoke("T2");
  enroll("T5");
  sync_gate(*registry_, "0001", caught_up_.index);

  const store::TombstoneSweep while_offline = collect(*registry_);
  clock_.now += 19 * kDay;  // 29 days since 0002 was last seen
  const store::TombstoneSweep still_offline = collect(*registry_);
  std::vector<Event> back = sync_gate(*registry_, "0002", caught_up_.index);

  EXPECT_EQ(while_offline.deleted, 0u);
  EXPECT_EQ(still_offline.deleted, 0u);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].ticket_code, "T1");
  EXPECT_EQ(back[0].kind, EventKind::kRemoved);
  EXPECT_EQ(back[1].ticket_code, "T2");
  EXPECT_EQ(back[1].kind, EventKind::kRemoved);
  EXPECT_EQ(back[2].ticket_code, "T5");
  EXPECT_FALSE(get(*registry_, "0002").needs_resync);
}

TEST_F(TombstoneTest, GatePastMaxOfflineStopsHoldingBackAndIsFlagged) {
  collect(*registry_);
  clock_.now += 31 * kDay;
  revoke("T1");
  const Appended last_removal = revoke("T2");
  const Appended t5 = enroll("T5");
  sync_gate(*registry_, "0001", caught_up_.index);
  testing::LogCapture logs;

  const store::TombstoneSweep swept = collect(*registry_);

  EXPECT_EQ(swept.deleted, 2u);
  EXPECT_EQ(swept.highest, last_removal.index);
  const GateRecord offline = get(*registry_, "0002");
  EXPECT_TRUE(offline.needs_resync);
  EXPECT_EQ(offline.resync_reason, "missed removals while offline");
  EXPECT_FALSE(get(*registry_, "0001").needs_resync);
  EXPECT_TRUE(stored("0002").needs_resync);  // written through
  EXPECT_NE(logs.text().find("gate 0002"), std::string::npos) << logs.text();

  // Why: the removals are gone for it.
  std::vector<Event> back = sync_gate(*registry_, "0002", caught_up_.index);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].index, t5.index);
}

TEST_F(TombstoneTest, DisabledGatesHoldNothingBack) {
  ASSERT_TRUE(registry_->put(settings("0002", false)).is_ok());
  revoke("T1");
  const Appended t5 = enroll("T5");
  sync_gate(*registry_, "0001", caught_up_.index);

  const store::TombstoneSweep swept = collect(*registry_);

  EXPECT_EQ(swept.deleted, 2u);  // T0's and T1's removals
  EXPECT_TRUE(get(*registry_, "0002").needs_resync);
  EXPECT_EQ(get(*registry_, "0001").cursor, t5.index);
}

TEST_F(GateRegistryTest, WithNoActiveGateEveryRemovalGoes) {
  enroll("T1");
  const Appended removal = revoke("T1");
  auto registry = this->registry();

  const store::TombstoneSweep swept = collect(*registry);

  EXPECT_EQ(swept.deleted, 1u);
  EXPECT_EQ(swept.highest, removal.index);
  EXPECT_TRUE(walk("0009").empty());
}

TEST_F(GateRegistryTest, TombstonesAreCollectedInChunks) {
  std::vector<Enrollment> batch;
  for (int i = 0; i < 2500; ++i) {
    Enrollment e = enrollment("X" + std::to_string(i), "", jpeg("x"));
    e.valid_until = "20260110";
    batch.push_back(e);
  }
  std::vector<Result<Appended>> outcomes;
  ASSERT_TRUE(log_->enroll_batch(batch, &outcomes).is_ok());
  ASSERT_EQ(*log_->expire(20260111), 2500u);
  WrappedStore counted(*store_);
  GateRegistry registry(counted, RegistryOptions{}, clock_.fn());
  ASSERT_TRUE(registry.load().is_ok());

  const store::TombstoneSweep swept = collect(registry);

  EXPECT_EQ(swept.deleted, 2500u);
  EXPECT_EQ(swept.highest, last_index());
  EXPECT_GE(counted.collects, 3);
}

TEST_F(GateRegistryTest, FlushPersistsProgressAcrossAReload) {
  const Appended a = enroll("A");
  const Appended b = enroll("B");
  const int64_t registered_at = clock_.now;
  auto registry = this->registry();
  admit(*registry, "0001", 0, "10.0.0.1");
  clock_.now += 60;
  admit(*registry, "0001", a.index, "10.0.0.2");
  admit(*registry, "0001", b.index, "10.0.0.2");

  const GateRecord before = stored("0001");
  ASSERT_TRUE(registry->flush().is_ok());
  const GateRecord after = stored("0001");

  EXPECT_EQ(before.requests, 1);
  EXPECT_EQ(before.cursor, 0);
  EXPECT_EQ(after.requests, 3);
  EXPECT_EQ(after.cursor, b.index);
  EXPECT_EQ(after.last_seen, registered_at + 60);
  EXPECT_EQ(after.last_address, "10.0.0.2");
  EXPECT_EQ(after.own_until, b.index);
  EXPECT_EQ(after.created_at, registered_at);
}

TEST_F(GateRegistryTest, FlushWritesOnlyTheGatesThatChanged) {
  WrappedStore counted(*store_);
  GateRegistry registry(counted, RegistryOptions{}, clock_.fn());
  ASSERT_TRUE(registry.load().is_ok());
  admit(registry, "0001", 0);
  admit(registry, "0002", 0);
  ASSERT_TRUE(registry.flush().is_ok());
  const int saves = counted.saves;

  admit(registry, "0002", 0);
  ASSERT_TRUE(registry.flush().is_ok());
  ASSERT_TRUE(registry.flush().is_ok());

  EXPECT_EQ(counted.saves, saves + 1);
  EXPECT_EQ(counted.saved_gates, (std::vector<std::string>{"0002"}));
}

TEST_F(GateRegistryTest, AFailedFlushIsRetriedByTheNext) {
  WrappedStore failing(*store_);
  GateRegistry registry(failing, RegistryOptions{}, clock_.fn());
  ASSERT_TRUE(registry.load().is_ok());
  admit(registry, "0001", 0);
  admit(registry, "0001", 0);

  failing.fail_saves = true;
  const Status failed = registry.flush();
  failing.fail_saves = false;
  const Status retried = registry.flush();

  EXPECT_EQ(failed.code(), ErrorCode::kStorage);
  EXPECT_TRUE(retried.is_ok()) << retried.to_string();
  EXPECT_EQ(stored("0001").requests, 2);
}

// One settings rule: a change to valid settings and the code it must get.
struct SettingsRule {
  const char* name;
  std::function<void(GateSettings&)> change;
  ErrorCode expected;
};

TEST_F(GateRegistryTest, PutChecksEverySetting) {
  const std::vector<SettingsRule> rules = {
      {"plain", [](GateSettings&) {}, ErrorCode::kOk},
      {"no gatenum", [](GateSettings& g) { g.gatenum = ""; },
       ErrorCode::kBadGateNum},
      {"gatenum 5", [](GateSettings& g) { g.gatenum = "00001"; },
       ErrorCode::kBadGateNum},
      {"no site", [](GateSettings& g) { g.site = ""; }, ErrorCode::kOk},
      {"site space", [](GateSettings& g) { g.site = "north gate"; },
       ErrorCode::kBadSite},
      {"site 33", [](GateSettings& g) { g.site = std::string(33, 's'); },
       ErrorCode::kBadSite},
      {"empty name", [](GateSettings& g) { g.name = ""; }, ErrorCode::kOk},
      {"name 64",
       [](GateSettings& g) {
         g.name.clear();
         for (int i = 0; i < 64; ++i)
           g.name += "门";
       },
       ErrorCode::kOk},
      {"name 65", [](GateSettings& g) { g.name = std::string(65, 'n'); },
       ErrorCode::kBadGate},
      {"name newline", [](GateSettings& g) { g.name = "East\nGate"; },
       ErrorCode::kBadGate},
      {"name not utf-8", [](GateSettings& g) { g.name = "East \xC3"; },
       ErrorCode::kBadGate},
      {"addresses",
       [](GateSettings& g) {
         g.addresses = {"192.168.1.20", "::1", "fe80::1", "2001:db8::7"};
       },
       ErrorCode::kOk},
      {"octet 256", [](GateSettings& g) { g.addresses = {"10.0.0.256"}; },
       ErrorCode::kBadGate},
      {"host name", [](GateSettings& g) { g.addresses = {"gate.example"}; },
       ErrorCode::kBadGate},
      {"prefix", [](GateSettings& g) { g.addresses = {"10.0.0.0/24"}; },
       ErrorCode::kBadGate},
      {"empty address",
       [](GateSettings& g) {
         g.addresses = {"10.0.0.1", ""};
       },
       ErrorCode::kBadGate},
      {"port", [](GateSettings& g) { g.addresses = {"10.0.0.1:80"}; },
       ErrorCode::kBadGate},
  };
  auto registry = this->registry();

  int valid = 0;
  for (const SettingsRule& rule : rules) {
    SCOPED_TRACE(rule.name);
    GateSettings gate = settings(std::to_string(1000 + valid));
    gate.name = "East gate 1";
    gate.site = "north";
    rule.change(gate);
    const size_t before = registry->list().size();

    Result<GateRecord> put = registry->put(gate);

    if (rule.expected == ErrorCode::kOk) {
      ++valid;
      EXPECT_TRUE(put.is_ok()) << put.status().to_string();
      EXPECT_EQ(registry->list().size(), before + 1);
    } else {
      EXPECT_EQ(put.status().code(), rule.expected) << put.status().to_string();
      EXPECT_EQ(registry->list().size(), before);
    }
  }
  EXPECT_EQ(valid, 5);
}

TEST_F(GateRegistryTest, PutChangesSettingsAndKeepsProgress) {
  const Appended a = enroll("A");
  auto registry = this->registry();
  const int64_t registered_at = clock_.now;
  admit(*registry, "0001", 0);
  admit(*registry, "0001", a.index);
  clock_.now += 100;
  GateSettings changed = settings("0001");
  changed.name = "East";
  changed.site = "north";
  changed.addresses = {"10.0.0.1"};

  Result<GateRecord> put = registry->put(changed);

  ASSERT_TRUE(put.is_ok()) << put.status().to_string();
  EXPECT_EQ(put->name, "East");
  EXPECT_EQ(put->site, "north");
  EXPECT_EQ(put->addresses, (std::vector<std::string>{"10.0.0.1"}));
  EXPECT_EQ(put->created_at, registered_at);
  EXPECT_EQ(put->requests, 2);
  EXPECT_EQ(put->cursor, a.index);
  EXPECT_EQ(put->own_until, a.index);
  EXPECT_EQ(stored("0001").site, "north");  // written through
  EXPECT_EQ(admit(*registry, "0001", a.index).site, "north");
}

TEST_F(GateRegistryTest, PutRegistersAGateThatHasNotSyncedYet) {
  auto registry = this->registry();

  Result<GateRecord> put = registry->put(settings("0007"));

  ASSERT_TRUE(put.is_ok());
  EXPECT_EQ(put->created_at, clock_.now);
  EXPECT_EQ(put->last_seen, 0);
  EXPECT_EQ(put->requests, 0);
  EXPECT_EQ(stored("0007").created_at, clock_.now);
}

TEST_F(GateRegistryTest, RemoveForgetsAGate) {
  auto registry = this->registry();
  admit(*registry, "0001", 0);
  admit(*registry, "0002", 0);

  Status removed = registry->remove("0001");
  Status again = registry->remove("0001");

  EXPECT_TRUE(removed.is_ok()) << removed.to_string();
  EXPECT_EQ(again.code(), ErrorCode::kUnknownGate);
  EXPECT_EQ(registry->get("0001").status().code(), ErrorCode::kUnknownGate);
  EXPECT_EQ(this->registry()->get("0001").status().code(),
            ErrorCode::kUnknownGate);
  EXPECT_TRUE(registry->flush().is_ok());
  EXPECT_EQ(this->registry()->list().size(), 1u);
}

TEST_F(GateRegistryTest, ListIsInGateNumberOrder) {
  auto registry = this->registry();
  for (const char* gatenum : {"0003", "0001", "A1", "0002"})
    admit(*registry, gatenum, 0);

  std::vector<std::string> gatenums;
  for (const GateRecord& gate : registry->list())
    gatenums.push_back(gate.gatenum);

  EXPECT_EQ(gatenums, (std::vector<std::string>{"0001", "0002", "0003", "A1"}));
}

TEST_F(GateRegistryTest, ConcurrentAdmitsAndFlushesLoseNoRequest) {
  constexpr int kThreads = 4;
  constexpr int kEach = 200;
  const Appended a = enroll("A");
  auto registry = this->registry();
  std::atomic<bool> done{false};

  std::thread flusher([&] {
    while (!done) {
      EXPECT_TRUE(registry->flush().is_ok());
      EXPECT_TRUE(registry->collect_tombstones().is_ok());
    }
  });
  std::vector<std::thread> gates;
  for (int t = 0; t < kThreads; ++t) {
    gates.emplace_back([&, t] {
      const std::string own = "G" + std::to_string(t);
      for (int i = 0; i < kEach; ++i) {
        EXPECT_TRUE(
            registry->admit(own, "10.0.0.1", i % 2 ? a.index : 0).is_ok());
        EXPECT_TRUE(registry->admit("ALL", "10.0.0.2", a.index).is_ok());
      }
    });
  }
  for (std::thread& gate : gates)
    gate.join();
  done = true;
  flusher.join();
  ASSERT_TRUE(registry->flush().is_ok());

  for (int t = 0; t < kThreads; ++t) {
    const GateRecord gate = stored("G" + std::to_string(t));
    EXPECT_EQ(gate.requests, kEach);
    EXPECT_EQ(gate.cursor, a.index);
    EXPECT_EQ(gate.own_until, a.index);
  }
  EXPECT_EQ(stored("ALL").requests, kThreads * kEach);
}

TEST_F(GateRegistryTest, StorageFailuresComeThrough) {
  testing::BrokenStore broken;
  GateRegistry registry(broken, RegistryOptions{}, clock_.fn());

  EXPECT_EQ(registry.load().code(), ErrorCode::kStorage);
  EXPECT_EQ(registry.admit("0001", "a", 0).status().code(),
            ErrorCode::kStorage);
  EXPECT_EQ(registry.put(settings("0001")).status().code(),
            ErrorCode::kStorage);
  EXPECT_EQ(registry.collect_tombstones().status().code(), ErrorCode::kStorage);
  EXPECT_TRUE(registry.list().empty());  // nothing half-registered
}

}  // namespace
}  // namespace facesync::sync
