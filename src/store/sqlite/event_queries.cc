#include "store/sqlite/event_queries.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <string>
#include <utility>

#include "store/image_digest.h"

namespace facesync::store::sqlite {

namespace {

constexpr int64_t kMaxIndex = std::numeric_limits<int32_t>::max();

// The event columns every select below returns first, in this order; the
// ones that include the image add its bytes as column 8.
enum Column {
  kIndexColumn = 0,
  kKindColumn,
  kTicketColumn,
  kGateColumn,
  kFromColumn,
  kUntilColumn,
  kTemplateColumn,
  kDigestColumn,
  kImageColumn,
};

bool in_range(int64_t value, int64_t low, int64_t high) {
  return value >= low && value <= high;
}

Status corrupt_row(int64_t index, const char* what) {
  return Status(ErrorCode::kStorage, "event " + std::to_string(index) +
                                         " in the database has " + what);
}

// The event in the statement's current row. A row that no append could
// have written means the file was changed behind the store's back.
Result<Event> read_event(Query& row, bool with_image) {
  const int64_t index = row.column_int(kIndexColumn);
  const int64_t kind = row.column_int(kKindColumn);
  const int64_t from = row.column_int(kFromColumn);
  const int64_t until = row.column_int(kUntilColumn);
  const int64_t info = row.column_int(kTemplateColumn);
  if (!in_range(index, 1, kMaxIndex)) return corrupt_row(index, "a bad index");
  if (!in_range(kind, 1, 3)) return corrupt_row(index, "an unknown kind");
  if (!in_range(from, 0, kMaxIndex) || !in_range(until, 0, kMaxIndex)) {
    return corrupt_row(index, "bad dates");
  }
  if (!in_range(info, 0, 255)) return corrupt_row(index, "bad template info");

  Event event;
  event.index = static_cast<int32_t>(index);
  event.kind = static_cast<EventKind>(kind);
  event.ticket_code = row.column_bytes(kTicketColumn);
  event.source_gate = row.column_bytes(kGateColumn);  // "" for NULL
  event.valid_from = static_cast<int32_t>(from);
  event.valid_until = static_cast<int32_t>(until);
  event.template_info = static_cast<uint8_t>(info);
  event.image_sha256 = row.column_bytes(kDigestColumn);
  if (with_image) event.image = row.column_bytes(kImageColumn);
  return event;
}

// Steps a query that yields at most one event.
Result<std::optional<Event>> read_optional_event(Query& query, bool with_image,
                                                 std::string_view operation) {
  const int rc = query.step();
  if (rc == SQLITE_DONE) return std::optional<Event>();
  if (rc != SQLITE_ROW) return query.error(rc, operation);

  Result<Event> event = read_event(query, with_image);
  if (!event.is_ok()) return event.status();
  return std::optional<Event>(std::move(event).value());
}

// Runs a statement that yields no rows.
Status run(Query& query, std::string_view operation) {
  const int rc = query.step();
  if (rc != SQLITE_DONE) return query.error(rc, operation);
  return Status::ok();
}

// The image's digest, "" without an image. A caller that hashed the image
// already (outside the write lock) passes the digest in the event.
std::string digest_of(const Event& event) {
  if (event.image.empty()) return std::string();
  if (event.image_sha256.size() != kImageDigestBytes) {
    return image_sha256(event.image);
  }
  assert(event.image_sha256 == image_sha256(event.image));
  return event.image_sha256;
}

// SQLite's LIMIT takes an int64; SIZE_MAX means no limit.
int64_t sql_limit(size_t limit) {
  const auto max_limit =
      static_cast<size_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(std::min(limit, max_limit));
}

// Steps a query that yields events without images, collecting them.
Result<std::vector<Event>> read_events(Query& query,
                                       std::string_view operation) {
  std::vector<Event> events;
  for (;;) {
    const int rc = query.step();
    if (rc == SQLITE_DONE) return events;
    if (rc != SQLITE_ROW) return query.error(rc, operation);

    Result<Event> event = read_event(query, false);
    if (!event.is_ok()) return event.status();
    events.push_back(std::move(event).value());
  }
}

// Fills the sites of each event (read after the query that found them
// ended, in the same read transaction).
Status add_sites(Connection& db, std::vector<Event>& events) {
  for (Event& event : events) {
    Result<std::vector<std::string>> sites = select_sites(db, event.index);
    if (!sites.is_ok()) return sites.status();
    event.sites = std::move(sites).value();
  }
  return Status::ok();
}

Status insert_sites(Connection& db, int64_t index,
                    const std::vector<std::string>& sites) {
  const char* operation = "append: insert sites";
  for (const std::string& site : sites) {
    Result<Query> query =
        db.query("INSERT INTO event_sites (recordindex, site) VALUES (?1, ?2)",
                 operation);
    if (!query.is_ok()) return query.status();

    query->bind_int(1, index);
    query->bind_text(2, site);
    Status status = run(*query, operation);
    if (!status.is_ok()) return status;
  }
  return Status::ok();
}

Status insert_image(Connection& db, int64_t index, std::string_view image) {
  const char* operation = "append: insert image";
  Result<Query> query = db.query(
      "INSERT INTO images (recordindex, bytes) VALUES (?1, ?2)", operation);
  if (!query.is_ok()) return query.status();

  query->bind_int(1, index);
  query->bind_blob(2, image);
  return run(*query, operation);
}

}  // namespace

Result<std::optional<Event>> select_latest(Connection& db,
                                           std::string_view ticket) {
  const char* operation = "latest";
  Result<Query> query = db.query(
      "SELECT recordindex, kind, ticketcode, source_gate, valid_from,"
      " valid_until, template_info, image_sha256"
      " FROM events WHERE ticketcode = ?1"
      " ORDER BY recordindex DESC LIMIT 1",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, ticket);
  Result<std::optional<Event>> latest =
      read_optional_event(*query, false, operation);
  if (!latest.is_ok() || !latest->has_value()) return latest;

  Result<std::vector<std::string>> sites = select_sites(db, (*latest)->index);
  if (!sites.is_ok()) return sites.status();
  (*latest)->sites = std::move(sites).value();
  return latest;
}

Result<int32_t> insert_event(Connection& db, const Event& event,
                             const std::vector<std::string>& sites) {
  const char* operation = "append: insert event";
  Result<Query> query = db.query(
      "INSERT INTO events (kind, ticketcode, source_gate, valid_from,"
      " valid_until, template_info, image_sha256)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      operation);
  if (!query.is_ok()) return query.status();

  // Kept alive until the query ends: the bindings do not copy.
  const std::string digest = digest_of(event);

  Query& insert = *query;
  insert.bind_int(1, static_cast<int64_t>(event.kind));
  insert.bind_text(2, event.ticket_code);
  if (event.source_gate.empty()) {
    insert.bind_null(3);
  } else {
    insert.bind_text(3, event.source_gate);
  }
  insert.bind_int(4, event.valid_from);
  insert.bind_int(5, event.valid_until);
  insert.bind_int(6, event.template_info);
  if (digest.empty()) {
    insert.bind_null(7);
  } else {
    insert.bind_blob(7, digest);
  }
  Status status = run(*query, operation);
  if (!status.is_ok()) return status;

  const int64_t index = sqlite3_last_insert_rowid(db.handle());
  if (index > kMaxIndex) {
    return Status(ErrorCode::kStorage,
                  "append: record indexes exhausted (the next would be " +
                      std::to_string(index) + ")");
  }

  if (!event.image.empty()) {
    status = insert_image(db, index, event.image);
    if (!status.is_ok()) return status;
  }
  status = insert_sites(db, index, sites);
  if (!status.is_ok()) return status;
  return static_cast<int32_t>(index);
}

Status delete_before(Connection& db, std::string_view ticket, int32_t index) {
  const char* operation = "erase_before";
  Result<Query> query =
      db.query("DELETE FROM events WHERE ticketcode = ?1 AND recordindex < ?2",
               operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, ticket);
  query->bind_int(2, index);
  return run(*query, operation);
}

Result<std::optional<Event>> select_event(Connection& db, int32_t index,
                                          bool with_image) {
  const char* operation = "next_for_gate: read event";
  Result<Query> query =
      with_image ? db.query(
                       "SELECT e.recordindex, e.kind, e.ticketcode,"
                       " e.source_gate, e.valid_from, e.valid_until,"
                       " e.template_info, e.image_sha256, i.bytes"
                       " FROM events AS e LEFT JOIN images AS i"
                       " USING (recordindex) WHERE e.recordindex = ?1",
                       operation)
                 : db.query(
                       "SELECT recordindex, kind, ticketcode, source_gate,"
                       " valid_from, valid_until, template_info, image_sha256"
                       " FROM events WHERE recordindex = ?1",
                       operation);
  if (!query.is_ok()) return query.status();

  query->bind_int(1, index);
  return read_optional_event(*query, with_image, operation);
}

Result<std::vector<std::string>> select_sites(Connection& db, int32_t index) {
  const char* operation = "read sites";
  Result<Query> query = db.query(
      "SELECT site FROM event_sites WHERE recordindex = ?1 ORDER BY site",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_int(1, index);
  std::vector<std::string> sites;
  for (;;) {
    const int rc = query->step();
    if (rc == SQLITE_DONE) return sites;
    if (rc != SQLITE_ROW) return query->error(rc, operation);
    sites.push_back(query->column_bytes(0));
  }
}

Result<std::vector<Event>> select_live_faces(Connection& db,
                                             std::string_view after_ticket,
                                             size_t limit) {
  const char* operation = "live_faces";
  Result<Query> query = db.query(
      "SELECT e.recordindex, e.kind, e.ticketcode, e.source_gate,"
      " e.valid_from, e.valid_until, e.template_info, e.image_sha256"
      " FROM events AS e"
      " WHERE e.ticketcode > ?1 AND e.kind <> 3"
      " AND e.recordindex = (SELECT max(n.recordindex) FROM events AS n"
      "                      WHERE n.ticketcode = e.ticketcode)"
      " ORDER BY e.ticketcode LIMIT ?2",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, after_ticket);
  query->bind_int(2, sql_limit(limit));
  Result<std::vector<Event>> faces = read_events(*query, operation);
  if (!faces.is_ok()) return faces;

  Status status = add_sites(db, *faces);
  if (!status.is_ok()) return status;
  return faces;
}

Result<std::vector<Event>> select_expired_faces(Connection& db, int32_t today,
                                                size_t limit) {
  // The partial index events_live_by_end makes this a range scan over the
  // live events that ended; only the expired ones are then sorted.
  const char* operation = "expired_faces";
  Result<Query> query = db.query(
      "SELECT e.recordindex, e.kind, e.ticketcode, e.source_gate,"
      " e.valid_from, e.valid_until, e.template_info, e.image_sha256"
      " FROM events AS e INDEXED BY events_live_by_end"
      " WHERE e.kind <> 3 AND e.valid_until < ?1"
      " AND e.recordindex = (SELECT max(n.recordindex) FROM events AS n"
      "                      WHERE n.ticketcode = e.ticketcode)"
      " ORDER BY e.recordindex LIMIT ?2",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_int(1, today);
  query->bind_int(2, sql_limit(limit));
  Result<std::vector<Event>> faces = read_events(*query, operation);
  if (!faces.is_ok()) return faces;

  Status status = add_sites(db, *faces);
  if (!status.is_ok()) return status;
  return faces;
}

Result<std::vector<RemovalRef>> select_removals_below(Connection& db,
                                                      int32_t below,
                                                      size_t limit) {
  const char* operation = "collect_tombstones: find removals";
  Result<Query> query = db.query(
      "SELECT recordindex, ticketcode FROM events INDEXED BY events_removals"
      " WHERE kind = 3 AND recordindex < ?1 ORDER BY recordindex LIMIT ?2",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_int(1, below);
  query->bind_int(2, sql_limit(limit));
  std::vector<RemovalRef> removals;
  for (;;) {
    const int rc = query->step();
    if (rc == SQLITE_DONE) return removals;
    if (rc != SQLITE_ROW) return query->error(rc, operation);

    const int64_t index = query->column_int(0);
    if (!in_range(index, 1, kMaxIndex))
      return corrupt_row(index, "a bad index");
    removals.push_back({static_cast<int32_t>(index), query->column_bytes(1)});
  }
}

Result<int32_t> select_last_index(Connection& db) {
  const char* operation = "last_index";
  Result<Query> query = db.query(
      "SELECT seq FROM sqlite_sequence WHERE name = 'events'", operation);
  if (!query.is_ok()) return query.status();

  const int rc = query->step();
  if (rc == SQLITE_DONE) return 0;
  if (rc != SQLITE_ROW) return query->error(rc, operation);

  const int64_t last = query->column_int(0);
  if (!in_range(last, 0, kMaxIndex)) {
    return Status(ErrorCode::kStorage,
                  "last_index: sequence " + std::to_string(last) +
                      " is outside the record index range");
  }
  return static_cast<int32_t>(last);
}

Status raise_last_index(Connection& db, int32_t floor) {
  // sqlite_sequence holds no row for events until the first append.
  const char* operation = "raise_index_floor";
  Result<Query> update = db.query(
      "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'events'",
      operation);
  if (!update.is_ok()) return update.status();
  update->bind_int(1, floor);
  Status status = run(*update, operation);
  if (!status.is_ok()) return status;

  Result<Query> insert = db.query(
      "INSERT INTO sqlite_sequence (name, seq) SELECT 'events', ?1"
      " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence"
      "                   WHERE name = 'events')",
      operation);
  if (!insert.is_ok()) return insert.status();
  insert->bind_int(1, floor);
  return run(*insert, operation);
}

}  // namespace facesync::store::sqlite
