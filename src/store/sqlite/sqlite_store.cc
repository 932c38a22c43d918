#include "store/sqlite/sqlite_store.h"

#include <mutex>
#include <utility>

#include "store/sqlite/connection.h"
#include "store/sqlite/event_queries.h"
#include "store/sqlite/reader_pool.h"
#include "store/sqlite/schema.h"

namespace facesync::store {

namespace {

using sqlite::Connection;

// How long a connection waits for another's lock before failing with
// SQLITE_BUSY. Our own writes are serialised by a mutex, so only another
// process (a backup, an operator's sqlite3 shell) makes anyone wait.
constexpr int kBusyTimeoutMs = 5000;

// Reader connections kept open between reads.
constexpr size_t kMaxIdleReaders = 8;

// The Transaction handed to Store::write's function. Lives on the stack of
// write(), on the writer's thread, while the writer mutex is held.
//
// It remembers its first failure: write() then rolls back even when the
// function ignored the failure and returned ok, and every later operation
// fails, since SQLite may already have rolled the transaction back (after
// SQLITE_FULL, say) and a statement run now would commit on its own.
class SqliteTransaction final : public Transaction {
 public:
  explicit SqliteTransaction(Connection& writer) : writer_(writer) {}

  Result<std::optional<Event>> latest(std::string_view ticket) override {
    if (Status status = usable(); !status.is_ok()) return status;
    return keep(sqlite::select_latest(writer_, ticket));
  }

  Result<int32_t> append(const Event& event) override {
    if (Status status = usable(); !status.is_ok()) return status;
    return keep(sqlite::insert_event(writer_, event));
  }

  Status erase_before(std::string_view ticket, int32_t index) override {
    if (Status status = usable(); !status.is_ok()) return status;
    return keep(sqlite::delete_before(writer_, ticket, index));
  }

  const Status& failure() const { return failure_; }

 private:
  Status usable() {
    if (!failure_.is_ok()) return failure_;
    if (!writer_.in_transaction()) {
      failure_ = Status(ErrorCode::kStorage, "write: transaction was lost");
    }
    return failure_;
  }

  template <typename T>
  Result<T> keep(Result<T> result) {
    if (!result.is_ok()) failure_ = result.status();
    return result;
  }

  Status keep(Status status) {
    if (!status.is_ok()) failure_ = status;
    return status;
  }

  Connection& writer_;
  Status failure_;
};

// Rolls back the writer's transaction if it is still open when a write
// ends, however it ends (a failure, a failed COMMIT, an exception thrown by
// the caller's function).
class RollbackOnExit {
 public:
  explicit RollbackOnExit(Connection& writer) : writer_(writer) {}
  ~RollbackOnExit() {
    if (writer_.in_transaction()) writer_.exec("ROLLBACK", "write: rollback");
  }
  RollbackOnExit(const RollbackOnExit&) = delete;
  RollbackOnExit& operator=(const RollbackOnExit&) = delete;

 private:
  Connection& writer_;
};

// The SQLite Store: one writer connection behind a mutex, and a pool of
// reader connections. WAL lets the readers run while the writer writes;
// each read is one statement, so it sees one committed snapshot. Created by
// open_sqlite_store, owned by its caller; thread-safe.
class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, std::unique_ptr<Connection> writer)
      : writer_(std::move(writer)),
        readers_(path, kMaxIdleReaders, kBusyTimeoutMs) {}

  Status write(const std::function<Status(Transaction&)>& fn) override;

  Result<std::optional<Event>> next_for_gate(std::string_view gate,
                                             int32_t after) override {
    return read<std::optional<Event>>([&](Connection& reader) {
      return sqlite::select_next_for_gate(reader, gate, after);
    });
  }

  Result<std::optional<Event>> latest(std::string_view ticket) override {
    return read<std::optional<Event>>([&](Connection& reader) {
      return sqlite::select_latest(reader, ticket);
    });
  }

  Result<std::vector<Event>> live_faces(std::string_view after_ticket,
                                        size_t limit) override {
    return read<std::vector<Event>>([&](Connection& reader) {
      return sqlite::select_live_faces(reader, after_ticket, limit);
    });
  }

