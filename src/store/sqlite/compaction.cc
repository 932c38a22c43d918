#include "store/sqlite/compaction.h"

#include <vector>

#include "store/sqlite/event_queries.h"
#include "store/sqlite/route_queries.h"

namespace facesync::store::sqlite {

Status erase_ticket_before(Connection& db, std::string_view ticket,
                           int32_t index) {
  Result<std::vector<RouteRef>> routes =
      select_routes_before(db, ticket, index);
  if (!routes.is_ok()) return routes.status();

  Status status = delete_before(db, ticket, index);
  if (!status.is_ok()) return status;
  return repair_runs(db, *routes);
}

Result<TombstoneSweep> collect_removals(Connection& db, int32_t below,
                                        size_t limit) {
  Result<std::vector<RemovalRef>> removals =
      select_removals_below(db, below, limit);
  if (!removals.is_ok()) return removals.status();

  TombstoneSweep sweep;
  for (const RemovalRef& removal : *removals) {
    // removal.index < below <= INT32_MAX, so the bound does not overflow.
    Status status = erase_ticket_before(db, removal.ticket, removal.index + 1);
    if (status.is_ok()) status = forget_audiences_if_gone(db, removal.ticket);
    if (!status.is_ok()) return status;

    ++sweep.deleted;
    sweep.highest = removal.index;
  }
  return sweep;
}

}  // namespace facesync::store::sqlite
