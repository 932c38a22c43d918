// Helpers for the sync layer's tests: a real SQLite store in a temporary
// directory, sample faces, a clock the test moves, and a Store wrapper that
// counts writes and fails on demand.
#ifndef FACESYNC_SYNC_TEST_UTIL_H_
#define FACESYNC_SYNC_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/temp_dir.h"
#include "store/face_event.h"
#include "store/gate_record.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "sync/face_log.h"

namespace facesync::sync::testing {

inline const std::string kJpeg("\xFF\xD8\xFF\xE0", 4);
inline const std::string kPng("\x89PNG\r\n\x1A\n", 8);

inline std::string jpeg(const std::string& tag) {
  return kJpeg + tag;
}

// A valid enrollment for 2026.
inline Enrollment enrollment(const std::string& ticket, const std::string& gate,
                             const std::string& image) {
  Enrollment e;
  e.ticket_code = ticket;
  e.source_gate = gate;
  e.image = image;
  e.valid_from = "20260101";
  e.valid_until = "20261231";
  e.template_info = 64;
  return e;
}

inline std::vector<std::string> tickets_of(
    const std::vector<store::Event>& events) {
  std::vector<std::string> tickets;
  for (const store::Event& event : events)
    tickets.push_back(event.ticket_code);
  return tickets;
}

// Unix seconds that only the test moves.
struct ManualClock {
  std::atomic<int64_t> now{1'800'000'000};  // 2027-01-15
  std::function<int64_t()> fn() {
    return [this] { return now.load(); };
  }
};

// The result of one query that answers one integer, read behind the
// store's back from its file; -1 when the query fails.
inline int64_t query_count(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_stmt* stmt = nullptr;
  int64_t count = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
          SQLITE_OK &&
      sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    count = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return count;
}

// Forwards to a real store, counting write transactions and appends; with
// fail_at_append set, the append with that number (from 1) fails as a
// storage failure would.
class WrappedStore final : public store::Store {
 public:
  explicit WrappedStore(store::Store& inner) : inner_(inner) {}

  int writes = 0;
  int appends = 0;
  int last_index_reads = 0;
  int saves = 0;
  int collects = 0;
  bool fail_saves = false;
  std::vector<std::string> saved_gates;  // by the last save_progress
  std::optional<int> fail_at_append;

  Status write(const std::function<Status(store::Transaction&)>& fn) override {
    ++writes;
    return inner_.write([&](store::Transaction& tx) {
      WrappedTransaction wrapped(tx, *this);
      return fn(wrapped);
    });
  }
  Result<std::optional<store::Event>> next_for_gate(const store::GateView& gate,
                                                    int32_t after) override {
    return inner_.next_for_gate(gate, after);
  }
  Result<int64_t> count_for_gate(const store::GateView& gate,
                                 int32_t after) override {
    return inner_.count_for_gate(gate, after);
  }
  Result<std::optional<store::Event>> latest(std::string_view ticket) override {
    return inner_.latest(ticket);
  }
  Result<std::vector<store::Event>> live_faces(std::string_view after,
                                               size_t limit) override {
    return inner_.live_faces(after, limit);
  }
  Result<std::vector<store::Event>> expired_faces(int32_t today,
                                                  size_t limit) override {
    return inner_.expired_faces(today, limit);
  }
  Result<store::TombstoneSweep> collect_tombstones(int32_t below,
                                                   size_t limit) override {
    ++collects;
    return inner_.collect_tombstones(below, limit);
  }
  Result<std::vector<store::GateRecord>> gates() override {
    return inner_.gates();
  }
  Status save_progress(const std::vector<store::GateRecord>& gates) override {
    ++saves;
    if (fail_saves) return Status(ErrorCode::kStorage, "disk full");
    saved_gates.clear();
    for (const store::GateRecord& gate : gates)
      saved_gates.push_back(gate.gatenum);
    return inner_.save_progress(gates);
  }
  Result<int32_t> last_index() override {
    ++last_index_reads;
    return inner_.last_index();
  }
  Status checkpoint() override { return inner_.checkpoint(); }
  Status check() override { return inner_.check(); }

