// The messages of POST api/Servo/Face/Buffer/TotalScan, independent of
// their encoding, and the codecs for its four body formats. The original
// called it every night: each call scans one page of tickets and queues
// delete records for the faces of tickets past their validity.
#ifndef FACESYNC_WIRE_TOTAL_SCAN_MESSAGE_H_
#define FACESYNC_WIRE_TOTAL_SCAN_MESSAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "wire/format.h"

namespace facesync::wire {

// BiometricTotalScanParm, checked: gatenum is exactly 4 characters and
// firstlbsbh at most 32 (UTF-8 code points, no control characters in
// either). An empty firstlbsbh asks for the first page; any other value is
// the last ticket code of the previous page.
struct TotalScanRequest {
  std::string gatenum;
  std::string firstlbsbh;
};

// Decodes and checks a request body in `format` with the rules of
// decode_sync_request (names, unknown fields, BOM, repeated fields, the
// 64 KiB cap, what is malformed); gatenum is read as Sync reads it.
// firstlbsbh must be text when present (in JSON and BSON a string, not a
// number); absent, null or nil it is empty, like an empty string.
// Errors: kBodyTooLarge and kMalformedBody as for Sync; kBadGateNum when
// gatenum is missing, null or not 4 characters; kBadTicketCode when
// firstlbsbh is not text or is longer than 32 characters (gatenum is
// checked first). Thread-safe.
Result<TotalScanRequest> decode_total_scan_request(Format format,
                                                   std::string_view body);

// GateFaceInfoTotalScanResult: hasmorepage "1" when another page follows,
// and lastlbsbh, the last ticket code of this page (the next call's
// firstlbsbh). A field left empty is written as null (nil in XML), as the
// original wrote a string it had not set.
struct TotalScanTag {
  std::optional<std::string> hasmorepage;
  std::optional<std::string> lastlbsbh;
};

// CommonOperationResult<GateFaceInfoTotalScanResult>; tag absent means
// null.
struct TotalScanReply {
  int32_t errcode = 0;
  std::string errmsg;
  std::optional<TotalScanTag> tag;
};

// Appends the reply in `format` to `out`, in the shape of
// encode_sync_reply (kForm gets JSON). JSON keys: errcode, errmsg, tag;
// tag: hasmorepage, lastlbsbh. XML root
// CommonOperationResultWithTagOfGateFaceInfoTotalScanResultldpHZqFJ, tag
// members with the d2p1 prefix, alphabetical (the same order here). BSON:
// one document with the JSON's fields, errcode as int32, nulls as BSON
// null.
void encode_total_scan_reply(Format format, const TotalScanReply& reply,
                             std::string* out);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_TOTAL_SCAN_MESSAGE_H_
