#include "store/sqlite/sqlite_store.h"

#include <exception>
#include <mutex>
#include <span>
#include <utility>

#include "store/sqlite/compaction.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/event_queries.h"
#include "store/sqlite/gate_queries.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/high_water.h"
#include "store/sqlite/reader_pool.h"
#include "store/sqlite/route_queries.h"
#include "store/sqlite/schema.h"

namespace facesync::store {

namespace {

using sqlite::Connection;
using sqlite::IndexReservation;

// How long a connection waits for another's lock before failing with
// SQLITE_BUSY. Our own writes are serialised by a mutex, so only another
// process (a backup, an operator's sqlite3 shell) makes anyone wait.
constexpr int kBusyTimeoutMs = 5000;

// How long a checkpoint waits for readers to leave the WAL. Our own reads
// are short transactions; a reader that stays longer (a backup, a shell)
// fails the checkpoint, which maintenance retries, instead of holding up
// every write behind the writer mutex meanwhile.
constexpr int kCheckpointWaitMs = 250;

// Reader connections kept open between reads.
constexpr size_t kMaxIdleReaders = 8;

// The most writes committed in one transaction: enough to share a sync
// many ways, few enough that a batch of the largest images (2 MiB each)
// grows the WAL by a bounded amount before its commit.
constexpr size_t kMaxBatchWrites = 64;

// Whether a write's commit is synced before write() returns.
enum class Durability {
  kSynced,  // synchronous=FULL: survives a power loss once committed
  kLazy,    // synchronous=NORMAL: synced by a later write or checkpoint
};

// A live event that reaches a gate only as a removal, as the gate gets it.
Event as_removal(Event event) {
  if (is_live(event.kind)) event.source_gate.clear();
  event.kind = EventKind::kRemoved;
  event.image.clear();
  event.image_sha256.clear();
  event.sites.clear();
  return event;
}

// The Transaction handed to Store::write's function, and the body of the
// store's own writes. Lives on the stack of a write, on the writer's
// thread, while the writer mutex is held.
//
// It remembers its first failure: the write then rolls back even when the
// function ignored the failure and returned ok, and every later operation
// fails, since SQLite may already have rolled the transaction back (after
// SQLITE_FULL, say) and a statement run now would commit on its own.
class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(Connection& writer, IndexReservation& reservation)
      : writer_(writer), reservation_(reservation) {}

  Result<std::optional<Event>> latest(std::string_view ticket) override {
    if (Status status = usable(); !status.is_ok()) return status;
    return keep(sqlite::select_latest(writer_, ticket));
  }

  Result<int32_t> append(const Event& event) override {
    if (Status status = usable(); !status.is_ok()) return status;
    return keep(append_routed(event));
  }

  Status erase_before(std::string_view ticket, int32_t index) override {
    if (Status status = usable(); !status.is_ok()) return status;
    return keep(sqlite::erase_ticket_before(writer_, ticket, index));
  }

  Status raise_index_floor(int32_t index) override {
    if (Status status = usable(); !status.is_ok()) return status;
    Status status = sqlite::raise_last_index(writer_, index);
    if (status.is_ok() && index > 0) status = reservation_.cover(index);
    return keep(status);
  }

  Status put_gate(const GateRecord& gate) override {
    if (Status status = usable(); !status.is_ok()) return status;
    return keep(sqlite::upsert_gate(writer_, gate));
  }

  Result<bool> delete_gate(std::string_view gatenum) override {
    if (Status status = usable(); !status.is_ok()) return status;
    return keep(sqlite::delete_gate(writer_, gatenum));
  }

  // The store's own writes, which the interface keeps off Transaction.
  Result<TombstoneSweep> collect_tombstones(int32_t below, size_t limit) {
    if (Status status = usable(); !status.is_ok()) return status;
    return keep(sqlite::collect_removals(writer_, below, limit));
  }

  Status save_progress(const std::vector<GateRecord>& gates) {
    for (const GateRecord& gate : gates) {
      if (Status status = usable(); !status.is_ok()) return status;
      Status status = keep(sqlite::update_progress(writer_, gate));
      if (!status.is_ok()) return status;
    }
    return Status::ok();
  }

