// The original's nightly scan endpoint over real HTTP on loopback.
#include "api/total_scan.h"

#include <string>

#include <gtest/gtest.h>

#include "api/test_server.h"
#include "http/client.h"

namespace facesync::api {
namespace {

namespace beast_http = boost::beast::http;

constexpr char kPath[] = "/api/Servo/Face/Buffer/TotalScan";

class TotalScanTest : public ::testing::Test {
 protected:
  TotalScanTest() : client_(*http::parse_url(server_.url())) {}

  // Enrolls `count` faces T000.. whose end date is `end`.
  void enroll(int first, int count, const std::string& end) {
    for (int i = first; i < first + count; ++i) {
      sync::Enrollment face;
      char ticket[8];
      std::snprintf(ticket, sizeof ticket, "T%03d", i);
      face.ticket_code = ticket;
      face.image = std::string("\xFF\xD8\xFF", 3) + ticket;
      face.valid_from = "20260101";
      face.valid_until = end;
      ASSERT_TRUE(server_.log().enroll(face).is_ok());
    }
  }

  std::string scan(const std::string& body, const std::string& type) {
    auto response = client_.send(beast_http::verb::post, kPath, body, type,
                                 {{"Accept", ""}});
    EXPECT_TRUE(response.is_ok());
    EXPECT_EQ(response->result(), beast_http::status::ok);
    return response->body();
  }

  TestServer server_;
  http::Client client_;
};

TEST_F(TotalScanTest, PagesThroughTicketsRemovingExpiredFaces) {
  enroll(0, 60, "20261231");
  enroll(60, 40, "20260630");
  server_.set_today(20260701);  // T060..T099 have ended

  std::string first =
      scan(R"({"gatenum":"0001","firstlbsbh":""})", "application/json");
  EXPECT_EQ(first, R"({"errcode":0,"errmsg":"","tag":)"
                   R"({"hasmorepage":"1","lastlbsbh":"T049"}})");
  std::string second =
      scan(R"({"gatenum":"0001","firstlbsbh":"T049"})", "application/json");
  EXPECT_EQ(second, R"({"errcode":0,"errmsg":"","tag":)"
                    R"({"hasmorepage":"0","lastlbsbh":"T099"}})");

  EXPECT_TRUE(server_.log().face("T059").is_ok());
  EXPECT_EQ(server_.log().face("T060").status().code(),
            ErrorCode::kFaceNotFound);
  EXPECT_EQ(server_.log().face("T099").status().code(),
            ErrorCode::kFaceNotFound);
}

TEST_F(TotalScanTest, SpeaksXml) {
  enroll(0, 1, "20261231");
  std::string body =
      R"(<BiometricTotalScanParm xmlns="http://schemas.datacontract.org/)"
      R"(2004/07/DigitalScience.DataTransfer.Tour.V5.Parm">)"
      R"(<firstlbsbh></firstlbsbh><gatenum>0001</gatenum>)"
      R"(</BiometricTotalScanParm>)";
  std::string reply = scan(body, "application/xml");
  EXPECT_NE(reply.find("<CommonOperationResultWithTagOf"
                       "GateFaceInfoTotalScanResultldpHZqFJ"),
            std::string::npos)
      << reply;
  EXPECT_NE(reply.find("<d2p1:hasmorepage>0</d2p1:hasmorepage>"
                       "<d2p1:lastlbsbh>T000</d2p1:lastlbsbh>"),
            std::string::npos)
      << reply;
}

TEST_F(TotalScanTest, GatenumMustBeFourCharacters) {
  std::string reply =
      scan(R"({"gatenum":"001","firstlbsbh":""})", "application/json");
  EXPECT_NE(reply.find(R"("errcode":2001)"), std::string::npos) << reply;
}

}  // namespace
}  // namespace facesync::api
