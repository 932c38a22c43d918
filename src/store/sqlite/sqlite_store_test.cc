// Runs the Store conformance suite on SQLite, and tests what only the SQLite
// back end promises: its file layout, schema version, durability settings
// and how it fails.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <latch>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "base/temp_dir.h"
#include "store/store_test_helpers.h"
#include "store/store_test_suite.h"

namespace facesync::store {
namespace {

constexpr char kFileName[] = "facesync.db";

INSTANTIATE_TEST_SUITE_P(
    Sqlite, StoreConformanceTest,
    ::testing::Values(StoreBackend{"Sqlite",
                                   [](const std::filesystem::path& dir) {
                                     return open_sqlite_store(
                                         (dir / kFileName).string());
                                   }}),
    [](const ::testing::TestParamInfo<StoreBackend>& info) {
      return info.param.name;
    });

// A second, plain connection to the database file, to look behind the
// store's back (or to change things there). One test owns it.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << sql << ": " << (error ? error : "");
    sqlite3_free(error);
  }

  // The first column of the first row as text, "" when there is no row.
  std::string value(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr),
              SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(db_);
    std::string text;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* column = sqlite3_column_text(stmt, 0);
      if (column != nullptr) text = reinterpret_cast<const char*>(column);
    }
    sqlite3_finalize(stmt);
    return text;
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void open() {
    store_.reset();
    Result<std::unique_ptr<Store>> opened = open_sqlite_store(path_);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
  }

  Result<int32_t> append(const std::string& ticket, const std::string& image,
                         EventKind kind = EventKind::kNew) {
    return append_to(*store_, ticket, image, kind);
  }

  static Result<int32_t> append_to(Store& store, const std::string& ticket,
                                   const std::string& image,
                                   EventKind kind = EventKind::kNew) {
    Event event;
    event.kind = kind;
    event.ticket_code = ticket;
    event.image = image;
    event.valid_from = 20260101;
    event.valid_until = 20261231;
    int32_t index = 0;
    Status status = store.write([&](Transaction& tx) {
      Result<int32_t> appended = tx.append(event);
      if (appended.is_ok()) index = *appended;
      return appended.is_ok() ? Status::ok() : appended.status();
    });
    if (!status.is_ok()) return status;
    return index;
  }

  TempDir dir_;
  const std::string path_ = dir_.file(kFileName);
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, UsesWalAndRecordsTheSchemaVersion) {
  RawDb raw(path_);

  EXPECT_EQ(raw.value("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.value("PRAGMA user_version"), "2");
  EXPECT_EQ(raw.value("SELECT count(*) FROM sqlite_master WHERE name IN"
                      " ('events', 'images', 'events_by_ticket')"),
            "3");
}

TEST_F(SqliteStoreTest, KeepsImagesApartAndDeletesThemWithTheirEvent) {
  ASSERT_TRUE(append("T1", "first image").is_ok());
  Result<int32_t> second = append("T1", "second image");
  ASSERT_TRUE(second.is_ok());
  ASSERT_TRUE(append("T2", "", EventKind::kRemoved).is_ok());
  RawDb raw(path_);
  EXPECT_EQ(raw.value("SELECT count(*) FROM images"), "2");
  EXPECT_EQ(raw.value("SELECT count(*) FROM events WHERE"
                      " source_gate IS NULL AND ticketcode = 'T2'"
                      " AND image_sha256 IS NULL"),
            "1");

  Status erased = store_->write(
      [&](Transaction& tx) { return tx.erase_before("T1", *second); });

  ASSERT_TRUE(erased.is_ok()) << erased.to_string();
  EXPECT_EQ(raw.value("SELECT count(*) FROM images"), "1");
  EXPECT_EQ(raw.value("SELECT bytes FROM images"), "second image");
}

TEST_F(SqliteStoreTest, ErasedImageBytesDoNotLingerInTheFile) {
  std::string secret;
  for (int i = 0; i < 2000; ++i)
    secret += "face-" + std::to_string(i) + ";";
  ASSERT_TRUE(append("T1", secret).is_ok());
  Result<int32_t> newer = append("T1", "another image");
  ASSERT_TRUE(newer.is_ok());
  Status erased = store_->write(
      [&](Transaction& tx) { return tx.erase_before("T1", *newer); });
  ASSERT_TRUE(erased.is_ok()) << erased.to_string();
  store_.reset();  // checkpoints the WAL into the file and removes it

  std::ifstream file(path_, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)),
                          std::istreambuf_iterator<char>());

  ASSERT_GT(bytes.size(), 0u);
  EXPECT_EQ(bytes.find("face-1000;face-1001;"), std::string::npos);
  EXPECT_NE(bytes.find("another image"), std::string::npos);
}

TEST_F(SqliteStoreTest, RefusesADatabaseWithoutWal) {
  Result<std::unique_ptr<Store>> opened = open_sqlite_store(":memory:");

  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kStorage);
  EXPECT_NE(opened.status().detail().find("WAL"), std::string::npos);
}

