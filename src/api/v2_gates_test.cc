// The gate registry, sites, the sweep and cursor recovery, over real HTTP
// on loopback against a real SQLite log.
#include "api/v2_gates.h"

#include <string>

#include <gtest/gtest.h>

#include "api/test_server.h"
#include "http/client.h"
#include "wire/base64.h"

namespace facesync::api {
namespace {

namespace beast_http = boost::beast::http;

std::string face_body(const std::string& payload, const std::string& sites,
                      const std::string& gate = "0009",
                      const std::string& end = "20261231") {
  std::string image;
  wire::base64_append(std::string("\xFF\xD8\xFF\xE0", 4) + payload, &image);
  return R"({"image":")" + image + R"(","gate":")" + gate +
         R"(","effdatebegin":"20260101","effdateend":")" + end +
         R"(","sites":)" + sites + "}";
}

std::string sync_body(const std::string& gate, int index) {
  return R"({"gatenum":")" + gate + R"(","lastsuccessindex":)" +
         std::to_string(index) + "}";
}

class GatesTest : public ::testing::Test {
 protected:
  explicit GatesTest(sync::RegistryOptions registry = {})
      : server_(ApiOptions{}, registry),
        client_(*http::parse_url(server_.url())) {}

  http::Response send(beast_http::verb method, const std::string& target,
                      const std::string& body = "",
                      const std::string& type = "application/json") {
    auto response = client_.send(method, target, body, type);
    EXPECT_TRUE(response.is_ok()) << response.status().to_string();
    return response.is_ok() ? *response : http::Response();
  }

  // The tickets gate `gate` receives from 0 until caught up, in order.
  std::string tickets_for(const std::string& gate) {
    std::string seen;
    int cursor = 0;
    for (int i = 0; i < 100; ++i) {
      auto reply =
          send(beast_http::verb::post, "/api/CheckTicket/FaceInfo/Sync",
               sync_body(gate, cursor));
      const std::string& body = reply.body();
      if (body.find(R"("hasdata":"0")") != std::string::npos) break;
      auto at = body.find(R"("ticketcode":")") + 14;
      auto op_at = body.find(R"("op":")") + 6;
      seen += body.substr(at, body.find('"', at) - at) + ":" +
              body.substr(op_at, 1) + " ";
      auto index_at = body.find(R"("recordindex":)") + 14;
      cursor = std::stoi(body.substr(index_at));
    }
    return seen;
  }

  TestServer server_;
  http::Client client_;
};

TEST_F(GatesTest, PutGetListAndDeleteAGate) {
  auto created = send(beast_http::verb::put, "/v2/gates/0001",
                      R"({"name":"East 1","site":"north",)"
                      R"("addresses":["10.0.0.7"]})");
  EXPECT_EQ(created.result(), beast_http::status::created) << created.body();
  EXPECT_NE(created.body().find(R"("gatenum":"0001","name":"East 1",)"
                                R"("site":"north","enabled":true,)"
                                R"("addresses":["10.0.0.7"],"cursor":0,)"),
            std::string::npos)
      << created.body();

  auto updated = send(beast_http::verb::put, "/v2/gates/0001",
                      R"({"name":"East 1","site":"south","enabled":false})");
  EXPECT_EQ(updated.result(), beast_http::status::ok);
  EXPECT_NE(updated.body().find(R"("site":"south","enabled":false)"),
            std::string::npos);

  auto list = send(beast_http::verb::get, "/v2/gates");
  EXPECT_NE(list.body().find(R"({"gates":[{"gatenum":"0001")"),
            std::string::npos)
      << list.body();

  EXPECT_EQ(send(beast_http::verb::delete_, "/v2/gates/0001").result(),
            beast_http::status::no_content);
  auto gone = send(beast_http::verb::get, "/v2/gates/0001");
  EXPECT_EQ(gone.result(), beast_http::status::not_found);
  EXPECT_NE(gone.body().find(R"("errcode":4001)"), std::string::npos);
}

TEST_F(GatesTest, RefusesBadGateSettings) {
  auto bad_site = send(beast_http::verb::put, "/v2/gates/0001",
                       R"({"site":"no spaces allowed"})");
  EXPECT_EQ(bad_site.result(), beast_http::status::bad_request);
  EXPECT_NE(bad_site.body().find(R"("errcode":2008)"), std::string::npos);
  auto bad_address = send(beast_http::verb::put, "/v2/gates/0001",
                          R"({"addresses":["not an address"]})");
  EXPECT_NE(bad_address.body().find(R"("errcode":2009)"), std::string::npos)
      << bad_address.body();
  auto bad_gatenum = send(beast_http::verb::put, "/v2/gates/00001", "{}");
  EXPECT_NE(bad_gatenum.body().find(R"("errcode":2001)"), std::string::npos);
}

