// The body of PUT /v2/gates/{gatenum}.
#ifndef FACESYNC_WIRE_GATE_SETTINGS_BODY_H_
#define FACESYNC_WIRE_GATE_SETTINGS_BODY_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace facesync::wire {

// {"name": "East 1", "site": "north", "enabled": true,
//  "addresses": ["10.0.0.7"]}: every field optional ("" , "", true, none);
// null counts as absent; names are exact; unknown names are ignored.
struct GateSettingsBody {
  std::string name;
  std::string site;
  bool enabled = true;
  std::vector<std::string> addresses;
};

// Decodes a JSON body of at most 64 KiB. kBodyTooLarge above it,
// kMalformedBody for text that is not a JSON object, kBadSite when site is
// not a string, kBadGate when another field has the wrong type. Values are
// checked further by the gate registry.
Result<GateSettingsBody> decode_gate_settings(std::string_view json);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_GATE_SETTINGS_BODY_H_
