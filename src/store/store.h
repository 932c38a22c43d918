// The storage interface of the sync log. One implementation per database
// back end lives in a folder of its own (sqlite/).
#ifndef FACESYNC_STORE_STORE_H_
#define FACESYNC_STORE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/face_event.h"
#include "store/gate_record.h"

namespace facesync::store {

// The operations of one write transaction. Valid only inside the function
// given to Store::write, on the thread that runs it.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // The ticket's newest event without its image bytes (image_sha256 and
  // sites set), or nullopt when the log holds none.
  virtual Result<std::optional<Event>> latest(std::string_view ticket) = 0;

  // Appends `event` (its index is ignored) and returns the index it got:
  // greater than every index the store ever issued (see raise_index_floor),
  // also after deletes, restarts and restores of an older copy of the
  // database file. Stores the image bytes and their SHA-256 (the event's
  // image_sha256 when the caller computed it already, else computed here;
  // an event without image bytes stores no digest). kStorage when the
  // record indexes (int32) are exhausted.
  //
  // Routing: the event is delivered to the gates of its audiences. A live
  // face's audiences are its sites ("" = every gate when it has none); a
  // gate of site S reads the audiences "" and S. Every audience the ticket
  // was delivered to before and that the new event leaves out receives
  // the event as a removal, and a removal goes to every audience the
  // ticket was ever delivered to: so a gate that may hold a face always
  // learns that it is gone.
  virtual Result<int32_t> append(const Event& event) = 0;

  // Deletes the ticket's events with an index below `index`, and their
  // image bytes. The compaction that keeps one event per ticket.
  virtual Status erase_before(std::string_view ticket, int32_t index) = 0;

  // Later appends get indexes above `index` (no effect when they would
  // anyway). For a cursor reported by a gate beyond the newest index.
  virtual Status raise_index_floor(int32_t index) = 0;

  // Inserts the gate or replaces every field of it.
  virtual Status put_gate(const GateRecord& gate) = 0;

  // Removes the gate from the registry; false when there was none.
  virtual Result<bool> delete_gate(std::string_view gatenum) = 0;
};

// What collect_tombstones did.
struct TombstoneSweep {
  size_t deleted = 0;
  int32_t highest = 0;  // the highest index deleted; 0 when none
};

// A durable, ordered log of face events, and the gate registry. Thread-safe:
// any thread may call any method at any time. Writes are serialised (their
// functions run one at a time, in commit order, so index order is commit
// order; a back end may commit concurrent writes together); reads run in
// parallel with them.
class Store {
 public:
  virtual ~Store() = default;

  // Runs `fn` in one write transaction. When `fn` returns ok the
  // transaction commits and is on disk (synced) before write() returns ok;
  // when `fn` fails, or the commit fails, nothing of it remains and the
  // failure is returned (storage failures as ErrorCode::kStorage, also
  // when another write committed together with it lost the transaction).
  // When `fn` throws, nothing of it remains and write() rethrows.
  // `fn` sees the changes of the writes whose functions ran before it. It
  // may run on the thread of another, concurrent write() call, which then
  // commits it with its own: it must not rely on the thread it runs on.
  // Writes do not nest: `fn` must not call write(). It may call the read
  // methods, which see committed state only: not this write's changes,
  // nor those of writes committed together with it.
  virtual Status write(const std::function<Status(Transaction&)>& fn) = 0;

  // The first event above `after` that gate `gate` receives, with its
  // image bytes; nullopt when none. The gate reads the audiences "" and
  // its site; it skips the live faces it collected itself whose index is
  // above gate.own_until. An event routed to the gate both as a face and
  // as a removal comes as the face. A removal comes with kind kRemoved;
  // a live event that reaches the gate only as a removal for its audience
  // comes with kind kRemoved too, no image bytes and no sites.
  //
  // Cost: a seek per audience, whatever lies between `after` and the
  // answer (the gate's own faces and other sites' faces are skipped in
  // whole runs, not row by row).
  virtual Result<std::optional<Event>> next_for_gate(const GateView& gate,
                                                     int32_t after) = 0;

  // How many events above `after` gate `gate` would still receive.
  virtual Result<int64_t> count_for_gate(const GateView& gate,
                                         int32_t after) = 0;

  // As Transaction::latest, outside a write.
  virtual Result<std::optional<Event>> latest(std::string_view ticket) = 0;

  // Up to `limit` live faces (the newest event of each ticket whose face is
  // not removed) with a ticket code above `after_ticket`, in ticket code
  // order, without image bytes (image_sha256 and sites set).
  virtual Result<std::vector<Event>> live_faces(std::string_view after_ticket,
                                                size_t limit) = 0;

  // Up to `limit` live faces whose valid_until is before `today`
  // (yyyymmdd), without image bytes, in index order.
  virtual Result<std::vector<Event>> expired_faces(int32_t today,
                                                   size_t limit) = 0;

  // Deletes up to `limit` removal events with an index below `below`, with
  // whatever the store kept to route them, and returns how many went.
  virtual Result<TombstoneSweep> collect_tombstones(int32_t below,
                                                    size_t limit) = 0;

  // Every registered gate, by gate number.
  virtual Result<std::vector<GateRecord>> gates() = 0;

  // Writes the progress fields (last_seen, last_address, cursor, requests,
  // own_until, needs_resync, resync_reason) of registered gates, in one
  // transaction; gates no longer registered are skipped. Not synced to disk
  // at once: progress is advisory and a lost update only keeps tombstones
  // longer.
  virtual Status save_progress(const std::vector<GateRecord>& gates) = 0;

  // The highest index ever issued (or the floor raised above it), 0 for a
  // new store.
  virtual Result<int32_t> last_index() = 0;

  // Moves the write-ahead log into the database file and truncates it, so
  // that the bytes of deleted rows are gone from disk (deleted rows are
  // overwritten with zeros in the database file).
  virtual Status checkpoint() = 0;

  // Ok when the store can serve reads and writes.
  virtual Status check() = 0;
};

}  // namespace facesync::store

#endif  // FACESYNC_STORE_STORE_H_