  // Raises the index counter to the high-water file's value (at open).
  Status adopt_high_water() {
    Result<int32_t> recorded = reservation_.recorded();
    if (!recorded.is_ok()) return keep(recorded.status());
    return keep(sqlite::raise_last_index(writer_, *recorded));
  }

  const Status& failure() const { return failure_; }

 private:
  // The event row, then the high-water file (before the commit that makes
  // the index visible), then the routes.
  Result<int32_t> append_routed(const Event& event) {
    Result<std::vector<std::string>> sites =
        sqlite::normalize_sites(event.sites);
    if (!sites.is_ok()) return sites.status();

    Result<int32_t> index = sqlite::insert_event(writer_, event, *sites);
    if (!index.is_ok()) return index;
    Status status = reservation_.cover(*index);
    if (status.is_ok())
      status = sqlite::route_event(writer_, event, *sites, *index);
    if (!status.is_ok()) return status;
    return index;
  }

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
  IndexReservation& reservation_;
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

// Lowers the writer's synchronous setting for a batch of lazy writes and
// restores FULL when the batch ends. The setting is per connection and
// applies at COMMIT. Lives on the stack of a batch, under the writer
// mutex, which keeps other writes out meanwhile.
class LazySyncScope {
 public:
  LazySyncScope(Connection& writer, Durability durability)
      : writer_(durability == Durability::kLazy ? &writer : nullptr) {}
  ~LazySyncScope() {
    if (writer_ != nullptr) {
      writer_->run_cached("PRAGMA synchronous = FULL", "write: sync again");
    }
  }
  LazySyncScope(const LazySyncScope&) = delete;
  LazySyncScope& operator=(const LazySyncScope&) = delete;

  Status begin() {
    if (writer_ == nullptr) return Status::ok();
    return writer_->run_cached("PRAGMA synchronous = NORMAL",
                               "write: lazy sync");
  }

 private:
  Connection* writer_;
};

// Holds one read transaction on a reader for the length of one Store
// read, so that all its statements read the same committed snapshot (a
// next_for_gate that saw two snapshots could pass over an event committed
// between them). Ends it when it goes away. Lives on the stack of a read,
// on the thread that holds the reader's lease.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Connection& reader) : reader_(reader) {}
  ~ReadSnapshot() {
    if (reader_.in_transaction()) {
      reader_.run_cached("COMMIT", "read: end");
    }
    if (reader_.in_transaction()) reader_.exec("ROLLBACK", "read: end");
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

  Status begin() {
    if (reader_.in_transaction()) reader_.exec("ROLLBACK", "read: reset");
    return reader_.run_cached("BEGIN", "read: begin");
  }

 private:
  Connection& reader_;
};

// One call of write_with waiting for its batch. Lives on the caller's stack
// until the batch is finished; the leader that runs the batch fills in
// status and thrown, under the writer mutex.
struct PendingWrite {
  Durability durability;
  const std::function<Status(SqliteTransaction&)>* fn;
  Status status;              // the write's outcome, commit included
  std::exception_ptr thrown;  // what fn threw, rethrown to its caller

  // Whether its changes stay in the batch's transaction.
  bool kept() const { return status.is_ok() && !thrown; }
};

// The SQLite Store: one writer connection behind a mutex, and a pool of
// reader connections. WAL lets the readers run while the writer writes;
// each read runs in one read transaction, so it sees one committed
// snapshot. Created by open_sqlite_store, owned by its caller; thread-safe.
//
// Group commit: write() calls made at the same time share one transaction,
// and so one sync of the WAL. They queue in a GroupCommit; the caller at
// the front leads (a leader/follower scheme, not a writer thread: a lone
// write runs on its own thread with no hand-off, as before) and runs up to
// kMaxBatchWrites queued writes in one BEGIN IMMEDIATE ... COMMIT, each
// function in a SAVEPOINT of its own, one after the other: each sees the
// changes of those before it, and one that fails or throws rolls back to
// its savepoint and gets its own error while the others commit. Every
// caller returns after the shared COMMIT, with the COMMIT's failure if it
// failed. When SQLite loses the whole transaction halfway (SQLITE_FULL
// can roll it back), the writes run in it so far fail and the rest go
// into the next batch. A batch of lazy writes only commits with
// synchronous=NORMAL; one synced write makes the whole batch synced.
class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, std::unique_ptr<Connection> writer,
              const SqliteOptions& options)
      : writer_(std::move(writer)),
        readers_(path, kMaxIdleReaders, kBusyTimeoutMs,
                 options.reader_mmap_bytes),
        reservation_(path + ".highwater"),
        group_(kMaxBatchWrites, [this](std::span<PendingWrite* const> batch) {
          return run_batch(batch);
        }) {}

