// GateRegistry: the gates that sync from this log, their settings and
// their progress.
#ifndef FACESYNC_SYNC_GATE_REGISTRY_H_
#define FACESYNC_SYNC_GATE_REGISTRY_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/gate_record.h"
#include "store/store.h"

namespace facesync::sync {

struct RegistryOptions {
  // Strict: only registered, enabled gates may sync (kUnknownGate,
  // kGateDisabled). Open: a gate is registered on its first sync.
  bool strict = false;
  // A gate silent for longer stops holding removals back.
  std::chrono::seconds max_offline = std::chrono::hours(24 * 30);
  // A gate asking from 0 may have been wiped: it receives its own faces
  // up to the newest index of that moment. False: a gate never receives
  // the faces it collected (for gates that keep them across a reset).
  bool rebuild_own_faces = true;
  // A gate reporting an index beyond the newest one the log issued
  // restarts from 0. False: it is answered as caught up, as the original
  // product did (its cursor stays; new indexes start above it either way).
  bool restart_beyond_log = true;
};

// What operators set on a gate (PUT /v2/gates/{gatenum}).
struct GateSettings {
  std::string gatenum;
  std::string name;
  std::string site;
  bool enabled = true;
  std::vector<std::string> addresses;
};

// A sync request, admitted: the cursor to read from and the gate's view.
struct Admitted {
  // 0 when the reported one was beyond the log and the gate restarts.
  int32_t cursor = 0;
  std::string gatenum;
  std::string site;
  int32_t own_until = 0;
  store::GateView view() const { return {gatenum, site, own_until}; }
};

// Keeps every gate's record in memory, backed by the store. Registration,
// settings and the start of a rebuild are written through at once; the
// progress of each sync (cursor, last seen, requests) is kept in memory and
// written by flush(), which the maintenance loop calls every few seconds.
// Thread-safe; the Store must outlive it.
class GateRegistry {
 public:
  using Clock = std::function<int64_t()>;  // Unix seconds

  GateRegistry(store::Store& store, RegistryOptions options, Clock now);
  GateRegistry(const GateRegistry&) = delete;
  GateRegistry& operator=(const GateRegistry&) = delete;

  // Reads the registered gates from the store.
  Status load();

  // Admits one legacy sync of `gatenum` from `address` with cursor
  // `reported`: registers the gate in open mode (kUnknownGate,
  // kGateDisabled in strict mode); when `reported` is 0, the gate rebuilds
  // and receives its own faces up to today's newest index (written through,
  // and clears needs_resync); when `reported` is beyond the newest index
  // the log ever issued, logs it, flags the gate, raises the index floor to
  // it and restarts the gate from 0 (or, with restart_beyond_log false,
  // keeps its cursor). Records the progress in memory.
  // kBadGateNum and kBadLastSuccessIndex for invalid arguments; a refused
  // request records nothing. Addresses are recorded, not enforced.
  // With options.rebuild_own_faces false, own_until is always 0 in the
  // answer (the record keeps it, for when the option is turned on).
  Result<Admitted> admit(std::string_view gatenum, std::string_view address,
                         int64_t reported);

  // Every gate with its latest progress, by gate number.
  std::vector<store::GateRecord> list() const;
  Result<store::GateRecord> get(std::string_view gatenum) const;

  // Creates or updates a gate's settings; its progress stays. kBadGateNum,
  // kBadSite, or kBadGate (a name over 64 characters or with a control
  // character, an address that is not an IPv4 or IPv6 literal).
  Result<store::GateRecord> put(const GateSettings& settings);
  // kUnknownGate when there is no such gate.
  Status remove(std::string_view gatenum);

  // Writes the progress recorded since the last flush.
  Status flush();

  // Deletes the removals every active gate has passed (an active gate is
  // enabled and seen within max_offline; one never seen counts from its
  // creation). Inactive gates whose cursor is below a deleted removal are
  // flagged needs_resync, logged, and written through (a gate never seen
  // too: it may hold faces from before the registry). When a chunk of the
  // deletion fails, what was deleted before it still flags the gates.
  Result<store::TombstoneSweep> collect_tombstones();

 private:
  // admit() before the rebuild_own_faces option is applied.
  Result<Admitted> admit_gate(std::string_view gatenum,
                              std::string_view address, int64_t reported);

  // Decides an admission from memory alone when it needs no write: a
  // refusal, or a known gate's progress. `last` is the newest index as far
  // as the caller knows; `fresh` says it was just read from the store (a
  // rebuild is only settled on a fresh one). Needs mutex_.
  std::optional<Result<Admitted>> admit_in_memory(std::string_view gatenum,
                                                  std::string_view address,
                                                  int64_t reported,
                                                  int32_t last, bool fresh);
  // The rest of admit(): registration, a rebuild, a cursor beyond the log,
  // each written through. Takes write_mutex_.
  Result<Admitted> admit_writing(std::string_view gatenum,
                                 std::string_view address, int64_t reported);
  // Records one admitted request in memory. Needs mutex_.
  Admitted record_progress(store::GateRecord& gate, std::string_view address,
                           int32_t cursor);
  // The index below which every active gate has read every removal
  // (last + 1 with no active gate); lists the inactive gates. Takes mutex_.
  int32_t collection_floor(int32_t last, std::vector<std::string>* inactive);
  // Flags the gates among `inactive` whose cursor is below `highest`, the
  // highest removal just deleted. Takes write_mutex_.
  Status flag_missed_removals(const std::vector<std::string>& inactive,
                              int32_t highest);

  store::Store& store_;
  const RegistryOptions options_;
  const Clock now_;

  // Serialises every write of gate records (written through or flushed),
  // so that the store gets them in the order memory changed. Taken before
  // mutex_; the store is never called while mutex_ is held, so a slow
  // write never stalls the admits that need none.
  std::mutex write_mutex_;

  mutable std::mutex mutex_;  // guards the members below
  std::map<std::string, store::GateRecord, std::less<>> gates_;
  std::set<std::string, std::less<>> dirty_;  // progress not yet flushed
  int32_t known_last_ = 0;  // a lower bound of store.last_index()
};

}  // namespace facesync::sync

#endif  // FACESYNC_SYNC_GATE_REGISTRY_H_
