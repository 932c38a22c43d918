// The database layout of the SQLite store and its migrations. The schema
// version lives in `PRAGMA user_version`; version 0 is an empty file.
#ifndef FACESYNC_STORE_SQLITE_SCHEMA_H_
#define FACESYNC_STORE_SQLITE_SCHEMA_H_

#include "base/status.h"
#include "store/sqlite/connection.h"

namespace facesync::store::sqlite {

// The version this build writes and reads.
inline constexpr int kSchemaVersion = 2;

// Brings the database of `writer` up to kSchemaVersion in one write
// transaction. kStorage when the file is newer than this build, or when a
// step fails (nothing of the migration then remains).
Status migrate_schema(Connection& writer);

}  // namespace facesync::store::sqlite

#endif  // FACESYNC_STORE_SQLITE_SCHEMA_H_
