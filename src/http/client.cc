#include "http/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace facesync::http {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

Result<Url> parse_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Status(ErrorCode::kUnavailable,
                  "only http:// URLs are supported: " + std::string(url));
  }
  url.remove_prefix(kScheme.size());

  Url out;
  auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) {
    out.prefix = std::string(url.substr(slash));
    while (!out.prefix.empty() && out.prefix.back() == '/') {
      out.prefix.pop_back();
    }
  }
  auto colon = authority.rfind(':');
  if (colon == std::string_view::npos) {
    out.host = std::string(authority);
    out.port = "80";
  } else {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  }
  if (out.host.empty() || out.port.empty()) {
    return Status(ErrorCode::kUnavailable, "bad URL: " + std::string(url));
  }
  return out;
}

Client::Client(Url url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {}

Client::~Client() = default;

Status Client::connect() {
  beast::error_code ec;
  tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(url_.host, url_.port, ec);
  if (ec) {
    return Status(ErrorCode::kUnavailable,
                  "cannot resolve " + url_.host + ": " + ec.message());
  }
  stream_ = std::make_unique<beast::tcp_stream>(io_);
  net::connect(stream_->socket(), endpoints, ec);
  if (ec) {
    stream_.reset();
    return Status(ErrorCode::kUnavailable, "cannot connect to " + url_.host +
                                               ":" + url_.port + ": " +
                                               ec.message());
  }
  stream_->socket().set_option(tcp::no_delay(true), ec);
  return Status::ok();
}

Result<Response> Client::send(
    beast_http::verb method, std::string_view target, std::string body,
    std::string_view content_type,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  Request request(method, url_.prefix + std::string(target), 11);
  request.set(beast_http::field::host, url_.host + ":" + url_.port);
  request.set(beast_http::field::user_agent, "facesync");
  if (!content_type.empty()) {
    request.set(beast_http::field::content_type, std::string(content_type));
  }
  for (const auto& [name, value] : headers)
    request.set(name, value);
  request.body() = std::move(body);
  request.keep_alive(true);
  request.prepare_payload();

  // A kept-alive connection may have been closed by the server meanwhile:
  // one fresh attempt is safe for our idempotent requests.
  bool reused = stream_ != nullptr;
  auto result = exchange(request);
  if (!result.is_ok() && reused) result = exchange(request);
  return result;
}

Result<Response> Client::exchange(const Request& request) {
  if (!stream_) {
    Status connected = connect();
    if (!connected.is_ok()) return connected;
  }

  // Asynchronous operations run to completion here, so that the stream's
  // deadline bounds the whole exchange.
  beast::error_code ec;
  beast::flat_buffer buffer;
  buffer.reserve(64 * 1024);  // else Beast reads a large answer 512 B a call
  beast_http::response_parser<beast_http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  stream_->expires_after(timeout_);
  beast_http::async_write(
      *stream_, request, [&](beast::error_code write_ec, size_t) {
        if (write_ec) {
          ec = write_ec;
          return;
        }
        beast_http::async_read(
            *stream_, buffer, parser,
            [&](beast::error_code read_ec, size_t) { ec = read_ec; });
      });
  io_.restart();
  io_.run();

  if (ec) {
    stream_.reset();
    return Status(ErrorCode::kUnavailable, "HTTP exchange with " + url_.host +
                                               ":" + url_.port +
                                               " failed: " + ec.message());
  }
  Response response = parser.release();
  if (!response.keep_alive()) stream_.reset();
  return response;
}

}  // namespace facesync::http
