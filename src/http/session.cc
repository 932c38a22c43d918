#include "http/session.h"

#include <limits>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "http/server.h"

namespace facesync::http {

namespace beast = boost::beast;
namespace net = boost::asio;

namespace {

// Errors that end a connection quietly: the peer left, or we timed out or
// cancelled the read ourselves.
bool is_quiet_end(beast::error_code ec) {
  return ec == beast_http::error::end_of_stream ||
         ec == beast::error::timeout || ec == net::error::operation_aborted ||
         ec == net::error::eof || ec == net::error::connection_reset;
}

}  // namespace

Session::Session(net::ip::tcp::socket socket, const ServerOptions& options,
                 Handler& handler, std::shared_ptr<SessionRegistry> registry)
    : stream_(std::move(socket)),
      options_(options),
      handler_(handler),
      registry_(std::move(registry)) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) {
    peer_.address = endpoint.address().to_string();
    peer_.port = endpoint.port();
  }
  std::lock_guard lock(registry_->mutex);
  registry_->live.insert(this);
}

Session::~Session() {
  std::lock_guard lock(registry_->mutex);
  registry_->live.erase(this);
}

void Session::start() {
  net::dispatch(stream_.get_executor(),
                [self = shared_from_this()] { self->read_head(); });
}

void Session::drain() {
  net::post(stream_.get_executor(), [weak = weak_from_this()] {
    auto self = weak.lock();
    if (self && self->waiting_for_request_) self->close();
  });
}

void Session::read_head() {
  if (registry_->draining) return close();

  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(options_.header_limit));
  // The body limit depends on the route: on_head sets it. Until then the
  // parser must not judge a Content-Length by its own default.
  parser_->body_limit(std::numeric_limits<uint64_t>::max());

  // An idle keep-alive connection gets the idle timeout; a request whose
  // first bytes are already buffered gets the request deadline.
  waiting_for_request_ = buffer_.size() == 0;
  stream_.expires_after(waiting_for_request_ ? options_.idle_timeout
                                             : options_.request_timeout);
  beast_http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) {
        self->on_head(ec);
      });
}

void Session::on_head(beast::error_code ec) {
  waiting_for_request_ = false;
  started_ = std::chrono::steady_clock::now();
  request_line_ = "-";
  if (is_quiet_end(ec)) return close();
  if (ec == beast_http::error::header_limit) {
    return refuse(Status(ErrorCode::kMalformedBody, "request head too large"),
                  beast_http::status::request_header_fields_too_large);
  }
  if (ec) {
    return refuse(Status(ErrorCode::kMalformedBody, ec.message()),
                  beast_http::status::bad_request);
  }

  // Decide the body limit from the head; refuse an announced oversize body
  // without reading it.
  const auto& head = parser_->get();
  if (options_.access_log) {
    request_line_ =
        std::string(head.method_string()) + " " + std::string(head.target());
  }
  size_t limit = handler_.body_limit(head);
  auto length = parser_->content_length();
  if (length && *length > limit) {
    return refuse(Status(ErrorCode::kBodyTooLarge, "body over the limit"),
                  beast_http::status::payload_too_large);
  }
  parser_->body_limit(limit);
  stream_.expires_after(options_.request_timeout);

  if (beast::iequals(head[beast_http::field::expect], "100-continue")) {
    return answer_continue();
  }
  read_body();
}

void Session::answer_continue() {
  auto interim = std::make_shared<beast_http::response<beast_http::empty_body>>(
      beast_http::status::continue_, parser_->get().version());
  beast_http::async_write(
      stream_, *interim,
      [self = shared_from_this(), interim](beast::error_code ec, size_t) {
        if (ec) return self->close();
        self->read_body();
      });
}

void Session::read_body() {
  beast_http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) {
        self->on_body(ec);
      });
}

void Session::on_body(beast::error_code ec) {
  if (ec == beast_http::error::body_limit) {
    return refuse(Status(ErrorCode::kBodyTooLarge, "body over the limit"),
                  beast_http::status::payload_too_large);
  }
  if (ec == beast::error::timeout) {
    return refuse(Status(ErrorCode::kMalformedBody, "request too slow"),
                  beast_http::status::request_timeout);
  }
  if (is_quiet_end(ec)) return close();
  if (ec) {
    return refuse(Status(ErrorCode::kMalformedBody, ec.message()),
                  beast_http::status::bad_request);
  }

  Request request = parser_->release();
  response_ = std::make_unique<Response>();
  response_->version(request.version());
  deferred_ = false;
  handler_.handle_or_defer(request, peer_, *response_, *this);
  if (deferred_) {
    // No I/O runs until the answer comes, so no deadline applies.
    keep_alive_after_late_ = request.keep_alive();
    late_version_ = request.version();
    response_.reset();
    stream_.expires_never();
    return;
  }
  respond(request.keep_alive() && !registry_->draining);
}

LateReply Session::defer() {
  deferred_ = true;
  return LateReply(shared_from_this());
}

void Session::deliver(Response response) {
  net::post(stream_.get_executor(), [self = shared_from_this(),
                                     late = std::move(response)]() mutable {
    self->response_ = std::make_unique<Response>(std::move(late));
    self->response_->version(self->late_version_);
    self->respond(self->keep_alive_after_late_ && !self->registry_->draining);
  });
}

void Session::abandon() {
  net::post(stream_.get_executor(),
            [self = shared_from_this()] { self->close(); });
}

void Session::refuse(const Status& why, beast_http::status status) {
  // The framing of what follows is in doubt: answer, then close.
  RequestHead head;
  if (parser_ && parser_->is_header_done()) head = parser_->get().base();
  response_ = std::make_unique<Response>();
  response_->version(11);
  handler_.reject(why, head, *response_);
  response_->result(status);
  respond(false);
}

void Session::respond(bool keep_alive) {
  response_->set(beast_http::field::server, "facesync");
  response_->keep_alive(keep_alive);
  response_->prepare_payload();
  if (options_.access_log) log_access(response_->result_int());
  stream_.expires_after(options_.request_timeout);
  beast_http::async_write(
      stream_, *response_,
      [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
        self->on_written(keep_alive, ec);
      });
}

void Session::on_written(bool keep_alive, beast::error_code ec) {
  response_.reset();
  if (ec || !keep_alive) return close();
  read_head();
}

void Session::log_access(unsigned status) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started_)
                    .count();
  options_.access_log->info("{} \"{}\" {} {} {}us", peer_.address,
                            request_line_, status, response_->body().size(),
                            micros);
}

void Session::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.socket().close(ignored);
}

}  // namespace facesync::http
