// Maintenance: the log's background work, off the request path.
#ifndef FACESYNC_SYNC_MAINTENANCE_H_
#define FACESYNC_SYNC_MAINTENANCE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "base/status.h"
#include "store/store.h"
#include "sync/face_log.h"
#include "sync/gate_registry.h"

namespace facesync::sync {

struct MaintenanceOptions {
  // How often progress is flushed, removals every gate has passed are
  // deleted, and the write-ahead log is checkpointed when rows were
  // deleted (so that deleted face bytes leave the disk).
  std::chrono::seconds interval{10};
  // The daily expiry sweep, in the site's local time.
  int sweep_hour = 3;
  int sweep_minute = 0;
};

// Runs one thread that does, every interval: GateRegistry::flush,
// GateRegistry::collect_tombstones and Store::checkpoint (after deletes:
// removals collected, or the newest index moved since the last round, as
// a replacement or removal erases the older face);
// and once a day at the sweep time: FaceLog::expire(site_today()). Owned
// by the serve command; start() and stop() from one thread. The log,
// registry and store must outlive it.
class Maintenance {
 public:
  Maintenance(FaceLog& log, GateRegistry& registry, store::Store& store,
              MaintenanceOptions options);
  ~Maintenance();
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  void start();
  // Stops the thread after a last flush. Idempotent.
  void stop();

  // One round of the periodic work, now, on the calling thread. Every step
  // runs even when one before fails; returns the first failure (each is
  // logged).
  Status run_once();

 private:
  void loop();
  // The daily expiry sweep, on the maintenance thread.
  void sweep();
  // Checkpoints the store, logging a failure.
  Status checkpoint();

  FaceLog& log_;
  GateRegistry& registry_;
  store::Store& store_;
  MaintenanceOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  // The newest index at the last round: when it moved, appends may have
  // erased replaced or removed faces, whose bytes a checkpoint clears.
  std::atomic<int32_t> last_index_seen_{0};
};

}  // namespace facesync::sync

#endif  // FACESYNC_SYNC_MAINTENANCE_H_
