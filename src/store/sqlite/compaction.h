// Deleting events: the compaction that keeps one event per ticket, and the
// collection of removal events every gate has passed. Each deletes the
// events with their images, sites and routes, then repairs the runs the
// deleted routes belonged to. Run on the writer inside a write; the caller
// owns the connection.
#ifndef FACESYNC_STORE_SQLITE_COMPACTION_H_
#define FACESYNC_STORE_SQLITE_COMPACTION_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace facesync::store::sqlite {

// Deletes the ticket's events below `index` (Transaction::erase_before).
Status erase_ticket_before(Connection& db, std::string_view ticket,
                           int32_t index);

// Deletes up to `limit` removal events below `below`, each with the older
// events of its ticket (a removal supersedes them, and kept alone they
// would bring the removed face back), and forgets the audiences of the
// tickets left without events (Store::collect_tombstones).
Result<TombstoneSweep> collect_removals(Connection& db, int32_t below,
                                        size_t limit);

}  // namespace facesync::store::sqlite

#endif  // FACESYNC_STORE_SQLITE_COMPACTION_H_
