// The conformance suite of the Store interface: one set of tests that every
// back end passes. store_test.cc holds the tests; each back end runs them by
// instantiating StoreConformanceTest with its StoreBackend in a test file of
// its own (sqlite/sqlite_store_test.cc).
#ifndef FACESYNC_STORE_STORE_TEST_SUITE_H_
#define FACESYNC_STORE_STORE_TEST_SUITE_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "base/status.h"
#include "base/temp_dir.h"
#include "store/face_event.h"
#include "store/store.h"

namespace facesync::store {

// How the suite reaches one back end.
struct StoreBackend {
  std::string name;  // a GoogleTest name: letters, digits and '_'
  // Opens the store kept in `dir`, creating an empty one the first time.
  // Opening the same directory again must reopen the same store.
  std::function<Result<std::unique_ptr<Store>>(const std::filesystem::path&)>
      open;
};

// Names the back end in test output, instead of dumping its bytes.
inline void PrintTo(const StoreBackend& backend, std::ostream* out) {
  *out << backend.name;
}

// Gives each test a fresh store in its own temporary directory. One test
// owns the fixture; the tests themselves start any extra threads.
class StoreConformanceTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override { reopen(); }

  // Closes the store (if open) and opens it again from the same directory.
  void reopen() {
    store_.reset();
    Result<std::unique_ptr<Store>> opened = GetParam().open(dir_.path());
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// Readable failure messages for event kinds and events.
inline void PrintTo(EventKind kind, std::ostream* out) {
  switch (kind) {
    case EventKind::kNew:
      *out << "new";
      return;
    case EventKind::kReplaced:
      *out << "replaced";
      return;
    case EventKind::kRemoved:
      *out << "removed";
      return;
  }
  *out << "kind " << static_cast<int>(kind);
}

inline void PrintTo(const Event& event, std::ostream* out) {
  *out << "{index " << event.index << ", kind " << static_cast<int>(event.kind)
       << ", ticket " << event.ticket_code << ", gate '" << event.source_gate
       << "', " << event.valid_from << "-" << event.valid_until << ", info "
       << int{event.template_info} << ", " << event.image.size()
       << " image bytes}";
}

}  // namespace facesync::store

#endif  // FACESYNC_STORE_STORE_TEST_SUITE_H_
