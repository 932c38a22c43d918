// Maintenance over a real SQLite store: one round by hand, and the thread.
#include "sync/maintenance.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sync/test_util.h"

namespace facesync::sync {
namespace {

using store::GateRecord;
using testing::enrollment;
using testing::jpeg;
using testing::tickets_of;

// An interval no test waits for: the thread only wakes to stop.
constexpr MaintenanceOptions kIdle{std::chrono::hours(1), 3, 0};

class MaintenanceTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    log_ = std::make_unique<FaceLog>(*store_, FaceLogOptions{});
    registry_ =
        std::make_unique<GateRegistry>(*store_, RegistryOptions{}, clock_.fn());
    ASSERT_TRUE(registry_->load().is_ok());
  }

  int32_t enroll(const std::string& ticket) {
    Result<Appended> appended = log_->enroll(enrollment(ticket, "", jpeg("x")));
    EXPECT_TRUE(appended.is_ok()) << appended.status().to_string();
    return appended.is_ok() ? appended->index : 0;
  }

  // The gate's record as the store holds it.
  GateRecord stored(const std::string& gatenum) {
    GateRegistry fresh(*store_, RegistryOptions{}, clock_.fn());
    EXPECT_TRUE(fresh.load().is_ok());
    Result<GateRecord> gate = fresh.get(gatenum);
    EXPECT_TRUE(gate.is_ok()) << gate.status().to_string();
    return gate.is_ok() ? *gate : GateRecord{};
  }

  testing::ManualClock clock_;
  std::unique_ptr<FaceLog> log_;
  std::unique_ptr<GateRegistry> registry_;
};

TEST_F(MaintenanceTest, RunOnceFlushesProgressAndCollectsRemovals) {
  enroll("T1");
  ASSERT_TRUE(log_->revoke("T1").is_ok());
  const int32_t newest = enroll("T2");
  ASSERT_TRUE(registry_->admit("0001", "10.0.0.1", 0).is_ok());
  ASSERT_TRUE(registry_->admit("0001", "10.0.0.1", newest).is_ok());
  ASSERT_EQ(stored("0001").cursor, 0);  // not flushed yet
  ASSERT_EQ(walk("0009").size(), 2u);   // T1's removal, T2
  Maintenance maintenance(*log_, *registry_, *store_, kIdle);
  testing::LogCapture logs;

  Status status = maintenance.run_once();

  ASSERT_TRUE(status.is_ok()) << status.to_string();
  EXPECT_EQ(stored("0001").cursor, newest);
  EXPECT_EQ(stored("0001").requests, 2);
  EXPECT_EQ(tickets_of(walk("0009")), (std::vector<std::string>{"T2"}));
  EXPECT_NE(logs.text().find("1 removals up to record"), std::string::npos)
      << logs.text();
}

TEST_F(MaintenanceTest, RunOnceReportsAFailedFlushAndStillCollects) {
  testing::WrappedStore failing(*store_);
  GateRegistry registry(failing, RegistryOptions{}, clock_.fn());
  ASSERT_TRUE(registry.load().is_ok());
  enroll("T1");
  ASSERT_TRUE(log_->revoke("T1").is_ok());
  const int32_t newest = enroll("T2");
  ASSERT_TRUE(registry.admit("0001", "10.0.0.1", 0).is_ok());
  ASSERT_TRUE(registry.admit("0001", "10.0.0.1", newest).is_ok());
  failing.fail_saves = true;
  Maintenance maintenance(*log_, registry, failing, kIdle);

  Status status = maintenance.run_once();

  EXPECT_EQ(status.code(), ErrorCode::kStorage);
  EXPECT_EQ(tickets_of(walk("0009")), (std::vector<std::string>{"T2"}));
  EXPECT_EQ(stored("0001").cursor, 0);
}

TEST_F(MaintenanceTest, StopFlushesOnceMoreAndIsIdempotent) {
  const int32_t newest = enroll("T1");
  Maintenance maintenance(*log_, *registry_, *store_, kIdle);
  maintenance.start();
  ASSERT_TRUE(registry_->admit("0001", "10.0.0.1", 0).is_ok());
  ASSERT_TRUE(registry_->admit("0001", "10.0.0.9", newest).is_ok());

  maintenance.stop();
  maintenance.stop();

  const GateRecord gate = stored("0001");
  EXPECT_EQ(gate.cursor, newest);
  EXPECT_EQ(gate.last_address, "10.0.0.9");
  EXPECT_EQ(gate.requests, 2);
}

TEST_F(MaintenanceTest, StopWithoutStartDoesNothing) {
  Maintenance maintenance(*log_, *registry_, *store_, kIdle);
  ASSERT_TRUE(registry_->admit("0001", "10.0.0.1", 0).is_ok());
  ASSERT_TRUE(registry_->admit("0001", "10.0.0.2", 0).is_ok());

  maintenance.stop();

  EXPECT_EQ(stored("0001").requests, 1);  // as registered, not flushed
}

}  // namespace
}  // namespace facesync::sync
