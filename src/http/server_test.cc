#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "http/client.h"

namespace facesync::http {
namespace {

// Echoes the body back; a body limit of 16 bytes on /small, 1 KiB elsewhere.
// /later is answered 30 ms later from another thread; /drop is deferred
// and never answered.
class EchoHandler : public Handler {
 public:
  ~EchoHandler() override {
    for (std::thread& thread : late_)
      thread.join();
  }
  void handle_or_defer(const Request& request, const Peer& peer,
                       Response& response, Deferral& deferral) override {
    const std::string target(to_std(request.target()));
    if (target == "/drop") {
      deferral.defer();
      return;
    }
    if (target != "/later") return handle(request, peer, response);

    response.body() = "dropped, never sent";
    LateReply later = deferral.defer();
    late_.emplace_back([later, body = request.body()] {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      Response late;
      late.result(beast_http::status::accepted);
      late.body() = "late:" + body;
      later.send(std::move(late));
      later.send(Response());  // ignored: the first answer stands
    });
  }
  size_t body_limit(const RequestHead& head) override {
    return to_std(head.target()) == "/small" ? 16 : 1024;
  }
  void handle(const Request& request, const Peer& peer,
              Response& response) override {
    ++handled;
    response.result(beast_http::status::ok);
    response.set(beast_http::field::content_type, "text/plain");
    response.body() = "echo:" + request.body();
    last_peer = peer.address;
  }
  void reject(const Status& why, const RequestHead& head,
              Response& response) override {
    ++rejected;
    response.body() = std::string("rejected:") + error_code_name(why.code());
  }

  std::atomic<int> handled{0};
  std::atomic<int> rejected{0};
  std::string last_peer;
  std::vector<std::thread> late_;
};

// Sends raw bytes on a new connection and returns all that comes back until
// the server closes it or 2 s pass.
std::string raw_exchange(unsigned short port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address)) {
    close(fd);
    return "connect failed";
  }
  send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);

  std::string out;
  char buffer[4096];
  for (;;) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.idle_timeout = std::chrono::milliseconds(300);
    options.request_timeout = std::chrono::milliseconds(500);
    options.header_limit = 1024;
    server_ = std::make_unique<Server>(options, handler_);
    ASSERT_TRUE(server_->start().is_ok());
  }

  EchoHandler handler_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, AnswersSeveralRequestsOnOneConnection) {
  Client client(
      *parse_url("http://127.0.0.1:" + std::to_string(server_->port())));
  for (int i = 0; i < 3; ++i) {
    auto response = client.send(beast_http::verb::post, "/x",
                                "n" + std::to_string(i), "text/plain");
    ASSERT_TRUE(response.is_ok()) << response.status().to_string();
    EXPECT_EQ(response->result(), beast_http::status::ok);
    EXPECT_EQ(response->body(), "echo:n" + std::to_string(i));
    EXPECT_TRUE(response->keep_alive());
  }
  EXPECT_EQ(handler_.handled, 3);
  EXPECT_EQ(handler_.last_peer, "127.0.0.1");
}

TEST_F(ServerTest, ADeferredRequestIsAnsweredLaterOnTheSameConnection) {
  Client client(
      *parse_url("http://127.0.0.1:" + std::to_string(server_->port())));
  for (const char* body : {"one", "two"}) {
    auto late = client.send(beast_http::verb::post, "/later", body);
    ASSERT_TRUE(late.is_ok()) << late.status().to_string();
    EXPECT_EQ(late->result(), beast_http::status::accepted);
    EXPECT_EQ(late->body(), std::string("late:") + body);
    EXPECT_TRUE(late->keep_alive());
  }

  auto now = client.send(beast_http::verb::post, "/x", "now");
  ASSERT_TRUE(now.is_ok()) << now.status().to_string();
  EXPECT_EQ(now->body(), "echo:now");
}

TEST_F(ServerTest, ADeferredRequestNeverAnsweredClosesTheConnection) {
  const auto started = std::chrono::steady_clock::now();
  std::string reply =
      raw_exchange(server_->port(), "GET /drop HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply, "");
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            std::chrono::milliseconds(1500))
      << "closed by the server, not by the 2 s receive timeout";
}

TEST_F(ServerTest, RefusesAnnouncedOversizeBodyWithoutReadingIt) {
  std::string reply = raw_exchange(
      server_->port(),
      "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 413")) << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;
  EXPECT_NE(reply.find("rejected:body_too_large"), std::string::npos);
  EXPECT_EQ(handler_.handled, 0);
}

TEST_F(ServerTest, RefusesChunkedBodyOverTheLimit) {
  std::string reply = raw_exchange(
      server_->port(),
      "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "14\r\n01234567890123456789\r\n0\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 413")) << reply;
  EXPECT_EQ(handler_.handled, 0);
}

TEST_F(ServerTest, AcceptsBodyAtTheLimit) {
  std::string reply =
      raw_exchange(server_->port(),
                   "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n"
                   "Connection: close\r\n\r\n0123456789abcdef");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << reply;
  EXPECT_NE(reply.find("echo:0123456789abcdef"), std::string::npos);
}

TEST_F(ServerTest, RefusesOversizeHeadWith431) {
  std::string reply =
      raw_exchange(server_->port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                        std::string(2000, 'a') + "\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 431")) << reply;
  EXPECT_EQ(handler_.handled, 0);
}

TEST_F(ServerTest, RefusesGarbageWith400AndCloses) {
  std::string reply = raw_exchange(server_->port(),
                                   "HELLO THERE\r\n\r\nGET / HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 400")) << reply;
  EXPECT_EQ(reply.find("HTTP/1.1", 5), std::string::npos) << "one answer only";
  EXPECT_EQ(handler_.handled, 0);
}

TEST_F(ServerTest, AnswersExpectContinueBeforeTheBody) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server_->port());
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address),
            0);
  std::string head =
      "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
      "Expect: 100-continue\r\nConnection: close\r\n\r\n";
  send(fd, head.data(), head.size(), MSG_NOSIGNAL);

  char buffer[256];
  ssize_t n = recv(fd, buffer, sizeof buffer, 0);
  ASSERT_GT(n, 0);
  EXPECT_TRUE(std::string(buffer, n).starts_with("HTTP/1.1 100"));
  send(fd, "abc", 3, MSG_NOSIGNAL);
  std::string rest;
  while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0)
    rest.append(buffer, n);
  close(fd);
  EXPECT_NE(rest.find("echo:abc"), std::string::npos) << rest;
}

TEST_F(ServerTest, ClosesIdleConnections) {
  auto started = std::chrono::steady_clock::now();
  std::string reply = raw_exchange(server_->port(), "");
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(reply, "");
  EXPECT_LT(waited, std::chrono::milliseconds(1900)) << "closed by the server";
}

TEST_F(ServerTest, StopsAcceptingAfterStop) {
  server_->stop(std::chrono::milliseconds(200));
  EXPECT_EQ(raw_exchange(server_->port(), "GET / HTTP/1.1\r\n\r\n"),
            "connect failed");
}

TEST(ServerStart, FailsOnBadAddress) {
  EchoHandler handler;
  ServerOptions options;
  options.host = "not-an-address";
  Server server(options, handler);
  Status started = server.start();
  EXPECT_EQ(started.code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace facesync::http
