#include "sync/gate_registry.h"

#include <arpa/inet.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "sync/face_log.h"
#include "sync/plain_text.h"

namespace facesync::sync {

namespace {

using store::GateRecord;
using store::Transaction;

constexpr int64_t kMaxIndex = std::numeric_limits<int32_t>::max();
constexpr size_t kMaxNameCodePoints = 64;

// Removals deleted per store call: each call is one short write, so that
// enrollments are not held back behind a long sweep.
constexpr size_t kTombstoneChunk = 1000;

constexpr char kMissedRemovals[] = "missed removals while offline";

Status check_reported(int64_t reported) {
  if (reported >= 0 && reported <= kMaxIndex) return Status::ok();
  return Status(ErrorCode::kBadLastSuccessIndex,
                "last success index must be 0 to 2147483647");
}

Status unknown_gate(std::string_view gatenum) {
  return Status(ErrorCode::kUnknownGate,
                "gate " + std::string(gatenum) + " is not registered");
}

Status gate_disabled(std::string_view gatenum) {
  return Status(ErrorCode::kGateDisabled,
                "gate " + std::string(gatenum) + " is disabled");
}

// An IPv4 literal in dotted decimal, or any IPv6 literal (no zone).
bool is_ip_literal(const std::string& address) {
  unsigned char bytes[16];
  return inet_pton(AF_INET, address.c_str(), bytes) == 1 ||
         inet_pton(AF_INET6, address.c_str(), bytes) == 1;
}

// What put() accepts: the gate number as a gate sends it, a site or none,
// a short plain name, addresses as IP literals.
Status check_settings(const GateSettings& settings) {
  Status status = check_gate(settings.gatenum);
  if (!status.is_ok()) return status;
  if (!settings.site.empty()) {
    status = check_site(settings.site);
    if (!status.is_ok()) return status;
  }

  std::optional<size_t> name = count_plain_code_points(settings.name);
  if (!name.has_value() || *name > kMaxNameCodePoints) {
    return Status(ErrorCode::kBadGate,
                  "gate name must be at most 64 characters, none of them a "
                  "control character");
  }
  for (const std::string& address : settings.addresses) {
    if (!is_ip_literal(address)) {
      return Status(ErrorCode::kBadGate,
                    "gate address '" + address + "' is not an IP address");
    }
  }
  return Status::ok();
}

void apply_settings(const GateSettings& settings, GateRecord* gate) {
  gate->name = settings.name;
  gate->site = settings.site;
  gate->enabled = settings.enabled;
  gate->addresses = settings.addresses;
}

GateRecord new_gate(std::string_view gatenum, int64_t now) {
  GateRecord gate;
  gate.gatenum = std::string(gatenum);
  gate.created_at = now;
  return gate;
}

// Enabled, and seen (or, never seen, created) within max_offline of now.
bool is_active(const GateRecord& gate, int64_t now,
               std::chrono::seconds max_offline) {
  const int64_t since = gate.last_seen != 0 ? gate.last_seen : gate.created_at;
  return gate.enabled && now - since <= max_offline.count();
}

// Puts one request that needs a write into the gate's record: a rebuild
// from 0 (own faces up to `last`, the flag cleared), or a cursor beyond
// `last` (flagged; indexes will start above it, and the gate restarts from
// 0 with nothing of its own to skip below it, unless `restart` is false);
// and the progress.
void plan_admission(GateRecord* gate, std::string_view address,
                    int64_t reported, int32_t last, int64_t now, bool restart) {
  const auto cursor = static_cast<int32_t>(reported);
  const bool beyond = reported > last;
  if (beyond) {
    gate->needs_resync = true;
    gate->resync_reason = "reported index " + std::to_string(reported) +
                          " beyond the newest index " + std::to_string(last);
    if (restart) gate->own_until = cursor;
  } else if (reported == 0) {
    gate->needs_resync = false;
    gate->resync_reason.clear();
    gate->own_until = last;
  }

  gate->last_seen = now;
  gate->last_address = std::string(address);
  gate->cursor = beyond && restart ? 0 : cursor;
  ++gate->requests;
}

// Logs what a written admission did to the gate.
void log_admission(const GateRecord& gate, bool known, int64_t reported,
                   int32_t last, bool restart) {
  if (!known) {
    spdlog::info("gates: gate {} registered from {}", gate.gatenum,
                 gate.last_address);
  }
  if (reported > last) {
    spdlog::warn(
        "gates: gate {} reported index {} beyond the newest index {}; "
        "indexes now start above it, the gate {} and is flagged for resync",
        gate.gatenum, reported, last,
        restart ? "restarts from 0" : "is answered as caught up");
  } else if (reported == 0) {
    spdlog::info(
        "gates: gate {} rebuilds from 0; its own faces up to record {} are "
        "sent to it",
        gate.gatenum, gate.own_until);
  }
}

// Writes each of `gates` whole, in one transaction.
Status put_gates(store::Store& store, const std::vector<GateRecord>& gates) {
  return store.write([&](Transaction& tx) {
    for (const GateRecord& gate : gates) {
      Status status = tx.put_gate(gate);
      if (!status.is_ok()) return status;
    }
    return Status::ok();
  });
}

}  // namespace

GateRegistry::GateRegistry(store::Store& store, RegistryOptions options,
                           Clock now)
    : store_(store), options_(options), now_(std::move(now)) {}

Status GateRegistry::load() {
  std::lock_guard<std::mutex> writing(write_mutex_);
  Result<std::vector<GateRecord>> stored = store_.gates();
  if (!stored.is_ok()) return stored.status();
  Result<int32_t> last = store_.last_index();
  if (!last.is_ok()) return last.status();

  std::lock_guard<std::mutex> lock(mutex_);
  gates_.clear();
  dirty_.clear();
  for (GateRecord& gate : *stored) {
    std::string gatenum = gate.gatenum;
    gates_.emplace(std::move(gatenum), std::move(gate));
  }
  known_last_ = std::max(known_last_, *last);
  return Status::ok();
}

Result<Admitted> GateRegistry::admit(std::string_view gatenum,
                                     std::string_view address,
                                     int64_t reported) {
  Result<Admitted> admitted = admit_gate(gatenum, address, reported);
  if (admitted.is_ok() && !options_.rebuild_own_faces) {
    admitted->own_until = 0;
  }
  return admitted;
}

Result<Admitted> GateRegistry::admit_gate(std::string_view gatenum,
                                          std::string_view address,
                                          int64_t reported) {
  Status status = check_gate(gatenum);
  if (status.is_ok()) status = check_reported(reported);
  if (!status.is_ok()) return status;

  // The hot path: a known gate reporting an index the log has issued.
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::optional<Result<Admitted>> decided =
        admit_in_memory(gatenum, address, reported, known_last_, false);
    if (decided.has_value()) return std::move(*decided);
  }

