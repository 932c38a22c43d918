// The embedded default back end: one SQLite database file in WAL mode.
#ifndef FACESYNC_STORE_SQLITE_SQLITE_STORE_H_
#define FACESYNC_STORE_SQLITE_SQLITE_STORE_H_

#include <cstddef>
#include <memory>
#include <string>

#include "base/status.h"
#include "store/store.h"

namespace facesync::store {

// How the SQLite store uses memory.
struct SqliteOptions {
  // The part of the file each reader maps into memory instead of reading
  // it with pread (SQLite's mmap_size). Mapped pages are the kernel's page
  // cache, counted in the process's resident size while they stay mapped.
  int64_t reader_mmap_bytes = int64_t{256} << 20;
};

// Opens (creating if needed) the SQLite database at `path`, in WAL mode with
// synchronous=FULL, and brings its schema up to date. The returned Store
// owns one writer connection and a pool of reader connections; it is
// thread-safe as Store promises.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 SqliteOptions options = {});

// For tests: how many writes `store` holds, queued or in the batch being
// committed, so that a test can line writes up in one batch (concurrent
// writes are committed together, see sqlite_store.cc). 0 for a store that
// open_sqlite_store did not open.
size_t sqlite_queued_writes(Store& store);

}  // namespace facesync::store

#endif  // FACESYNC_STORE_SQLITE_SQLITE_STORE_H_
