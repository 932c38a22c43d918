// FaceApiClient against the real server on loopback: sites on faces, the
// gate registry and the sweep.
#include "gatesim/face_api_client.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/test_server.h"
#include "gatesim/legacy_client.h"
#include "gatesim/test_faces.h"

namespace facesync::gatesim {
namespace {

using Strings = std::vector<std::string>;

class FaceApiClientTest : public ::testing::Test {
 protected:
  FaceApiClientTest() : api_(*http::parse_url(server_.url())) {}

  Result<FaceChange> enroll(const std::string& ticket, const std::string& end,
                            const Strings& sites = {}) {
    return api_.enroll({ticket, testing::fake_jpeg(ticket), "0009", "20260101",
                        end, 0, sites});
  }

  static GateSettings settings(const std::string& gatenum,
                               const std::string& site) {
    GateSettings out;
    out.gatenum = gatenum;
    out.site = site;
    return out;
  }

  api::TestServer server_;
  FaceApiClient api_;
};

TEST_F(FaceApiClientTest, EnrollSendsSitesAndFacesReadThemBack) {
  ASSERT_TRUE(enroll("SCOPED", "20261231", {"south", "north"}).is_ok());
  ASSERT_TRUE(enroll("EVERY", "20261231").is_ok());

  auto scoped = api_.face("SCOPED");
  ASSERT_TRUE(scoped.is_ok()) << scoped.status().to_string();
  ASSERT_TRUE(scoped->has_value());
  EXPECT_EQ((*scoped)->sites, (Strings{"north", "south"}));

  auto all = api_.all_live_faces();
  ASSERT_TRUE(all.is_ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].ticketcode, "EVERY");
  EXPECT_EQ((*all)[0].sites, Strings{});
  EXPECT_EQ((*all)[1].sites, (Strings{"north", "south"}));

  // Another set of sites for the same image is a change.
  auto moved = enroll("SCOPED", "20261231", {"east"});
  ASSERT_TRUE(moved.is_ok());
  EXPECT_TRUE(moved->appended);
  EXPECT_EQ((*api_.face("SCOPED"))->sites, Strings{"east"});
}

TEST_F(FaceApiClientTest, GatesAreRegisteredReadAndUpdated) {
  auto unknown = api_.gate("0001");
  ASSERT_TRUE(unknown.is_ok()) << unknown.status().to_string();
  EXPECT_FALSE(unknown->has_value());
  EXPECT_TRUE(api_.gates()->empty());

  GateSettings east = settings("0001", "north");
  east.name = "East 1";
  east.addresses = {"10.0.0.7"};
  auto created = api_.put_gate(east);
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  EXPECT_TRUE(created->created);
  EXPECT_EQ(created->gate.settings.name, "East 1");
  EXPECT_EQ(created->gate.settings.site, "north");
  EXPECT_TRUE(created->gate.settings.enabled);
  EXPECT_EQ(created->gate.settings.addresses, Strings{"10.0.0.7"});
  EXPECT_EQ(created->gate.cursor, 0);
  EXPECT_FALSE(created->gate.last_seen.has_value());
  EXPECT_FALSE(created->gate.created.empty());

  east.enabled = false;
  auto updated = api_.put_gate(east);
  ASSERT_TRUE(updated.is_ok());
  EXPECT_FALSE(updated->created);
  EXPECT_FALSE(updated->gate.settings.enabled);

  ASSERT_TRUE(api_.put_gate(settings("0002", "")).is_ok());
  auto gates = api_.gates();
  ASSERT_TRUE(gates.is_ok()) << gates.status().to_string();
  ASSERT_EQ(gates->size(), 2u);
  EXPECT_EQ((*gates)[0].settings.gatenum, "0001");
  EXPECT_FALSE((*gates)[0].settings.enabled);
  EXPECT_EQ((*gates)[1].settings.site, "");
}

TEST_F(FaceApiClientTest, AGateThatSyncedShowsItsProgress) {
  ASSERT_TRUE(enroll("A", "20261231").is_ok());
  ASSERT_TRUE(enroll("B", "20261231").is_ok());
  LegacyClient gate(*http::parse_url(server_.url()), wire::Format::kJson,
                    std::chrono::seconds(5));
  ASSERT_TRUE(gate.next("0003", 0).is_ok());
  ASSERT_TRUE(gate.next("0003", 1).is_ok());

  auto record = api_.gate("0003");
  ASSERT_TRUE(record.is_ok()) << record.status().to_string();
  ASSERT_TRUE(record->has_value());
  const RegisteredGate& seen = **record;
  EXPECT_EQ(seen.settings.site, "");
  EXPECT_EQ(seen.cursor, 1);
  ASSERT_TRUE(seen.lag.has_value());
  EXPECT_EQ(*seen.lag, 1);
  EXPECT_EQ(seen.requests, 2);
  EXPECT_TRUE(seen.last_seen.has_value());
  EXPECT_EQ(seen.last_address, "127.0.0.1");
}

TEST_F(FaceApiClientTest, BadGateSettingsAreRefused) {
  auto bad_site = api_.put_gate(settings("0001", "no spaces"));
  ASSERT_FALSE(bad_site.is_ok());
  EXPECT_EQ(bad_site.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(bad_site.status().detail().find("HTTP 400"), std::string::npos)
      << bad_site.status().detail();

  GateSettings bad_address = settings("0001", "north");
  bad_address.addresses = {"not an address"};
  EXPECT_FALSE(api_.put_gate(bad_address).is_ok());
  EXPECT_FALSE(api_.gate("0001")->has_value());
}

TEST_F(FaceApiClientTest, SweepRemovesFacesEndingBeforeTheDay) {
  ASSERT_TRUE(enroll("E1", "20260615").is_ok());
  ASSERT_TRUE(enroll("E2", "20260630").is_ok());
  ASSERT_TRUE(enroll("E3", "20261231").is_ok());

  auto swept = api_.sweep("20260701");
  ASSERT_TRUE(swept.is_ok()) << swept.status().to_string();
  EXPECT_EQ(swept->asof, "20260701");
  EXPECT_EQ(swept->expired, 2);
  EXPECT_FALSE(api_.face("E1")->has_value());
  EXPECT_TRUE(api_.face("E3")->has_value());
  EXPECT_EQ(api_.sweep("20260701")->expired, 0);

  // Without a day, the server's today counts.
  server_.set_today(20270101);
  auto today = api_.sweep();
  ASSERT_TRUE(today.is_ok());
  EXPECT_EQ(today->asof, "20270101");
  EXPECT_EQ(today->expired, 1);
  EXPECT_TRUE(api_.all_live_faces()->empty());
}

TEST_F(FaceApiClientTest, PastEndDatesAndBadDaysAreRefused) {
  server_.set_today(20270101);
  auto past = enroll("OLD", "20261231");
  ASSERT_FALSE(past.is_ok());
  EXPECT_NE(past.status().detail().find("errcode 2006"), std::string::npos)
      << past.status().detail();

  auto bad_day = api_.sweep("2026");
  ASSERT_FALSE(bad_day.is_ok());
  EXPECT_NE(bad_day.status().detail().find("HTTP 400"), std::string::npos);
}

}  // namespace
}  // namespace facesync::gatesim
