#include "store/sqlite/gate_queries.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace facesync::store::sqlite {

namespace {

// The columns select_gates reads, in this order.
enum GateColumn {
  kGatenum = 0,
  kName,
  kSite,
  kEnabled,
  kCreatedAt,
  kLastSeen,
  kLastAddress,
  kCursor,
  kRequests,
  kOwnUntil,
  kNeedsResync,
  kResyncReason,
};

Status run(Query& query, std::string_view operation) {
  const int rc = query.step();
  if (rc != SQLITE_DONE) return query.error(rc, operation);
  return Status::ok();
}

bool is_index(int64_t value) {
  return value >= 0 && value <= std::numeric_limits<int32_t>::max();
}

Result<GateRecord> read_gate(Query& row) {
  GateRecord gate;
  gate.gatenum = row.column_bytes(kGatenum);
  gate.name = row.column_bytes(kName);
  gate.site = row.column_bytes(kSite);
  gate.enabled = row.column_int(kEnabled) != 0;
  gate.created_at = row.column_int(kCreatedAt);
  gate.last_seen = row.column_int(kLastSeen);
  gate.last_address = row.column_bytes(kLastAddress);
  gate.requests = row.column_int(kRequests);
  gate.needs_resync = row.column_int(kNeedsResync) != 0;
  gate.resync_reason = row.column_bytes(kResyncReason);

  const int64_t cursor = row.column_int(kCursor);
  const int64_t own_until = row.column_int(kOwnUntil);
  if (!is_index(cursor) || !is_index(own_until)) {
    return Status(ErrorCode::kStorage, "gate " + gate.gatenum +
                                           " in the database has a bad "
                                           "cursor or own_until");
  }
  gate.cursor = static_cast<int32_t>(cursor);
  gate.own_until = static_cast<int32_t>(own_until);
  return gate;
}

// Adds each address to its gate; both lists are in gate number order.
Status read_addresses(Connection& db, std::vector<GateRecord>& gates) {
  const char* operation = "gates: read addresses";
  Result<Query> query = db.query(
      "SELECT gatenum, address FROM gate_addresses"
      " ORDER BY gatenum, position",
      operation);
  if (!query.is_ok()) return query.status();

  auto gate = gates.begin();
  for (;;) {
    const int rc = query->step();
    if (rc == SQLITE_DONE) return Status::ok();
    if (rc != SQLITE_ROW) return query->error(rc, operation);

    const std::string gatenum = query->column_bytes(0);
    while (gate != gates.end() && gate->gatenum < gatenum)
      ++gate;
    if (gate == gates.end() || gate->gatenum != gatenum) {
      return Status(ErrorCode::kStorage,
                    "an address of the database belongs to no gate");
    }
    gate->addresses.push_back(query->column_bytes(1));
  }
}

Status replace_addresses(Connection& db, const GateRecord& gate) {
  const char* operation = "put_gate: addresses";
  Result<Query> erase =
      db.query("DELETE FROM gate_addresses WHERE gatenum = ?1", operation);
  if (!erase.is_ok()) return erase.status();
  erase->bind_text(1, gate.gatenum);
  Status status = run(*erase, operation);
  if (!status.is_ok()) return status;

  for (size_t i = 0; i < gate.addresses.size(); ++i) {
    Result<Query> insert = db.query(
        "INSERT INTO gate_addresses (gatenum, position, address)"
        " VALUES (?1, ?2, ?3)",
        operation);
    if (!insert.is_ok()) return insert.status();
    insert->bind_text(1, gate.gatenum);
    insert->bind_int(2, static_cast<int64_t>(i));
    insert->bind_text(3, gate.addresses[i]);
    status = run(*insert, operation);
    if (!status.is_ok()) return status;
  }
  return Status::ok();
}

// Binds the progress fields as ?2..?8 (gatenum is ?1).
void bind_progress(Query& query, const GateRecord& gate) {
  query.bind_text(1, gate.gatenum);
  query.bind_int(2, gate.last_seen);
  query.bind_text(3, gate.last_address);
  query.bind_int(4, gate.cursor);
  query.bind_int(5, gate.requests);
  query.bind_int(6, gate.own_until);
  query.bind_int(7, gate.needs_resync ? 1 : 0);
  query.bind_text(8, gate.resync_reason);
}

}  // namespace

Result<std::vector<GateRecord>> select_gates(Connection& db) {
  const char* operation = "gates";
  Result<Query> query = db.query(
      "SELECT gatenum, name, site, enabled, created_at, last_seen,"
      " last_address, cursor, requests, own_until, needs_resync,"
      " resync_reason FROM gates ORDER BY gatenum",
      operation);
  if (!query.is_ok()) return query.status();

  std::vector<GateRecord> gates;
  for (;;) {
    const int rc = query->step();
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return query->error(rc, operation);

    Result<GateRecord> gate = read_gate(*query);
    if (!gate.is_ok()) return gate.status();
    gates.push_back(std::move(gate).value());
  }

  Status status = read_addresses(db, gates);
  if (!status.is_ok()) return status;
  return gates;
}

Status upsert_gate(Connection& db, const GateRecord& gate) {
  const char* operation = "put_gate";
  Result<Query> query = db.query(
      "INSERT INTO gates (gatenum, last_seen, last_address, cursor,"
      " requests, own_until, needs_resync, resync_reason, name, site,"
      " enabled, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
      " ON CONFLICT (gatenum) DO UPDATE SET"
      " last_seen = ?2, last_address = ?3, cursor = ?4, requests = ?5,"
      " own_until = ?6, needs_resync = ?7, resync_reason = ?8, name = ?9,"
      " site = ?10, enabled = ?11, created_at = ?12",
      operation);
  if (!query.is_ok()) return query.status();

  bind_progress(*query, gate);
  query->bind_text(9, gate.name);
  query->bind_text(10, gate.site);
  query->bind_int(11, gate.enabled ? 1 : 0);
  query->bind_int(12, gate.created_at);
  Status status = run(*query, operation);
  if (!status.is_ok()) return status;
  return replace_addresses(db, gate);
}

Result<bool> delete_gate(Connection& db, std::string_view gatenum) {
  const char* operation = "delete_gate";
  Result<Query> query =
      db.query("DELETE FROM gates WHERE gatenum = ?1", operation);
  if (!query.is_ok()) return query.status();

  query->bind_text(1, gatenum);
  Status status = run(*query, operation);
  if (!status.is_ok()) return status;
  return sqlite3_changes(db.handle()) > 0;
}

Status update_progress(Connection& db, const GateRecord& gate) {
  const char* operation = "save_progress";
  Result<Query> query = db.query(
      "UPDATE gates SET last_seen = ?2, last_address = ?3, cursor = ?4,"
      " requests = ?5, own_until = ?6, needs_resync = ?7,"
      " resync_reason = ?8 WHERE gatenum = ?1",
      operation);
  if (!query.is_ok()) return query.status();

  bind_progress(*query, gate);
  return run(*query, operation);
}

}  // namespace facesync::store::sqlite
