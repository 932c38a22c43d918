// The messages of POST api/CheckTicket/FaceInfo/Sync, independent of their
// encoding, and the codecs for its four body formats.
#ifndef FACESYNC_WIRE_SYNC_MESSAGE_H_
#define FACESYNC_WIRE_SYNC_MESSAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "wire/format.h"

namespace facesync::wire {

// GateSyncFaceInfoParm, checked: gatenum is 1 to 4 characters (UTF-8 code
// points, no control characters), lastsuccessindex 0 to 2^31-1.
struct SyncRequest {
  std::string gatenum;
  int32_t lastsuccessindex = 0;
};

// Decodes and checks a request body in `format`. Property names match
// without regard to case (as Json.NET and ASP.NET model binding did) except
// in XML, where DataContract names are exact; unknown properties are
// ignored; lastsuccessindex may come as a numeric string; a UTF-8 BOM is
// skipped. Errors: kBodyTooLarge over 64 KiB (kMaxSyncBodyBytes, a guard
// behind the HTTP edge's own limit); kMalformedBody when the body cannot
// be read as that format (syntax, wrong root, DOCTYPE, over the nesting or
// element caps); kBadGateNum or kBadLastSuccessIndex when it reads but
// that field is missing, null or invalid (gatenum is checked first). Each
// format's details are in its codec's header (json_codec.h, xml_codec.h,
// form_codec.h, bson_codec.h). Thread-safe.
Result<SyncRequest> decode_sync_request(Format format, std::string_view body);

// GateSyncFaceInfoResult. Optional fields left empty are written as null
// (nil in XML) the way the original's serializers wrote unset values.
struct SyncTag {
  std::string gatenum;
  int32_t recordindex = 0;
  std::string hasdata;
  std::optional<std::string_view> ticketcode;
  std::optional<std::string_view> op;
  std::optional<std::string_view> effdatebegin;
  std::optional<std::string_view> effdateend;
  std::optional<std::string_view> faceimage;  // raw bytes
  std::optional<int32_t> additionaltemplateinfo;
};

// CommonOperationResult<GateSyncFaceInfoResult>; tag absent means null.
struct SyncReply {
  int32_t errcode = 0;
  std::string errmsg;
  std::optional<SyncTag> tag;
};

// Appends the reply in `format` to `out` (kForm is not a response format;
// it gets JSON, as Web API answered form requests).
// JSON: keys in the seed's order (errcode, errmsg, tag; tag: gatenum,
// recordindex, hasdata, ticketcode, op, effdatebegin, effdateend, faceimage,
// additionaltemplateinfo), faceimage as base64. XML: DataContract shape,
// root CommonOperationResultWithTagOfGateSyncFaceInfoResultldpHZqFJ, tag
// members with the d2p1 prefix in alphabetical order, no whitespace between
// elements. BSON: one document with the JSON's fields, integers as int32,
// faceimage as binary (subtype 0), nulls as BSON null.
void encode_sync_reply(Format format, const SyncReply& reply, std::string* out);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_SYNC_MESSAGE_H_
