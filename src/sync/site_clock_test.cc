// The site's calendar in a real zone of the system's zone database.
#include "sync/site_clock.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <chrono>
#include <optional>
#include <string>

namespace facesync::sync {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::system_clock;
using namespace std::chrono_literals;

// 2026-12-31T17:00:00Z: 2027-01-01 01:00 in Shanghai (UTC+8).
const system_clock::time_point kNewYearEve =
    sys_days{std::chrono::December / 31 / 2026} + hours(17);

// Puts the process's TZ back as it was after each test.
class SiteClockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = getenv("TZ")) saved_ = tz;
    ASSERT_TRUE(use_site_time_zone("Asia/Shanghai").is_ok());
  }
  void TearDown() override {
    if (saved_) {
      setenv("TZ", saved_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

  std::optional<std::string> saved_;
};

TEST_F(SiteClockTest, TodayIsTheSitesDate) {
  EXPECT_EQ(site_today(kNewYearEve), 20270101);
  // Local midnight is 16:00 UTC.
  EXPECT_EQ(site_today(kNewYearEve - hours(1)), 20270101);
  EXPECT_EQ(site_today(kNewYearEve - hours(1) - 1s), 20261231);
}

TEST_F(SiteClockTest, AnotherZoneGivesAnotherDate) {
  ASSERT_TRUE(use_site_time_zone("UTC").is_ok());

  EXPECT_EQ(site_today(kNewYearEve), 20261231);
  EXPECT_EQ(site_today(kNewYearEve + hours(7)), 20270101);
}

TEST_F(SiteClockTest, UntilLocalTimeCountsToTheNextOccurrence) {
  // kNewYearEve is 01:00 local time.
  EXPECT_EQ(until_local_time(3, 0, kNewYearEve), hours(2));
  EXPECT_EQ(until_local_time(1, 30, kNewYearEve), minutes(30));
  EXPECT_EQ(until_local_time(0, 30, kNewYearEve), hours(23) + minutes(30));
  EXPECT_EQ(until_local_time(23, 59, kNewYearEve), hours(22) + minutes(59));
}

TEST_F(SiteClockTest, UntilLocalTimeIsNeverZero) {
  EXPECT_EQ(until_local_time(1, 0, kNewYearEve), hours(24));
  // Half a second before 03:00 is a second away, not none.
  EXPECT_EQ(until_local_time(3, 0, kNewYearEve + hours(2) - milliseconds(500)),
            seconds(1));
}

TEST_F(SiteClockTest, UnknownOrUnsafeZonesAreRefused) {
  for (const char* zone :
       {"Nowhere/City", "", "Asia", "/usr/share/zoneinfo/UTC",
        "Asia/../../../etc/passwd", "..", "Asia/Shang hai", "UTC\n"}) {
    SCOPED_TRACE(zone);
    EXPECT_EQ(use_site_time_zone(zone).code(), ErrorCode::kUnavailable);
  }

  // The zone in force stays.
  EXPECT_STREQ(getenv("TZ"), "Asia/Shanghai");
  EXPECT_EQ(site_today(kNewYearEve), 20270101);
}

}  // namespace
}  // namespace facesync::sync