TEST_F(SqliteStoreTest, FailsWhenRecordIndexesAreExhausted) {
  ASSERT_TRUE(append("T1", "image").is_ok());
  RawDb(path_).exec(
      "UPDATE sqlite_sequence SET seq = 2147483646 WHERE name = 'events'");

  Result<int32_t> last = append("T2", "image");
  Result<int32_t> over = append("T3", "image");

  ASSERT_TRUE(last.is_ok()) << last.status().to_string();
  EXPECT_EQ(*last, 2147483647);
  ASSERT_FALSE(over.is_ok());
  EXPECT_EQ(over.status().code(), ErrorCode::kStorage);
  EXPECT_NE(over.status().detail().find("exhausted"), std::string::npos);
  EXPECT_EQ(*store_->last_index(), 2147483647);
  Result<std::optional<Event>> t3 = store_->latest("T3");
  ASSERT_TRUE(t3.is_ok());
  EXPECT_FALSE(t3->has_value());
}

TEST_F(SqliteStoreTest, FailureInsideTheCallbackRollsBackEvenIfIgnored) {
  ASSERT_TRUE(append("T1", "image").is_ok());
  RawDb(path_).exec(
      "UPDATE sqlite_sequence SET seq = 2147483647 WHERE name = 'events'");

  // The callback ignores the failed append and asks to commit.
  Status status = store_->write([&](Transaction& tx) {
    Event event;
    event.ticket_code = "T2";
    event.image = "image";
    EXPECT_FALSE(tx.append(event).is_ok());
    EXPECT_FALSE(tx.latest("T1").is_ok());  // the transaction is spent
    return Status::ok();
  });

  EXPECT_EQ(status.code(), ErrorCode::kStorage);
  RawDb raw(path_);
  EXPECT_EQ(raw.value("SELECT count(*) FROM events"), "1");
  EXPECT_EQ(raw.value("SELECT count(*) FROM images"), "1");
}

TEST_F(SqliteStoreTest, RefusesASchemaNewerThanThisBuild) {
  store_.reset();
  RawDb(path_).exec("PRAGMA user_version = 99");

  Result<std::unique_ptr<Store>> opened = open_sqlite_store(path_);

  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kStorage);
  EXPECT_NE(opened.status().detail().find("99"), std::string::npos);
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  const std::string path = dir_.file("garbage.db");
  std::ofstream(path) << std::string(8192, 'x');

  Result<std::unique_ptr<Store>> opened = open_sqlite_store(path);

  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kStorage);
  EXPECT_NE(opened.status().detail().find("not a database"), std::string::npos)
      << opened.status().detail();
}

TEST_F(SqliteStoreTest, FailsToOpenInAMissingDirectory) {
  Result<std::unique_ptr<Store>> opened =
      open_sqlite_store(dir_.file("no/such/dir/facesync.db"));

  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kStorage);
  EXPECT_NE(opened.status().detail().find("open"), std::string::npos);
}

TEST_F(SqliteStoreTest, ReportsCorruptionAsStorageFailure) {
  ASSERT_TRUE(append("T1", "image").is_ok());
  long root_page = 0;
  long page_size = 0;
  {
    RawDb raw(path_);
    root_page = std::stol(
        raw.value("SELECT rootpage FROM sqlite_master WHERE name = 'events'"));
    page_size = std::stol(raw.value("PRAGMA page_size"));
  }
  store_.reset();  // the last connection checkpoints the WAL into the file

  // Overwrite the events table's root page with garbage.
  {
    std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp((root_page - 1) * page_size);
    file << std::string(page_size, '\x7F');
  }
  Result<std::unique_ptr<Store>> opened = open_sqlite_store(path_);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();

  Result<std::optional<Event>> read =
      (*opened)->next_for_gate(GateView{"g1", "", 0}, 0);

  ASSERT_FALSE(read.is_ok());
  EXPECT_EQ(read.status().code(), ErrorCode::kStorage);
  EXPECT_NE(read.status().detail().find("next_for_gate"), std::string::npos);
  EXPECT_NE(read.status().detail().find("malformed"), std::string::npos)
      << read.status().detail();
}

// Restores the file size limit and SIGXFSZ when a test ends.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = signal(SIGXFSZ, SIG_IGN);  // fail with EFBIG instead
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  sighandler_t old_handler_;
};

TEST_F(SqliteStoreTest, AFullDiskFailsTheWriteAndLeavesTheStoreUsable) {
  Result<int32_t> before = append("T1", "small image");
  ASSERT_TRUE(before.is_ok());

  Result<int32_t> failed = Status(ErrorCode::kUnavailable, "not run");
  {
    FileSizeLimit limit(1 << 20);
    failed = append("T2", std::string(3 << 20, 'x'));
  }

  ASSERT_FALSE(failed.is_ok());
  EXPECT_EQ(failed.status().code(), ErrorCode::kStorage);
  EXPECT_NE(failed.status().detail().find("append"), std::string::npos)
      << failed.status().detail();

  Result<std::optional<Event>> t2 = store_->latest("T2");
  ASSERT_TRUE(t2.is_ok());
  EXPECT_FALSE(t2->has_value());
  Result<int32_t> after = append("T3", "small image");
  ASSERT_TRUE(after.is_ok()) << after.status().to_string();
  EXPECT_GT(*after, *before);
  EXPECT_TRUE(store_->check().is_ok());
  EXPECT_EQ(RawDb(path_).value("PRAGMA integrity_check"), "ok");
}

