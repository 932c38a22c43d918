// facesync serve: opens the store and serves HTTP until SIGINT or SIGTERM.
#include <malloc.h>
#include <signal.h>

#include <cstdio>
#include <ctime>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "api/api_options.h"
#include "api/long_poll.h"
#include "api/router.h"
#include "base/work_pool.h"
#include "cli/commands.h"
#include "http/server.h"
#include "store/sqlite/sqlite_store.h"
#include "sync/face_log.h"
#include "sync/gate_registry.h"
#include "sync/maintenance.h"
#include "sync/site_clock.h"

namespace facesync::cli {

namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string data = "./var";
  std::string log_level = "info";
  std::string access_log;
  http::ServerOptions server;
  api::ApiOptions api;
  int request_timeout_ms = 30'000;
  int idle_timeout_ms = 60'000;
  std::string time_zone = "Asia/Shanghai";
  std::string sweep_at = "03:00";
  bool strict_gates = false;
  bool rebuild_own_faces = true;
  bool restart_beyond_log = true;
  int max_offline_days = 30;
  int maintenance_seconds = 10;
  int mmap_mb = 256;
  int write_threads = 32;
};

// "HH:MM" into the maintenance options; false when it is not a time.
bool split_time(const std::string& text, sync::MaintenanceOptions& options) {
  int hour = 0, minute = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%2d:%2d%c", &hour, &minute, &extra) != 2 ||
      hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    return false;
  }
  options.sweep_hour = hour;
  options.sweep_minute = minute;
  return true;
}

// "host:port" into the server options; false when it is not one.
bool split_listen(const std::string& listen, http::ServerOptions& server) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  try {
    int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) return false;
    server.port = static_cast<unsigned short>(port);
  } catch (const std::exception&) {
    return false;
  }
  server.host = listen.substr(0, colon);
  if (server.host.size() > 2 && server.host.front() == '[') {
    server.host = server.host.substr(1, server.host.size() - 2);
  }
  return true;
}

[[noreturn]] void fail(const std::string& message, int code = 1) {
  std::cerr << "facesync serve: " << message << "\n";
  throw CLI::RuntimeError(code);
}

// Blocks SIGINT and SIGTERM in every thread started after this, so that
// wait_for_stop_signal() receives them.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// The access log `path` names: a file, "-" for stdout, "" for none.
std::shared_ptr<spdlog::logger> open_access_log(const std::string& path) {
  std::shared_ptr<spdlog::logger> log;
  try {
    if (path == "-") log = spdlog::stdout_logger_mt("access");
    if (!path.empty() && path != "-") {
      log = spdlog::basic_logger_mt("access", path);
    }
  } catch (const spdlog::spdlog_ex& e) {
    fail("cannot open the access log: " + std::string(e.what()));
  }
  if (log) {
    log->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %v");
    log->flush_on(spdlog::level::info);
  }
  return log;
}

// Creates `data` if needed and opens the database in it.
std::unique_ptr<store::Store> open_store(const std::string& data,
                                         const std::string& db_path,
                                         int mmap_mb) {
  std::error_code ec;
  std::filesystem::create_directories(data, ec);
  if (ec) fail("cannot create " + data + ": " + ec.message());
  store::SqliteOptions sqlite;
  sqlite.reader_mmap_bytes = int64_t{mmap_mb} << 20;
  auto store = store::open_sqlite_store(db_path, sqlite);
  if (!store.is_ok()) fail(store.status().to_string());
  return std::move(store).value();
}

// Answers of several megabytes (GET /v2/sync batches) would otherwise be
// mapped, zeroed and unmapped by malloc for every request; keep them in
// the heap, and keep up to 32 MiB of freed heap for the next one.
void tune_malloc() {
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 32 << 20);
}

