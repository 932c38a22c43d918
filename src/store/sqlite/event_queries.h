// The SQL of the events themselves (events, images, event_sites): one
// function per step, run on whichever connection the caller holds (the
// writer inside a write transaction, or a reader). The caller owns the
// connection and its one-thread-at-a-time use. Routing is apart, in
// route_queries.h.
#ifndef FACESYNC_STORE_SQLITE_EVENT_QUERIES_H_
#define FACESYNC_STORE_SQLITE_EVENT_QUERIES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/face_event.h"
#include "store/sqlite/connection.h"

namespace facesync::store::sqlite {

// A removal event found by select_removals_below.
struct RemovalRef {
  int32_t index = 0;
  std::string ticket;
};

// The ticket's newest event without image bytes, with its sites.
Result<std::optional<Event>> select_latest(Connection& db,
                                           std::string_view ticket);

// Inserts `event` with `sites` (sorted, unique, none empty) in place of its
// own, its image and the image's SHA-256 (see Transaction::append);
// returns the new index. Must run inside a write transaction, which the
// caller rolls back on failure (a failure may leave rows inserted).
// kStorage when the index would leave int32.
Result<int32_t> insert_event(Connection& db, const Event& event,
                             const std::vector<std::string>& sites);

// Deletes the ticket's events below `index`; their images, sites and
// routes go with them.
Status delete_before(Connection& db, std::string_view ticket, int32_t index);

// The event at `index` (with image bytes when `with_image`), without its
// sites; nullopt when there is none.
Result<std::optional<Event>> select_event(Connection& db, int32_t index,
                                          bool with_image);

// The event's sites, sorted.
Result<std::vector<std::string>> select_sites(Connection& db, int32_t index);

// Up to `limit` live faces after `after_ticket`, in ticket order, with
// their sites.
Result<std::vector<Event>> select_live_faces(Connection& db,
                                             std::string_view after_ticket,
                                             size_t limit);

// Up to `limit` live faces with valid_until before `today`, in index
// order, with their sites.
Result<std::vector<Event>> select_expired_faces(Connection& db, int32_t today,
                                                size_t limit);

// Up to `limit` removal events below `below`, in index order.
Result<std::vector<RemovalRef>> select_removals_below(Connection& db,
                                                      int32_t below,
                                                      size_t limit);

// The largest index ever issued (AUTOINCREMENT's memory), 0 when none.
Result<int32_t> select_last_index(Connection& db);

// Makes the next index issued greater than `floor` (no change when it is
// already). Must run inside a write transaction.
Status raise_last_index(Connection& db, int32_t floor);

}  // namespace facesync::store::sqlite

#endif  // FACESYNC_STORE_SQLITE_EVENT_QUERIES_H_
