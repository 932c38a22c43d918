#include "sync/maintenance.h"

#include <spdlog/spdlog.h>

#include "sync/site_clock.h"

namespace facesync::sync {

namespace {

using Steady = std::chrono::steady_clock;

Steady::time_point next_sweep(const MaintenanceOptions& options) {
  return Steady::now() +
         until_local_time(options.sweep_hour, options.sweep_minute);
}

}  // namespace

Maintenance::Maintenance(FaceLog& log, GateRegistry& registry,
                         store::Store& store, MaintenanceOptions options)
    : log_(log), registry_(registry), store_(store), options_(options) {}

Maintenance::~Maintenance() {
  stop();
}

void Maintenance::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

void Maintenance::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

Status Maintenance::run_once() {
  Status first = registry_.flush();
  if (!first.is_ok()) {
    spdlog::error("maintenance: flushing gate progress: {}", first.to_string());
  }

  bool deleted = false;
  Result<store::TombstoneSweep> swept = registry_.collect_tombstones();
  if (!swept.is_ok()) {
    spdlog::error("maintenance: collecting removals: {}",
                  swept.status().to_string());
    if (first.is_ok()) first = swept.status();
  } else if (swept->deleted > 0) {
    spdlog::info("maintenance: {} removals up to record {} deleted",
                 swept->deleted, swept->highest);
    deleted = true;
  }

  // An append that replaced or removed a face erased the older one.
  Result<int32_t> last = store_.last_index();
  if (last.is_ok() && last_index_seen_.exchange(*last) != *last) {
    deleted = true;
  }

  if (deleted) {
    Status status = checkpoint();
    if (first.is_ok()) first = status;
  }
  if (first.is_ok() && !last.is_ok()) first = last.status();
  return first;
}

void Maintenance::sweep() {
  const int32_t today = site_today();
  Result<size_t> expired = log_.expire(today);
  if (!expired.is_ok()) {
    spdlog::error("maintenance: expiring faces ending before {}: {}", today,
                  expired.status().to_string());
    return;
  }

  spdlog::info("maintenance: {} faces ending before {} expired", *expired,
               today);
  if (*expired > 0) checkpoint();
}

Status Maintenance::checkpoint() {
  Status status = store_.checkpoint();
  if (!status.is_ok()) {
    spdlog::error("maintenance: checkpoint: {}", status.to_string());
  }
  return status;
}

void Maintenance::loop() {
  Steady::time_point sweep_at = next_sweep(options_);
  std::unique_lock<std::mutex> lock(mutex_);
  while (
      !wake_.wait_for(lock, options_.interval, [this] { return stopping_; })) {
    lock.unlock();
    run_once();
    if (Steady::now() >= sweep_at) {
      sweep();
      sweep_at = next_sweep(options_);
    }
    lock.lock();
  }
  lock.unlock();

  Status flushed = registry_.flush();
  if (!flushed.is_ok()) {
    spdlog::error("maintenance: last flush of gate progress: {}",
                  flushed.to_string());
  }
}

}  // namespace facesync::sync
