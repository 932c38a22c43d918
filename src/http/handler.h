// The contract between the HTTP edge and the endpoints behind it.
#ifndef FACESYNC_HTTP_HANDLER_H_
#define FACESYNC_HTTP_HANDLER_H_

#include <atomic>
#include <cstddef>
#include <memory>
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

// Where a late answer goes: the connection that asked. Implemented by the
// HTTP edge; handlers only see it through LateReply.
class LateSink {
 public:
  virtual ~LateSink() = default;
  // Writes `response` as the answer; from any thread.
  virtual void deliver(Response response) = 0;
  // No answer will come: closes the connection; from any thread.
  virtual void abandon() = 0;
};

// Answers one request after Handler::handle returned, from any thread: a
// long poll that waits for news, a write that waits for the disk. Copies
// share one answer: the first send() is written, later ones are ignored.
// When the last copy goes away unsent, the connection is closed.
class LateReply {
 public:
  LateReply() = default;
  explicit LateReply(std::shared_ptr<LateSink> sink)
      : state_(std::make_shared<State>(std::move(sink))) {}

  void send(Response response) const {
    if (state_ && !state_->sent.exchange(true)) {
      state_->sink->deliver(std::move(response));
    }
  }

 private:
  struct State {
    explicit State(std::shared_ptr<LateSink> sink) : sink(std::move(sink)) {}
    ~State() {
      if (!sent) sink->abandon();
    }
    std::shared_ptr<LateSink> sink;
    std::atomic<bool> sent{false};
  };
  std::shared_ptr<State> state_;
};

// Lets a handler keep a request to answer it later. Valid during
// Handler::handle only.
class Deferral {
 public:
  virtual ~Deferral() = default;
  // Takes the request out of the edge's hands: whatever handle() put in
  // its `response` is dropped, and the answer is what the returned
  // LateReply sends. The connection reads nothing more until then.
  virtual LateReply defer() = 0;
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

  // The edge calls this one: it may keep the request through `deferral`
  // and answer later (it must copy what it needs of `request`, which goes
  // away when this returns). By default it answers now, with handle().
  virtual void handle_or_defer(const Request& request, const Peer& peer,
                               Response& response, Deferral& deferral) {
    (void)deferral;
    handle(request, peer, response);
  }

  // Fills `response` for a request the edge refused before handle():
  // kBodyTooLarge (413) or kMalformedBody (400). `head` may be empty when
  // the head itself could not be read.
  virtual void reject(const Status& why, const RequestHead& head,
                      Response& response) = 0;
};

}  // namespace facesync::http

#endif  // FACESYNC_HTTP_HANDLER_H_