  // A clean close records the exact last index in the high-water file.
  ~SqliteStore() override { settle_high_water(); }

  Status write(const std::function<Status(Transaction&)>& fn) override {
    return write_with(Durability::kSynced,
                      [&](SqliteTransaction& tx) { return fn(tx); });
  }

  Result<std::optional<Event>> next_for_gate(const GateView& gate,
                                             int32_t after) override {
    return read<std::optional<Event>>([&](Connection& reader) {
      return read_next_for_gate(reader, gate, after);
    });
  }

  Result<int64_t> count_for_gate(const GateView& gate, int32_t after) override {
    return read<int64_t>([&](Connection& reader) {
      return sqlite::count_deliveries(reader, gate, after);
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

  Result<std::vector<Event>> expired_faces(int32_t today,
                                           size_t limit) override {
    return read<std::vector<Event>>([&](Connection& reader) {
      return sqlite::select_expired_faces(reader, today, limit);
    });
  }

  Result<TombstoneSweep> collect_tombstones(int32_t below,
                                            size_t limit) override;

  Result<std::vector<GateRecord>> gates() override {
    return read<std::vector<GateRecord>>(
        [](Connection& reader) { return sqlite::select_gates(reader); });
  }

  // Lazy: progress is advisory (see Store::save_progress); the next synced
  // write or checkpoint makes it durable.
  Status save_progress(const std::vector<GateRecord>& gates) override {
    return write_with(Durability::kLazy, [&](SqliteTransaction& tx) {
      return tx.save_progress(gates);
    });
  }

  Result<int32_t> last_index() override {
    return read<int32_t>(
        [](Connection& reader) { return sqlite::select_last_index(reader); });
  }

  Status checkpoint() override;

  Status check() override;

  size_t queued_writes() const { return group_.queued(); }

  // At open: later appends go above the high-water file's value.
  Status adopt_high_water() {
    return write_with(Durability::kSynced, [](SqliteTransaction& tx) {
      return tx.adopt_high_water();
    });
  }

 private:
  // Queues `fn` for the next batch and returns its outcome once the batch
  // is committed; rethrows what `fn` threw, after rolling its changes back.
  Status write_with(Durability durability,
                    const std::function<Status(SqliteTransaction&)>& fn);

  // GroupCommit's runner: runs `batch` in one transaction and returns how
  // many of its writes are finished (all, unless the transaction was lost).
  size_t run_batch(std::span<PendingWrite* const> batch);

  // Runs one write in a savepoint of the batch's transaction. Fails when
  // the transaction is lost, with this write's changes and the others'.
  Status run_in_savepoint(PendingWrite& write);

  static Result<std::optional<Event>> read_next_for_gate(Connection& reader,
                                                         const GateView& gate,
                                                         int32_t after);

  void settle_high_water();

  // A transaction still open from an earlier write whose ROLLBACK failed
  // (an I/O error) would make BEGIN fail for ever: retry the rollback.
  Status discard_leftover_transaction() {
    if (!writer_->in_transaction()) return Status::ok();
    return writer_->exec("ROLLBACK", "write: roll back an earlier write");
  }

  // Runs `fn` on a reader connection borrowed for the call, in one read
  // transaction.
  template <typename T, typename Fn>
  Result<T> read(Fn&& fn) {
    Result<sqlite::ReaderPool::Lease> lease = readers_.acquire();
    if (!lease.is_ok()) return lease.status();

    ReadSnapshot snapshot(**lease);
    Status status = snapshot.begin();
    if (!status.is_ok()) return status;
    return fn(**lease);
  }

  std::mutex writer_mutex_;
  std::unique_ptr<Connection> writer_;  // guarded by writer_mutex_
  sqlite::ReaderPool readers_;
  IndexReservation reservation_;             // guarded by writer_mutex_
  sqlite::GroupCommit<PendingWrite> group_;  // thread-safe; runs run_batch
};

// The durability a batch needs: synced when any of its writes is.
Durability durability_of(std::span<PendingWrite* const> batch) {
  for (const PendingWrite* write : batch) {
    if (write->durability == Durability::kSynced) return Durability::kSynced;
  }
  return Durability::kLazy;
}

// Gives `failure` to the writes of `batch` that were to commit, and
// returns how many writes that finishes: all of `batch`.
size_t fail_kept(std::span<PendingWrite* const> batch, const Status& failure) {
  for (PendingWrite* write : batch) {
    if (write->kept()) write->status = failure;
  }
  return batch.size();
}

// The failure of the writes of a batch whose transaction SQLite ended
// (rolled back) while it ran `write`.
Status lost_under(const PendingWrite& write) {
  std::string why = "it ended while a write ran";
  if (!write.status.is_ok()) why = write.status.detail();
  return Status(
      ErrorCode::kStorage,
      "write: the transaction of this write and others was lost: " + why);
}

// Runs the write's function, keeping for its caller what it throws.
void call(PendingWrite& write, SqliteTransaction& transaction) {
  try {
    write.status = (*write.fn)(transaction);
  } catch (...) {
    write.thrown = std::current_exception();
  }
}

Status SqliteStore::write_with(
    Durability durability,
    const std::function<Status(SqliteTransaction&)>& fn) {
  PendingWrite write{durability, &fn, Status::ok(), nullptr};
  group_.submit(write);
  if (write.thrown) std::rethrow_exception(write.thrown);
  return write.status;
}

size_t SqliteStore::run_batch(std::span<PendingWrite* const> batch) {
  std::lock_guard<std::mutex> lock(writer_mutex_);
  Status status = discard_leftover_transaction();
  LazySyncScope sync(*writer_, durability_of(batch));
  if (status.is_ok()) status = sync.begin();

  // IMMEDIATE takes the write lock now, so no statement inside can fail
  // with SQLITE_BUSY halfway (busy_timeout covers the wait for it here).
  // Holding it, no other store can rewrite the high-water file, so what
  // was cached of it is current again only once re-read.
  if (status.is_ok()) status = writer_->exec("BEGIN IMMEDIATE", "write: begin");
  if (!status.is_ok()) return fail_kept(batch, status);
  RollbackOnExit rollback(*writer_);
  reservation_.forget();

  size_t kept = 0;
  for (size_t ran = 0; ran < batch.size();) {
    PendingWrite& write = *batch[ran++];
    status = run_in_savepoint(write);
    if (!status.is_ok()) {
      // Lost with the transaction: the writes run so far. The rest wait.
      return fail_kept(batch.first(ran), status);
    }
    if (write.kept()) ++kept;
  }
  if (kept == 0) return batch.size();  // nothing to commit: roll back

  // synchronous=FULL: the WAL is synced before COMMIT returns.
  status = writer_->exec("COMMIT", "write: commit");
  if (!status.is_ok()) return fail_kept(batch, status);
  return batch.size();
}

Status SqliteStore::run_in_savepoint(PendingWrite& write) {
  Status status =
      writer_->run_cached("SAVEPOINT one_write", "write: savepoint");
  if (!status.is_ok()) return status;

  // The transaction remembers a failure the function ignored.
  SqliteTransaction transaction(*writer_, reservation_);
  call(write, transaction);
  if (write.kept()) write.status = transaction.failure();
  if (!writer_->in_transaction()) return lost_under(write);

  // A failed write's changes go; the savepoint goes either way.
  if (!write.kept()) {
    status = writer_->run_cached("ROLLBACK TO one_write",
                                 "write: roll back one write");
    if (!status.is_ok()) return status;
  }
  return writer_->run_cached("RELEASE one_write", "write: release");
}

Result<std::optional<Event>> SqliteStore::read_next_for_gate(
    Connection& reader, const GateView& gate, int32_t after) {
  Result<std::optional<sqlite::Delivery>> delivery =
      sqlite::select_next_delivery(reader, gate, after);
  if (!delivery.is_ok()) return delivery.status();
  if (!delivery->has_value()) return std::optional<Event>();
  const sqlite::Delivery& next = **delivery;

  Result<std::optional<Event>> event =
      sqlite::select_event(reader, next.index, !next.as_removal);
  if (!event.is_ok()) return event;
  if (!event->has_value()) {
    return Status(ErrorCode::kStorage, "next_for_gate: event " +
                                           std::to_string(next.index) +
                                           " is routed but missing");
  }
  if (next.as_removal) return std::optional<Event>(as_removal(**event));

  Result<std::vector<std::string>> sites =
      sqlite::select_sites(reader, next.index);
  if (!sites.is_ok()) return sites.status();
  (*event)->sites = std::move(sites).value();
  return event;
}

Result<TombstoneSweep> SqliteStore::collect_tombstones(int32_t below,
                                                       size_t limit) {
  TombstoneSweep sweep;
  Status status = write_with(Durability::kSynced, [&](SqliteTransaction& tx) {
    Result<TombstoneSweep> done = tx.collect_tombstones(below, limit);
    if (!done.is_ok()) return done.status();
    sweep = *done;
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  return sweep;
}

Status SqliteStore::checkpoint() {
  std::lock_guard<std::mutex> lock(writer_mutex_);
  Status status = discard_leftover_transaction();
  if (!status.is_ok()) return status;

  // One row: busy (1 when a reader or writer kept it from finishing), the
  // WAL's frames, the frames moved.
  const char* operation = "checkpoint";
  Result<sqlite::Query> query =
      writer_->query("PRAGMA wal_checkpoint(TRUNCATE)", operation);
  if (!query.is_ok()) return query.status();
  writer_->set_busy_timeout(kCheckpointWaitMs);
  const int rc = query->step();
  writer_->set_busy_timeout(kBusyTimeoutMs);
  if (rc != SQLITE_ROW) return query->error(rc, operation);
  if (query->column_int(0) != 0) {
    return Status(ErrorCode::kStorage,
                  "checkpoint: could not complete, the database is busy");
  }
  return Status::ok();
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

void SqliteStore::settle_high_water() {
  // Under the write lock, so no other store issues an index meanwhile. A
  // failure leaves the reserved value in the file, which is safe.
  std::lock_guard<std::mutex> lock(writer_mutex_);
  if (!discard_leftover_transaction().is_ok()) return;
  if (!writer_->exec("BEGIN IMMEDIATE", "close: begin").is_ok()) return;

  Result<int32_t> last = sqlite::select_last_index(*writer_);
  if (last.is_ok()) reservation_.settle(*last);
  writer_->exec("ROLLBACK", "close: rollback");
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

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 SqliteOptions options) {
  Result<std::unique_ptr<Connection>> writer =
      Connection::open(path, Connection::Mode::kWriter, kBusyTimeoutMs);
  if (!writer.is_ok()) return writer.status();

  Status status = configure_writer(**writer);
  if (status.is_ok()) status = sqlite::migrate_schema(**writer);
  if (!status.is_ok()) return status;

  auto store =
      std::make_unique<SqliteStore>(path, std::move(writer).value(), options);
  status = store->adopt_high_water();
  if (status.is_ok()) status = store->check();  // also opens a reader
  if (!status.is_ok()) return status;
  return std::unique_ptr<Store>(std::move(store));
}

size_t sqlite_queued_writes(Store& store) {
  auto* sqlite = dynamic_cast<SqliteStore*>(&store);
  return sqlite == nullptr ? 0 : sqlite->queued_writes();
}

}  // namespace facesync::store