  Result<int32_t> last_index() override {
    return read<int32_t>(
        [](Connection& reader) { return sqlite::select_last_index(reader); });
  }

  Status check() override;

 private:
  // A transaction still open from an earlier write whose ROLLBACK failed
  // (an I/O error) would make BEGIN fail for ever: retry the rollback.
  Status discard_leftover_transaction() {
    if (!writer_->in_transaction()) return Status::ok();
    return writer_->exec("ROLLBACK", "write: roll back an earlier write");
  }

  // Runs `fn` on a reader connection borrowed for the call.
  template <typename T, typename Fn>
  Result<T> read(Fn&& fn) {
    Result<sqlite::ReaderPool::Lease> lease = readers_.acquire();
    if (!lease.is_ok()) return lease.status();
    return fn(**lease);
  }

  std::mutex writer_mutex_;
  std::unique_ptr<Connection> writer_;  // guarded by writer_mutex_
  sqlite::ReaderPool readers_;
};

Status SqliteStore::write(const std::function<Status(Transaction&)>& fn) {
  std::lock_guard<std::mutex> lock(writer_mutex_);
  Status status = discard_leftover_transaction();
  if (!status.is_ok()) return status;

  // IMMEDIATE takes the write lock now, so no statement inside can fail
  // with SQLITE_BUSY halfway (busy_timeout covers the wait for it here).
  status = writer_->exec("BEGIN IMMEDIATE", "write: begin");
  if (!status.is_ok()) return status;
  RollbackOnExit rollback(*writer_);

  SqliteTransaction transaction(*writer_);
  status = fn(transaction);
  if (status.is_ok()) status = transaction.failure();
  if (!status.is_ok()) return status;

  // synchronous=FULL: the WAL is synced before COMMIT returns.
  return writer_->exec("COMMIT", "write: commit");
}

Status SqliteStore::check() {
  Result<int32_t> last = last_index();
  if (!last.is_ok()) return last.status();

  // Taking and dropping the write lock proves writes can start: the file
  // is writable and no other process holds the lock for long.
  std::lock_guard<std::mutex> lock(writer_mutex_);
  Status status = discard_leftover_transaction();
  if (!status.is_ok()) return status;

  status = writer_->exec("BEGIN IMMEDIATE", "check: begin");
  if (!status.is_ok()) return status;
  return writer_->exec("ROLLBACK", "check: rollback");
}

// The writer's per-connection settings. journal_mode is kept in the file;
// asking for WAL reports the mode really in force (an in-memory database,
// say, cannot use WAL).
Status configure_writer(Connection& writer) {
  Result<std::string> mode =
      writer.query_value("PRAGMA journal_mode = WAL", "open: set WAL mode");
  if (!mode.is_ok()) return mode.status();
  if (*mode != "wal") {
    return Status(ErrorCode::kStorage,
                  "open: journal mode is " + *mode + ", WAL is required");
  }

  // synchronous=FULL syncs the WAL at every commit: an acknowledged
  // write survives a power loss. secure_delete overwrites deleted image
  // bytes in the file instead of leaving them in free pages.
  // journal_size_limit truncates a WAL that a burst of large images grew.
  return writer.exec(
      "PRAGMA synchronous = FULL;"
      "PRAGMA foreign_keys = ON;"
      "PRAGMA secure_delete = ON;"
      "PRAGMA journal_size_limit = 67108864;",
      "open: configure writer");
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path) {
  Result<std::unique_ptr<Connection>> writer =
      Connection::open(path, Connection::Mode::kWriter, kBusyTimeoutMs);
  if (!writer.is_ok()) return writer.status();

  Status status = configure_writer(**writer);
  if (status.is_ok()) status = sqlite::migrate_schema(**writer);
  if (!status.is_ok()) return status;

  auto store = std::make_unique<SqliteStore>(path, std::move(writer).value());
  status = store->check();  // also proves a reader connection opens
  if (!status.is_ok()) return status;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace facesync::store
