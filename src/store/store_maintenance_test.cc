// The Store conformance suite, part three: what maintenance and the gate
// registry use. Tombstone collection, expiry, the index floor, counts,
// checkpoints, and the registry's records.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store_test_helpers.h"
#include "store/store_test_suite.h"

namespace facesync::store {
namespace {

using namespace test_helpers;

using Indexes = std::vector<int32_t>;

Event ending(Event event, int32_t valid_until) {
  event.valid_until = valid_until;
  return event;
}

Result<TombstoneSweep> collect(Store& store, int32_t below, size_t limit) {
  Result<TombstoneSweep> sweep = store.collect_tombstones(below, limit);
  EXPECT_TRUE(sweep.is_ok()) << sweep.status().to_string();
  return sweep;
}

TEST_P(StoreConformanceTest, CollectTombstonesDeletesOldRemovalsOnly) {
  const int32_t live = append_compacting(*store_, face("T1", "g1"));
  append_compacting(*store_, face("T2", "g1"));
  const int32_t gone2 = append_compacting(*store_, removal("T2"));
  append_compacting(*store_, face("T3", "g1"));
  const int32_t gone3 = append_compacting(*store_, removal("T3"));
  append_compacting(*store_, face("T4", "g1"));
  const int32_t gone4 = append_compacting(*store_, removal("T4"));

  Result<TombstoneSweep> first = collect(*store_, gone4, 1);
  ASSERT_TRUE(first.is_ok());
  EXPECT_EQ(first->deleted, 1u);
  EXPECT_EQ(first->highest, gone2);
  EXPECT_EQ(walk(*store_, "g9"), (Indexes{live, gone3, gone4}));

  // Below gone4: gone3 goes, gone4 (not below) stays.
  Result<TombstoneSweep> second = collect(*store_, gone4, 10);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(second->deleted, 1u);
  EXPECT_EQ(second->highest, gone3);
  EXPECT_EQ(walk(*store_, "g9"), (Indexes{live, gone4}));
  EXPECT_EQ(latest(*store_, "T3"), std::nullopt);
  EXPECT_EQ(latest(*store_, "T4")->kind, EventKind::kRemoved);

  Result<TombstoneSweep> none = collect(*store_, gone4, 10);
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(none->deleted, 0u);
  EXPECT_EQ(none->highest, 0);
  EXPECT_EQ(last_index(*store_), gone4);  // indexes stay issued
}

TEST_P(StoreConformanceTest, ACollectedTicketStartsAfreshForRouting) {
  append_compacting(*store_, for_sites(face("T1", ""), {"A"}));
  const int32_t gone = append_compacting(*store_, removal("T1"));
  ASSERT_TRUE(collect(*store_, gone + 1, 10).is_ok());

  // Enrolled again for B: site A learnt of the removal long ago and is
  // sent nothing now.
  const int32_t again =
      append_compacting(*store_, for_sites(face("T1", ""), {"B"}));

  EXPECT_TRUE(walk(*store_, GateView{"a1", "A", 0}).empty());
  EXPECT_EQ(walk(*store_, GateView{"b1", "B", 0}), (Indexes{again}));
}

TEST_P(StoreConformanceTest, ARemovalKeptUncompactedStillRoutesLaterFaces) {
  // Without compaction the ticket keeps its removal and a newer face: the
  // removal's collection must keep the ticket's audiences.
  append(*store_, for_sites(face("T1", ""), {"A"}));
  const int32_t gone = append(*store_, removal("T1"));
  const int32_t back = append(*store_, for_sites(face("T1", ""), {"A"}));
  ASSERT_TRUE(collect(*store_, back, 10).is_ok());
  EXPECT_EQ(latest(*store_, "T1")->index, back);

  const int32_t moved =
      append_compacting(*store_, for_sites(face("T1", ""), {"B"}));

  EXPECT_EQ(walk(*store_, GateView{"a1", "A", 0}), (Indexes{moved}));
  EXPECT_EQ(next_for_gate(*store_, GateView{"a1", "A", 0}, 0)->kind,
            EventKind::kRemoved);
  EXPECT_GT(moved, gone);
}

TEST_P(StoreConformanceTest, ExpiredFacesAreTheLiveFacesPastTheirEnd) {
  const int32_t old1 = append(*store_, ending(face("T1", "g1"), 20260110));
  append(*store_, ending(face("T2", "g1"), 20260120));  // today: not yet
  append_compacting(*store_, ending(face("T3", "g1"), 20260101));
  append_compacting(*store_, ending(removal("T3"), 20260101));
  append(*store_, ending(face("T4", "g1"), 20260105));
  append(*store_, ending(face("T4", "g1"), 20261231));  // renewed
  const int32_t old5 = append(
      *store_, for_sites(ending(face("T5", "g1"), 20250101), {"B", "A"}));

  Result<std::vector<Event>> expired = store_->expired_faces(20260120, 10);

  ASSERT_TRUE(expired.is_ok()) << expired.status().to_string();
  ASSERT_EQ(expired->size(), 2u);
  EXPECT_EQ((*expired)[0].index, old1);
  EXPECT_EQ((*expired)[0].ticket_code, "T1");
  EXPECT_TRUE((*expired)[0].image.empty());
  EXPECT_EQ((*expired)[0].image_sha256.size(), 32u);
  EXPECT_EQ((*expired)[1].index, old5);
  EXPECT_EQ((*expired)[1].sites, (std::vector<std::string>{"A", "B"}));

  Result<std::vector<Event>> first = store_->expired_faces(20260120, 1);
  ASSERT_TRUE(first.is_ok());
  EXPECT_EQ(tickets_of(*first), (std::vector<std::string>{"T1"}));
  Result<std::vector<Event>> none = store_->expired_faces(20250101, 10);
  ASSERT_TRUE(none.is_ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreConformanceTest, RaisingTheIndexFloorMovesLaterAppendsAboveIt) {
  Status raised =
      store_->write([](Transaction& tx) { return tx.raise_index_floor(1000); });
  ASSERT_TRUE(raised.is_ok()) << raised.to_string();
  EXPECT_EQ(last_index(*store_), 1000);
  EXPECT_EQ(append(*store_, face("T1", "g1")), 1001);

  // A floor below the last index changes nothing.
  ASSERT_TRUE(
      store_->write([](Transaction& tx) { return tx.raise_index_floor(10); })
          .is_ok());
  EXPECT_EQ(last_index(*store_), 1001);

  reopen();
  EXPECT_EQ(last_index(*store_), 1001);
  EXPECT_EQ(append(*store_, face("T2", "g1")), 1002);
}

TEST_P(StoreConformanceTest, ARolledBackFloorIsNotKept) {
  Status status = store_->write([](Transaction& tx) {
    EXPECT_TRUE(tx.raise_index_floor(5000).is_ok());
    return Status(ErrorCode::kBadGate, "no");
  });
  ASSERT_EQ(status.code(), ErrorCode::kBadGate);

  EXPECT_EQ(last_index(*store_), 0);
  EXPECT_LT(append(*store_, face("T1", "g1")), 5000);
}

TEST_P(StoreConformanceTest, CountForGateCountsWhatTheGateWouldReceive) {
  const GateView a{"a1", "A", 0};
  const GateView n{"n1", "", 0};
  EXPECT_EQ(count_for_gate(*store_, a), 0);

  append(*store_, face("T1", "a1"));                    // a1's own
  append(*store_, for_sites(face("T2", "n1"), {"A"}));  // A only
  append(*store_, for_sites(face("T3", ""), {"B"}));    // B only
  const int32_t everyone = append(*store_, face("T4", ""));
  append(*store_, removal("T5"));  // every gate

  EXPECT_EQ(count_for_gate(*store_, a), 3);
  EXPECT_EQ(count_for_gate(*store_, a, everyone), 1);
  EXPECT_EQ(count_for_gate(*store_, GateView{"a1", "A", everyone}), 4);
  EXPECT_EQ(count_for_gate(*store_, n), 3);
  EXPECT_EQ(count_for_gate(*store_, GateView{"b1", "B", 0}), 4);
  for (const GateView& gate : {a, n, GateView{"b1", "B", 0}}) {
    EXPECT_EQ(count_for_gate(*store_, gate),
              static_cast<int64_t>(walk(*store_, gate).size()));
  }
}

TEST_P(StoreConformanceTest, CheckpointSucceedsOnAnIdleStore) {
  append(*store_, face("T1", "g1"));
  EXPECT_TRUE(store_->checkpoint().is_ok());
  EXPECT_EQ(walk(*store_, "g2").size(), 1u);
}

GateRecord gate_record(const std::string& gatenum, const std::string& site) {
  GateRecord gate;
  gate.gatenum = gatenum;
  gate.name = "Gate " + gatenum + " 东门";
  gate.site = site;
  gate.enabled = true;
  gate.addresses = {"10.0.0.9", "10.0.0.1/24", "::1"};
  gate.created_at = 1767225600;
  return gate;
}

void expect_same_gate(const GateRecord& got, const GateRecord& want) {
  EXPECT_EQ(got.gatenum, want.gatenum);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.site, want.site);
  EXPECT_EQ(got.enabled, want.enabled);
  EXPECT_EQ(got.addresses, want.addresses);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.last_seen, want.last_seen);
  EXPECT_EQ(got.last_address, want.last_address);
  EXPECT_EQ(got.cursor, want.cursor);
  EXPECT_EQ(got.requests, want.requests);
  EXPECT_EQ(got.own_until, want.own_until);
  EXPECT_EQ(got.needs_resync, want.needs_resync);
  EXPECT_EQ(got.resync_reason, want.resync_reason);
}

std::vector<GateRecord> gates(Store& store) {
  Result<std::vector<GateRecord>> all = store.gates();
  EXPECT_TRUE(all.is_ok()) << all.status().to_string();
  return all.is_ok() ? *all : std::vector<GateRecord>();
}

Status put_gate(Store& store, const GateRecord& gate) {
  return store.write([&](Transaction& tx) { return tx.put_gate(gate); });
}

TEST_P(StoreConformanceTest, GateRecordsRoundTripEveryField) {
  GateRecord g2 = gate_record("g2", "");
  g2.enabled = false;
  g2.addresses.clear();
  g2.last_seen = 1767300000;
  g2.last_address = "10.0.0.7";
  g2.cursor = 2147483647;
  g2.requests = 9000000000;
  g2.own_until = 41;
  g2.needs_resync = true;
  g2.resync_reason = "cursor 99 beyond the log";
  ASSERT_TRUE(put_gate(*store_, g2).is_ok());
  ASSERT_TRUE(put_gate(*store_, gate_record("g1", "A")).is_ok());
  EXPECT_TRUE(gates(*store_).size() == 2u);

  reopen();
  std::vector<GateRecord> all = gates(*store_);

  ASSERT_EQ(all.size(), 2u);
  expect_same_gate(all[0], gate_record("g1", "A"));
  expect_same_gate(all[1], g2);
}

TEST_P(StoreConformanceTest, PutGateReplacesEveryField) {
  ASSERT_TRUE(put_gate(*store_, gate_record("g1", "A")).is_ok());
  GateRecord changed = gate_record("g1", "B");
  changed.name = "renamed";
  changed.addresses = {"192.168.1.1"};
  changed.cursor = 7;

  ASSERT_TRUE(put_gate(*store_, changed).is_ok());

  std::vector<GateRecord> all = gates(*store_);
  ASSERT_EQ(all.size(), 1u);
  expect_same_gate(all[0], changed);
}

TEST_P(StoreConformanceTest, DeleteGateSaysWhetherThereWasOne) {
  ASSERT_TRUE(put_gate(*store_, gate_record("g1", "A")).is_ok());
  ASSERT_TRUE(put_gate(*store_, gate_record("g2", "A")).is_ok());

  Result<bool> deleted = false;
  Result<bool> again = true;
  ASSERT_TRUE(store_
                  ->write([&](Transaction& tx) {
                    deleted = tx.delete_gate("g1");
                    again = tx.delete_gate("g1");
                    return Status::ok();
                  })
                  .is_ok());

  ASSERT_TRUE(deleted.is_ok() && again.is_ok());
  EXPECT_TRUE(*deleted);
  EXPECT_FALSE(*again);
  std::vector<GateRecord> all = gates(*store_);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].gatenum, "g2");

  // A gate registered again under the number starts with no addresses.
  GateRecord bare = gate_record("g1", "");
  bare.addresses.clear();
  ASSERT_TRUE(put_gate(*store_, bare).is_ok());
  expect_same_gate(gates(*store_)[0], bare);
}

