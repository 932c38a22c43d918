#include "api/long_poll.h"

#include <algorithm>
#include <utility>

namespace facesync::api {

LongPoll::LongPoll(std::chrono::milliseconds recheck)
    : recheck_(recheck), thread_([this] { run(); }) {}

LongPoll::~LongPoll() {
  stop();
}

uint64_t LongPoll::news() const {
  std::lock_guard lock(mutex_);
  return news_;
}

void LongPoll::park(Check check, Timeout timeout, Clock::time_point deadline,
                    uint64_t seen) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      waiters_.push_back(Waiter{std::move(check), std::move(timeout), deadline,
                                seen, Clock::now() + recheck_});
      wake_.notify_one();
      return;
    }
  }
  timeout();
}

void LongPoll::notify() {
  std::lock_guard lock(mutex_);
  ++news_;
  wake_.notify_one();
}

void LongPoll::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

size_t LongPoll::parked() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

bool LongPoll::due(Clock::time_point now) const {
  return std::any_of(waiters_.begin(), waiters_.end(), [&](const Waiter& w) {
    return w.seen != news_ || now >= w.next_recheck || now >= w.deadline;
  });
}

LongPoll::Clock::time_point LongPoll::next_due() const {
  Clock::time_point next = Clock::now() + recheck_;
  for (const Waiter& waiter : waiters_)
    next = std::min({next, waiter.next_recheck, waiter.deadline});
  return next;
}

void LongPoll::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // Any wake-up (news, a new waiter, a deadline) computes again when the
    // next one is due.
    if (due(Clock::now())) {
      sweep(lock);
    } else {
      wake_.wait_until(lock, next_due());
    }
  }

  // Stopping: every parked request gets its timeout answer.
  std::list<Waiter> left;
  left.swap(waiters_);
  lock.unlock();
  for (Waiter& waiter : left)
    waiter.timeout();
}

void LongPoll::sweep(std::unique_lock<std::mutex>& lock) {
  // Take the waiters out, so that park() and notify() go on meanwhile.
  std::list<Waiter> taken;
  taken.swap(waiters_);
  const uint64_t news = news_;
  lock.unlock();

  const Clock::time_point now = Clock::now();
  std::list<Waiter> kept;
  for (auto it = taken.begin(); it != taken.end();) {
    Waiter& waiter = *it;
    bool done = false;
    if (waiter.seen != news || now >= waiter.next_recheck) {
      waiter.seen = news;
      waiter.next_recheck = now + recheck_;
      done = waiter.check();
    }
    if (!done && now >= waiter.deadline) {
      waiter.timeout();
      done = true;
    }
    auto next = std::next(it);
    if (!done) kept.splice(kept.end(), taken, it);
    it = next;
  }

  lock.lock();
  waiters_.splice(waiters_.end(), kept);
}

}  // namespace facesync::api