// The layout of schema version 1 as released, to make the files that
// version wrote. Kept here, apart from schema.cc, so that a change to the
// released migration shows up as a failing test.
constexpr char kVersion1Sql[] = R"sql(
  CREATE TABLE events (
    recordindex INTEGER PRIMARY KEY AUTOINCREMENT,
    kind INTEGER NOT NULL CHECK (kind IN (1, 2, 3)),
    ticketcode TEXT NOT NULL,
    source_gate TEXT CHECK (source_gate <> ''),
    valid_from INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    template_info INTEGER NOT NULL CHECK (template_info BETWEEN 0 AND 255),
    image_sha256 BLOB CHECK (length(image_sha256) = 32)
  ) STRICT;
  CREATE INDEX events_by_ticket ON events (ticketcode);
  CREATE TABLE images (
    recordindex INTEGER PRIMARY KEY
      REFERENCES events (recordindex) ON DELETE CASCADE,
    bytes BLOB NOT NULL
  ) STRICT;
  PRAGMA user_version = 1;
)sql";

// Adds an event to a version 1 file as version 1 did. kind 3 has no image.
void add_v1_event(RawDb& raw, int index, int kind, const std::string& ticket,
                  const std::string& gate) {
  const std::string source = gate.empty() ? "NULL" : "'" + gate + "'";
  const std::string digest = kind == 3 ? "NULL" : "zeroblob(32)";
  raw.exec("INSERT INTO events VALUES (" + std::to_string(index) + ", " +
           std::to_string(kind) + ", '" + ticket + "', " + source +
           ", 20260101, 20261231, 7, " + digest + ")");
  if (kind != 3) {
    raw.exec("INSERT INTO images VALUES (" + std::to_string(index) +
             ", CAST('image of " + ticket + "' AS BLOB))");
  }
}

TEST_F(SqliteStoreTest, MigratesAVersion1FileAndRoutesItsEventsToEveryGate) {
  store_.reset();
  const std::string path = dir_.file("v1.db");
  {
    RawDb raw(path);
    raw.exec("PRAGMA journal_mode = WAL");
    raw.exec(kVersion1Sql);
    add_v1_event(raw, 1, 1, "T1", "g1");
    add_v1_event(raw, 2, 1, "T2", "g1");
    add_v1_event(raw, 5, 2, "T3", "g2");  // 3 and 4 were compacted away
    add_v1_event(raw, 6, 1, "T4", "g1");
    add_v1_event(raw, 7, 3, "T5", "");
    add_v1_event(raw, 8, 1, "T6", "");
    add_v1_event(raw, 9, 1, "T7", "g1");
    raw.exec("UPDATE sqlite_sequence SET seq = 12 WHERE name = 'events'");
  }

  Result<std::unique_ptr<Store>> opened = open_sqlite_store(path);

  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  Store& store = **opened;
  using test_helpers::walk;
  EXPECT_EQ(walk(store, GateView{"g1", "", 0}),
            (std::vector<int32_t>{5, 7, 8}));
  EXPECT_EQ(walk(store, GateView{"g1", "A", 6}),
            (std::vector<int32_t>{1, 2, 5, 6, 7, 8}));
  EXPECT_EQ(walk(store, GateView{"g2", "A", 0}),
            (std::vector<int32_t>{1, 2, 6, 7, 8, 9}));
  EXPECT_EQ(test_helpers::count_for_gate(store, GateView{"g1", "", 0}), 3);
  std::optional<Event> first =
      test_helpers::next_for_gate(store, GateView{"g2", "", 0}, 0);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->image, "image of T1");
  EXPECT_EQ(first->kind, EventKind::kNew);
  EXPECT_EQ(*store.last_index(), 12);

  // Runs of one gate's faces: g1's 1-2, g2's 5, g1's 6 and 9 (the removal
  // 7 and the gateless face 8 lie between them, in no run).
  RawDb raw(path);
  EXPECT_EQ(raw.value("PRAGMA user_version"), "2");
  EXPECT_EQ(raw.value("SELECT group_concat(first_index || '-' || last_index)"
                      " FROM (SELECT * FROM runs ORDER BY first_index)"),
            "1-2,5-5,6-6,9-9");
  EXPECT_EQ(raw.value("SELECT count(*) FROM ticket_audiences"
                      " WHERE audience = ''"),
            "7");

  // The old tickets were routed to every gate: moving one to site A
  // sends every other gate a removal.
  const int32_t moved = test_helpers::append_compacting(
      store, test_helpers::for_sites(test_helpers::face("T6", ""), {"A"}));
  EXPECT_EQ(moved, 13);
  EXPECT_EQ(store.next_for_gate(GateView{"g3", "B", 0}, 9)->value().kind,
            EventKind::kRemoved);
  EXPECT_EQ(store.next_for_gate(GateView{"g3", "A", 0}, 9)->value().kind,
            EventKind::kNew);
}

// A plain copy of a closed store's database file (no WAL left beside it).
void copy_file(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to,
                             std::filesystem::copy_options::overwrite_existing);
}

