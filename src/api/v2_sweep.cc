#include "api/v2_sweep.h"

#include <spdlog/spdlog.h>

#include "api/v2_faces.h"
#include "http/target.h"
#include "wire/json_writer.h"

namespace facesync::api {

namespace beast_http = boost::beast::http;

void serve_sweep(const http::Request& request, sync::FaceLog& log,
                 const std::function<int32_t()>& today,
                 http::Response& response) {
  if (request.method() != beast_http::verb::post) {
    response.set(beast_http::field::allow, "POST");
    return write_v2_error(Status(ErrorCode::kMethodNotAllowed, "use POST"),
                          response);
  }

  // A named day lets an operator catch up after downtime, and tests pin it.
  std::string asof =
      http::QueryParams(http::to_std(request.target())).get("asof");
  int32_t day = today();
  if (!asof.empty()) {
    auto parsed = sync::parse_date(asof);
    if (!parsed.is_ok()) {
      return write_v2_error(
          Status(ErrorCode::kBadQuery, "asof must be a yyyyMMdd date"),
          response);
    }
    day = *parsed;
  }

  auto expired = log.expire(day);
  if (!expired.is_ok()) return write_v2_error(expired.status(), response);
  spdlog::info("sweep: {} faces expired as of {}", *expired, day);

  std::string body;
  wire::JsonWriter(&body)
      .begin_object()
      .key("asof")
      .string(std::to_string(day))
      .key("expired")
      .number(static_cast<int64_t>(*expired))
      .end_object();
  write_json(beast_http::status::ok, std::move(body), response);
}

}  // namespace facesync::api
