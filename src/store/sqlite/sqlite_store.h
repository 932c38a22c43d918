// The embedded default back end: one SQLite database file in WAL mode.
#ifndef FACESYNC_STORE_SQLITE_SQLITE_STORE_H_
#define FACESYNC_STORE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "base/status.h"
#include "store/store.h"

namespace facesync::store {

// Opens (creating if needed) the SQLite database at `path`, in WAL mode with
// synchronous=FULL, and brings its schema up to date. The returned Store
// owns one writer connection and a pool of reader connections; it is
// thread-safe as Store promises.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path);

}  // namespace facesync::store

#endif  // FACESYNC_STORE_SQLITE_SQLITE_STORE_H_
