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
  return read_optional_event(*query, false, operation);
}

Result<int32_t> insert_event(Connection& db, const Event& event) {
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

Result<std::optional<Event>> select_next_for_gate(Connection& db,
                                                  std::string_view gate,
                                                  int32_t after) {
  const char* operation = "next_for_gate";
  Result<Query> query = db.query(
      "SELECT e.recordindex, e.kind, e.ticketcode, e.source_gate,"
      " e.valid_from, e.valid_until, e.template_info, e.image_sha256,"
      " i.bytes"
      " FROM events AS e LEFT JOIN images AS i USING (recordindex)"
      " WHERE e.recordindex > ?1"
      " AND (e.kind = 3 OR e.source_gate IS NULL OR e.source_gate <> ?2)"
      " ORDER BY e.recordindex LIMIT 1",
      operation);
  if (!query.is_ok()) return query.status();

  query->bind_int(1, after);
  query->bind_text(2, gate);
  return read_optional_event(*query, true, operation);
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

  const auto max_limit =
      static_cast<size_t>(std::numeric_limits<int64_t>::max());
  query->bind_text(1, after_ticket);
  query->bind_int(2, static_cast<int64_t>(std::min(limit, max_limit)));

  std::vector<Event> faces;
  for (;;) {
    const int rc = query->step();
    if (rc == SQLITE_DONE) return faces;
    if (rc != SQLITE_ROW) return query->error(rc, operation);

    Result<Event> face = read_event(*query, false);
    if (!face.is_ok()) return face.status();
    faces.push_back(std::move(face).value());
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

}  // namespace facesync::store::sqlite
