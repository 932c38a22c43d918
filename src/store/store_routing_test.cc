// The Store conformance suite, part two: which gates receive which events.
// Sites and audiences, removals after a ticket changes sites, and the
// skipping of a gate's own faces (see Store::next_for_gate).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/image_digest.h"
#include "store/store_test_helpers.h"
#include "store/store_test_suite.h"

namespace facesync::store {
namespace {

using namespace test_helpers;

constexpr EventKind kNew = EventKind::kNew;
constexpr EventKind kReplaced = EventKind::kReplaced;
constexpr EventKind kRemoved = EventKind::kRemoved;

using Deliveries = std::vector<Delivered>;
using Indexes = std::vector<int32_t>;

Event replacement(Event event) {
  event.kind = kReplaced;
  return event;
}

TEST_P(StoreConformanceTest, FacesReachTheGatesOfTheirSitesOnly) {
  const int32_t everyone = append(*store_, face("T1", ""));
  const int32_t at_a = append(*store_, for_sites(face("T2", ""), {"A"}));
  const int32_t at_b = append(*store_, for_sites(face("T3", ""), {"B"}));
  const int32_t at_ab =
      append(*store_, for_sites(face("T4", ""), {"B", "A", "B"}));

  EXPECT_EQ(walk(*store_, GateView{"a1", "A", 0}),
            (Indexes{everyone, at_a, at_ab}));
  EXPECT_EQ(walk(*store_, GateView{"b1", "B", 0}),
            (Indexes{everyone, at_b, at_ab}));
  EXPECT_EQ(walk(*store_, GateView{"c1", "C", 0}), (Indexes{everyone}));
  EXPECT_EQ(walk(*store_, GateView{"n1", "", 0}), (Indexes{everyone}));
}

TEST_P(StoreConformanceTest, SiteNamesCompareExactly) {
  const int32_t at_a = append(*store_, for_sites(face("T1", ""), {"A"}));

  EXPECT_TRUE(walk(*store_, GateView{"g1", "a", 0}).empty());
  EXPECT_TRUE(walk(*store_, GateView{"g1", "A ", 0}).empty());
  EXPECT_EQ(walk(*store_, GateView{"g1", "A", 0}), (Indexes{at_a}));
}

TEST_P(StoreConformanceTest, EventsComeWithTheirSitesSortedOnce) {
  const Event event = for_sites(face("T1", "g1"), {"B", "A", "B"});
  const int32_t index = append(*store_, event);
  append(*store_, face("T2", "g1"));

  std::optional<Event> next = next_for_gate(*store_, GateView{"a1", "A", 0}, 0);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->index, index);
  EXPECT_EQ(next->kind, kNew);
  EXPECT_EQ(next->sites, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(next->image, event.image);
  EXPECT_EQ(next->source_gate, "g1");

  EXPECT_EQ(latest(*store_, "T1")->sites, (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE(latest(*store_, "T2")->sites.empty());
  Result<std::vector<Event>> faces = store_->live_faces("", 10);
  ASSERT_TRUE(faces.is_ok());
  ASSERT_EQ(faces->size(), 2u);
  EXPECT_EQ((*faces)[0].sites, (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE((*faces)[1].sites.empty());
}

TEST_P(StoreConformanceTest, AnEmptySiteNameIsRefusedAndNothingRemains) {
  append(*store_, face("T0", "g1"));
  const int32_t before = last_index(*store_);

  Status status = store_->write([&](Transaction& tx) {
    return tx.append(for_sites(face("T1", "g1"), {"A", ""})).status();
  });

  EXPECT_EQ(status.code(), ErrorCode::kBadSite);
  EXPECT_EQ(latest(*store_, "T1"), std::nullopt);
  EXPECT_EQ(last_index(*store_), before);
}

TEST_P(StoreConformanceTest, MovingAFaceFromSiteAToBRemovesItAtA) {
  const int32_t first =
      append_compacting(*store_, for_sites(face("T1", "", "old"), {"A"}));
  const Event moved_face = for_sites(replacement(face("T1", "", "new")), {"B"});
  const int32_t moved = append_compacting(*store_, moved_face);

  const GateView at_a{"a1", "A", 0};
  EXPECT_EQ(deliveries(*store_, at_a), (Deliveries{{moved, kRemoved}}));
  EXPECT_EQ(deliveries(*store_, at_a, first), (Deliveries{{moved, kRemoved}}));
  EXPECT_EQ(deliveries(*store_, GateView{"b1", "B", 0}),
            (Deliveries{{moved, kReplaced}}));
  EXPECT_TRUE(deliveries(*store_, GateView{"n1", "", 0}).empty());

  // The removal describes the face, without image, digest, sites or gate.
  std::optional<Event> gone = next_for_gate(*store_, at_a, first);
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ(gone->ticket_code, "T1");
  EXPECT_EQ(gone->valid_from, moved_face.valid_from);
  EXPECT_EQ(gone->valid_until, moved_face.valid_until);
  EXPECT_EQ(gone->template_info, moved_face.template_info);
  EXPECT_TRUE(gone->image.empty());
  EXPECT_TRUE(gone->image_sha256.empty());
  EXPECT_TRUE(gone->sites.empty());
  EXPECT_EQ(gone->source_gate, "");
}

TEST_P(StoreConformanceTest, MovingAFaceFromEveryGateToASite) {
  append_compacting(*store_, face("T1", ""));
  const int32_t moved =
      append_compacting(*store_, for_sites(replacement(face("T1", "")), {"A"}));

  // Gates of A read the face and the removal; the face wins.
  EXPECT_EQ(deliveries(*store_, GateView{"a1", "A", 0}),
            (Deliveries{{moved, kReplaced}}));
  EXPECT_EQ(deliveries(*store_, GateView{"b1", "B", 0}),
            (Deliveries{{moved, kRemoved}}));
  EXPECT_EQ(deliveries(*store_, GateView{"n1", "", 0}),
            (Deliveries{{moved, kRemoved}}));
  EXPECT_EQ(count_for_gate(*store_, GateView{"a1", "A", 0}), 1);
}

TEST_P(StoreConformanceTest, MovingAFaceFromASiteToEveryGate) {
  append_compacting(*store_, for_sites(face("T1", ""), {"A"}));
  const int32_t moved = append_compacting(*store_, replacement(face("T1", "")));

  for (const GateView& gate : {GateView{"a1", "A", 0}, GateView{"b1", "B", 0},
                               GateView{"n1", "", 0}}) {
    EXPECT_EQ(deliveries(*store_, gate), (Deliveries{{moved, kReplaced}}))
        << gate.gatenum;
  }
}

TEST_P(StoreConformanceTest, ARemovalReachesEveryAudienceTheTicketHad) {
  append_compacting(*store_, for_sites(face("T1", ""), {"A"}));
  append_compacting(*store_, for_sites(replacement(face("T1", "")), {"B"}));
  append_compacting(*store_, for_sites(replacement(face("T1", "")), {"C"}));
  const int32_t removed = append_compacting(*store_, removal("T1"));

  for (const char* site : {"A", "B", "C"}) {
    EXPECT_EQ(deliveries(*store_, GateView{"g1", site, 0}),
              (Deliveries{{removed, kRemoved}}))
        << site;
  }
  EXPECT_TRUE(deliveries(*store_, GateView{"g1", "D", 0}).empty());
  EXPECT_TRUE(deliveries(*store_, GateView{"g1", "", 0}).empty());
}

TEST_P(StoreConformanceTest, ARemovalOfAnUnroutedTicketReachesEveryGate) {
  const int32_t removed = append(*store_, removal("T1"));

  EXPECT_EQ(walk(*store_, GateView{"g1", "", 0}), (Indexes{removed}));
  EXPECT_EQ(walk(*store_, GateView{"g1", "A", 0}), (Indexes{removed}));
}

TEST_P(StoreConformanceTest, GatesSkipTheirOwnFacesAboveOwnUntil) {
  auto at_g1 = [&](const char* ticket) {
    return append(*store_, for_sites(face(ticket, "g1"), {"A"}));
  };
  const int32_t i1 = at_g1("T1");
  const int32_t i2 = at_g1("T2");
  const int32_t i3 = at_g1("T3");
  const int32_t i4 = append(*store_, face("T4", "g2"));
  const int32_t i5 = at_g1("T5");
  const int32_t i6 = at_g1("T6");

  auto g1 = [](int32_t own_until) { return GateView{"g1", "A", own_until}; };
  EXPECT_EQ(walk(*store_, g1(0)), (Indexes{i4}));
  EXPECT_EQ(walk(*store_, g1(i2)), (Indexes{i1, i2, i4}));
  EXPECT_EQ(walk(*store_, g1(i2), i1), (Indexes{i2, i4}));
  EXPECT_EQ(walk(*store_, g1(i3)), (Indexes{i1, i2, i3, i4}));
  EXPECT_EQ(walk(*store_, g1(i5)), (Indexes{i1, i2, i3, i4, i5}));
  EXPECT_EQ(walk(*store_, g1(i6)), (Indexes{i1, i2, i3, i4, i5, i6}));
  EXPECT_EQ(walk(*store_, GateView{"g2", "A", 0}),
            (Indexes{i1, i2, i3, i5, i6}));

  EXPECT_EQ(count_for_gate(*store_, g1(0)), 1);
  EXPECT_EQ(count_for_gate(*store_, g1(i2)), 3);
  EXPECT_EQ(count_for_gate(*store_, g1(i2), i1), 2);
  EXPECT_EQ(count_for_gate(*store_, g1(i5)), 5);
}

TEST_P(StoreConformanceTest, TheCollectingGateSkipsTheRemovalOfItsMovedFace) {
  append_compacting(*store_, face("T1", ""));
  const int32_t other = append_compacting(*store_, face("T2", ""));
  // Gate g1 of site A collects T1 again, now for site A only: everyone
  // else learns the face is gone, but g1 holds the face it collected.
  const int32_t moved = append_compacting(
      *store_, for_sites(replacement(face("T1", "g1")), {"A"}));

  EXPECT_EQ(deliveries(*store_, GateView{"g1", "A", 0}),
            (Deliveries{{other, kNew}}));
  EXPECT_EQ(deliveries(*store_, GateView{"g1", "A", moved}),
            (Deliveries{{other, kNew}, {moved, kReplaced}}));
  EXPECT_EQ(deliveries(*store_, GateView{"g2", "A", 0}),
            (Deliveries{{other, kNew}, {moved, kReplaced}}));
  EXPECT_EQ(deliveries(*store_, GateView{"g3", "", 0}),
            (Deliveries{{other, kNew}, {moved, kRemoved}}));
  // A g1 now of another site does not read the face: the removal stands.
  EXPECT_EQ(deliveries(*store_, GateView{"g1", "B", 0}),
            (Deliveries{{other, kNew}, {moved, kRemoved}}));

  EXPECT_EQ(count_for_gate(*store_, GateView{"g1", "A", 0}), 1);
  EXPECT_EQ(count_for_gate(*store_, GateView{"g1", "B", 0}), 2);
}

TEST_P(StoreConformanceTest, RunsOfOwnFacesSurviveInterleavingAndCompaction) {
  const int32_t i1 = append(*store_, face("T1", "g1"));
  append(*store_, face("T2", "g1"));
  const int32_t i3 = append(*store_, face("T3", "g1"));
  const int32_t i4 = append(*store_, face("T4", "g2"));
  const int32_t i5 = append(*store_, face("T5", "g1"));
  append(*store_, face("T6", "g1"));
  const int32_t i7 = append(*store_, face("T7", ""));
  const GateView g1{"g1", "", 0};
  EXPECT_EQ(walk(*store_, g1), (Indexes{i4, i7}));

  // T4 moves to g3: its old row goes, g1's faces now touch.
  const int32_t i8 = append_compacting(*store_, replacement(face("T4", "g3")));
  EXPECT_EQ(walk(*store_, g1), (Indexes{i7, i8}));
  EXPECT_EQ(walk(*store_, g1, i1), (Indexes{i7, i8}));

  // T2 is revoked: a removal reaches g1, and a hole opens in its run.
  const int32_t i9 = append_compacting(*store_, removal("T2"));
  EXPECT_EQ(walk(*store_, g1), (Indexes{i7, i8, i9}));
  EXPECT_EQ(walk(*store_, GateView{"g1", "", i5}),
            (Indexes{i1, i3, i5, i7, i8, i9}));

  // After the removal: a new run; g1 rebuilding from i3 gets the rest.
  const int32_t i10 = append(*store_, face("T10", "g1"));
  EXPECT_EQ(walk(*store_, g1), (Indexes{i7, i8, i9}));
  EXPECT_EQ(walk(*store_, GateView{"g1", "", i10}, i3),
            (Indexes{i5, i5 + 1, i7, i8, i9, i10}));
  EXPECT_EQ(walk(*store_, GateView{"g2", "", 0}),
            (Indexes{i1, i3, i5, i5 + 1, i7, i8, i9, i10}));
}

// Each write appends a face for every gate and one for site A together.
// A gate of A that read its two audiences in two snapshots could take the
// site's face from after a commit and the other audience from before it,
// and pass over the face for every gate for ever.
TEST_P(StoreConformanceTest, ReadersOfTwoAudiencesMissNothingDuringWrites) {
  constexpr int kWrites = 200;
  constexpr int kReaders = 3;

  std::atomic<bool> done{false};
  std::vector<int32_t> written;
  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) {
      Status status = store_->write([&](Transaction& tx) {
        for (const std::vector<std::string>& sites :
             {std::vector<std::string>{}, std::vector<std::string>{"A"}}) {
          Event event = for_sites(face("T" + std::to_string(i), "g1"), sites);
          event.ticket_code += sites.empty() ? "-all" : "-A";
          Result<int32_t> index = tx.append(event);
          if (!index.is_ok()) return index.status();
          written.push_back(*index);
        }
        return Status::ok();
      });
      ASSERT_TRUE(status.is_ok()) << status.to_string();
    }
    done = true;
  });

  std::vector<std::vector<int32_t>> seen(kReaders);
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      const GateView gate{"a" + std::to_string(r), "A", 0};
      int32_t cursor = 0;
      for (;;) {
        const bool finished = done;
        Result<std::optional<Event>> next = store_->next_for_gate(gate, cursor);
        if (!next.is_ok()) break;
        if (next->has_value()) {
          cursor = (*next)->index;
          seen[r].push_back(cursor);
        } else if (finished) {
          break;
        }
      }
    });
  }
  writer.join();
  for (std::thread& reader : readers)
    reader.join();

