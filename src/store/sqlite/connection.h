// Thin RAII wrappers over the sqlite3 C API: a prepared statement, a borrowed
// use of one, and a connection that caches its statements. Every failure
// becomes a Status with ErrorCode::kStorage here, in one place.
#ifndef FACESYNC_STORE_SQLITE_CONNECTION_H_
#define FACESYNC_STORE_SQLITE_CONNECTION_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"

namespace facesync::store::sqlite {

// kStorage naming `operation` and SQLite's message for `rc`: the message of
// `db` when it has one for this failure, else the generic text of `rc`.
Status storage_error(sqlite3* db, int rc, std::string_view operation);

// One prepared statement, finalized when the object goes away. Owned by the
// Connection that prepared it; used by one thread at a time, like it.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters count from 1. Text and blobs are not copied: they must stay
  // alive until the statement is reset. A failed bind is reported by the
  // next step().
  void bind_int(int param, int64_t value);
  void bind_text(int param, std::string_view value);
  void bind_blob(int param, std::string_view value);
  void bind_null(int param);

  // SQLITE_ROW, SQLITE_DONE or the error code (also of a failed bind).
  int step();

  // Columns count from 0 and read the current row.
  int64_t column_int(int column);
  std::string column_bytes(int column);  // text or blob, as bytes

  // Ends the current use: resets, clears bindings and the bind error.
  void reset();

 private:
  void keep_bind_error(int rc);

  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;
};

// One use of a cached Statement, with the Statement's operations. Resetting it
// at the end of the scope ends the statement's read transaction, so the
// connection never holds an old snapshot (nor stalls WAL checkpoints) between
// uses. Movable, not copyable.
class Query {
 public:
  Query(sqlite3* db, Statement* stmt) : db_(db), stmt_(stmt) {}
  ~Query() {
    if (stmt_ != nullptr) stmt_->reset();
  }
  Query(Query&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query& operator=(Query&&) = delete;

  void bind_int(int param, int64_t value) { stmt_->bind_int(param, value); }
  void bind_text(int param, std::string_view value) {
    stmt_->bind_text(param, value);
  }
  void bind_blob(int param, std::string_view value) {
    stmt_->bind_blob(param, value);
  }
  void bind_null(int param) { stmt_->bind_null(param); }
  int step() { return stmt_->step(); }
  int64_t column_int(int column) { return stmt_->column_int(column); }
  std::string column_bytes(int column) { return stmt_->column_bytes(column); }

  // The Status for `rc`, a failed step() of this query.
  Status error(int rc, std::string_view operation) const {
    return storage_error(db_, rc, operation);
  }

 private:
  sqlite3* db_;
  Statement* stmt_;
};

// One SQLite connection and its cache of prepared statements. Owned by the
// store (the writer) or the reader pool; not thread-safe: one thread at a
// time, which the owner guarantees.
class Connection {
 public:
  enum class Mode { kWriter, kReader };

  // Opens `path`: kWriter reads and writes, creating the file if needed;
  // kReader only reads. Both wait up to `busy_timeout_ms` for locks.
  static Result<std::unique_ptr<Connection>> open(const std::string& path,
                                                  Mode mode,
                                                  int busy_timeout_ms);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` (one or more statements), discarding any rows.
  Status exec(const char* sql, std::string_view operation);

  // Runs the one statement `sql`, prepared once and cached, discarding any
  // rows. Cheaper than exec() for statements run often (BEGIN, COMMIT).
  Status run_cached(const char* sql, std::string_view operation);

  // The cached statement for `sql`, prepared on first use.
  Result<Query> query(const char* sql, std::string_view operation);

  // The single value of a one-row, one-column query (PRAGMAs).
  Result<std::string> query_value(const char* sql, std::string_view operation);

  // How long the next statements wait for another connection's lock.
  void set_busy_timeout(int busy_timeout_ms) {
    sqlite3_busy_timeout(db_, busy_timeout_ms);
  }

  // True while a transaction is open on this connection.
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

  sqlite3* handle() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

}  // namespace facesync::store::sqlite

#endif  // FACESYNC_STORE_SQLITE_CONNECTION_H_
