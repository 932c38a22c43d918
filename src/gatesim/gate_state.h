// What a simulated gate keeps between runs: its cursor (the last record
// index it applied) and the faces it holds, and the file they live in.
#ifndef FACESYNC_GATESIM_GATE_STATE_H_
#define FACESYNC_GATESIM_GATE_STATE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "gatesim/legacy_client.h"

namespace facesync::gatesim {

// One face a gate holds. The image itself is not kept, only its digest.
struct HeldFace {
  int64_t recordindex = 0;
  std::string sha256;  // 64 lower-case hex digits of the image bytes
  std::string effdatebegin;
  std::string effdateend;
  int64_t additionaltemplateinfo = 0;

  bool operator==(const HeldFace&) const = default;
};

// A gate's cursor and face set, keyed by ticket code. A plain value: owned
// by the gate's thread while it runs, handed to the caller afterwards.
struct GateState {
  std::string gate;
  int32_t cursor = 0;
  std::map<std::string, HeldFace> faces;
};

// Applies one record (a legacy tag with hasdata set, or a record of a v2
// batch; hasdata itself is not read) to `state` and only then moves the
// cursor to its index: a removal (op == `op_removed`) erases the ticket,
// any other op inserts or replaces it, so the face set ends the same
// however often a record reaches it. Fails, changing nothing, with
// kMalformedBody when the record lacks a field it needs or is not above
// the cursor (a server that sends it would keep the gate looping).
Status apply_record(const LegacyTag& record, std::string_view op_removed,
                    GateState* state);

// The lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

// The state file of `gate` in `dir`: DIR/gate-NNNN.state.
std::string state_path(std::string_view dir, std::string_view gate);

// Writes `state` to `path` durably and atomically: into a temporary file
// beside it, synced, then renamed over it. kStorage on I/O failure.
Status save_state(const GateState& state, const std::string& path);

// Reads a state file; nullopt when it does not exist. kStorage when it
// cannot be read, kMalformedBody when it is not a state file.
Result<std::optional<GateState>> load_state(const std::string& path);

}  // namespace facesync::gatesim

#endif  // FACESYNC_GATESIM_GATE_STATE_H_