TEST_F(GatesTest, GatesRegisterOnFirstSyncAndReportProgress) {
  send(beast_http::verb::put, "/v2/faces/T1", face_body("a", "[]"));
  send(beast_http::verb::put, "/v2/faces/T2", face_body("b", "[]"));
  send(beast_http::verb::post, "/api/CheckTicket/FaceInfo/Sync",
       sync_body("0005", 1));

  auto gate = send(beast_http::verb::get, "/v2/gates/0005");
  EXPECT_EQ(gate.result(), beast_http::status::ok);
  EXPECT_NE(gate.body().find(R"("cursor":1,"lag":1,"requests":1)"),
            std::string::npos)
      << gate.body();
  EXPECT_NE(gate.body().find(R"("last_address":"127.0.0.1")"),
            std::string::npos);
}

TEST_F(GatesTest, SitesScopeWhatAGateReceives) {
  send(beast_http::verb::put, "/v2/gates/0001", R"({"site":"north"})");
  send(beast_http::verb::put, "/v2/gates/0002", R"({"site":"south"})");
  send(beast_http::verb::put, "/v2/faces/TN", face_body("n", R"(["north"])"));
  send(beast_http::verb::put, "/v2/faces/TS", face_body("s", R"(["south"])"));
  send(beast_http::verb::put, "/v2/faces/TA", face_body("a", "[]"));

  EXPECT_EQ(tickets_for("0001"), "TN:I TA:I ");
  EXPECT_EQ(tickets_for("0002"), "TS:I TA:I ");
  EXPECT_EQ(tickets_for("0003"), "TA:I ");

  // Moving a face to another site removes it where it was.
  send(beast_http::verb::put, "/v2/faces/TN", face_body("n", R"(["south"])"));
  EXPECT_EQ(tickets_for("0001"), "TA:I TN:D ");
  EXPECT_EQ(tickets_for("0002"), "TS:I TA:I TN:U ");
}

TEST_F(GatesTest, SweepRemovesExpiredFacesAndGatesLearnIt) {
  send(beast_http::verb::put, "/v2/faces/T1",
       face_body("a", "[]", "0009", "20260610"));
  send(beast_http::verb::put, "/v2/faces/T2",
       face_body("b", "[]", "0009", "20261231"));

  auto swept = send(beast_http::verb::post, "/v2/sweep?asof=20260611");
  EXPECT_EQ(swept.body(), R"({"asof":"20260611","expired":1})");
  EXPECT_EQ(send(beast_http::verb::get, "/v2/faces/T1").result(),
            beast_http::status::not_found);
  EXPECT_EQ(tickets_for("0001"), "T2:I T1:D ");

  auto bad = send(beast_http::verb::post, "/v2/sweep?asof=20261340");
  EXPECT_EQ(bad.result(), beast_http::status::bad_request);
}

TEST_F(GatesTest, RefusesFacesAlreadyExpired) {
  server_.set_today(20270101);
  auto late = send(beast_http::verb::put, "/v2/faces/T1",
                   face_body("a", "[]", "0009", "20261231"));
  EXPECT_EQ(late.result(), beast_http::status::bad_request);
  EXPECT_NE(late.body().find(R"("errcode":2006)"), std::string::npos);
}

TEST_F(GatesTest, CursorBeyondTheLogRestartsTheGateAndRaisesTheFloor) {
  send(beast_http::verb::put, "/v2/faces/T1", face_body("a", "[]"));
  auto reply = send(beast_http::verb::post, "/api/CheckTicket/FaceInfo/Sync",
                    sync_body("0001", 500));
  EXPECT_NE(reply.body().find(R"("ticketcode":"T1")"), std::string::npos)
      << reply.body();

  auto gate = send(beast_http::verb::get, "/v2/gates/0001");
  EXPECT_NE(gate.body().find(R"("needs_resync":true)"), std::string::npos)
      << gate.body();
  auto next = send(beast_http::verb::put, "/v2/faces/T2", face_body("b", "[]"));
  EXPECT_NE(next.body().find(R"("recordindex":501)"), std::string::npos)
      << next.body();
}

class StrictGatesTest : public GatesTest {
 protected:
  static sync::RegistryOptions strict() {
    sync::RegistryOptions options;
    options.strict = true;
    return options;
  }
  StrictGatesTest() : GatesTest(strict()) {}
};

TEST_F(StrictGatesTest, UnknownAndDisabledGatesGetTheirErrcode) {
  auto unknown = send(beast_http::verb::post, "/api/CheckTicket/FaceInfo/Sync",
                      sync_body("0001", 0));
  EXPECT_EQ(unknown.result(), beast_http::status::ok);
  EXPECT_NE(unknown.body().find(R"("errcode":4001)"), std::string::npos);

  send(beast_http::verb::put, "/v2/gates/0001", R"({"enabled":false})");
  auto disabled = send(beast_http::verb::post, "/api/CheckTicket/FaceInfo/Sync",
                       sync_body("0001", 0));
  EXPECT_NE(disabled.body().find(R"("errcode":4002)"), std::string::npos);

  send(beast_http::verb::put, "/v2/gates/0001", R"({"enabled":true})");
  auto allowed = send(beast_http::verb::post, "/api/CheckTicket/FaceInfo/Sync",
                      sync_body("0001", 0));
  EXPECT_NE(allowed.body().find(R"("errcode":0)"), std::string::npos);
}

}  // namespace
}  // namespace facesync::api
