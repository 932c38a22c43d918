// Server: the HTTP/1.1 listener of facesync, over Boost.Beast and Asio.
#ifndef FACESYNC_HTTP_SERVER_H_
#define FACESYNC_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/logger.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "base/status.h"
#include "http/handler.h"
#include "http/session.h"

namespace facesync::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (see Server::port())
  int threads = 0;             // 0: one per core
  size_t header_limit = 8 * 1024;
  // From the first byte of a request to its last byte read.
  std::chrono::milliseconds request_timeout{30'000};
  // How long a keep-alive connection may wait for its next request.
  std::chrono::milliseconds idle_timeout{60'000};
  // One line per answered request when set; the application log is apart.
  std::shared_ptr<spdlog::logger> access_log;
};

// Accepts connections and runs one Session per connection on a pool of
// threads sharing one io_context. Owned by whoever starts it; start() and
// stop() are called from one controlling thread; the Handler must outlive
// the Server and is called from every pool thread.
class Server {
 public:
  Server(ServerOptions options, Handler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens, then runs the pool threads. Fails with kUnavailable
  // when the address cannot be bound.
  Status start();

  // The bound port (useful when options.port was 0).
  unsigned short port() const { return port_; }

  // Closes the listener, lets in-flight requests finish for up to `grace`,
  // then ends every connection and joins the threads. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  void accept_next();

  ServerOptions options_;
  Handler& handler_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  unsigned short port_ = 0;
  bool stopped_ = false;
  std::shared_ptr<SessionRegistry> sessions_;
};

}  // namespace facesync::http

#endif  // FACESYNC_HTTP_SERVER_H_
