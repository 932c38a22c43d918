// Runs the Store conformance suite on SQLite, and tests what only the SQLite
// back end promises: its file layout, schema version, durability settings
// and how it fails.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include "base/temp_dir.h"
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
    Event event;
    event.kind = kind;
    event.ticket_code = ticket;
    event.image = image;
    event.valid_from = 20260101;
    event.valid_until = 20261231;
    int32_t index = 0;
    Status status = store_->write([&](Transaction& tx) {
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
  EXPECT_EQ(raw.value("PRAGMA user_version"), "1");
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

  Result<std::optional<Event>> read = (*opened)->next_for_gate("g1", 0);

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

}  // namespace
}  // namespace facesync::store
