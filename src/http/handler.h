// The contract between the HTTP edge and the endpoints behind it.
#ifndef FACESYNC_HTTP_HANDLER_H_
#define FACESYNC_HTTP_HANDLER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/beast/http.hpp>

#include "base/status.h"

namespace facesync::http {

namespace beast_http = boost::beast::http;

using RequestHead = beast_http::request_header<>;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

// Beast 1.74 speaks boost::string_view; the project speaks std.
inline std::string_view to_std(boost::beast::string_view text) {
  return {text.data(), text.size()};
}

// What a connection knows about its peer, for access logs and policies.
struct Peer {
  std::string address;  // "127.0.0.1"
  unsigned short port = 0;
};

// Answers requests. One Handler serves every connection of a Server, from
// every I/O thread at once, so implementations must be thread-safe. The
// methods run on an I/O thread: they must not block for long.
class Handler {
 public:
  virtual ~Handler() = default;

  // The largest body the request with this head may carry. Asked once the
  // head is read; a larger body is answered by reject() with
  // kBodyTooLarge without being read.
  virtual size_t body_limit(const RequestHead& head) = 0;

  // Fills `response` (status, headers, body) for a whole request. The
  // server sets Content-Length, Server and keep-alive itself.
  virtual void handle(const Request& request, const Peer& peer,
                      Response& response) = 0;

  // Fills `response` for a request the edge refused before handle():
  // kBodyTooLarge (413) or kMalformedBody (400). `head` may be empty when
  // the head itself could not be read.
  virtual void reject(const Status& why, const RequestHead& head,
                      Response& response) = 0;
};

}  // namespace facesync::http

#endif  // FACESYNC_HTTP_HANDLER_H_