  for (int r = 0; r < kReaders; ++r)
    EXPECT_EQ(seen[r], written) << r;
}

// The contract of routing and delivery, kept the slow and obvious way: for
// comparing against a store after random writes.
class RoutingModel {
 public:
  void append(const Event& event, int32_t index) {
    std::set<std::string>& known = audiences_[event.ticket_code];
    std::set<std::string> sites(event.sites.begin(), event.sites.end());
    if (sites.empty()) sites.insert("");

    Entry entry{index, event.kind, event.ticket_code, event.source_gate, {}};
    if (is_live(event.kind)) {
      for (const std::string& site : sites)
        entry.routes[site] = false;
      // "" covers every gate: a face for every gate leaves nobody out.
      if (!event.sites.empty()) {
        for (const std::string& old : known) {
          if (!sites.count(old)) entry.routes[old] = true;
        }
      }
    } else {
      for (const std::string& old : known)
        entry.routes[old] = true;
      for (const std::string& site : event.sites)
        entry.routes[site] = true;
      if (entry.routes.empty()) entry.routes[""] = true;
    }
    for (const auto& [audience, unused] : entry.routes)
      known.insert(audience);
    entries_.push_back(entry);
  }

  void erase_before(const std::string& ticket, int32_t index) {
    std::erase_if(entries_, [&](const Entry& entry) {
      return entry.ticket == ticket && entry.index < index;
    });
  }