 private:
  class WrappedTransaction final : public store::Transaction {
   public:
    WrappedTransaction(store::Transaction& inner, WrappedStore& owner)
        : inner_(inner), owner_(owner) {}

    Result<std::optional<store::Event>> latest(
        std::string_view ticket) override {
      return inner_.latest(ticket);
    }
    Result<int32_t> append(const store::Event& event) override {
      if (++owner_.appends == owner_.fail_at_append) {
        return Status(ErrorCode::kStorage, "disk full");
      }
      return inner_.append(event);
    }
    Status erase_before(std::string_view ticket, int32_t index) override {
      return inner_.erase_before(ticket, index);
    }
    Status raise_index_floor(int32_t index) override {
      return inner_.raise_index_floor(index);
    }
    Status put_gate(const store::GateRecord& gate) override {
      return inner_.put_gate(gate);
    }
    Result<bool> delete_gate(std::string_view gatenum) override {
      return inner_.delete_gate(gatenum);
    }

   private:
    store::Transaction& inner_;
    WrappedStore& owner_;
  };

  store::Store& inner_;
};

// A Store whose every operation fails, to see failures come through.
class BrokenStore final : public store::Store {
 public:
  Status write(const std::function<Status(store::Transaction&)>&) override {
    return broken();
  }
  Result<std::optional<store::Event>> next_for_gate(const store::GateView&,
                                                    int32_t) override {
    return broken();
  }
  Result<int64_t> count_for_gate(const store::GateView&, int32_t) override {
    return broken();
  }
  Result<std::optional<store::Event>> latest(std::string_view) override {
    return broken();
  }
  Result<std::vector<store::Event>> live_faces(std::string_view,
                                               size_t) override {
    return broken();
  }
  Result<std::vector<store::Event>> expired_faces(int32_t, size_t) override {
    return broken();
  }
  Result<store::TombstoneSweep> collect_tombstones(int32_t, size_t) override {
    return broken();
  }
  Result<std::vector<store::GateRecord>> gates() override { return broken(); }
  Status save_progress(const std::vector<store::GateRecord>&) override {
    return broken();
  }
  Result<int32_t> last_index() override { return broken(); }
  Status checkpoint() override { return broken(); }
  Status check() override { return broken(); }

 private:
  static Status broken() { return Status(ErrorCode::kStorage, "disk gone"); }
};

// Sends what spdlog's default logger writes to a string while it lives.
class LogCapture {
 public:
  LogCapture()
      : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)),
        previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>("capture", sink_);
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::string text() {
    sink_->flush();
    return out_.str();
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

// A test with a real SQLite store in a fresh directory.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  // Closes the store and opens the same file again.
  void reopen() {
    store_.reset();
    Result<std::unique_ptr<store::Store>> opened =
        store::open_sqlite_store(path_);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
  }

  int32_t last_index() {
    Result<int32_t> last = store_->last_index();
    EXPECT_TRUE(last.is_ok()) << last.status().to_string();
    return last.is_ok() ? *last : -1;
  }

  // Everything a gate with `view` receives from `after` on.
  std::vector<store::Event> walk(const store::GateView& view,
                                 int32_t after = 0) {
    std::vector<store::Event> events;
    for (;;) {
      Result<std::optional<store::Event>> next =
          store_->next_for_gate(view, after);
      EXPECT_TRUE(next.is_ok()) << next.status().to_string();
      if (!next.is_ok() || !next->has_value()) return events;
      EXPECT_GT((*next)->index, after);
      after = (*next)->index;
      events.push_back(std::move(**next));
    }
  }

  std::vector<store::Event> walk(std::string_view gatenum, int32_t after = 0) {
    return walk(store::GateView{gatenum, "", 0}, after);
  }

  TempDir dir_;
  const std::string path_ = dir_.file("facesync.db");
  std::unique_ptr<store::Store> store_;
};

}  // namespace facesync::sync::testing

#endif  // FACESYNC_SYNC_TEST_UTIL_H_
