// The application/bson bodies of the legacy endpoints (FaceInfo/Sync and
// TotalScan), as Json.NET's BsonReader and BsonWriter read and wrote them.
#ifndef FACESYNC_WIRE_BSON_CODEC_H_
#define FACESYNC_WIRE_BSON_CODEC_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"
#include "wire/sync_message.h"
#include "wire/total_scan_message.h"

namespace facesync::wire {

// The deepest nesting of documents and arrays accepted, the root included.
inline constexpr size_t kMaxBsonDepth = 32;

// decode_sync_request for Format::kBson. The int32 length prefix must equal
// the body's size; the document must pass libbson's validation (UTF-8,
// no empty keys) and our own UTF-8 check of every key and string (libbson
// 1.23 misses some ill-formed sequences), nest at most kMaxBsonDepth deep
// and hold no JavaScript-with-scope (libbson would validate its scope
// recursively, past the depth cap). Top-level keys match ignoring
// ASCII case and a repeated key overwrites the earlier one, as JSON.
// gatenum: a UTF-8 string, or an int32/int64 taken as its decimal text.
// lastsuccessindex: int32, int64, an integral double or a numeric string.
Result<SyncRequest> decode_bson_sync_request(std::string_view body);

// encode_sync_reply for Format::kBson, written straight into `out`.
void encode_bson_sync_reply(const SyncReply& reply, std::string* out);

// decode_total_scan_request for Format::kBson, with the rules of
// decode_bson_sync_request; firstlbsbh is a UTF-8 string or null.
Result<TotalScanRequest> decode_bson_total_scan_request(std::string_view body);

// encode_total_scan_reply for Format::kBson: errcode int32, errmsg string,
// tag a document of two strings (or nulls), or null.
void encode_bson_total_scan_reply(const TotalScanReply& reply,
                                  std::string* out);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_BSON_CODEC_H_
