#include "store/sqlite/schema.h"

#include <charconv>
#include <string>
#include <system_error>

namespace facesync::store::sqlite {

namespace {

struct Migration {
  int version;  // the schema version after `sql` ran
  const char* sql;
};

// Append-only: a released migration never changes; a new layout is a new
// entry that moves the data from the one before.
//
// events: the log. AUTOINCREMENT keeps the largest index ever issued in
//   sqlite_sequence, so an index is never issued twice, also after the
//   newest rows are deleted. source_gate is NULL when no gate collected the
//   face; image_sha256 is NULL for removals.
// images: the biometric bytes, apart from the ticket data, deleted with
//   their event (ON DELETE CASCADE; the writer enables foreign keys).
constexpr Migration kMigrations[] = {
    {1, R"sql(
      CREATE TABLE events (
        recordindex INTEGER PRIMARY KEY AUTOINCREMENT,
        kind INTEGER NOT NULL CHECK (kind IN (1, 2, 3)),
        ticketcode TEXT NOT NULL,
        source_gate TEXT CHECK (source_gate <> ''),
        valid_from INTEGER NOT NULL,
        valid_until INTEGER NOT NULL,
        template_info INTEGER NOT NULL CHECK (template_info BETWEEN 0 AND 255),
        image_sha256 BLOB CHECK (length(image_sha256) = 32)
      ) STRICT;
      CREATE INDEX events_by_ticket ON events (ticketcode);
      CREATE TABLE images (
        recordindex INTEGER PRIMARY KEY
          REFERENCES events (recordindex) ON DELETE CASCADE,
        bytes BLOB NOT NULL
      ) STRICT;
    )sql"},
};

Result<int> read_version(Connection& writer) {
  Result<std::string> text =
      writer.query_value("PRAGMA user_version", "read schema version");
  if (!text.is_ok()) return text.status();

  int version = 0;
  const std::string& t = *text;
  auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), version);
  if (error != std::errc() || end != t.data() + t.size()) {
    return Status(ErrorCode::kStorage, "unreadable schema version " + t);
  }
  return version;
}

Status apply_migrations(Connection& writer, int from) {
  if (from > kSchemaVersion) {
    return Status(ErrorCode::kStorage, "schema version " +
                                           std::to_string(from) +
                                           " is newer than this build's " +
                                           std::to_string(kSchemaVersion));
  }

  for (const Migration& migration : kMigrations) {
    if (migration.version <= from) continue;

    const std::string name =
        "migrate schema to version " + std::to_string(migration.version);
    Status status = writer.exec(migration.sql, name);
    if (!status.is_ok()) return status;
  }

  // PRAGMA takes no bound parameters; the value is our own constant.
  const std::string set_version =
      "PRAGMA user_version = " + std::to_string(kSchemaVersion);
  return writer.exec(set_version.c_str(), "write schema version");
}

}  // namespace

Status migrate_schema(Connection& writer) {
  // IMMEDIATE: two processes opening a new file at once migrate one by one.
  Status status = writer.exec("BEGIN IMMEDIATE", "begin schema migration");
  if (!status.is_ok()) return status;

  Result<int> version = read_version(writer);
  status =
      version.is_ok() ? apply_migrations(writer, *version) : version.status();
  if (status.is_ok()) status = writer.exec("COMMIT", "commit schema migration");

  if (!status.is_ok() && writer.in_transaction()) {
    writer.exec("ROLLBACK", "roll back schema migration");
  }
  return status;
}

}  // namespace facesync::store::sqlite
