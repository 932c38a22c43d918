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
#include <iterator>
#include <random>
#include <string>
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

}  // namespace
}  // namespace facesync::store
