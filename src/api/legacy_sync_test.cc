// The legacy endpoint over real HTTP on loopback, against a real SQLite
// log, in all four body formats.
#include "api/legacy_sync.h"

#include <bson/bson.h>

#include <string>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "api/test_server.h"
#include "http/client.h"

namespace facesync::api {
namespace {

namespace beast_http = boost::beast::http;

constexpr char kPath[] = "/api/CheckTicket/FaceInfo/Sync";

std::string jpeg(const std::string& payload) {
  return std::string("\xFF\xD8\xFF\xE0", 4) + payload + "\xFF\xD9";
}

std::string json_request(const std::string& gate, int index) {
  return R"({"gatenum":")" + gate + R"(","lastsuccessindex":)" +
         std::to_string(index) + "}";
}

class LegacySyncTest : public ::testing::Test {
 protected:
  explicit LegacySyncTest(ApiOptions options = {})
      : server_(options), client_(*http::parse_url(server_.url())) {}

  // Enrolls through the log and returns the record index.
  int32_t enroll(const std::string& ticket, const std::string& gate,
                 const std::string& image, int template_info = 0) {
    sync::Enrollment enrollment;
    enrollment.ticket_code = ticket;
    enrollment.image = image;
    enrollment.source_gate = gate;
    enrollment.valid_from = "20261201";
    enrollment.valid_until = "20261231";
    enrollment.template_info = template_info;
    auto appended = server_.log().enroll(enrollment);
    EXPECT_TRUE(appended.is_ok()) << appended.status().to_string();
    return appended.is_ok() ? appended->index : -1;
  }

  http::Response post(const std::string& body, const std::string& type,
                      const std::string& accept = "",
                      const std::string& path = kPath) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!accept.empty()) headers.emplace_back("Accept", accept);
    auto response =
        client_.send(beast_http::verb::post, path, body, type, headers);
    EXPECT_TRUE(response.is_ok()) << response.status().to_string();
    return response.is_ok() ? *response : http::Response();
  }

  TestServer server_;
  http::Client client_;
};

TEST_F(LegacySyncTest, CaughtUpAnswerEchoesTheCursorWithNullFaceFields) {
  for (int i = 0; i < 7; ++i) {
    enroll("T00" + std::to_string(i), "0001", jpeg(std::to_string(i)));
  }
  auto response = post(json_request("0002", 7), "application/json");
  EXPECT_EQ(response.result(), beast_http::status::ok);
  EXPECT_EQ(response[beast_http::field::content_type],
            "application/json; charset=utf-8");
  EXPECT_EQ(response.body(),
            R"({"errcode":0,"errmsg":"","tag":{"gatenum":"0002",)"
            R"("recordindex":7,"hasdata":"0","ticketcode":null,"op":null,)"
            R"("effdatebegin":null,"effdateend":null,"faceimage":null,)"
            R"("additionaltemplateinfo":0}})");
}

TEST_F(LegacySyncTest, JsonRecordCarriesEveryField) {
  int32_t index = enroll("T001", "0001", std::string("\xFF\xD8\xFF", 3), 9);
  auto response = post(json_request("0002", 0), "application/json");
  EXPECT_EQ(response.body(),
            R"({"errcode":0,"errmsg":"","tag":{"gatenum":"0002",)"
            R"("recordindex":)" +
                std::to_string(index) +
                R"(,"hasdata":"1","ticketcode":"T001","op":"I",)"
                R"("effdatebegin":"20261201","effdateend":"20261231",)"
                R"("faceimage":"/9j/","additionaltemplateinfo":9}})");
}

TEST_F(LegacySyncTest, GateSkipsItsOwnFacesButReceivesTheirRemoval) {
  int32_t start = enroll("T000", "0001", jpeg("0"));
  post(json_request("0002", 0), "application/json");
  int32_t own = enroll("T001", "0002", jpeg("a"));
  int32_t other = enroll("T002", "0001", jpeg("b"));
  ASSERT_GT(other, own);

  auto first = post(json_request("0002", start), "application/json");
  EXPECT_NE(first.body().find(R"("recordindex":)" + std::to_string(other)),
            std::string::npos)
      << first.body();

  auto removed = server_.log().revoke("T001");
  ASSERT_TRUE(removed.is_ok());
  auto next = post(json_request("0002", other), "application/json");
  EXPECT_NE(next.body().find(R"("ticketcode":"T001","op":"D")"),
            std::string::npos)
      << next.body();
  EXPECT_NE(next.body().find(R"("faceimage":null)"), std::string::npos);
}