// Puts an older copy back in place of the database, as an operator
// restoring a backup would: without the newer WAL, keeping the high-water
// file.
void restore(const std::string& copy, const std::string& path) {
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  copy_file(copy, path);
}

TEST_F(SqliteStoreTest, ARestoredOlderCopyNeverIssuesAnIndexAgain) {
  for (const char* ticket : {"T1", "T2", "T3"})
    ASSERT_TRUE(append(ticket, "image").is_ok());
  store_.reset();
  copy_file(path_, dir_.file("backup.db"));
  open();
  int32_t newest = 0;
  for (const char* ticket : {"T4", "T5", "T6", "T7"}) {
    Result<int32_t> index = append(ticket, "image");
    ASSERT_TRUE(index.is_ok());
    newest = *index;
  }
  store_.reset();

  restore(dir_.file("backup.db"), path_);
  open();

  EXPECT_EQ(*store_->last_index(), newest);
  Result<int32_t> next = append("T8", "image");
  ASSERT_TRUE(next.is_ok());
  EXPECT_GT(*next, newest);
  Result<std::optional<Event>> t4 = store_->latest("T4");
  ASSERT_TRUE(t4.is_ok());
  EXPECT_FALSE(t4->has_value());  // the copy's content, really restored
}

TEST_F(SqliteStoreTest, AfterACrashTheReservedIndexesAreSkipped) {
  ASSERT_TRUE(append("T1", "image").is_ok());
  store_.reset();
  copy_file(path_, dir_.file("backup.db"));

  // A child process appends and dies without closing the store: the
  // high-water file then holds the block it reserved, not the last index.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Result<std::unique_ptr<Store>> opened = open_sqlite_store(path_);
    if (!opened.is_ok()) _exit(1);
    for (int i = 0; i < 5; ++i) {
      if (!append_to(**opened, "C" + std::to_string(i), "image").is_ok()) {
        _exit(2);
      }
    }
    _exit(0);
  }
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0)
      << "child status " << wait_status;
  const int issued =
      std::stoi(RawDb(path_).value("SELECT max(recordindex) FROM events"));
  EXPECT_EQ(issued, 6);
  std::ifstream high_water(path_ + ".highwater");
  int32_t reserved = 0;
  high_water >> reserved;
  EXPECT_EQ(reserved, 1024);

  restore(dir_.file("backup.db"), path_);
  open();

  Result<int32_t> next = append("T2", "image");
  ASSERT_TRUE(next.is_ok());
  EXPECT_GT(*next, issued);
  EXPECT_EQ(*next, 1025);
}

TEST_F(SqliteStoreTest, ACleanCloseRecordsTheExactLastIndex) {
  for (const char* ticket : {"T1", "T2"})
    ASSERT_TRUE(append(ticket, "image").is_ok());
  store_.reset();

  std::ifstream high_water(path_ + ".highwater");
  std::string text((std::istreambuf_iterator<char>(high_water)),
                   std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "2\n");

  open();
  EXPECT_EQ(*store_->last_index(), 2);  // a restart skips no index
}

TEST_F(SqliteStoreTest, RefusesAHighWaterFileThatHoldsNoIndex) {
  store_.reset();
  std::ofstream(path_ + ".highwater") << "12ab\n";

  Result<std::unique_ptr<Store>> opened = open_sqlite_store(path_);

  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kStorage);
  EXPECT_NE(opened.status().detail().find("high-water"), std::string::npos);
}

// The names of the files in `dir` whose bytes contain `pattern`.
std::vector<std::string> files_containing(const std::filesystem::path& dir,
                                          const std::string& pattern) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream file(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)),
                            std::istreambuf_iterator<char>());
    if (bytes.find(pattern) != std::string::npos) {
      found.push_back(entry.path().filename().string());
    }
  }
  return found;
}

// 64 bytes that occur nowhere else.
std::string unique_pattern(unsigned seed) {
  std::mt19937 random(seed);
  std::string pattern;
  while (pattern.size() < 64)
    pattern += static_cast<char>(random());
  return pattern;
}

TEST_F(SqliteStoreTest, DeletedFacesLeaveNoBytesOnDiskAfterACheckpoint) {
  // One face replaced, one revoked; the second image spans many pages.
  const std::string replaced = unique_pattern(1);
  const std::string revoked = unique_pattern(2);
  std::string large(200000, '\x11');
  large.replace(100000, revoked.size(), revoked);
  ASSERT_TRUE(append("T1", "\xFF\xD8\xFF" + replaced).is_ok());
  ASSERT_TRUE(append("T2", large).is_ok());
  ASSERT_TRUE(store_->checkpoint().is_ok());  // into the database file
  ASSERT_EQ(files_containing(dir_.path(), replaced).size(), 1u);

  Result<int32_t> newer = append("T1", "another image");
  Result<int32_t> gone = append("T2", "", EventKind::kRemoved);
  ASSERT_TRUE(newer.is_ok() && gone.is_ok());
  Status erased = store_->write([&](Transaction& tx) {
    Status status = tx.erase_before("T1", *newer);
    return status.is_ok() ? tx.erase_before("T2", *gone) : status;
  });
  ASSERT_TRUE(erased.is_ok()) << erased.to_string();
  // Until the checkpoint the WAL still holds the pages of the inserts.
  EXPECT_FALSE(files_containing(dir_.path(), replaced).empty());

  Status checkpointed = store_->checkpoint();

  ASSERT_TRUE(checkpointed.is_ok()) << checkpointed.to_string();
  EXPECT_EQ(files_containing(dir_.path(), replaced),
            std::vector<std::string>());
  EXPECT_EQ(files_containing(dir_.path(), revoked), std::vector<std::string>());
  EXPECT_EQ(std::filesystem::file_size(path_ + "-wal"), 0u);
  EXPECT_EQ(files_containing(dir_.path(), "another image").size(), 1u);
}

