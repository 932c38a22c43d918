// LongPoll: requests that wait for news in the log (GET /v2/sync?wait=S).
#ifndef FACESYNC_API_LONG_POLL_H_
#define FACESYNC_API_LONG_POLL_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace facesync::api {

// Holds parked requests and looks again for each when the log may have
// news: at once after notify() (a write committed in this process), and
// every `recheck` anyway (writes of other processes, such as an import).
// A parked request ends when its check answers it, or at its deadline,
// when its timeout answers it. Checks and timeouts run on the poll's own
// thread, one at a time, so they may block on the store; they must not
// call back into the LongPoll. Thread-safe; stop() (or the destructor)
// answers every parked request by its timeout and joins the thread.
class LongPoll {
 public:
  using Clock = std::chrono::steady_clock;
  // Returns true when it answered the request (it is then forgotten).
  using Check = std::function<bool()>;
  using Timeout = std::function<void()>;

  explicit LongPoll(
      std::chrono::milliseconds recheck = std::chrono::seconds(1));
  ~LongPoll();
  LongPoll(const LongPoll&) = delete;
  LongPoll& operator=(const LongPoll&) = delete;

  // How many notify() calls came so far. A caller reads it before it
  // looks at the log and passes it to park(), so that news arriving in
  // between is not missed.
  uint64_t news() const;

  // Parks a request until `deadline`; `seen` is news() from before the
  // caller last looked. After stop(), `timeout` runs at once on the
  // caller's thread.
  void park(Check check, Timeout timeout, Clock::time_point deadline,
            uint64_t seen);

  // The log may have news: every parked request is checked again soon.
  void notify();

  // Answers what is parked by its timeout and stops the thread.
  void stop();

  // Requests parked now, for tests and metrics; while a sweep checks them
  // it does not count them (a moment's undercount).
  size_t parked() const;

 private:
  struct Waiter {
    Check check;
    Timeout timeout;
    Clock::time_point deadline;
    uint64_t seen;                   // news() when last checked
    Clock::time_point next_recheck;  // when to check without news
  };

  void run();
  // Whether the thread has something to do now. Needs mutex_.
  bool due(Clock::time_point now) const;
  // The earliest time a waiter is due without news. Needs mutex_.
  Clock::time_point next_due() const;
  // Checks the waiters that are due (outside the lock) and ends those
  // answered or past their deadline. Needs `lock` held; returns with it.
  void sweep(std::unique_lock<std::mutex>& lock);

  const std::chrono::milliseconds recheck_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::list<Waiter> waiters_;  // guarded by mutex_
  uint64_t news_ = 0;          // guarded by mutex_; counts notify()
  bool stopping_ = false;      // guarded by mutex_
  std::thread thread_;
};

}  // namespace facesync::api

#endif  // FACESYNC_API_LONG_POLL_H_
