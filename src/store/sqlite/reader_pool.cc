#include "store/sqlite/reader_pool.h"

#include <utility>

namespace facesync::store::sqlite {

ReaderPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->give_back(std::move(connection_));
}

ReaderPool::ReaderPool(std::string path, size_t max_idle, int busy_timeout_ms,
                       int64_t mmap_bytes)
    : path_(std::move(path)),
      max_idle_(max_idle),
      busy_timeout_ms_(busy_timeout_ms),
      mmap_bytes_(mmap_bytes) {}

Result<ReaderPool::Lease> ReaderPool::acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
  }

  // Opening touches the file system: do it without holding the lock.
  Result<std::unique_ptr<Connection>> opened =
      Connection::open(path_, Connection::Mode::kReader, busy_timeout_ms_);
  if (!opened.is_ok()) return opened.status();
  // PRAGMA takes no bound parameters; the value is a number of ours.
  const std::string mmap = "PRAGMA mmap_size = " + std::to_string(mmap_bytes_);
  Status configured = (**opened).exec(mmap.c_str(), "open: reader mmap");
  if (!configured.is_ok()) return configured;
  return Lease(this, std::move(opened).value());
}

void ReaderPool::give_back(std::unique_ptr<Connection> connection) {
  std::unique_ptr<Connection> surplus;  // closed after unlocking
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.size() < max_idle_) {
    idle_.push_back(std::move(connection));
  } else {
    surplus = std::move(connection);
  }
}

}  // namespace facesync::store::sqlite