TEST_F(SqliteStoreTest, CheckpointReportsAReaderThatKeepsItFromFinishing) {
  ASSERT_TRUE(append("T1", "image").is_ok());
  RawDb reader(path_);
  reader.exec("BEGIN; SELECT count(*) FROM events;");  // holds a snapshot
  ASSERT_TRUE(append("T2", "image").is_ok());

  Status status = store_->checkpoint();

  EXPECT_EQ(status.code(), ErrorCode::kStorage);
  EXPECT_NE(status.detail().find("checkpoint"), std::string::npos);
  reader.exec("COMMIT");
  EXPECT_TRUE(store_->checkpoint().is_ok());
}

TEST_F(SqliteStoreTest, CompactionJoinsTheRunsItBringsTogether) {
  using test_helpers::append_compacting;
  using test_helpers::face;
  for (const char* ticket : {"T1", "T2"})
    append_compacting(*store_, face(ticket, "g1"));
  append_compacting(*store_, face("T3", "g2"));
  for (const char* ticket : {"T4", "T5"})
    append_compacting(*store_, face(ticket, "g1"));
  RawDb raw(path_);
  const char* kRuns =
      "SELECT group_concat(first_index || '-' || last_index)"
      " FROM (SELECT * FROM runs ORDER BY first_index)";
  EXPECT_EQ(raw.value(kRuns), "1-2,3-3,4-5");

  append_compacting(*store_, face("T3", "g3"));  // deletes row 3

  EXPECT_EQ(raw.value(kRuns), "1-5,6-6");
  append_compacting(*store_, face("T6", "g3"));
  EXPECT_EQ(raw.value(kRuns), "1-5,6-7");
}

// The number of commits in the WAL beside the database at `path`: the
// frames of the WAL's current generation (those carrying the salts of its
// header) that end a transaction (a non-zero database size in the frame
// header). With synchronous=FULL each commit was one sync.
int wal_commits(const std::string& path) {
  std::ifstream file(path + "-wal", std::ios::binary);
  const std::string wal((std::istreambuf_iterator<char>(file)),
                        std::istreambuf_iterator<char>());
  auto word = [&](size_t at) {
    uint32_t value = 0;
    for (size_t i = 0; i < 4; ++i)
      value = value << 8 | static_cast<unsigned char>(wal[at + i]);
    return value;
  };
  constexpr size_t kWalHeader = 32;
  constexpr size_t kFrameHeader = 24;
  if (wal.size() < kWalHeader) return 0;

  const size_t frame_size = kFrameHeader + word(8);
  int commits = 0;
  for (size_t at = kWalHeader; at + frame_size <= wal.size();
       at += frame_size) {
    if (word(at + 8) != word(16) || word(at + 12) != word(20)) break;
    if (word(at + 4) != 0) ++commits;
  }
  return commits;
}

// A registered gate with no settings but its number.
GateRecord gate_numbered(const std::string& gatenum) {
  GateRecord gate;
  gate.gatenum = gatenum;
  return gate;
}

// What one of many concurrent writes got back.
struct Outcome {
  Status status;
  int32_t index = 0;
  std::string thrown;  // what() of what write() threw; "" when nothing
};

// Counts the commits of many concurrent writes: holds a read transaction
// (taken once the WAL has a commit) so that no checkpoint lets a write
// start the WAL over, and every commit stays in it to be counted.
class CommitCounter {
 public:
  CommitCounter(Store& store, const std::string& path)
      : path_(path), pin_(path) {
    EXPECT_TRUE(store.checkpoint().is_ok());  // a WAL with no frame
    Status put = store.write(
        [](Transaction& tx) { return tx.put_gate(gate_numbered("pin")); });
    EXPECT_TRUE(put.is_ok()) << put.to_string();
    pin_.exec("BEGIN; SELECT count(*) FROM events;");
    before_ = wal_commits(path_);
    EXPECT_EQ(before_, 1);
  }
  ~CommitCounter() {
    if (pinned_) pin_.exec("COMMIT");
  }
  CommitCounter(const CommitCounter&) = delete;
  CommitCounter& operator=(const CommitCounter&) = delete;

  // The commits since the counter was made. Ends the read transaction.
  int finish() {
    const int commits = wal_commits(path_) - before_;
    pin_.exec("COMMIT");
    pinned_ = false;
    return commits;
  }

 private:
  std::string path_;
  RawDb pin_;
  int before_ = 0;
  bool pinned_ = true;
};

