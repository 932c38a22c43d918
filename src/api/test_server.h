// TestServer: the whole server on a free loopback port over a fresh SQLite
// file, for tests of the API and of its clients. The site's date is
// 2026-06-01 unless a test sets it with set_today(). One owner; start and
// stop from one thread.
#ifndef FACESYNC_API_TEST_SERVER_H_
#define FACESYNC_API_TEST_SERVER_H_

#include <atomic>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>

#include "api/router.h"
#include "base/temp_dir.h"
#include "http/server.h"
#include "store/sqlite/sqlite_store.h"
#include "sync/face_log.h"
#include "sync/gate_registry.h"

namespace facesync::api {

class TestServer {
 public:
  // `write_threads` run the face writes and sweeps; 0 refuses them all
  // as overload (503).
  explicit TestServer(ApiOptions options = {},
                      sync::RegistryOptions registry_options = {},
                      size_t write_threads = 4)
      : writes_(write_threads, write_threads == 0 ? 0 : 64) {
    auto opened = store::open_sqlite_store(dir_.file("facesync.db"));
    if (!opened.is_ok()) throw std::runtime_error(opened.status().to_string());
    store_ = std::move(opened).value();

    auto today = [this] { return today_.load(); };
    sync::FaceLogOptions log_options{options.max_image_bytes, today,
                                     [this] { long_poll_.notify(); }};
    log_ = std::make_unique<sync::FaceLog>(*store_, log_options);
    registry_ = std::make_unique<sync::GateRegistry>(
        *store_, registry_options, [] { return int64_t{::time(nullptr)}; });
    Status loaded = registry_->load();
    if (!loaded.is_ok()) throw std::runtime_error(loaded.to_string());
    router_ = std::make_unique<Router>(
        Services{*log_, *registry_, *store_, today, &long_poll_, &writes_},
        options);

    http::ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 2;
    server_ = std::make_unique<http::Server>(server_options, *router_);
    Status started = server_->start();
    if (!started.is_ok()) throw std::runtime_error(started.to_string());
  }
  ~TestServer() {
    long_poll_.stop();
    server_->stop(std::chrono::milliseconds(500));
    writes_.stop();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port());
  }
  unsigned short port() const { return server_->port(); }
  sync::FaceLog& log() { return *log_; }
  sync::GateRegistry& registry() { return *registry_; }
  void set_today(int32_t yyyymmdd) { today_ = yyyymmdd; }
  store::Store& store() { return *store_; }
  LongPoll& long_poll() { return long_poll_; }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::atomic<int32_t> today_{20260601};  // fixed, so tests never age
  LongPoll long_poll_;
  WorkPool writes_;
  std::unique_ptr<sync::FaceLog> log_;
  std::unique_ptr<sync::GateRegistry> registry_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace facesync::api

#endif  // FACESYNC_API_TEST_SERVER_H_