TEST_F(LegacySyncTest, XmlRequestGetsDataContractXml) {
  int32_t index = enroll("T001", "", jpeg("x"), 64);
  std::string body =
      R"(<GateSyncFaceInfoParm )"
      R"(xmlns:i="http://www.w3.org/2001/XMLSchema-instance" )"
      R"(xmlns="http://schemas.datacontract.org/2004/07/)"
      R"(DigitalScience.DataTransfer.Tour.V5.Parm">)"
      R"(<gatenum>0003</gatenum><lastsuccessindex>0</lastsuccessindex>)"
      R"(</GateSyncFaceInfoParm>)";
  auto response = post(body, "text/xml; charset=utf-8");
  EXPECT_EQ(response[beast_http::field::content_type],
            "text/xml; charset=utf-8");

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(response.body().c_str())) << response.body();
  pugi::xml_node root = doc.first_child();
  EXPECT_STREQ(root.name(),
               "CommonOperationResultWithTagOfGateSyncFaceInfoResultldpHZqFJ");
  EXPECT_STREQ(root.child("errcode").text().get(), "0");
  pugi::xml_node tag = root.child("tag");
  EXPECT_EQ(tag.child("d2p1:recordindex").text().as_int(), index);
  EXPECT_STREQ(tag.child("d2p1:gatenum").text().get(), "0003");
  EXPECT_STREQ(tag.child("d2p1:op").text().get(), "I");
  EXPECT_STREQ(tag.child("d2p1:additionaltemplateinfo").text().get(), "64");
  EXPECT_STREQ(tag.first_child().name(), "d2p1:additionaltemplateinfo");
  EXPECT_STREQ(tag.last_child().name(), "d2p1:ticketcode");
}

TEST_F(LegacySyncTest, FormRequestIsAnsweredInJson) {
  enroll("T001", "0001", jpeg("f"));
  auto response = post("gatenum=0002&lastsuccessindex=0",
                       "application/x-www-form-urlencoded");
  EXPECT_EQ(response[beast_http::field::content_type],
            "application/json; charset=utf-8");
  EXPECT_NE(response.body().find(R"("ticketcode":"T001")"), std::string::npos);
}

TEST_F(LegacySyncTest, BsonRequestGetsBsonWithBinaryImage) {
  std::string image = jpeg("binary\x01\x02");
  int32_t index = enroll("T001", "0001", image);

  bson_t request = BSON_INITIALIZER;
  BSON_APPEND_UTF8(&request, "gatenum", "0002");
  BSON_APPEND_INT32(&request, "lastsuccessindex", 0);
  std::string body(reinterpret_cast<const char*>(bson_get_data(&request)),
                   request.len);
  bson_destroy(&request);
  auto response = post(body, "application/bson");
  EXPECT_EQ(response[beast_http::field::content_type], "application/bson");

  bson_t reply;
  ASSERT_TRUE(bson_init_static(
      &reply, reinterpret_cast<const uint8_t*>(response.body().data()),
      response.body().size()));
  bson_iter_t iter;
  bson_iter_t field;
  ASSERT_TRUE(bson_iter_init(&iter, &reply));
  ASSERT_TRUE(bson_iter_find_descendant(&iter, "tag.recordindex", &field));
  EXPECT_EQ(bson_iter_int32(&field), index);
  ASSERT_TRUE(bson_iter_init(&iter, &reply));
  ASSERT_TRUE(bson_iter_find_descendant(&iter, "tag.faceimage", &field));
  ASSERT_TRUE(BSON_ITER_HOLDS_BINARY(&field));
  uint32_t length = 0;
  const uint8_t* data = nullptr;
  bson_subtype_t subtype;
  bson_iter_binary(&field, &subtype, &length, &data);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(data), length), image);
}

TEST_F(LegacySyncTest, AcceptHeaderWinsOverTheRequestFormat) {
  auto response = post(json_request("0002", 0), "application/json",
                       "application/xml;q=0.9, text/json;q=0.5");
  EXPECT_EQ(response[beast_http::field::content_type],
            "application/xml; charset=utf-8");
  EXPECT_TRUE(response.body().starts_with(
      "<CommonOperationResultWithTagOfGateSyncFaceInfoResultldpHZqFJ"));
}

TEST_F(LegacySyncTest, PathMatchesWithoutCaseAndWithTrailingSlash) {
  for (const char* path :
       {"/api/checkticket/faceinfo/sync", "/API/CheckTicket/FaceInfo/Sync/",
        "/api/CheckTicket/FaceInfo/Sync?x=1"}) {
    auto response = post(json_request("0002", 0), "application/json", "", path);
    EXPECT_EQ(response.result(), beast_http::status::ok) << path;
    EXPECT_NE(response.body().find(R"("hasdata":"0")"), std::string::npos);
  }
}