  // A newer index than this registry has seen, or a rebuild: the newest
  // index decides, read without blocking anyone.
  Result<int32_t> last = store_.last_index();
  if (!last.is_ok()) return last.status();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    known_last_ = std::max(known_last_, *last);
    std::optional<Result<Admitted>> decided =
        admit_in_memory(gatenum, address, reported, *last, true);
    if (decided.has_value()) return std::move(*decided);
  }

  return admit_writing(gatenum, address, reported);
}

std::optional<Result<Admitted>> GateRegistry::admit_in_memory(
    std::string_view gatenum, std::string_view address, int64_t reported,
    int32_t last, bool fresh) {
  auto it = gates_.find(gatenum);
  if (it == gates_.end()) {
    if (options_.strict) return Result<Admitted>(unknown_gate(gatenum));
    return std::nullopt;  // registers, in a write
  }

  GateRecord& gate = it->second;
  if (!gate.enabled) return Result<Admitted>(gate_disabled(gatenum));

  const auto cursor = static_cast<int32_t>(reported);
  if (reported > 0 && reported <= last) {
    return record_progress(gate, address, cursor);
  }
  // A repeated request from 0 whose rebuild is recorded already.
  if (reported == 0 && fresh && gate.own_until >= last && !gate.needs_resync) {
    return record_progress(gate, address, 0);
  }
  return std::nullopt;
}

