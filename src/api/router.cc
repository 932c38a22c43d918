#include "api/router.h"

#include <optional>
#include <string>

#include "api/legacy_sync.h"
#include "api/total_scan.h"
#include "api/v2_faces.h"
#include "api/v2_gates.h"
#include "api/v2_sweep.h"
#include "api/v2_sync.h"
#include "http/target.h"
#include "wire/json_writer.h"

namespace facesync::api {

namespace beast_http = boost::beast::http;

namespace {

constexpr std::string_view kLegacySyncPath = "/api/CheckTicket/FaceInfo/Sync";
constexpr std::string_view kTotalScanPath = "/api/Servo/Face/Buffer/TotalScan";
constexpr std::string_view kFacesPath = "/v2/faces";
constexpr std::string_view kGatesPath = "/v2/gates";
constexpr size_t kSmallBodyLimit = 4 * 1024;

enum class Route {
  kLegacySync,
  kTotalScan,
  kFace,
  kFaceList,
  kGate,
  kGateList,
  kSweep,
  kSync,
  kHealth,
  kUnknown
};

// The path without one trailing slash.
std::string_view route_path(std::string_view target) {
  std::string_view path = http::target_path(target);
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

// True when `path` is `collection` + "/" + a non-empty segment.
bool is_member_of(std::string_view path, std::string_view collection) {
  return path.starts_with(collection) && path.size() > collection.size() + 1 &&
         path[collection.size()] == '/';
}

// The legacy paths match without regard to case, as IIS routes did; the
// v2 paths are exact.
Route find_route(std::string_view target) {
  std::string_view path = route_path(target);
  if (http::equals_ignoring_case(path, kLegacySyncPath)) {
    return Route::kLegacySync;
  }
  if (http::equals_ignoring_case(path, kTotalScanPath)) {
    return Route::kTotalScan;
  }
  if (path == kFacesPath) return Route::kFaceList;
  if (is_member_of(path, kFacesPath)) return Route::kFace;
  if (path == kGatesPath) return Route::kGateList;
  if (is_member_of(path, kGatesPath)) return Route::kGate;
  if (path == "/v2/sweep") return Route::kSweep;
  if (path == "/v2/sync") return Route::kSync;
  if (path == "/healthz") return Route::kHealth;
  return Route::kUnknown;
}

// The percent-decoded segment after `collection` + "/"; nullopt when it
// holds a bad escape.
std::optional<std::string> member_of(std::string_view target,
                                     std::string_view collection) {
  std::string_view path = route_path(target);
  return http::percent_decode(path.substr(collection.size() + 1), false);
}

// For requests that come without a way to answer later.
class NoDeferral final : public http::Deferral {
 public:
  http::LateReply defer() override { return http::LateReply(); }
};

}  // namespace

Router::Router(Services services, ApiOptions options)
    : services_(std::move(services)), options_(std::move(options)) {}

size_t Router::body_limit(const http::RequestHead& head) {
  switch (find_route(http::to_std(head.target()))) {
    case Route::kLegacySync:
    case Route::kTotalScan:
      return options_.sync_body_limit;
    case Route::kFace:
      return options_.admin_body_limit;
    default:
      return kSmallBodyLimit;
  }
}

void Router::handle(const http::Request& request, const http::Peer& peer,
                    http::Response& response) {
  std::string_view target = http::to_std(request.target());
  switch (find_route(target)) {
    case Route::kLegacySync:
    case Route::kTotalScan:
      return serve_legacy(request, peer, response);

    case Route::kFace: {
      auto ticket = member_of(target, kFacesPath);
      if (!ticket) {
        return write_v2_error(
            Status(ErrorCode::kBadTicketCode, "bad percent escape"), response);
      }
      return serve_face(request, *ticket, services_.log, options_, response);
    }
    case Route::kFaceList:
      return serve_face_list(request, services_.log, response);

    case Route::kGate: {
      auto gatenum = member_of(target, kGatesPath);
      if (!gatenum) {
        return write_v2_error(
            Status(ErrorCode::kBadGateNum, "bad percent escape"), response);
      }
      return serve_gate(request, *gatenum, services_.registry, services_.store,
                        response);
    }
    case Route::kGateList:
      return serve_gate_list(request, services_.registry, services_.store,
                             response);

    case Route::kSweep:
      return serve_sweep(request, services_.log, services_.today, response);

    case Route::kSync: {
      // Without a deferral the request cannot wait: no long poll.
      Services no_wait = services_;
      no_wait.long_poll = nullptr;
      NoDeferral deferral;
      return serve_v2_sync(request, peer, no_wait, options_, deferral,
                           response);
    }

    case Route::kHealth:
      return serve_health(response);

    case Route::kUnknown:
      return write_v2_error(
          Status(ErrorCode::kNoSuchEndpoint, std::string(route_path(target))),
          response);
  }
}

void Router::handle_or_defer(const http::Request& request,
                             const http::Peer& peer, http::Response& response,
                             http::Deferral& deferral) {
  const Route route = find_route(http::to_std(request.target()));
  const bool writes = request.method() != beast_http::verb::get &&
                      (route == Route::kFace || route == Route::kSweep);
  if (route == Route::kSync) {
    return serve_v2_sync(request, peer, services_, options_, deferral,
                         response);
  }
  if (writes && services_.writes != nullptr) {
    return defer_write(request, peer, deferral);
  }
  handle(request, peer, response);
}

void Router::defer_write(const http::Request& request, const http::Peer& peer,
                         http::Deferral& deferral) {
  http::LateReply later = deferral.defer();
  bool queued = services_.writes->submit([this, request, peer, later] {
    http::Response response;
    handle(request, peer, response);
    later.send(std::move(response));
  });
  if (queued) return;

  http::Response busy;
  write_v2_error(
      Status(ErrorCode::kUnavailable, "too many writes waiting; try again"),
      busy);
  busy.set(beast_http::field::retry_after, "1");
  later.send(std::move(busy));
}

void Router::serve_legacy(const http::Request& request, const http::Peer& peer,
                          http::Response& response) {
  bool sync = find_route(http::to_std(request.target())) == Route::kLegacySync;
  if (request.method() != beast_http::verb::post) {
    response.set(beast_http::field::allow, "POST");
    return reject(Status(ErrorCode::kMethodNotAllowed, "use POST"),
                  request.base(), response);
  }
  if (sync) {
    return serve_legacy_sync(request, peer, services_.log, services_.registry,
                             options_, response);
  }
  serve_total_scan(request, services_.log, services_.today(), response);
}

void Router::reject(const Status& why, const http::RequestHead& head,
                    http::Response& response) {
  switch (find_route(http::to_std(head.target()))) {
    case Route::kLegacySync:
      return reject_legacy_sync(why, head, response);
    case Route::kTotalScan:
      return reject_total_scan(why, head, response);
    default:
      return write_v2_error(why, response);
  }
}

void Router::serve_health(http::Response& response) {
  Status healthy = services_.store.check();
  auto last = services_.store.last_index();
  if (!healthy.is_ok() || !last.is_ok()) {
    return write_v2_error(
        Status(ErrorCode::kUnavailable, "the store cannot be read"), response);
  }
  std::string body;
  wire::JsonWriter(&body)
      .begin_object()
      .key("status")
      .string("ok")
      .key("lastrecordindex")
      .number(*last)
      .end_object();
  write_json(beast_http::status::ok, std::move(body), response);
}

}  // namespace facesync::api
