#include "api/router.h"

#include "api/legacy_sync.h"
#include "api/v2_faces.h"
#include "http/target.h"
#include "wire/json_writer.h"

namespace facesync::api {

namespace beast_http = boost::beast::http;

namespace {

constexpr std::string_view kLegacySyncPath = "/api/CheckTicket/FaceInfo/Sync";
constexpr std::string_view kFacesPath = "/v2/faces";
constexpr size_t kSmallBodyLimit = 4 * 1024;

enum class Route { kLegacySync, kFace, kFaceList, kHealth, kUnknown };

// The path without one trailing slash.
std::string_view route_path(std::string_view target) {
  std::string_view path = http::target_path(target);
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

// The legacy path matches without regard to case, as IIS routes did; the
// v2 paths are exact.
Route find_route(std::string_view target) {
  std::string_view path = route_path(target);
  if (http::equals_ignoring_case(path, kLegacySyncPath))
    return Route::kLegacySync;
  if (path == kFacesPath) return Route::kFaceList;
  if (path.starts_with(kFacesPath) && path.size() > kFacesPath.size() + 1 &&
      path[kFacesPath.size()] == '/') {
    return Route::kFace;
  }
  if (path == "/healthz") return Route::kHealth;
  return Route::kUnknown;
}

}  // namespace

Router::Router(sync::FaceLog& log, store::Store& store, ApiOptions options)
    : log_(log), store_(store), options_(std::move(options)) {}

size_t Router::body_limit(const http::RequestHead& head) {
  switch (find_route(http::to_std(head.target()))) {
    case Route::kLegacySync:
      return options_.sync_body_limit;
    case Route::kFace:
      return options_.admin_body_limit;
    default:
      return kSmallBodyLimit;
  }
}

void Router::handle(const http::Request& request, const http::Peer& peer,
                    http::Response& response) {
  switch (find_route(http::to_std(request.target()))) {
    case Route::kLegacySync:
      if (request.method() != beast_http::verb::post) {
        response.set(beast_http::field::allow, "POST");
        return reject_legacy_sync(
            Status(ErrorCode::kMethodNotAllowed, "use POST"), request.base(),
            response);
      }
      return serve_legacy_sync(request, log_, options_, response);

    case Route::kFace: {
      std::string_view path = route_path(http::to_std(request.target()));
      auto ticket =
          http::percent_decode(path.substr(kFacesPath.size() + 1), false);
      if (!ticket) {
        return write_v2_error(
            Status(ErrorCode::kBadTicketCode, "bad percent escape"), response);
      }
      return serve_face(request, *ticket, log_, options_, response);
    }

    case Route::kFaceList:
      return serve_face_list(request, log_, response);

    case Route::kHealth:
      return serve_health(response);

    case Route::kUnknown:
      return write_v2_error(
          Status(ErrorCode::kNoSuchEndpoint,
                 std::string(route_path(http::to_std(request.target())))),
          response);
  }
}

void Router::reject(const Status& why, const http::RequestHead& head,
                    http::Response& response) {
  if (find_route(http::to_std(head.target())) == Route::kLegacySync) {
    return reject_legacy_sync(why, head, response);
  }
  write_v2_error(why, response);
}

void Router::serve_health(http::Response& response) {
  Status healthy = store_.check();
  auto last = store_.last_index();
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