Result<Admitted> GateRegistry::admit_writing(std::string_view gatenum,
                                             std::string_view address,
                                             int64_t reported) {
  std::lock_guard<std::mutex> writing(write_mutex_);
  // Read again: a write just before this one may have raised the floor.
  Result<int32_t> last = store_.last_index();
  if (!last.is_ok()) return last.status();

  GateRecord planned;
  bool known = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    known_last_ = std::max(known_last_, *last);
    std::optional<Result<Admitted>> decided =
        admit_in_memory(gatenum, address, reported, *last, true);
    if (decided.has_value()) return std::move(*decided);

    auto it = gates_.find(gatenum);
    known = it != gates_.end();
    planned = known ? it->second : new_gate(gatenum, now_());
  }

  // The record with this request in it, written through; with the floor
  // raised when the gate reports an index the log never issued.
  const bool beyond = reported > *last;
  const auto floor = static_cast<int32_t>(reported);
  plan_admission(&planned, address, reported, *last, now_(),
                 options_.restart_beyond_log);
  Status status = store_.write([&](Transaction& tx) {
    if (beyond) {
      Status raised = tx.raise_index_floor(floor);
      if (!raised.is_ok()) return raised;
    }
    return tx.put_gate(planned);
  });
  if (!status.is_ok()) return status;
  log_admission(planned, known, reported, *last, options_.restart_beyond_log);

  std::lock_guard<std::mutex> lock(mutex_);
  if (beyond) known_last_ = std::max(known_last_, floor);
  auto [it, inserted] = gates_.try_emplace(planned.gatenum, planned);
  GateRecord& gate = it->second;
  if (inserted)
    return Admitted{planned.cursor, gate.gatenum, gate.site, gate.own_until};

  // Requests admitted meanwhile moved the progress on; keep them.
  gate.own_until = planned.own_until;
  gate.needs_resync = planned.needs_resync;
  gate.resync_reason = planned.resync_reason;
  return record_progress(gate, address, planned.cursor);
}

Admitted GateRegistry::record_progress(GateRecord& gate,
                                       std::string_view address,
                                       int32_t cursor) {
  gate.last_seen = now_();
  if (gate.last_address != address) gate.last_address = std::string(address);
  gate.cursor = cursor;
  ++gate.requests;
  if (!dirty_.contains(gate.gatenum)) dirty_.insert(gate.gatenum);
  return Admitted{cursor, gate.gatenum, gate.site, gate.own_until};
}

std::vector<GateRecord> GateRegistry::list() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<GateRecord> gates;
  gates.reserve(gates_.size());
  for (const auto& [gatenum, gate] : gates_)
    gates.push_back(gate);
  return gates;
}

Result<GateRecord> GateRegistry::get(std::string_view gatenum) const {
  Status status = check_gate(gatenum);
  if (!status.is_ok()) return status;

  std::lock_guard<std::mutex> lock(mutex_);
  auto it = gates_.find(gatenum);
  if (it == gates_.end()) return unknown_gate(gatenum);
  return it->second;
}

Result<GateRecord> GateRegistry::put(const GateSettings& settings) {
  Status status = check_settings(settings);
  if (!status.is_ok()) return status;

  std::lock_guard<std::mutex> writing(write_mutex_);
  GateRecord record;
  bool known = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = gates_.find(settings.gatenum);
    known = it != gates_.end();
    record = known ? it->second : new_gate(settings.gatenum, now_());
  }
  apply_settings(settings, &record);

  status = store_.write([&](Transaction& tx) { return tx.put_gate(record); });
  if (!status.is_ok()) return status;
  spdlog::info("gates: gate {} {} (site '{}', {})", settings.gatenum,
               known ? "updated" : "registered", settings.site,
               settings.enabled ? "enabled" : "disabled");

  // Progress recorded meanwhile stays; only the settings change.
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = gates_.try_emplace(record.gatenum, record);
  if (!inserted) apply_settings(settings, &it->second);
  return it->second;
}

