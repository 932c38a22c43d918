// Session: one HTTP/1.1 connection, from accept to close.
#ifndef FACESYNC_HTTP_SESSION_H_
#define FACESYNC_HTTP_SESSION_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/handler.h"

namespace facesync::http {

struct ServerOptions;
class Session;

// The sessions of one Server, so that stop() can drain them. Shared by the
// Server and its sessions; every member is safe to use from any thread.
struct SessionRegistry {
  std::mutex mutex;
  std::unordered_set<Session*> live;
  std::atomic<bool> draining{false};
};

// Reads requests one after another from its socket, passes each to the
// Handler and writes the answer, keeping the connection open while both
// sides want it. Owns its socket; kept alive by the shared_ptr that its
// pending asynchronous operation holds. All of its work runs on its strand.
class Session : public std::enable_shared_from_this<Session>,
                public LateSink,
                private Deferral {
 public:
  Session(boost::asio::ip::tcp::socket socket, const ServerOptions& options,
          Handler& handler, std::shared_ptr<SessionRegistry> registry);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start();

  // Asks the session to end: at once when it waits for a request, after the
  // current answer otherwise. Thread-safe.
  void drain();

  // LateSink: the late answer to the request the handler deferred.
  void deliver(Response response) override;
  void abandon() override;

 private:
  using Parser = beast_http::request_parser<beast_http::string_body>;

  void read_head();
  void on_head(boost::beast::error_code ec);
  void read_body();
  void on_body(boost::beast::error_code ec);
  void answer_continue();
  void refuse(const Status& why, beast_http::status fallback);
  void respond(bool keep_alive);
  void on_written(bool keep_alive, boost::beast::error_code ec);
  void close();
  void log_access(unsigned status);
  LateReply defer() override;

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  const ServerOptions& options_;
  Handler& handler_;
  std::shared_ptr<SessionRegistry> registry_;
  Peer peer_;
  std::optional<Parser> parser_;
  std::unique_ptr<Response> response_;
  bool waiting_for_request_ = false;  // touched only on the strand
  bool deferred_ = false;             // handle() took the request
  bool keep_alive_after_late_ = false;
  unsigned late_version_ = 11;
  std::chrono::steady_clock::time_point started_;
  std::string request_line_;  // for the access log
};

}  // namespace facesync::http

#endif  // FACESYNC_HTTP_SESSION_H_
