// Client: a small blocking HTTP/1.1 client for the command line tools and
// the tests.
#ifndef FACESYNC_HTTP_CLIENT_H_
#define FACESYNC_HTTP_CLIENT_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "base/status.h"
#include "http/handler.h"

namespace facesync::http {

// "http://host:port/prefix" split up; the prefix is put before every target.
struct Url {
  std::string host;
  std::string port;
  std::string prefix;  // "" or "/something", no trailing slash
};

// Parses an http:// URL (https is not supported by this client).
Result<Url> parse_url(std::string_view url);

// One keep-alive connection to one server, opened on first use and opened
// again when the server closed it. Not thread-safe: one per thread.
class Client {
 public:
  explicit Client(Url url,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one request and reads the whole answer. `headers` are extra
  // header fields. Network failures give kUnavailable; any HTTP status is a
  // successful Result.
  Result<Response> send(
      beast_http::verb method, std::string_view target, std::string body = {},
      std::string_view content_type = {},
      const std::vector<std::pair<std::string, std::string>>& headers = {});

 private:
  Status connect();
  Result<Response> exchange(const Request& request);

  Url url_;
  std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  std::unique_ptr<boost::beast::tcp_stream> stream_;
};

}  // namespace facesync::http

#endif  // FACESYNC_HTTP_CLIENT_H_
