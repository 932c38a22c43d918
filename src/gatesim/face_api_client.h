// FaceApiClient: the v2 admin API (/v2/faces, /v2/gates, /v2/sweep) as the
// command line tools and the gate simulator's verifier use it.
#ifndef FACESYNC_GATESIM_FACE_API_CLIENT_H_
#define FACESYNC_GATESIM_FACE_API_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/client.h"

namespace facesync::gatesim {

// A face to enroll; `image` holds the raw JPEG or PNG bytes.
struct FaceToEnroll {
  std::string ticketcode;
  std::string image;
  std::string gate;  // "" when not collected at a gate
  std::string effdatebegin;
  std::string effdateend;
  int64_t additionaltemplateinfo = 0;
  // The sites whose gates receive the face; empty sends no "sites", so
  // that every gate receives it.
  std::vector<std::string> sites;
};

// What an enrollment or revocation did.
struct FaceChange {
  int64_t recordindex = 0;
  std::string op;
  bool appended = true;  // false when the server already held this face
};

// A live face as GET /v2/faces describes it.
struct LiveFace {
  std::string ticketcode;
  int64_t recordindex = 0;
  std::string op;
  std::string gate;
  std::string effdatebegin;
  std::string effdateend;
  int64_t additionaltemplateinfo = 0;
  std::vector<std::string> sites;  // empty: every gate receives it
  std::string image_sha256;        // 64 hex digits
};

// One page of GET /v2/faces.
struct LiveFacePage {
  std::vector<LiveFace> faces;
  std::optional<std::string> next;  // the ticket to continue after
};

// What operators set on a gate (PUT /v2/gates/{gatenum}).
struct GateSettings {
  std::string gatenum;
  std::string name;
  std::string site;  // "" for a gate of no site
  bool enabled = true;
  std::vector<std::string> addresses;  // the addresses it may call from
};

// A gate as GET /v2/gates describes it: its settings and its progress.
struct RegisteredGate {
  GateSettings settings;
  int64_t cursor = 0;
  std::optional<int64_t> lag;  // nullopt when the server could not count
  int64_t requests = 0;
  std::string created;                   // UTC ISO 8601
  std::optional<std::string> last_seen;  // nullopt: never synced
  std::string last_address;
  bool needs_resync = false;
  std::string resync_reason;
};

// What PUT /v2/gates/{gatenum} did.
struct GatePut {
  RegisteredGate gate;
  bool created = false;  // false when an existing gate was updated
};

// What POST /v2/sweep did.
struct SweepResult {
  std::string asof;  // yyyyMMdd: faces ending before it were removed
  int64_t expired = 0;
};

// Talks to one server over one keep-alive connection. Not thread-safe: one
// per thread. Every request is built in request(), so that headers every
// call needs (an admin token, say) are added in one place.
//
// Failures: transport faults give kUnavailable; an answer with an error
// status gives a Status whose detail is the server's errmsg followed by
// "(HTTP 400, errcode 3)"; its code is kFaceNotFound (faces) or
// kUnknownGate (gates) for 404 and kUnavailable otherwise. An answer that
// cannot be read gives kMalformedBody.
class FaceApiClient {
 public:
  explicit FaceApiClient(http::Url url, std::chrono::milliseconds timeout =
                                            std::chrono::seconds(30));

  // PUT /v2/faces/{ticketcode}.
  Result<FaceChange> enroll(const FaceToEnroll& face);

  // DELETE /v2/faces/{ticketcode}.
  Result<FaceChange> revoke(std::string_view ticketcode);

  // GET /v2/faces/{ticketcode}; nullopt when the ticket has no live face.
  Result<std::optional<LiveFace>> face(std::string_view ticketcode);

  // GET /v2/faces?after=...&limit=...; `after` "" starts at the beginning.
  Result<LiveFacePage> live_faces(std::string_view after, int limit = 1000);

  // Every live face, paging until the server says there are no more.
  Result<std::vector<LiveFace>> all_live_faces();

  // GET /v2/gates: every registered gate, by gate number.
  Result<std::vector<RegisteredGate>> gates();

  // GET /v2/gates/{gatenum}; nullopt when the gate is not registered.
  Result<std::optional<RegisteredGate>> gate(std::string_view gatenum);

  // PUT /v2/gates/{gatenum}: creates the gate or replaces every setting.
  Result<GatePut> put_gate(const GateSettings& settings);

  // POST /v2/sweep: removes the live faces whose end date is before
  // `asof` (yyyyMMdd; nullopt: today at the server's site).
  Result<SweepResult> sweep(std::optional<std::string_view> asof = {});

 private:
  Result<http::Response> request(http::beast_http::verb method,
                                 std::string_view target,
                                 std::string body = {});

  http::Client client_;
};

}  // namespace facesync::gatesim

#endif  // FACESYNC_GATESIM_FACE_API_CLIENT_H_