TEST_F(LegacySyncTest, OtherMethodsGet405WithAllow) {
  auto response = client_.send(beast_http::verb::get, kPath);
  ASSERT_TRUE(response.is_ok());
  EXPECT_EQ(response->result(), beast_http::status::method_not_allowed);
  EXPECT_EQ((*response)[beast_http::field::allow], "POST");
  EXPECT_NE(response->body().find(R"("errcode":1004)"), std::string::npos);
}

// Each bad request: its status, its errcode, and a log left unchanged.
struct BadRequest {
  std::string name;
  std::string body;
  std::string content_type;
  beast_http::status status;
  int errcode;
};

TEST_F(LegacySyncTest, BadRequestsGetTheirErrcodeAndChangeNothing) {
  int32_t before = enroll("T001", "0001", jpeg("k"));
  const BadRequest cases[] = {
      {"broken json", R"({"gatenum":"0002",)", "application/json",
       beast_http::status::bad_request, 1001},
      {"not an object", "[1,2]", "application/json",
       beast_http::status::bad_request, 1001},
      {"xml doctype", "<!DOCTYPE x [<!ENTITY a 'b'>]><GateSyncFaceInfoParm/>",
       "application/xml", beast_http::status::bad_request, 1001},
      {"bad bson", "\x05\x00\x00", "application/bson",
       beast_http::status::bad_request, 1001},
      {"unsupported type", json_request("0002", 0), "text/plain",
       beast_http::status::unsupported_media_type, 1002},
      {"missing gatenum", R"({"lastsuccessindex":1})", "application/json",
       beast_http::status::ok, 2001},
      {"long gatenum", json_request("00002", 0), "application/json",
       beast_http::status::ok, 2001},
      {"negative index", json_request("0002", -1), "application/json",
       beast_http::status::ok, 2002},
      {"index over int32",
       R"({"gatenum":"0002","lastsuccessindex":2147483648})",
       "application/json", beast_http::status::ok, 2002},
      {"body too large", std::string(5000, ' ') + json_request("0002", 0),
       "application/json", beast_http::status::payload_too_large, 1003},
  };
  for (const BadRequest& bad : cases) {
    http::Client client(*http::parse_url(server_.url()));
    auto response =
        client.send(beast_http::verb::post, kPath, bad.body, bad.content_type,
                    {{"Accept", "application/json"}});
    ASSERT_TRUE(response.is_ok()) << bad.name;
    EXPECT_EQ(response->result(), bad.status) << bad.name;
    EXPECT_NE(
        response->body().find(R"("errcode":)" + std::to_string(bad.errcode)),
        std::string::npos)
        << bad.name << ": " << response->body();
    EXPECT_NE(response->body().find(R"("tag":null)"), std::string::npos)
        << bad.name;
  }

  EXPECT_EQ(*server_.store().last_index(), before);
  auto still = post(json_request("0002", 0), "application/json");
  EXPECT_NE(still.body().find(R"("ticketcode":"T001")"), std::string::npos);
}

TEST_F(LegacySyncTest, ErrorsFollowTheNegotiatedFormat) {
  auto response = post("<broken", "application/xml");
  EXPECT_EQ(response.result(), beast_http::status::bad_request);
  EXPECT_NE(response.body().find("<errcode>1001</errcode>"), std::string::npos)
      << response.body();
  EXPECT_NE(response.body().find(R"(<tag i:nil="true"/>)"), std::string::npos)
      << response.body();
}

class ConfiguredValuesTest : public LegacySyncTest {
 protected:
  static ApiOptions options() {
    ApiOptions options;
    options.legacy.op_new = "A";
    options.legacy.hasdata_yes = "Y";
    options.legacy.date_format = "yyyy-MM-dd";
    return options;
  }
  ConfiguredValuesTest() : LegacySyncTest(options()) {}
};

TEST_F(ConfiguredValuesTest, ValueMappingsComeFromTheOptions) {
  enroll("T001", "0001", jpeg("c"));
  auto response = post(json_request("0002", 0), "application/json");
  EXPECT_NE(response.body().find(R"("hasdata":"Y")"), std::string::npos);
  EXPECT_NE(response.body().find(R"("op":"A")"), std::string::npos);
  EXPECT_NE(response.body().find(R"("effdatebegin":"2026-12-01")"),
            std::string::npos)
      << response.body();
}

TEST(FormatDate, WritesEachPattern) {
  EXPECT_EQ(format_date(20260105, "yyyyMMdd"), "20260105");
  EXPECT_EQ(format_date(20260105, "yyyy-MM-dd"), "2026-01-05");
  EXPECT_EQ(format_date(20260105, "dd/MM/yyyy"), "05/01/2026");
}

}  // namespace
}  // namespace facesync::api
