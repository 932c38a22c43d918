// The SQL of the log: one function per Store operation, run on whichever
// connection the caller holds (the writer inside a write transaction, or a
// reader). The caller owns the connection and its one-thread-at-a-time use.
#ifndef FACESYNC_STORE_SQLITE_EVENT_QUERIES_H_
#define FACESYNC_STORE_SQLITE_EVENT_QUERIES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/face_event.h"
#include "store/sqlite/connection.h"

namespace facesync::store::sqlite {

// The ticket's newest event without image bytes.
Result<std::optional<Event>> select_latest(Connection& db,
                                           std::string_view ticket);

// Inserts `event`, its image and the image's SHA-256 (see
// Transaction::append); returns the new index. Must run inside a write
// transaction, which the caller rolls back on failure (a failure may leave the
// event row inserted). kStorage when the index would leave int32.
Result<int32_t> insert_event(Connection& db, const Event& event);

// Deletes the ticket's events below `index`; their images go with them.
Status delete_before(Connection& db, std::string_view ticket, int32_t index);

// The first event above `after` that `gate` receives, with image bytes.
Result<std::optional<Event>> select_next_for_gate(Connection& db,
                                                  std::string_view gate,
                                                  int32_t after);

// Up to `limit` live faces after `after_ticket`, in ticket order.
Result<std::vector<Event>> select_live_faces(Connection& db,
                                             std::string_view after_ticket,
                                             size_t limit);

// The largest index ever issued (AUTOINCREMENT's memory), 0 when none.
Result<int32_t> select_last_index(Connection& db);

}  // namespace facesync::store::sqlite

#endif  // FACESYNC_STORE_SQLITE_EVENT_QUERIES_H_
