#include "store/sqlite/route_queries.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <system_error>
#include <utility>

namespace facesync::store::sqlite {

// Routing rules. A live face is a face row in each of its audiences: its
// sites, or "" when it has none. Each audience the ticket was routed to
// before and that the face no longer covers gets a removal row ("" covers
// every site, so a face for every gate sends no removal). A removal event
// is a removal row in every audience the ticket was routed to and in each
// of its own sites; a removal of a ticket never routed anywhere goes to
// every gate ("").
//
// Skipping. A gate skips the events it collected itself above own_until:
// their face rows carry the collecting gate in source_gate. A face that
// moves from "" to sites S1..Sn leaves a removal row in "", which its
// collecting gate must skip too when the gate reads the face through its
// own site (else it would delete the face it just collected): that row
// carries the collecting gate as well, and its run names the sites. Every
// other removal row has no source gate; no gate skips it.
//
// Runs. A run is an interval [first_index, last_index] of one audience in
// which every route row has the same source gate and the same kind: face
// rows (removal_sites NULL), or removal rows of faces routed to exactly
// removal_sites. Runs of an audience do not overlap, every row with a
// source gate lies in one, and two runs that follow each other with no row
// between them are of a different gate or kind (appends extend the last
// run; deletes join the runs they bring together). So a gate meets at most
// one run of its own per kind between two rows it receives, and skips each
// with one seek.

namespace {

constexpr int64_t kMaxIndex = std::numeric_limits<int32_t>::max();

// One route row as read back; source "" stands for NULL.
struct RouteRow {
  int32_t index = 0;
  std::string source;
  bool as_removal = false;
};

// One run; removal_sites "" stands for NULL (a run of face rows).
struct Run {
  int32_t first = 0;
  int32_t last = 0;
  std::string removal_sites;
};

// A route to write for an appended event.
struct PlannedRoute {
  std::string audience;
  bool as_removal = false;
  std::string source;         // "" for none
  std::string removal_sites;  // the run kind, "" for faces
};

Status corrupt(const std::string& what) {
  return Status(ErrorCode::kStorage, "routes in the database: " + what);
}

// Runs a statement that yields no rows.
Status run(Query& query, std::string_view operation) {
  const int rc = query.step();
  if (rc != SQLITE_DONE) return query.error(rc, operation);
  return Status::ok();
}

// The sites of a removal run as one text: each as its length, ':' and its
// bytes, which no site can make ambiguous.
std::string encode_sites(const std::vector<std::string>& sites) {
  std::string key;
  for (const std::string& site : sites) {
    key += std::to_string(site.size());
    key += ':';
    key += site;
  }
  return key;
}

bool encoded_sites_have(std::string_view key, std::string_view site) {
  while (!key.empty()) {
    const size_t colon = key.find(':');
    if (colon == std::string_view::npos) return false;
    size_t length = 0;
    auto [end, error] = std::from_chars(key.data(), key.data() + colon, length);
    if (error != std::errc() || end != key.data() + colon) return false;
    key.remove_prefix(colon + 1);
    if (length > key.size()) return false;
    if (key.substr(0, length) == site) return true;
    key.remove_prefix(length);
  }
  return false;
}

// Steps a query over (recordindex, source_gate, as_removal) that yields at
// most one row.
Result<std::optional<RouteRow>> read_route(Query& query,
                                           std::string_view operation) {
  const int rc = query.step();
  if (rc == SQLITE_DONE) return std::optional<RouteRow>();
  if (rc != SQLITE_ROW) return query.error(rc, operation);

  const int64_t index = query.column_int(0);
  if (index < 1 || index > kMaxIndex) {
    return corrupt("a route has index " + std::to_string(index));
  }
  return std::optional<RouteRow>(RouteRow{static_cast<int32_t>(index),
                                          query.column_bytes(1),
                                          query.column_int(2) != 0});
}

// Steps a query over (first_index, last_index, removal_sites) that yields
// at most one row.
Result<std::optional<Run>> read_run(Query& query, std::string_view operation) {
  const int rc = query.step();
  if (rc == SQLITE_DONE) return std::optional<Run>();
  if (rc != SQLITE_ROW) return query.error(rc, operation);

  const int64_t first = query.column_int(0);
  const int64_t last = query.column_int(1);
  if (first < 1 || last < first || last > kMaxIndex) {
    return corrupt("a run spans " + std::to_string(first) + " to " +
                   std::to_string(last));
  }
  return std::optional<Run>(Run{static_cast<int32_t>(first),
                                static_cast<int32_t>(last),
                                query.column_bytes(2)});
}

// The audience's first route row above `index`.
Result<std::optional<RouteRow>> route_after(Connection& db,
                                            std::string_view audience,
                                            int64_t index) {
  const char* operation = "routes: next row";
  Result<Query> query = db.query(
      "SELECT recordindex, source_gate, as_removal FROM routes"
      " WHERE audience = ?1 AND recordindex > ?2"
      " ORDER BY recordindex LIMIT 1",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, audience);
  query->bind_int(2, index);
  return read_route(*query, operation);
}

// The audience's last route row below `index`.
Result<std::optional<RouteRow>> route_before(Connection& db,
                                             std::string_view audience,
                                             int64_t index) {
  const char* operation = "routes: previous row";
  Result<Query> query = db.query(
      "SELECT recordindex, source_gate, as_removal FROM routes"
      " WHERE audience = ?1 AND recordindex < ?2"
      " ORDER BY recordindex DESC LIMIT 1",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, audience);
  query->bind_int(2, index);
  return read_route(*query, operation);
}

// The audience's run that contains `index`, if any.
Result<std::optional<Run>> run_containing(Connection& db,
                                          std::string_view audience,
                                          int32_t index) {
  const char* operation = "runs: find run";
  Result<Query> query = db.query(
      "SELECT first_index, last_index, removal_sites FROM runs"
      " WHERE audience = ?1 AND first_index <= ?2"
      " ORDER BY first_index DESC LIMIT 1",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, audience);
  query->bind_int(2, index);
  Result<std::optional<Run>> found = read_run(*query, operation);
  if (found.is_ok() && found->has_value() && (*found)->last < index) {
    return std::optional<Run>();
  }
  return found;
}

// The audience's last run, if any.
Result<std::optional<Run>> last_run(Connection& db, std::string_view audience) {
  const char* operation = "runs: last run";
  Result<Query> query = db.query(
      "SELECT first_index, last_index, removal_sites FROM runs"
      " WHERE audience = ?1 ORDER BY first_index DESC LIMIT 1",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, audience);
  return read_run(*query, operation);
}

Status set_run_end(Connection& db, std::string_view audience, int32_t first,
                   int32_t last) {
  const char* operation = "runs: extend run";
  Result<Query> query = db.query(
      "UPDATE runs SET last_index = ?3"
      " WHERE audience = ?1 AND first_index = ?2",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, audience);
  query->bind_int(2, first);
  query->bind_int(3, last);
  return run(*query, operation);
}

Status insert_run(Connection& db, std::string_view audience, int32_t index,
                  std::string_view removal_sites) {
  const char* operation = "runs: start run";
  Result<Query> query = db.query(
      "INSERT INTO runs (audience, first_index, last_index, removal_sites)"
      " VALUES (?1, ?2, ?2, ?3)",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, audience);
  query->bind_int(2, index);
  if (removal_sites.empty()) {
    query->bind_null(3);
  } else {
    query->bind_text(3, removal_sites);
  }
  return run(*query, operation);
}

Status delete_run(Connection& db, std::string_view audience, int32_t first) {
  const char* operation = "runs: delete run";
  Result<Query> query = db.query(
      "DELETE FROM runs WHERE audience = ?1 AND first_index = ?2", operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, audience);
  query->bind_int(2, first);
  return run(*query, operation);
}

// Puts the route about to be appended at `index` (above every row) into
// the audience's last run when the audience's last row ends that run with
// the same gate and kind, else into a new run.
Status place_in_run(Connection& db, const PlannedRoute& route, int32_t index) {
  Result<std::optional<RouteRow>> last_row =
      route_before(db, route.audience, kMaxIndex + 1);
  if (!last_row.is_ok()) return last_row.status();
  Result<std::optional<Run>> last = last_run(db, route.audience);
  if (!last.is_ok()) return last.status();

  const std::optional<RouteRow>& row = *last_row;
  const std::optional<Run>& tail = *last;
  const bool joins = row.has_value() && tail.has_value() &&
                     row->source == route.source && tail->first <= row->index &&
                     row->index <= tail->last &&
                     tail->removal_sites == route.removal_sites;
  if (joins) return set_run_end(db, route.audience, tail->first, index);
  return insert_run(db, route.audience, index, route.removal_sites);
}

Status insert_route(Connection& db, const PlannedRoute& route, int32_t index) {
  if (!route.source.empty()) {
    Status status = place_in_run(db, route, index);
    if (!status.is_ok()) return status;
  }

  const char* operation = "append: route event";
  Result<Query> query = db.query(
      "INSERT INTO routes (audience, recordindex, source_gate, as_removal)"
      " VALUES (?1, ?2, ?3, ?4)",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, route.audience);
  query->bind_int(2, index);
  if (route.source.empty()) {
    query->bind_null(3);
  } else {
    query->bind_text(3, route.source);
  }
  query->bind_int(4, route.as_removal ? 1 : 0);
  return run(*query, operation);
}

// Every audience the ticket was routed to, sorted.
Result<std::vector<std::string>> ticket_audiences(Connection& db,
                                                  std::string_view ticket) {
  const char* operation = "append: read the ticket's audiences";
  Result<Query> query = db.query(
      "SELECT audience FROM ticket_audiences WHERE ticketcode = ?1"
      " ORDER BY audience",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, ticket);
  std::vector<std::string> audiences;
  for (;;) {
    const int rc = query->step();
    if (rc == SQLITE_DONE) return audiences;
    if (rc != SQLITE_ROW) return query->error(rc, operation);
    audiences.push_back(query->column_bytes(0));
  }
}

Status add_ticket_audience(Connection& db, std::string_view ticket,
                           std::string_view audience) {
  const char* operation = "append: record the ticket's audience";
  Result<Query> query = db.query(
      "INSERT OR IGNORE INTO ticket_audiences (ticketcode, audience)"
      " VALUES (?1, ?2)",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, ticket);
  query->bind_text(2, audience);
  return run(*query, operation);
}

bool contains(const std::vector<std::string>& sorted, std::string_view value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

// The routes of an event by the rules above, given the ticket's former
// audiences (sorted).
std::vector<PlannedRoute> plan_routes(const Event& event,
                                      const std::vector<std::string>& sites,
                                      const std::vector<std::string>& former) {
  const std::vector<std::string> own =
      sites.empty() ? std::vector<std::string>{""} : sites;
  std::vector<PlannedRoute> routes;
  if (!is_live(event.kind)) {
    std::vector<std::string> all;
    std::set_union(former.begin(), former.end(), sites.begin(), sites.end(),
                   std::back_inserter(all));
    if (all.empty()) all = own;  // never routed: tell every gate
    for (std::string& audience : all)
      routes.push_back({std::move(audience), true, "", ""});
    return routes;
  }

  for (const std::string& audience : own)
    routes.push_back({audience, false, event.source_gate, ""});
  if (sites.empty()) return routes;  // "" covers every former audience

  for (const std::string& audience : former) {
    if (contains(sites, audience)) continue;
    if (audience.empty() && !event.source_gate.empty()) {
      routes.push_back({"", true, event.source_gate, encode_sites(sites)});
    } else {
      routes.push_back({audience, true, "", ""});
    }
  }
  return routes;
}

// Whether `gate` skips the run of its own rows `own`: a run of faces
// always; a run of removals when the faces reach the gate through its site.
bool skips(const GateView& gate, const Run& own) {
  if (own.removal_sites.empty()) return true;
  return !gate.site.empty() && encoded_sites_have(own.removal_sites, gate.site);
}

// The first row above `after` in `audience` that `gate` receives: a seek,
// and a seek per run of the gate's own rows on the way.
Result<std::optional<RouteRow>> next_in_audience(Connection& db,
                                                 std::string_view audience,
                                                 const GateView& gate,
                                                 int32_t after) {
  int32_t position = after;
  for (;;) {
    Result<std::optional<RouteRow>> row = route_after(db, audience, position);
    if (!row.is_ok() || !row->has_value()) return row;

    const RouteRow& found = **row;
    const bool own = !found.source.empty() && found.source == gate.gatenum &&
                     found.index > gate.own_until;
    if (!own) return row;

    // Rows of the run below own_until came before; the rest are above it.
    Result<std::optional<Run>> own_run =
        run_containing(db, audience, found.index);
    if (!own_run.is_ok()) return own_run.status();
    if (!own_run->has_value()) {
      return corrupt("row " + std::to_string(found.index) + " of audience '" +
                     std::string(audience) + "' is in no run");
    }
    if (!skips(gate, **own_run)) return row;
    position = (*own_run)->last;
  }
}

// Drops the run that held the deleted row when no row of it is left.
Status drop_run_if_empty(Connection& db, const RouteRef& deleted) {
  Result<std::optional<Run>> held =
      run_containing(db, deleted.audience, deleted.index);
  if (!held.is_ok() || !held->has_value()) return held.status();

  Result<std::optional<RouteRow>> next =
      route_after(db, deleted.audience, int64_t{(*held)->first} - 1);
  if (!next.is_ok()) return next.status();
  if (next->has_value() && (*next)->index <= (*held)->last) {
    return Status::ok();
  }
  return delete_run(db, deleted.audience, (*held)->first);
}

// Joins the runs on either side of the gap the deleted row left, when the
// rows around the gap are of one gate and kind. Nothing lies between them,
// so the joined run holds only their rows.
Status join_runs_around(Connection& db, const RouteRef& deleted) {
  Result<std::optional<RouteRow>> before =
      route_before(db, deleted.audience, deleted.index);
  if (!before.is_ok()) return before.status();
  Result<std::optional<RouteRow>> after =
      route_after(db, deleted.audience, deleted.index);
  if (!after.is_ok()) return after.status();
  if (!before->has_value() || !after->has_value()) return Status::ok();
  if ((*before)->source.empty() || (*before)->source != (*after)->source) {
    return Status::ok();
  }

  Result<std::optional<Run>> left =
      run_containing(db, deleted.audience, (*before)->index);
  if (!left.is_ok()) return left.status();
  Result<std::optional<Run>> right =
      run_containing(db, deleted.audience, (*after)->index);
  if (!right.is_ok()) return right.status();
  if (!left->has_value() || !right->has_value()) return Status::ok();
  if ((*left)->first == (*right)->first ||
      (*left)->removal_sites != (*right)->removal_sites) {
    return Status::ok();
  }

  Status status = delete_run(db, deleted.audience, (*right)->first);
  if (!status.is_ok()) return status;
  return set_run_end(db, deleted.audience, (*left)->first, (*right)->last);
}

}  // namespace

Result<std::vector<std::string>> normalize_sites(
    std::vector<std::string> sites) {
  std::sort(sites.begin(), sites.end());
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
  if (!sites.empty() && sites.front().empty()) {
    return Status(ErrorCode::kBadSite, "a site name is empty");
  }
  return sites;
}

Status route_event(Connection& db, const Event& event,
                   const std::vector<std::string>& sites, int32_t index) {
  Result<std::vector<std::string>> former =
      ticket_audiences(db, event.ticket_code);
  if (!former.is_ok()) return former.status();

  for (const PlannedRoute& route : plan_routes(event, sites, *former)) {
    Status status = insert_route(db, route, index);
    if (status.is_ok()) {
      status = add_ticket_audience(db, event.ticket_code, route.audience);
    }
    if (!status.is_ok()) return status;
  }
  return Status::ok();
}

Result<std::optional<Delivery>> select_next_delivery(Connection& db,
                                                     const GateView& gate,
                                                     int32_t after) {
  Result<std::optional<RouteRow>> everyone =
      next_in_audience(db, "", gate, after);
  if (!everyone.is_ok()) return everyone.status();
  Result<std::optional<RouteRow>> site = std::optional<RouteRow>();
  if (!gate.site.empty()) site = next_in_audience(db, gate.site, gate, after);
  if (!site.is_ok()) return site.status();

  // The lower index first; at the same index the face row wins.
  const std::optional<RouteRow>& a = *everyone;
  const std::optional<RouteRow>& b = *site;
  if (!a.has_value() && !b.has_value()) return std::optional<Delivery>();
  if (!b.has_value() || (a.has_value() && a->index < b->index)) {
    return std::optional<Delivery>(Delivery{a->index, a->as_removal});
  }
  if (!a.has_value() || b->index < a->index) {
    return std::optional<Delivery>(Delivery{b->index, b->as_removal});
  }
  return std::optional<Delivery>(
      Delivery{a->index, a->as_removal && b->as_removal});
}

Result<int64_t> count_deliveries(Connection& db, const GateView& gate,
                                 int32_t after) {
  // The events routed to the gate's audiences, less the gate's own: those
  // with a face row of it above own_until. Its removal rows in "" of faces
  // it reads through its site share their index with such a face row.
  const char* operation = "count_for_gate";
  Result<Query> query = db.query(
      "SELECT count(DISTINCT recordindex) FROM routes"
      " WHERE audience IN ('', ?1) AND recordindex > ?2"
      " AND recordindex NOT IN ("
      "   SELECT recordindex FROM routes"
      "   WHERE audience IN ('', ?1) AND recordindex > max(?2, ?3)"
      "   AND as_removal = 0 AND source_gate = ?4)",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, gate.site);
  query->bind_int(2, after);
  query->bind_int(3, gate.own_until);
  query->bind_text(4, gate.gatenum);
  const int rc = query->step();
  if (rc != SQLITE_ROW) return query->error(rc, operation);
  return query->column_int(0);
}

Result<std::vector<RouteRef>> select_routes_before(Connection& db,
                                                   std::string_view ticket,
                                                   int32_t index) {
  const char* operation = "compaction: find routes";
  Result<Query> query = db.query(
      "SELECT r.audience, r.recordindex, r.source_gate IS NOT NULL"
      " FROM events AS e JOIN routes AS r ON r.recordindex = e.recordindex"
      " WHERE e.ticketcode = ?1 AND e.recordindex < ?2",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, ticket);
  query->bind_int(2, index);
  std::vector<RouteRef> routes;
  for (;;) {
    const int rc = query->step();
    if (rc == SQLITE_DONE) return routes;
    if (rc != SQLITE_ROW) return query->error(rc, operation);
    routes.push_back({query->column_bytes(0),
                      static_cast<int32_t>(query->column_int(1)),
                      query->column_int(2) != 0});
  }
}

Status repair_runs(Connection& db, const std::vector<RouteRef>& deleted) {
  // Empty runs first: a join must not swallow one that lies in its gap.
  for (const RouteRef& route : deleted) {
    if (!route.has_source) continue;
    Status status = drop_run_if_empty(db, route);
    if (!status.is_ok()) return status;
  }
  for (const RouteRef& route : deleted) {
    Status status = join_runs_around(db, route);
    if (!status.is_ok()) return status;
  }
  return Status::ok();
}

Status forget_audiences_if_gone(Connection& db, std::string_view ticket) {
  const char* operation = "collect_tombstones: forget audiences";
  Result<Query> query = db.query(
      "DELETE FROM ticket_audiences WHERE ticketcode = ?1"
      " AND NOT EXISTS (SELECT 1 FROM events WHERE ticketcode = ?1)",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, ticket);
  return run(*query, operation);
}

}  // namespace facesync::store::sqlite
