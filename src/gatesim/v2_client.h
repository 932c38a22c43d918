// The gate's side of GET /v2/sync: the request target, decoding and
// checking a batch, and a client that asks one server for one gate's next
// batch.
//
// Written apart from the server's encoder (api/v2_sync.cc), as the legacy
// client is, so that a fault in one side is not mirrored by the other and
// hidden from the tests.
#ifndef FACESYNC_GATESIM_V2_CLIENT_H_
#define FACESYNC_GATESIM_V2_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "gatesim/legacy_client.h"
#include "http/client.h"

namespace facesync::gatesim {

// The path of the batch endpoint.
inline constexpr std::string_view kV2SyncPath = "/v2/sync";

// What one gate asks for: the records after `after`, at most `limit` of
// them (1 to 1000), waiting up to `wait_seconds` (0 to 60) when there are
// none yet.
struct V2Query {
  std::string gate;
  int32_t after = 0;
  int limit = 100;
  int wait_seconds = 0;
};

// One answer of GET /v2/sync. Every record is the LegacyTag the legacy
// endpoint would have sent for it (hasdata left empty), so that both
// paths apply records through apply_record(). errcode != 0 comes with
// errmsg only; the other members are then left as they are.
struct V2Batch {
  int64_t errcode = 0;
  std::string errmsg;
  std::string gatenum;
  int64_t after = 0;
  int64_t last = 0;
  bool more = false;
  std::vector<LegacyTag> records;
};

// "/v2/sync?gate=0002&after=5&limit=500", with "&wait=S" when S > 0.
std::string v2_sync_target(const V2Query& query);

// Decodes an answer body. errcode must be an integer; with errcode 0,
// errmsg, gatenum, after, last, more and records must be there with their
// types, and every record must carry recordindex, ticketcode and op; dates
// are strings or null, additionaltemplateinfo an integer or null, and
// faceimage null or strict base64. Unknown members are ignored. Anything
// else gives kMalformedBody. Thread-safe.
Result<V2Batch> decode_v2_batch(std::string_view body);

// Checks that an errcode 0 batch answers `query`: the same gate, `after`
// echoing the cursor sent (the server restarts a gate whose cursor is
// beyond its log from 0), at most `limit` records, record indexes strictly
// increasing above the cursor, `last` the last index (the cursor when no
// record came), and `more` only with records, since it would keep the
// gate asking forever. kMalformedBody saying which rule broke.
Status check_v2_batch(const V2Batch& batch, const V2Query& query);

// Asks one server for batches over one keep-alive connection. Not
// thread-safe: one per gate thread.
class V2Client {
 public:
  // `timeout` bounds one whole exchange, so it must exceed the longest
  // wait asked for.
  V2Client(http::Url url, std::chrono::milliseconds timeout);

  // One request. A transport failure, an HTTP status other than 200 (its
  // detail has the server's errmsg and errcode when it sent them) or an
  // errcode other than 0 give kUnavailable; a body that does not decode
  // gives kMalformedBody. Whether the batch answers `query` is left to
  // check_v2_batch(): a caller may try a request again after a failure
  // here, but a batch that breaks those rules will not mend.
  Result<V2Batch> next(const V2Query& query);

 private:
  http::Client client_;
};

}  // namespace facesync::gatesim

#endif  // FACESYNC_GATESIM_V2_CLIENT_H_