TEST_P(StoreConformanceTest, SaveProgressWritesOnlyProgressOfKnownGates) {
  const GateRecord registered = gate_record("g1", "A");
  ASSERT_TRUE(put_gate(*store_, registered).is_ok());

  GateRecord progress = registered;
  progress.name = "not saved";
  progress.site = "B";
  progress.enabled = false;
  progress.addresses = {"1.2.3.4"};
  progress.created_at = 1;
  progress.last_seen = 1767400000;
  progress.last_address = "10.0.0.9";
  progress.cursor = 77;
  progress.requests = 12;
  progress.own_until = 70;
  progress.needs_resync = true;
  progress.resync_reason = "offline too long";
  GateRecord stranger = gate_record("g9", "A");
  stranger.cursor = 5;

  Status saved = store_->save_progress({progress, stranger});

  ASSERT_TRUE(saved.is_ok()) << saved.to_string();
  GateRecord want = registered;
  want.last_seen = progress.last_seen;
  want.last_address = progress.last_address;
  want.cursor = progress.cursor;
  want.requests = progress.requests;
  want.own_until = progress.own_until;
  want.needs_resync = true;
  want.resync_reason = progress.resync_reason;
  reopen();
  std::vector<GateRecord> all = gates(*store_);
  ASSERT_EQ(all.size(), 1u);
  expect_same_gate(all[0], want);
}

TEST_P(StoreConformanceTest, ARolledBackGateChangeLeavesNoTrace) {
  Status status = store_->write([&](Transaction& tx) {
    EXPECT_TRUE(tx.put_gate(gate_record("g1", "A")).is_ok());
    return Status(ErrorCode::kBadGate, "no");
  });

  EXPECT_EQ(status.code(), ErrorCode::kBadGate);
  EXPECT_TRUE(gates(*store_).empty());
}

}  // namespace
}  // namespace facesync::store
