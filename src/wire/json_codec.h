// The JSON bodies of the legacy endpoints (FaceInfo/Sync and TotalScan), as
// the original's Json.NET read and wrote them.
#ifndef FACESYNC_WIRE_JSON_CODEC_H_
#define FACESYNC_WIRE_JSON_CODEC_H_

#include <string>
#include <string_view>

#include "base/status.h"
#include "wire/sync_message.h"
#include "wire/total_scan_message.h"

namespace facesync::wire {

// decode_sync_request for Format::kJson. Names match ignoring ASCII case, a
// repeated name overwrites the earlier one, unknown names are skipped
// whatever they hold. gatenum is a string (an integer is taken as its
// decimal text); lastsuccessindex an integer, an integral number or a
// numeric string. The strict JSON of RFC 8259 only: Json.NET's extensions
// (comments, single quotes, bare names, trailing commas) are malformed.
// Thread-safe: each thread parses with its own parser.
Result<SyncRequest> decode_json_sync_request(std::string_view body);

// encode_sync_reply for Format::kJson.
void encode_json_sync_reply(const SyncReply& reply, std::string* out);

// decode_total_scan_request for Format::kJson, with the rules of
// decode_json_sync_request; firstlbsbh is a string or null.
Result<TotalScanRequest> decode_json_total_scan_request(std::string_view body);

// encode_total_scan_reply for Format::kJson.
void encode_json_total_scan_reply(const TotalScanReply& reply,
                                  std::string* out);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_JSON_CODEC_H_
