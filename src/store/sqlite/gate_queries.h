// The SQL of the gate registry (gates, gate_addresses). Run on whichever
// connection the caller holds; same threading as event_queries.h.
#ifndef FACESYNC_STORE_SQLITE_GATE_QUERIES_H_
#define FACESYNC_STORE_SQLITE_GATE_QUERIES_H_

#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/gate_record.h"
#include "store/sqlite/connection.h"

namespace facesync::store::sqlite {

// Every gate with its addresses, by gate number. Inside a read transaction.
Result<std::vector<GateRecord>> select_gates(Connection& db);

// Inserts the gate or replaces every field of it. Inside a write.
Status upsert_gate(Connection& db, const GateRecord& gate);

// Deletes the gate and its addresses; false when there was none. Inside a
// write.
Result<bool> delete_gate(Connection& db, std::string_view gatenum);

// Writes the gate's progress fields when it is registered. Inside a write.
Status update_progress(Connection& db, const GateRecord& gate);

}  // namespace facesync::store::sqlite

#endif  // FACESYNC_STORE_SQLITE_GATE_QUERIES_H_