void run_serve(ServeOptions& options) {
  tune_malloc();
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  if (!split_listen(options.listen, options.server)) {
    fail("--listen must be HOST:PORT, not " + options.listen, 2);
  }
  sync::MaintenanceOptions maintenance_options;
  maintenance_options.interval =
      std::chrono::seconds(options.maintenance_seconds);
  if (!split_time(options.sweep_at, maintenance_options)) {
    fail("--sweep-at must be HH:MM, not " + options.sweep_at, 2);
  }
  // Before any thread starts: the zone is process-wide.
  Status zone = sync::use_site_time_zone(options.time_zone);
  if (!zone.is_ok()) fail(zone.to_string(), 2);
  options.server.request_timeout =
      std::chrono::milliseconds(options.request_timeout_ms);
  options.server.idle_timeout =
      std::chrono::milliseconds(options.idle_timeout_ms);

  options.server.access_log = open_access_log(options.access_log);
  // Before any thread starts, so that every thread inherits the mask.
  sigset_t signals = block_stop_signals();
  std::string db_path = (std::filesystem::path(options.data) / "facesync.db");
  auto store = open_store(options.data, db_path, options.mmap_mb);

  auto today = [] { return sync::site_today(); };
  api::LongPoll long_poll;
  sync::FaceLog log(*store,
                    sync::FaceLogOptions{options.api.max_image_bytes, today,
                                         [&long_poll] { long_poll.notify(); }});
  sync::RegistryOptions registry_options;
  registry_options.strict = options.strict_gates;
  registry_options.rebuild_own_faces = options.rebuild_own_faces;
  registry_options.restart_beyond_log = options.restart_beyond_log;
  registry_options.max_offline =
      std::chrono::hours(24) * options.max_offline_days;
  sync::GateRegistry registry(*store, registry_options,
                              [] { return int64_t{::time(nullptr)}; });
  Status loaded = registry.load();
  if (!loaded.is_ok()) fail(loaded.to_string());

  // Writes wait for the disk on these threads, in shared commits.
  WorkPool writes(options.write_threads, 4 * options.write_threads);
  api::Router router(
      api::Services{log, registry, *store, today, &long_poll, &writes},
      options.api);
  sync::Maintenance maintenance(log, registry, *store, maintenance_options);
  http::Server server(options.server, router);
  Status started = server.start();
  if (!started.is_ok()) fail(started.to_string());
  maintenance.start();
  spdlog::info("facesync: serving {} on {}:{} ({} gates, {} mode, zone {})",
               db_path, options.server.host, server.port(),
               registry.list().size(), options.strict_gates ? "strict" : "open",
               options.time_zone);

  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("facesync: signal {}, draining", signal);
  long_poll.stop();  // waiting gates get their answer before the drain
  server.stop();
  writes.stop();
  maintenance.stop();
  spdlog::info("facesync: stopped");
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* serve = app.add_subcommand(
      "serve", "Serve the sync log over HTTP until SIGINT or SIGTERM");
  serve->add_option("--listen", options->listen, "HOST:PORT to listen on")
      ->capture_default_str();
  serve
      ->add_option("--data", options->data,
                   "Directory of the database (DATA/facesync.db)")
      ->capture_default_str();
  serve
      ->add_option("--threads", options->server.threads,
                   "HTTP threads; 0 is one per core")
      ->capture_default_str();
  serve
      ->add_option("--log-level", options->log_level,
                   "trace, debug, info, warn, error or off")
      ->capture_default_str();

  serve
      ->add_option("--access-log", options->access_log,
                   "File for one line per request; - for stdout; "
                   "empty for none")
      ->capture_default_str();

  auto& legacy = options->api.legacy;
  serve->add_option("--op-new", legacy.op_new, "op of a new face")
      ->capture_default_str();
  serve
      ->add_option("--op-replaced", legacy.op_replaced, "op of a replaced face")
      ->capture_default_str();
  serve->add_option("--op-removed", legacy.op_removed, "op of a removal")
      ->capture_default_str();
  serve
      ->add_option("--hasdata-yes", legacy.hasdata_yes,
                   "hasdata when a record follows")
      ->capture_default_str();
  serve
      ->add_option("--hasdata-no", legacy.hasdata_no,
                   "hasdata when the gate is caught up")
      ->capture_default_str();
  serve
      ->add_option("--date-format", legacy.date_format,
                   "effdate pattern of yyyy, MM, dd and literal characters")
      ->capture_default_str();

  serve
      ->add_option("--sync-body-limit", options->api.sync_body_limit,
                   "Largest legacy sync request body, bytes")
      ->capture_default_str();
  serve
      ->add_option("--max-image-bytes", options->api.max_image_bytes,
                   "Largest face image, bytes")
      ->capture_default_str();
  serve
      ->add_option("--header-limit", options->server.header_limit,
                   "Largest request head, bytes")
      ->capture_default_str();
  serve
      ->add_option("--request-timeout-ms", options->request_timeout_ms,
                   "Deadline to read a whole request")
      ->capture_default_str();
  serve
      ->add_option("--idle-timeout-ms", options->idle_timeout_ms,
                   "How long an idle keep-alive connection stays open")
      ->capture_default_str();

  serve
      ->add_option("--time-zone", options->time_zone,
                   "The site's time zone: expiry and the sweep follow it")
      ->capture_default_str();
  serve
      ->add_option("--sweep-at", options->sweep_at,
                   "Local time of the daily expiry sweep, HH:MM")
      ->capture_default_str();
  serve->add_flag("--strict-gates", options->strict_gates,
                  "Only registered, enabled gates may sync");
  serve
      ->add_option("--rebuild-own-faces", options->rebuild_own_faces,
                   "A gate asking from 0 also receives the faces it "
                   "collected (it may have been wiped): true or false")
      ->capture_default_str();
  serve
      ->add_option("--restart-beyond-log", options->restart_beyond_log,
                   "A gate reporting an index the log never issued "
                   "restarts from 0; false: it is answered as caught up")
      ->capture_default_str();
  serve
      ->add_option("--write-threads", options->write_threads,
                   "Threads that run face writes while they wait for the "
                   "disk; writes waiting together share one commit")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  serve
      ->add_option("--mmap-mb", options->mmap_mb,
                   "Megabytes of the database each reader maps into memory "
                   "(0: read with pread)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1 << 20));
  serve
      ->add_option("--max-offline-days", options->max_offline_days,
                   "A gate silent longer stops holding removals back")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  serve
      ->add_option("--maintenance-interval", options->maintenance_seconds,
                   "Seconds between flushing gate progress, collecting "
                   "removals and checkpointing")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));

  serve->callback([options] {
    options->api.admin_body_limit =
        options->api.max_image_bytes / 3 * 4 + 64 * 1024;
    run_serve(*options);
  });
}

}  // namespace facesync::cli
