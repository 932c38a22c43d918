// How long next_for_gate takes, by what lies between the gate's cursor and
// the event it receives: nothing; 100,000 faces the gate collected itself;
// 100,000 faces for another site; 100,000 faces the gate moved from every
// gate to its own site (each leaves a removal for everyone else). The
// store promises about the same cost for all: a few seeks per audience.
//
// Each database is built once, on first use, in a temporary directory, in
// a few large write transactions; every database holds the same 100,000
// events, and in the first they lie below the cursor.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/temp_dir.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace facesync::store {
namespace {

constexpr int kBetween = 100000;
constexpr int kPerWrite = 25000;

// One database and the question asked of it. Owned by a function-local
// static; used by the benchmark thread only.
struct Scenario {
  TempDir dir;  // declared first: removed after the store closes
  std::unique_ptr<Store> store;
  std::string gatenum = "g1";
  std::string site = "S1";
  int32_t own_until = 0;
  int32_t cursor = 0;
  int32_t answer = 0;

  GateView gate() const { return GateView{gatenum, site, own_until}; }
};

Event face(const std::string& ticket, const std::string& gate,
           std::vector<std::string> sites) {
  Event event;
  event.kind = EventKind::kNew;
  event.ticket_code = ticket;
  event.source_gate = gate;
  event.valid_from = 20260101;
  event.valid_until = 20261231;
  event.image = "\xFF\xD8\xFF" + std::string(1000, 'f') + ticket;
  event.sites = std::move(sites);
  return event;
}

[[noreturn]] void fail(const Status& status) {
  std::cerr << "building the database failed: " << status.to_string() << "\n";
  std::exit(1);
}

// Appends `count` events made by `make(i)` in writes of kPerWrite, each
// replacing its ticket's older events as the sync layer does; returns the
// last index.
template <typename Make>
int32_t append_many(Store& store, int count, Make make) {
  int32_t last = 0;
  for (int start = 0; start < count; start += kPerWrite) {
    Status status = store.write([&](Transaction& tx) {
      for (int i = start; i < count && i < start + kPerWrite; ++i) {
        const Event event = make(i);
        Result<int32_t> index = tx.append(event);
        if (!index.is_ok()) return index.status();
        last = *index;
        Status erased = tx.erase_before(event.ticket_code, last);
        if (!erased.is_ok()) return erased;
      }
      return Status::ok();
    });
    if (!status.is_ok()) fail(status);
  }
  return last;
}

std::unique_ptr<Scenario> open_scenario() {
  auto scenario = std::make_unique<Scenario>();
  Result<std::unique_ptr<Store>> opened =
      open_sqlite_store(scenario->dir.file("facesync.db"));
  if (!opened.is_ok()) fail(opened.status());
  scenario->store = std::move(opened).value();
  return scenario;
}

std::string ticket(int i) {
  return "T" + std::to_string(i);
}

// The answer: a face another gate collected for every gate.
int32_t append_answer(Scenario& scenario) {
  return append_many(*scenario.store, 1,
                     [](int) { return face("ANSWER", "g2", {}); });
}

Scenario& nothing_between() {
  static std::unique_ptr<Scenario> scenario = [] {
    auto built = open_scenario();
    built->cursor = append_many(*built->store, kBetween, [](int i) {
      return face(ticket(i), "g2", {"S2"});
    });
    built->answer = append_answer(*built);
    return built;
  }();
  return *scenario;
}

Scenario& own_faces_between() {
  static std::unique_ptr<Scenario> scenario = [] {
    auto built = open_scenario();
    append_many(*built->store, kBetween,
                [](int i) { return face(ticket(i), "g1", {}); });
    built->answer = append_answer(*built);
    return built;
  }();
  return *scenario;
}

Scenario& other_site_between() {
  static std::unique_ptr<Scenario> scenario = [] {
    auto built = open_scenario();
    append_many(*built->store, kBetween,
                [](int i) { return face(ticket(i), "g2", {"S2"}); });
    built->answer = append_answer(*built);
    return built;
  }();
  return *scenario;
}

Scenario& own_moved_faces_between() {
  static std::unique_ptr<Scenario> scenario = [] {
    auto built = open_scenario();
    append_many(*built->store, kBetween,
                [](int i) { return face(ticket(i), "", {}); });
    built->cursor =
        append_many(*built->store, kBetween,
                    [](int i) { return face(ticket(i), "g1", {"S1"}); }) -
        kBetween;
    built->answer = append_answer(*built);
    return built;
  }();
  return *scenario;
}

void next_event(benchmark::State& state, Scenario& (*scenario_of)()) {
  Scenario& scenario = scenario_of();
  const GateView gate = scenario.gate();
  for (auto _ : state) {
    Result<std::optional<Event>> next =
        scenario.store->next_for_gate(gate, scenario.cursor);
    if (!next.is_ok() || !next->has_value() ||
        (*next)->index != scenario.answer) {
      state.SkipWithError("next_for_gate did not find the answer");
      break;
    }
    benchmark::DoNotOptimize(next);
  }
}

BENCHMARK_CAPTURE(next_event, nothing_between, &nothing_between)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(next_event, own_faces_between, &own_faces_between)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(next_event, other_site_between, &other_site_between)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(next_event, own_moved_faces_between, &own_moved_faces_between)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace facesync::store