Status GateRegistry::remove(std::string_view gatenum) {
  Status status = check_gate(gatenum);
  if (!status.is_ok()) return status;

  std::lock_guard<std::mutex> writing(write_mutex_);
  bool deleted = false;
  status = store_.write([&](Transaction& tx) {
    Result<bool> result = tx.delete_gate(gatenum);
    if (!result.is_ok()) return result.status();
    deleted = *result;
    return Status::ok();
  });
  if (!status.is_ok()) return status;

  std::lock_guard<std::mutex> lock(mutex_);
  auto it = gates_.find(gatenum);
  const bool known = it != gates_.end();
  if (known) gates_.erase(it);
  auto dirty = dirty_.find(gatenum);
  if (dirty != dirty_.end()) dirty_.erase(dirty);

  if (!deleted && !known) return unknown_gate(gatenum);
  spdlog::info("gates: gate {} removed", gatenum);
  return Status::ok();
}

Status GateRegistry::flush() {
  std::lock_guard<std::mutex> writing(write_mutex_);
  std::vector<GateRecord> changed;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::string& gatenum : dirty_) {
      auto it = gates_.find(gatenum);
      if (it != gates_.end()) changed.push_back(it->second);
    }
    dirty_.clear();
  }
  if (changed.empty()) return Status::ok();

  Status status = store_.save_progress(changed);
  if (status.is_ok()) return status;

  // Kept for the next flush.
  std::lock_guard<std::mutex> lock(mutex_);
  for (const GateRecord& gate : changed) {
    if (gates_.contains(gate.gatenum)) dirty_.insert(gate.gatenum);
  }
  return status;
}

Result<store::TombstoneSweep> GateRegistry::collect_tombstones() {
  Result<int32_t> last = store_.last_index();
  if (!last.is_ok()) return last.status();

  std::vector<std::string> inactive;
  const int32_t below = collection_floor(*last, &inactive);

  store::TombstoneSweep total;
  Status failure;
  for (;;) {
    Result<store::TombstoneSweep> chunk =
        store_.collect_tombstones(below, kTombstoneChunk);
    if (!chunk.is_ok()) {
      failure = chunk.status();
      break;
    }
    total.deleted += chunk->deleted;
    total.highest = std::max(total.highest, chunk->highest);
    if (chunk->deleted < kTombstoneChunk) break;
  }

  // Also after a failure: what was deleted is gone for the gates that
  // needed it.
  Status flagged = Status::ok();
  if (total.deleted > 0) {
    flagged = flag_missed_removals(inactive, total.highest);
  }
  if (!failure.is_ok()) return failure;
  if (!flagged.is_ok()) return flagged;
  return total;
}

int32_t GateRegistry::collection_floor(int32_t last,
                                       std::vector<std::string>* inactive) {
  // Removals below every active gate's cursor are read by all of them;
  // with no active gate, every removal is.
  int64_t below = int64_t{last} + 1;
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t now = now_();
  for (const auto& [gatenum, gate] : gates_) {
    if (is_active(gate, now, options_.max_offline)) {
      below = std::min<int64_t>(below, gate.cursor);
    } else {
      inactive->push_back(gatenum);
    }
  }
  return static_cast<int32_t>(std::min(below, kMaxIndex));
}

Status GateRegistry::flag_missed_removals(
    const std::vector<std::string>& inactive, int32_t highest) {
  std::lock_guard<std::mutex> writing(write_mutex_);
  std::vector<GateRecord> flagged;
  {
    // Flagged in memory first and marked for flush, so that a failed
    // write below does not lose the flag.
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::string& gatenum : inactive) {
      auto it = gates_.find(gatenum);
      if (it == gates_.end()) continue;
      GateRecord& gate = it->second;
      if (gate.cursor >= highest || gate.needs_resync) continue;

      gate.needs_resync = true;
      gate.resync_reason = kMissedRemovals;
      dirty_.insert(gate.gatenum);
      flagged.push_back(gate);
    }
  }

  for (const GateRecord& gate : flagged) {
    spdlog::warn(
        "gates: gate {} (cursor {}, last seen {}) was offline while "
        "removals up to record {} were deleted; flagged for resync",
        gate.gatenum, gate.cursor, gate.last_seen, highest);
  }
  if (flagged.empty()) return Status::ok();
  return put_gates(store_, flagged);
}

}  // namespace facesync::sync