// Runs write(thread, i) for i in 0..writes_each-1 on each of `threads`
// threads, all started together, and returns the outcomes, thread by
// thread.
std::vector<Outcome> write_concurrently(
    int threads, int writes_each,
    const std::function<Outcome(int thread, int i)>& write) {
  std::vector<Outcome> outcomes(threads * writes_each);
  std::latch start(threads);
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < writes_each; ++i)
        outcomes[t * writes_each + i] = write(t, i);
    });
  }
  for (std::thread& thread : running)
    thread.join();
  return outcomes;
}

std::string ticket_of(int thread, int i) {
  return "T" + std::to_string(thread) + "-" + std::to_string(i);
}

// Appends a face for `ticket`; `then` decides what the function returns
// after the append (and may throw).
Outcome append_then(Store& store, const std::string& ticket,
                    const std::function<Status()>& then) {
  Outcome outcome;
  Event event = test_helpers::face(ticket, "g1");
  try {
    outcome.status = store.write([&](Transaction& tx) {
      Result<int32_t> index = tx.append(event);
      if (!index.is_ok()) return index.status();
      outcome.index = *index;
      return then();
    });
  } catch (const std::exception& error) {
    outcome.thrown = error.what();
  }
  return outcome;
}

constexpr int kThreads = 16;
constexpr int kWritesEach = 16;
constexpr int kWrites = kThreads * kWritesEach;

// Checks that write i of thread t is in `store` exactly when it was not
// `lost`.
void expect_kept_unless_lost(Store& store,
                             const std::function<bool(int, int)>& lost) {
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kWritesEach; ++i) {
      Result<std::optional<Event>> face = store.latest(ticket_of(t, i));
      ASSERT_TRUE(face.is_ok());
      EXPECT_EQ(face->has_value(), !lost(t, i)) << ticket_of(t, i);
    }
  }
}

TEST_F(SqliteStoreTest, ConcurrentWritesAllCommitAndShareSyncs) {
  CommitCounter counter(*store_, path_);

  std::vector<Outcome> outcomes =
      write_concurrently(kThreads, kWritesEach, [&](int thread, int i) {
        return append_then(*store_, ticket_of(thread, i), Status::ok);
      });
  const int commits = counter.finish();

  std::set<int32_t> indexes;
  for (const Outcome& outcome : outcomes) {
    ASSERT_TRUE(outcome.status.is_ok()) << outcome.status.to_string();
    indexes.insert(outcome.index);
  }
  EXPECT_EQ(indexes.size(), size_t{kWrites});
  EXPECT_GE(commits, 1);
  EXPECT_LT(commits, kWrites);  // some writes shared a commit

  open();  // after a reopen every acknowledged write is there
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kWritesEach; ++i) {
      Result<std::optional<Event>> face = store_->latest(ticket_of(t, i));
      ASSERT_TRUE(face.is_ok() && face->has_value()) << ticket_of(t, i);
      EXPECT_EQ((*face)->index, outcomes[t * kWritesEach + i].index);
    }
  }
  EXPECT_EQ(*store_->last_index(), *indexes.rbegin());
}

// Every fourth write fails after its append, with an error of its own.
TEST_F(SqliteStoreTest, AFailingWriteAmongConcurrentOnesLosesOnlyItsOwnRows) {
  CommitCounter counter(*store_, path_);
  auto fails = [](int thread, int i) { return (thread + i) % 4 == 0; };

  std::vector<Outcome> outcomes =
      write_concurrently(kThreads, kWritesEach, [&](int thread, int i) {
        const std::string ticket = ticket_of(thread, i);
        return append_then(*store_, ticket, [&] {
          if (!fails(thread, i)) return Status::ok();
          return Status(ErrorCode::kBadTicketCode, "refused " + ticket);
        });
      });
  const int commits = counter.finish();

  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kWritesEach; ++i) {
      const Status& status = outcomes[t * kWritesEach + i].status;
      if (fails(t, i)) {
        EXPECT_EQ(status.code(), ErrorCode::kBadTicketCode);
        EXPECT_EQ(status.detail(), "refused " + ticket_of(t, i));
      } else {
        EXPECT_TRUE(status.is_ok()) << status.to_string();
      }
    }
  }
  EXPECT_LT(commits, kWrites * 3 / 4);

  open();
  expect_kept_unless_lost(*store_, fails);
  RawDb raw(path_);
  EXPECT_EQ(raw.value("SELECT count(*) FROM events"),
            std::to_string(kWrites * 3 / 4));
  EXPECT_EQ(raw.value("SELECT count(*) FROM images"),
            std::to_string(kWrites * 3 / 4));
}

