// ReaderPool: read-only connections to one database file, each lent to one
// thread at a time. Owned by the SQLite store; thread-safe. Connections are
// opened on demand, so any number of threads read at once; at most
// `max_idle` of them are kept for reuse afterwards.
#ifndef FACESYNC_STORE_SQLITE_READER_POOL_H_
#define FACESYNC_STORE_SQLITE_READER_POOL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/sqlite/connection.h"

namespace facesync::store::sqlite {

class ReaderPool {
 public:
  // A connection on loan; returns it to the pool when it goes away. Must not
  // outlive the pool.
  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ~Lease();
    Lease(Lease&& other) noexcept = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;

    Connection& operator*() { return *connection_; }

   private:
    ReaderPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // `mmap_bytes`: how much of the file each connection maps into memory
  // for reading (SQLite's mmap_size; 0 reads with pread only).
  ReaderPool(std::string path, size_t max_idle, int busy_timeout_ms,
             int64_t mmap_bytes);
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // An idle connection, or a new one when none is idle.
  Result<Lease> acquire();

 private:
  void give_back(std::unique_ptr<Connection> connection);

  const std::string path_;
  const size_t max_idle_;
  const int busy_timeout_ms_;
  const int64_t mmap_bytes_;

  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mutex_
};

}  // namespace facesync::store::sqlite

#endif  // FACESYNC_STORE_SQLITE_READER_POOL_H_
