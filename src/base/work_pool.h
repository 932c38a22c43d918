// WorkPool: a fixed set of threads for work that blocks (writes waiting
// for the disk), so that the I/O threads never wait on it.
#ifndef FACESYNC_BASE_WORK_POOL_H_
#define FACESYNC_BASE_WORK_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace facesync {

// Runs submitted tasks on `threads` threads, in the order submitted. At
// most `max_queued` tasks wait for a thread; more are refused, so that an
// overload is answered at once instead of queued without end. Thread-safe.
// stop() (or the destructor) runs what is queued, then joins.
class WorkPool {
 public:
  WorkPool(size_t threads, size_t max_queued);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `task`; false (and `task` not run) when the queue is full or
  // the pool is stopping.
  bool submit(std::function<void()> task);

  // Runs the queued tasks, then joins the threads. Idempotent.
  void stop();

 private:
  void run();

  const size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;  // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace facesync

#endif  // FACESYNC_BASE_WORK_POOL_H_