// A function may throw: write() rethrows it to its caller, after rolling
// back that function's changes only.
TEST_F(SqliteStoreTest, AThrowingWriteAmongConcurrentOnesLosesOnlyItsOwnRows) {
  CommitCounter counter(*store_, path_);
  auto throws = [](int thread, int i) { return (thread + i) % 4 == 1; };

  std::vector<Outcome> outcomes =
      write_concurrently(kThreads, kWritesEach, [&](int thread, int i) {
        const std::string ticket = ticket_of(thread, i);
        return append_then(*store_, ticket, [&] {
          if (throws(thread, i)) throw std::runtime_error("threw " + ticket);
          return Status::ok();
        });
      });
  const int commits = counter.finish();

  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kWritesEach; ++i) {
      const Outcome& outcome = outcomes[t * kWritesEach + i];
      EXPECT_EQ(outcome.thrown, throws(t, i) ? "threw " + ticket_of(t, i) : "");
      if (!throws(t, i)) {
        EXPECT_TRUE(outcome.status.is_ok()) << outcome.status.to_string();
      }
    }
  }
  EXPECT_LT(commits, kWrites * 3 / 4);

  open();
  expect_kept_unless_lost(*store_, throws);
  EXPECT_EQ(RawDb(path_).value("SELECT count(*) FROM events"),
            std::to_string(kWrites * 3 / 4));
}

// Every write appends to one ticket after reading its newest event, and
// every third fails after appending. The writes that commit form one
// chain: each saw the one committed just before it, whether in its batch
// or an earlier one, and never a failed write's event.
TEST_F(SqliteStoreTest, EachWriteSeesTheCommittedWritesBeforeItsTurn) {
  CommitCounter counter(*store_, path_);
  struct Link {
    int32_t seen = -1;
    int32_t appended = 0;
  };
  std::vector<Link> links(kWrites);

  std::vector<Outcome> outcomes =
      write_concurrently(kThreads, kWritesEach, [&](int thread, int i) {
        Link& link = links[thread * kWritesEach + i];
        Outcome outcome;
        outcome.status = store_->write([&](Transaction& tx) {
          Result<std::optional<Event>> latest = tx.latest("SHARED");
          if (!latest.is_ok()) return latest.status();
          link.seen = latest->has_value() ? (*latest)->index : 0;
          Result<int32_t> index = tx.append(test_helpers::face("SHARED", ""));
          if (!index.is_ok()) return index.status();
          link.appended = *index;
          if (i % 3 == 2) return Status(ErrorCode::kBadImage, "refused");
          return Status::ok();
        });
        return outcome;
      });
  const int commits = counter.finish();

  std::map<int32_t, int32_t> seen_by_appended;
  for (int w = 0; w < kWrites; ++w) {
    if (outcomes[w].status.is_ok()) {
      seen_by_appended[links[w].appended] = links[w].seen;
    } else {
      EXPECT_EQ(outcomes[w].status.code(), ErrorCode::kBadImage);
    }
  }
  ASSERT_GT(seen_by_appended.size(), 1u);
  int32_t previous = 0;
  for (const auto& [appended, seen] : seen_by_appended) {
    EXPECT_EQ(seen, previous) << "the write that appended " << appended;
    previous = appended;
  }
  EXPECT_LT(commits, static_cast<int>(seen_by_appended.size()));
  EXPECT_EQ(RawDb(path_).value("SELECT count(*) FROM events"),
            std::to_string(seen_by_appended.size()));
}

// Lazy writes (gate progress) and synced writes at once: all commit, and
// the synced ones are on disk with every commit synced again afterwards.
TEST_F(SqliteStoreTest, LazyAndSyncedWritesAtOnceAllCommit) {
  Status put = store_->write(
      [](Transaction& tx) { return tx.put_gate(gate_numbered("g1")); });
  ASSERT_TRUE(put.is_ok()) << put.to_string();

  std::vector<Outcome> outcomes =
      write_concurrently(kThreads, kWritesEach, [&](int thread, int i) {
        if (thread % 2 == 0) {
          return append_then(*store_, ticket_of(thread, i), Status::ok);
        }
        GateRecord progress = gate_numbered("g1");
        progress.requests = thread * kWritesEach + i;
        progress.cursor = 1000 + thread * kWritesEach + i;
        Outcome outcome;
        outcome.status = store_->save_progress({progress});
        return outcome;
      });

  for (const Outcome& outcome : outcomes)
    ASSERT_TRUE(outcome.status.is_ok()) << outcome.status.to_string();
  open();
  for (int t = 0; t < kThreads; t += 2) {
    for (int i = 0; i < kWritesEach; ++i) {
      Result<std::optional<Event>> face = store_->latest(ticket_of(t, i));
      ASSERT_TRUE(face.is_ok() && face->has_value()) << ticket_of(t, i);
    }
  }
  Result<std::vector<GateRecord>> gates = store_->gates();
  ASSERT_TRUE(gates.is_ok());
  ASSERT_EQ(gates->size(), 1u);
  EXPECT_GE((*gates)[0].cursor, 1000);
}

// Holds the store's writer with a write that waits until released, so
// that the writes queued meanwhile form the next batch, in the order they
// were queued. One test owns it.
class BlockedWriter {
 public:
  explicit BlockedWriter(Store& store) : store_(store) {
    threads_.emplace_back([this] {
      status_ = store_.write([this](Transaction& tx) {
        release_.wait();
        return tx.put_gate(gate_numbered("blocker"));
      });
    });
    // Queued first, it took a batch of its own at once.
    wait_until_queued(1);
  }
  ~BlockedWriter() { release(); }
  BlockedWriter(const BlockedWriter&) = delete;
  BlockedWriter& operator=(const BlockedWriter&) = delete;

