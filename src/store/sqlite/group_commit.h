// Group commit: writes asked for at the same time are run together, as one
// batch, by one of the threads that asked, so that they can share one
// transaction and one sync to disk.
#ifndef FACESYNC_STORE_SQLITE_GROUP_COMMIT_H_
#define FACESYNC_STORE_SQLITE_GROUP_COMMIT_H_

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

namespace facesync::store::sqlite {

// A queue of writes run in batches by the threads that queued them: no
// thread of its own. A caller queues its write and sleeps. The caller whose
// write is at the front of the queue is the leader: it takes up to
// max_batch writes from the front, runs them with the runner (without the
// queue's lock, so that more writes queue meanwhile), marks the ones the
// runner finished done, wakes their callers and hands the lead to the
// caller at the new front. So a lone write runs at once on its caller's
// thread, and the writes that arrive while a batch runs form the next one.
//
// `Write` is the caller's description of its write and where the runner
// puts its outcome; it lives on the caller's stack until submit() returns.
// Shared by the writing threads; thread-safe. Owned by the store.
template <typename Write>
class GroupCommit {
 public:
  // Runs `batch`, writes in the order they were queued, and returns how
  // many of them, from the front, are finished: at least one. The others
  // stay at the front of the queue and go into the next batch. Called by
  // one leader at a time. Must not throw: a leader that threw would leave
  // its followers asleep for ever, so the process ends instead.
  using Runner = std::function<size_t(std::span<Write* const> batch)>;

  GroupCommit(size_t max_batch, Runner runner)
      : max_batch_(std::max<size_t>(max_batch, 1)),
        runner_(std::move(runner)) {}

  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Queues `write` and returns once a batch has finished it, after leading
  // one or more batches itself when its write reached the front.
  void submit(Write& write) {
    Waiter waiter(&write);
    std::unique_lock<std::mutex> lock(mutex_);
    queue_.push_back(&waiter);
    while (!waiter.done) {
      waiter.wake.wait(
          lock, [&] { return waiter.done || queue_.front() == &waiter; });
      if (!waiter.done) lead(lock);
    }
  }

  // How many writes are queued, the running batch included. For tests,
  // which wait for a number of writers to queue.
  size_t queued() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.size();
  }

 private:
  // A caller waiting in the queue, on its stack. done and wake are
  // guarded by mutex_.
  struct Waiter {
    explicit Waiter(Write* to_run) : write(to_run) {}

    Write* const write;
    bool done = false;
    std::condition_variable wake;
  };

  // Runs one batch from the front. Called with the lock held by the
  // caller at the front, which stays at the front until it is finished,
  // so there is one leader at a time.
  void lead(std::unique_lock<std::mutex>& lock) {
    std::vector<Write*> batch;
    const size_t size = std::min(queue_.size(), max_batch_);
    batch.reserve(size);
    for (size_t i = 0; i < size; ++i)
      batch.push_back(queue_[i]->write);

    lock.unlock();
    const size_t finished = run(batch);
    lock.lock();

    // Notified under the lock: a woken caller cannot return, and take
    // its Waiter away, before the notification is over.
    for (size_t i = 0; i < finished && i < size; ++i) {
      Waiter* waiter = queue_.front();
      queue_.pop_front();
      waiter->done = true;
      waiter->wake.notify_one();
    }
    if (!queue_.empty()) queue_.front()->wake.notify_one();
  }

  size_t run(std::span<Write* const> batch) noexcept { return runner_(batch); }

  const size_t max_batch_;
  const Runner runner_;
  mutable std::mutex mutex_;
  std::deque<Waiter*> queue_;  // guarded by mutex_; the front leads
};

}  // namespace facesync::store::sqlite

#endif  // FACESYNC_STORE_SQLITE_GROUP_COMMIT_H_