  TombstoneSweep collect(int32_t below, size_t limit) {
    TombstoneSweep sweep;
    std::vector<Entry> removals;
    for (const Entry& entry : entries_) {
      if (entry.kind == kRemoved && entry.index < below &&
          removals.size() < limit) {
        removals.push_back(entry);
      }
    }
    for (const Entry& removal : removals) {
      erase_before(removal.ticket, removal.index + 1);
      const bool left = std::any_of(
          entries_.begin(), entries_.end(),
          [&](const Entry& entry) { return entry.ticket == removal.ticket; });
      if (!left) audiences_.erase(removal.ticket);
      ++sweep.deleted;
      sweep.highest = removal.index;
    }
    return sweep;
  }

  Deliveries deliveries(const GateView& gate, int32_t after) const {
    Deliveries out;
    for (const Entry& entry : entries_) {
      if (entry.index <= after) continue;
      bool routed = false;
      bool as_face = false;
      for (const auto& [audience, as_removal] : entry.routes) {
        if (!audience.empty() && audience != gate.site) continue;
        routed = true;
        as_face = as_face || !as_removal;
      }
      const bool own = as_face && entry.source == gate.gatenum &&
                       entry.index > gate.own_until;
      if (!routed || own) continue;
      out.emplace_back(entry.index, as_face ? entry.kind : kRemoved);
    }
    return out;
  }

