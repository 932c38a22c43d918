// The gate's side of POST api/CheckTicket/FaceInfo/Sync: encoding the
// request in each of the four body formats, decoding the reply, and a
// client that asks one server for one gate's next record.
//
// wire/ holds the server's directions (decode requests, encode replies);
// these are the opposite ones, written separately so that a fault in one
// side is not mirrored by the other and hidden from the tests.
#ifndef FACESYNC_GATESIM_LEGACY_CLIENT_H_
#define FACESYNC_GATESIM_LEGACY_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "http/client.h"
#include "wire/format.h"
#include "wire/sync_message.h"

namespace facesync::gatesim {

// The path of the legacy endpoint.
inline constexpr std::string_view kSyncTarget =
    "/api/CheckTicket/FaceInfo/Sync";

// GateSyncFaceInfoResult as a gate reads it: owning copies, nulls kept
// apart from empty values.
struct LegacyTag {
  std::string gatenum;
  int64_t recordindex = 0;
  std::string hasdata;
  std::optional<std::string> ticketcode;
  std::optional<std::string> op;
  std::optional<std::string> effdatebegin;
  std::optional<std::string> effdateend;
  std::optional<std::string> faceimage;  // raw bytes (base64 decoded)
  std::optional<int64_t> additionaltemplateinfo;
};

// CommonOperationResult<GateSyncFaceInfoResult>; tag nullopt means null.
struct LegacyReply {
  int64_t errcode = 0;
  std::string errmsg;
  std::optional<LegacyTag> tag;
};

// The Content-Type a gate sends with a request body in `format`.
std::string_view sync_content_type(wire::Format format);

// The format the server answers a request in `format` with: JSON for JSON
// and form requests, else the request's own format.
wire::Format reply_format(wire::Format format);

// The body of a sync request. JSON {"gatenum":"0002","lastsuccessindex":5};
// XML as the seed's sample (GateSyncFaceInfoParm in the DataContract
// namespace); form gatenum=0002&lastsuccessindex=5 (percent-encoded);
// BSON a document with gatenum (string) and lastsuccessindex (int32).
std::string encode_sync_request(wire::Format format,
                                const wire::SyncRequest& request);

// Decodes a reply body in `format` (never kForm). Unknown members are
// ignored; a missing errcode, a member of the wrong type, a faceimage that
// is not strict base64 (JSON, XML) or not binary (BSON) give
// kMalformedBody. Thread-safe.
Result<LegacyReply> decode_sync_reply(wire::Format format,
                                      std::string_view body);

// Asks one server for records in one format, over one keep-alive
// connection. Not thread-safe: one per gate thread.
class LegacyClient {
 public:
  LegacyClient(http::Url url, wire::Format format,
               std::chrono::milliseconds timeout);

  // One request: the record after `lastsuccessindex` for `gatenum`. A
  // transport failure, an HTTP status other than 200, or a body that does
  // not decode in the expected format is a failed Result (kUnavailable,
  // with the server's errmsg when it sent one); an errcode != 0 inside a
  // 200 answer is a successful Result for the caller to judge.
  Result<LegacyReply> next(std::string_view gatenum, int32_t lastsuccessindex);

 private:
  http::Client client_;
  wire::Format format_;
};

}  // namespace facesync::gatesim

#endif  // FACESYNC_GATESIM_LEGACY_CLIENT_H_
