// The SQL of routing: which audiences receive each event (routes), the runs
// of one gate's rows that the gate skips whole (runs), and every audience a
// ticket was routed to (ticket_audiences). Run on whichever connection the
// caller holds, as event_queries.h; the caller owns the connection and its
// one-thread-at-a-time use, and wraps reads of several statements in one
// read transaction.
//
// An audience is "" (every gate) or a site name; a gate of site S reads ""
// and S, a gate of no site only "". The rules, and the invariants of runs,
// are described in route_queries.cc.
#ifndef FACESYNC_STORE_SQLITE_ROUTE_QUERIES_H_
#define FACESYNC_STORE_SQLITE_ROUTE_QUERIES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/face_event.h"
#include "store/gate_record.h"
#include "store/sqlite/connection.h"

namespace facesync::store::sqlite {

// A route row about to be deleted: enough to repair the runs around it.
struct RouteRef {
  std::string audience;
  int32_t index = 0;
  bool has_source = false;  // it may belong to a run
};

// What a gate receives next: an event's index, and whether the event comes
// to it as a removal (it is one, or it no longer covers the gate).
struct Delivery {
  int32_t index = 0;
  bool as_removal = false;
};

// `sites` sorted and without repeats; kBadSite when a site is "" (which
// would name the audience of every gate).
Result<std::vector<std::string>> normalize_sites(
    std::vector<std::string> sites);

// Routes `event`, just appended at `index` with its normalized `sites`, to
// its audiences, and records them as the ticket's. Inside a write.
Status route_event(Connection& db, const Event& event,
                   const std::vector<std::string>& sites, int32_t index);

// The first delivery above `after` for `gate` (Store::next_for_gate).
Result<std::optional<Delivery>> select_next_delivery(Connection& db,
                                                     const GateView& gate,
                                                     int32_t after);

// How many deliveries above `after` `gate` would still receive.
Result<int64_t> count_deliveries(Connection& db, const GateView& gate,
                                 int32_t after);

// The route rows of the ticket's events below `index`.
Result<std::vector<RouteRef>> select_routes_before(Connection& db,
                                                   std::string_view ticket,
                                                   int32_t index);

// After the rows `deleted` were deleted (with their events): drops the
// runs they left empty, and joins the runs that now follow each other.
// Inside a write.
Status repair_runs(Connection& db, const std::vector<RouteRef>& deleted);

// Forgets the ticket's audiences when the log holds no event of it any
// more. Inside a write.
Status forget_audiences_if_gone(Connection& db, std::string_view ticket);

}  // namespace facesync::store::sqlite

#endif  // FACESYNC_STORE_SQLITE_ROUTE_QUERIES_H_