  // Starts `write` on a thread of its own; returns once it is queued.
  void queue(std::function<void()> write) {
    const size_t queued = sqlite_queued_writes(store_);
    threads_.emplace_back(std::move(write));
    wait_until_queued(queued + 1);
  }

  // Lets the blocked write finish and the queued ones run; returns once
  // they are all done, with the blocked write's status.
  Status release() {
    if (!threads_.empty()) release_.count_down();
    for (std::thread& thread : threads_)
      thread.join();
    threads_.clear();
    return status_;
  }

 private:
  void wait_until_queued(size_t count) {
    while (sqlite_queued_writes(store_) < count)
      std::this_thread::yield();
  }

  Store& store_;
  std::latch release_{1};
  std::vector<std::thread> threads_;
  Status status_;
};

// A batch lined up behind a blocked write: a write that fails and one
// that throws lose their own rows only, the last write sees the first
// one's row, and the four share one commit.
TEST_F(SqliteStoreTest, AQueuedBatchSharesOneCommitAndIsolatesFailures) {
  Outcome first, failing, throwing, last;
  std::optional<Event> seen_by_last;
  CommitCounter counter(*store_, path_);
  BlockedWriter blocked(*store_);

  blocked.queue([&] { first = append_then(*store_, "FIRST", Status::ok); });
  blocked.queue([&] {
    failing = append_then(*store_, "FAILING", [] {
      return Status(ErrorCode::kBadDates, "refused FAILING");
    });
  });
  blocked.queue([&] {
    throwing = append_then(*store_, "THROWING", []() -> Status {
      throw std::runtime_error("threw THROWING");
    });
  });
  blocked.queue([&] {
    last.status = store_->write([&](Transaction& tx) {
      Result<std::optional<Event>> latest = tx.latest("FIRST");
      if (!latest.is_ok()) return latest.status();
      seen_by_last = *latest;
      return tx.append(test_helpers::face("LAST", "g1")).status();
    });
  });
  ASSERT_EQ(sqlite_queued_writes(*store_), 5u);
  Status blocker = blocked.release();
  const int commits = counter.finish();

  ASSERT_TRUE(blocker.is_ok()) << blocker.to_string();
  EXPECT_TRUE(first.status.is_ok()) << first.status.to_string();
  EXPECT_EQ(failing.status.code(), ErrorCode::kBadDates);
  EXPECT_EQ(failing.status.detail(), "refused FAILING");
  EXPECT_EQ(throwing.thrown, "threw THROWING");
  EXPECT_TRUE(last.status.is_ok()) << last.status.to_string();
  ASSERT_TRUE(seen_by_last.has_value());
  EXPECT_EQ(seen_by_last->index, first.index);
  EXPECT_EQ(commits, 2);  // the blocked write's, and the batch's

  open();
  for (const char* ticket : {"FIRST", "LAST"})
    EXPECT_TRUE(store_->latest(ticket)->has_value()) << ticket;
  for (const char* ticket : {"FAILING", "THROWING"})
    EXPECT_FALSE(store_->latest(ticket)->has_value()) << ticket;
}

// When the WAL cannot grow (past the file size limit here) SQLite rolls
// the whole transaction back: the writes run in it before the one that
// failed fail with it, and those after it run in the next batch.
TEST_F(SqliteStoreTest, AWriteThatLosesTheTransactionFailsTheWritesRunInIt) {
  ASSERT_TRUE(store_->checkpoint().is_ok());  // a WAL with no frame
  std::vector<Outcome> outcomes(5);
  const std::vector<std::string> tickets = {"S1", "S2", "BIG", "S3", "S4"};
  {
    FileSizeLimit limit(1 << 20);
    BlockedWriter blocked(*store_);
    for (size_t w = 0; w < tickets.size(); ++w) {
      blocked.queue([&, w] {
        Event event = test_helpers::face(tickets[w], "g1");
        if (tickets[w] == "BIG") event.image.append(3 << 20, 'x');
        outcomes[w].status = store_->write(
            [&](Transaction& tx) { return tx.append(event).status(); });
      });
    }
    ASSERT_TRUE(blocked.release().is_ok());
  }

  EXPECT_EQ(outcomes[2].status.code(), ErrorCode::kStorage);
  EXPECT_NE(outcomes[2].status.detail().find("append"), std::string::npos)
      << outcomes[2].status.detail();
  for (size_t w : {0, 1}) {
    EXPECT_EQ(outcomes[w].status.code(), ErrorCode::kStorage) << tickets[w];
    EXPECT_NE(outcomes[w].status.detail().find("lost"), std::string::npos)
        << outcomes[w].status.detail();
  }
  for (size_t w : {3, 4}) {
    EXPECT_TRUE(outcomes[w].status.is_ok())
        << tickets[w] << ": " << outcomes[w].status.to_string();
  }

  open();
  for (size_t w = 0; w < tickets.size(); ++w) {
    Result<std::optional<Event>> face = store_->latest(tickets[w]);
    ASSERT_TRUE(face.is_ok());
    EXPECT_EQ(face->has_value(), w >= 3) << tickets[w];
  }
  EXPECT_EQ(RawDb(path_).value("PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace facesync::store
