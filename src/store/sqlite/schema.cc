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

    // Version 2: sites, routing, runs, the gate registry.
    //
    // event_sites: each event's sites as appended (sorted on read by the key).
    // routes: one row per audience an event is delivered to. Audience '' is
    //   every gate; any other is a site name, read by that site's gates.
    //   as_removal = 1: the audience receives the event as a removal (a
    //   removal event, or a live face that no longer covers the audience).
    //   source_gate: the collecting gate, whose own rows it skips; NULL when
    //   no gate skips the row (see route_queries.cc for which rows get one).
    // runs: intervals [first_index, last_index] of one audience inside which
    //   every route row has the same source gate and the same kind (faces,
    //   removal_sites NULL; or removals of faces routed to removal_sites),
    //   so a gate skips its own rows a whole run at a time.
    // ticket_audiences: every audience a ticket's events were routed to,
    //   until the ticket's last event (a removal) is collected.
    // gates, gate_addresses: the gate registry.
    //
    // The v1 log moves in as it was delivered: every event to every gate
    // (audience ''), its runs found as islands of one source gate.
    {2, R"sql(
      CREATE TABLE event_sites (
        recordindex INTEGER NOT NULL
          REFERENCES events (recordindex) ON DELETE CASCADE,
        site TEXT NOT NULL CHECK (site <> ''),
        PRIMARY KEY (recordindex, site)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE routes (
        audience TEXT NOT NULL,
        recordindex INTEGER NOT NULL
          REFERENCES events (recordindex) ON DELETE CASCADE,
        source_gate TEXT CHECK (source_gate <> ''),
        as_removal INTEGER NOT NULL CHECK (as_removal IN (0, 1)),
        PRIMARY KEY (audience, recordindex)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX routes_by_event ON routes (recordindex);
      CREATE TABLE runs (
        audience TEXT NOT NULL,
        first_index INTEGER NOT NULL,
        last_index INTEGER NOT NULL CHECK (last_index >= first_index),
        removal_sites TEXT CHECK (removal_sites <> ''),
        PRIMARY KEY (audience, first_index)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE ticket_audiences (
        ticketcode TEXT NOT NULL,
        audience TEXT NOT NULL,
        PRIMARY KEY (ticketcode, audience)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX events_live_by_end ON events (valid_until) WHERE kind <> 3;
      CREATE INDEX events_removals ON events (kind) WHERE kind = 3;
      CREATE TABLE gates (
        gatenum TEXT NOT NULL PRIMARY KEY,
        name TEXT NOT NULL,
        site TEXT NOT NULL,
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        created_at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        last_address TEXT NOT NULL,
        cursor INTEGER NOT NULL,
        requests INTEGER NOT NULL,
        own_until INTEGER NOT NULL,
        needs_resync INTEGER NOT NULL CHECK (needs_resync IN (0, 1)),
        resync_reason TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE gate_addresses (
        gatenum TEXT NOT NULL REFERENCES gates (gatenum) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        address TEXT NOT NULL,
        PRIMARY KEY (gatenum, position)
      ) STRICT, WITHOUT ROWID;

      INSERT INTO routes (audience, recordindex, source_gate, as_removal)
        SELECT '', recordindex,
               CASE WHEN kind <> 3 THEN source_gate END,
               kind = 3
        FROM events;
      INSERT INTO ticket_audiences (ticketcode, audience)
        SELECT DISTINCT ticketcode, '' FROM events;
      INSERT INTO runs (audience, first_index, last_index)
        SELECT '', min(recordindex), max(recordindex)
        FROM (SELECT recordindex, source_gate,
                     row_number() OVER (ORDER BY recordindex) -
                       row_number() OVER (PARTITION BY source_gate
                                          ORDER BY recordindex) AS island
              FROM routes WHERE audience = '')
        WHERE source_gate IS NOT NULL
        GROUP BY source_gate, island;
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
