// The gate registry's records, as the store keeps them.
#ifndef FACESYNC_STORE_GATE_RECORD_H_
#define FACESYNC_STORE_GATE_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace facesync::store {

// One gate: what operators set (name, site, enabled, addresses) and what
// its syncing shows (last seen, cursor, requests, resync flag). Times are
// Unix seconds.
struct GateRecord {
  std::string gatenum;
  std::string name;
  std::string site;  // "" when the gate belongs to no site
  bool enabled = true;
  std::vector<std::string> addresses;  // addresses it may call from
  int64_t created_at = 0;
  int64_t last_seen = 0;  // 0: never synced
  std::string last_address;
  int32_t cursor = 0;  // the last lastsuccessindex it reported
  int64_t requests = 0;
  // The gate's own faces with an index up to own_until are sent to it: it
  // asked from 0, so it may have been wiped and rebuilds. 0: none.
  int32_t own_until = 0;
  bool needs_resync = false;
  std::string resync_reason;  // why, for operators; "" when not flagged
};

// What next_for_gate needs to know of the asking gate.
struct GateView {
  std::string_view gatenum;
  std::string_view site;  // "" for a gate of no site
  int32_t own_until = 0;  // see GateRecord::own_until
};

}  // namespace facesync::store

#endif  // FACESYNC_STORE_GATE_RECORD_H_
