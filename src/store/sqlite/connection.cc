#include "store/sqlite/connection.h"

#include <utility>

namespace facesync::store::sqlite {

Status storage_error(sqlite3* db, int rc, std::string_view operation) {
  // The connection's message describes its latest failure, which is `rc`
  // unless a later call replaced it; fall back to the code's generic text.
  const char* message = sqlite3_errstr(rc);
  if (db != nullptr && (sqlite3_extended_errcode(db) & 0xFF) == (rc & 0xFF)) {
    message = sqlite3_errmsg(db);
  }

  std::string detail(operation);
  detail += ": ";
  detail += message;
  detail += " (sqlite code " + std::to_string(rc) + ")";
  return Status(ErrorCode::kStorage, std::move(detail));
}

void Statement::bind_int(int param, int64_t value) {
  keep_bind_error(sqlite3_bind_int64(stmt_, param, value));
}

void Statement::bind_text(int param, std::string_view value) {
  keep_bind_error(sqlite3_bind_text64(stmt_, param, value.data(), value.size(),
                                      SQLITE_STATIC, SQLITE_UTF8));
}

void Statement::bind_blob(int param, std::string_view value) {
  // A null pointer would bind NULL instead of an empty blob.
  const char* data = value.empty() ? "" : value.data();
  keep_bind_error(
      sqlite3_bind_blob64(stmt_, param, data, value.size(), SQLITE_STATIC));
}

void Statement::bind_null(int param) {
  keep_bind_error(sqlite3_bind_null(stmt_, param));
}

int Statement::step() {
  if (bind_rc_ != SQLITE_OK) return bind_rc_;
  return sqlite3_step(stmt_);
}

int64_t Statement::column_int(int column) {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::column_bytes(int column) {
  // Ask for the pointer before the size, as SQLite's docs require.
  const void* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return std::string();
  return std::string(static_cast<const char*>(data), size);
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

void Statement::keep_bind_error(int rc) {
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path,
                                                     Mode mode,
                                                     int busy_timeout_ms) {
  // NOMUTEX: the owner already ensures one thread at a time.
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= mode == Mode::kWriter ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                 : SQLITE_OPEN_READONLY;

  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status failed = storage_error(db, rc, "open " + path);
    sqlite3_close(db);  // a no-op for nullptr
    return failed;
  }

  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  statements_.clear();  // finalize before closing
  sqlite3_close(db_);
}

Status Connection::exec(const char* sql, std::string_view operation) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return storage_error(db_, rc, operation);
  return Status::ok();
}

Status Connection::run_cached(const char* sql, std::string_view operation) {
  Result<Query> query = this->query(sql, operation);
  if (!query.is_ok()) return query.status();

  for (;;) {
    const int rc = query->step();
    if (rc == SQLITE_DONE) return Status::ok();
    if (rc != SQLITE_ROW) return query->error(rc, operation);
  }
}

Result<Query> Connection::query(const char* sql, std::string_view operation) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) return Query(db_, found->second.get());

  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                    &stmt, nullptr);
  if (rc != SQLITE_OK) return storage_error(db_, rc, operation);

  auto owned = std::make_unique<Statement>(stmt);
  Statement* statement = owned.get();
  statements_.emplace(sql, std::move(owned));
  return Query(db_, statement);
}

Result<std::string> Connection::query_value(const char* sql,
                                            std::string_view operation) {
  Result<Query> query = this->query(sql, operation);
  if (!query.is_ok()) return query.status();

  const int rc = query->step();
  if (rc == SQLITE_DONE) {
    return Status(ErrorCode::kStorage, std::string(operation) + ": no row");
  }
  if (rc != SQLITE_ROW) return query->error(rc, operation);
  return query->column_bytes(0);
}

}  // namespace facesync::store::sqlite
