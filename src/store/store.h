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

namespace facesync::store {

// The operations of one write transaction. Valid only inside the function
// given to Store::write, on the thread that runs it.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // The ticket's newest event without its image bytes (image_sha256 set),
  // or nullopt when the log holds none.
  virtual Result<std::optional<Event>> latest(std::string_view ticket) = 0;

  // Appends `event` (its index is ignored) and returns the index it got:
  // greater than every index the store ever issued, also after deletes and
  // restarts. Stores the image bytes and their SHA-256: the event's
  // image_sha256 when the caller computed it already (hashing a large image
  // outside the write is cheaper; it must then be the image's digest),
  // else computed here. An event without image bytes stores no digest.
  // kStorage when the record indexes (int32) are exhausted.
  virtual Result<int32_t> append(const Event& event) = 0;

  // Deletes the ticket's events with an index below `index`, and their
  // image bytes. The compaction that keeps one event per ticket.
  virtual Status erase_before(std::string_view ticket, int32_t index) = 0;
};

// A durable, ordered log of face events. Thread-safe: any thread may call
// any method at any time. Writes are serialised (one at a time, in commit
// order, so index order is commit order); reads run in parallel with them.
class Store {
 public:
  virtual ~Store() = default;

  // Runs `fn` in one write transaction. When `fn` returns ok the
  // transaction commits and is on disk (synced) before write() returns ok;
  // when `fn` fails, or the commit fails, nothing of it remains and the
  // failure is returned (storage failures as ErrorCode::kStorage).
  // Writes do not nest: `fn` must not call write(). It may call the read
  // methods, which see the state before this write.
  virtual Status write(const std::function<Status(Transaction&)>& fn) = 0;

  // The first event with an index above `after` that is a removal or was
  // not collected at `gate`, with its image bytes; nullopt when none.
  virtual Result<std::optional<Event>> next_for_gate(std::string_view gate,
                                                     int32_t after) = 0;

  // As Transaction::latest, outside a write.
  virtual Result<std::optional<Event>> latest(std::string_view ticket) = 0;

  // Up to `limit` live faces (the newest event of each ticket whose face is
  // not removed) with a ticket code above `after_ticket`, in ticket code
  // order, without image bytes (image_sha256 set).
  virtual Result<std::vector<Event>> live_faces(std::string_view after_ticket,
                                                size_t limit) = 0;

  // The highest index ever issued, 0 for a new store.
  virtual Result<int32_t> last_index() = 0;

  // Ok when the store can serve reads and writes.
  virtual Status check() = 0;
};

}  // namespace facesync::store

#endif  // FACESYNC_STORE_STORE_H_
