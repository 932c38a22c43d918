#include "api/legacy_exchange.h"

#include <string>

namespace facesync::api {

namespace beast_http = boost::beast::http;

LegacyExchange negotiate_legacy(const http::RequestHead& head) {
  std::string_view content_type =
      http::to_std(head[beast_http::field::content_type]);
  LegacyExchange exchange{wire::request_format(content_type), {}};
  const wire::Format* format =
      exchange.request.is_ok() ? &exchange.request.value() : nullptr;
  exchange.answer =
      wire::negotiate_response(http::to_std(head[beast_http::field::accept]),
                               format, wire::request_media_type(content_type));
  return exchange;
}

void begin_legacy_answer(wire::ResponseType answer, beast_http::status status,
                         http::Response& response) {
  response.result(status);
  std::string content_type(answer.media_type);
  if (answer.format != wire::Format::kBson) content_type += "; charset=utf-8";
  response.set(beast_http::field::content_type, content_type);
  response.body().clear();
}

}  // namespace facesync::api