 private:
  struct Entry {
    int32_t index;
    EventKind kind;
    std::string ticket;
    std::string source;
    std::map<std::string, bool> routes;  // audience -> as a removal
  };

  std::vector<Entry> entries_;  // in index order
  std::map<std::string, std::set<std::string>> audiences_;
};

// Random writes of a few gates, tickets and sites, with compaction and
// tombstone collection; after every few, each gate's view of the log must
// be the model's, from the start and from a cursor, with and without a
// rebuild (own_until).
TEST_P(StoreConformanceTest, DeliveriesFollowTheRoutingRulesUnderRandomWrites) {
  std::mt19937 random(20260101);
  auto pick = [&](auto& choices) {
    return choices[random() % std::size(choices)];
  };
  const std::string kSources[] = {"g1", "g1", "g1", "g2", "g3", ""};
  const std::vector<std::string> kSites[] = {{}, {}, {"A"}, {"B"}, {"A", "B"}};
  const std::string kTickets[] = {"T0", "T1", "T2", "T3", "T4",
                                  "T5", "T6", "T7", "T8", "T9"};
  const GateView kViews[] = {{"g1", "", 0},  {"g1", "A", 0}, {"g2", "A", 0},
                             {"g3", "B", 0}, {"g4", "", 0},  {"g2", "B", 0}};

  RoutingModel model;
  int32_t last = 0;
  for (int step = 1; step <= 300; ++step) {
    const int op = static_cast<int>(random() % 20);
    const std::string ticket = pick(kTickets);
    if (op < 14) {
      Event event = op < 11 ? face(ticket, pick(kSources)) : removal(ticket);
      if (op < 13) event.sites = pick(kSites);
      const bool compacting = random() % 5 != 0;
      last = compacting ? append_compacting(*store_, event)
                        : append(*store_, event);
      model.append(event, last);
      if (compacting) model.erase_before(ticket, last);
    } else if (op < 17) {
      const auto below = static_cast<int32_t>(random() % (last + 2));
      ASSERT_TRUE(erase_before(*store_, ticket, below).is_ok());
      model.erase_before(ticket, below);
    } else {
      const auto below = static_cast<int32_t>(random() % (last + 2));
      const size_t limit = 1 + random() % 4;
      Result<TombstoneSweep> swept = store_->collect_tombstones(below, limit);
      ASSERT_TRUE(swept.is_ok()) << swept.status().to_string();
      const TombstoneSweep expected = model.collect(below, limit);
      EXPECT_EQ(swept->deleted, expected.deleted) << "step " << step;
      EXPECT_EQ(swept->highest, expected.highest) << "step " << step;
    }
    if (step % 15 != 0) continue;

    for (GateView view : kViews) {
      for (int32_t own_until : {0, last / 2, last}) {
        view.own_until = own_until;
        const auto cursor = static_cast<int32_t>(random() % (last + 1));
        for (int32_t after : {0, cursor}) {
          const Deliveries expected = model.deliveries(view, after);
          ASSERT_EQ(deliveries(*store_, view, after), expected)
              << "step " << step << ", gate " << view.gatenum << " of '"
              << view.site << "', own_until " << own_until << ", after "
              << after;
          ASSERT_EQ(count_for_gate(*store_, view, after),
                    static_cast<int64_t>(expected.size()));
        }
      }
    }
  }
}

}  // namespace
}  // namespace facesync::store
