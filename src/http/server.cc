#include "http/server.h"

#include <algorithm>
#include <future>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

namespace facesync::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Server::Server(ServerOptions options, Handler& handler)
    : options_(std::move(options)),
      handler_(handler),
      acceptor_(io_),
      sessions_(std::make_shared<SessionRegistry>()) {}

Server::~Server() {
  stop(std::chrono::milliseconds(0));
}

Status Server::start() {
  boost::system::error_code ec;
  auto address = net::ip::make_address(options_.host, ec);
  if (ec) {
    return Status(ErrorCode::kUnavailable,
                  "bad listen address " + options_.host);
  }

  tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(ErrorCode::kUnavailable,
                  "cannot listen on " + options_.host + ":" +
                      std::to_string(options_.port) + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();

  accept_next();
  int threads = options_.threads > 0
                    ? options_.threads
                    : std::max(1u, std::thread::hardware_concurrency());
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { io_.run(); });
  }
  return Status::ok();
}

void Server::accept_next() {
  acceptor_.async_accept(
      net::make_strand(io_),
      [this](boost::system::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
          return;
        }
        if (!ec) {
          socket.set_option(tcp::no_delay(true), ec);
          std::make_shared<Session>(std::move(socket), options_, handler_,
                                    sessions_)
              ->start();
        }
        accept_next();
      });
}

void Server::stop(std::chrono::milliseconds grace) {
  if (stopped_) return;
  stopped_ = true;

  // Stop accepting, then ask every session to end after its current answer.
  sessions_->draining = true;
  std::promise<void> closed;
  net::post(io_, [this, &closed] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    closed.set_value();
  });
  if (!threads_.empty()) closed.get_future().wait();
  {
    std::lock_guard lock(sessions_->mutex);
    for (Session* session : sessions_->live)
      session->drain();
  }

  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(sessions_->mutex);
      if (sessions_->live.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  io_.stop();
  for (auto& thread : threads_)
    thread.join();
  threads_.clear();
}

}  // namespace facesync::http
