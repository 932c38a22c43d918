// The v2 face API over real HTTP on loopback, against a real SQLite log.
#include "api/v2_faces.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "api/test_server.h"
#include "http/client.h"
#include "wire/base64.h"

namespace facesync::api {
namespace {

namespace beast_http = boost::beast::http;

std::string jpeg_base64(const std::string& payload) {
  std::string out;
  wire::base64_append(std::string("\xFF\xD8\xFF\xE0", 4) + payload + "\xFF\xD9",
                      &out);
  return out;
}

std::string upload(const std::string& image_base64,
                   const std::string& begin = "20261201",
                   const std::string& end = "20261231") {
  return R"({"image":")" + image_base64 + R"(","gate":"0001",)" +
         R"("effdatebegin":")" + begin + R"(","effdateend":")" + end +
         R"(","additionaltemplateinfo":3})";
}

class V2FacesTest : public ::testing::Test {
 protected:
  V2FacesTest() : client_(*http::parse_url(server_.url())) {}

  http::Response send(beast_http::verb method, const std::string& target,
                      const std::string& body = "",
                      const std::string& type = "application/json") {
    auto response = client_.send(method, target, body, type);
    EXPECT_TRUE(response.is_ok()) << response.status().to_string();
    return response.is_ok() ? *response : http::Response();
  }

  TestServer server_;
  http::Client client_;
};

TEST_F(V2FacesTest, EnrollReplaceRepeatAndRevoke) {
  auto created =
      send(beast_http::verb::put, "/v2/faces/T001", upload(jpeg_base64("one")));
  EXPECT_EQ(created.result(), beast_http::status::created);
  EXPECT_EQ(created.body(), R"({"recordindex":1,"op":"I"})");

  auto repeated =
      send(beast_http::verb::put, "/v2/faces/T001", upload(jpeg_base64("one")));
  EXPECT_EQ(repeated.result(), beast_http::status::ok);
  EXPECT_EQ(repeated.body(), R"({"recordindex":1,"op":"I"})");

  auto replaced =
      send(beast_http::verb::put, "/v2/faces/T001", upload(jpeg_base64("two")));
  EXPECT_EQ(replaced.result(), beast_http::status::created);
  EXPECT_EQ(replaced.body(), R"({"recordindex":2,"op":"U"})");

  auto revoked = send(beast_http::verb::delete_, "/v2/faces/T001");
  EXPECT_EQ(revoked.result(), beast_http::status::ok);
  EXPECT_EQ(revoked.body(), R"({"recordindex":3,"op":"D"})");

  auto gone = send(beast_http::verb::get, "/v2/faces/T001");
  EXPECT_EQ(gone.result(), beast_http::status::not_found);
  EXPECT_NE(gone.body().find(R"("errcode":3001)"), std::string::npos);

  auto again = send(beast_http::verb::delete_, "/v2/faces/T001");
  EXPECT_EQ(again.result(), beast_http::status::not_found);
  EXPECT_EQ(*server_.store().last_index(), 3);
}

TEST_F(V2FacesTest, WritesRunOffTheIoThreadsAndAllAreAcknowledged) {
  // Eight clients at once: the writes wait for the disk on the write
  // pool, so every one of them is answered and stored.
  std::vector<std::thread> clients;
  std::atomic<int> created{0};
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      http::Client client(*http::parse_url(server_.url()));
      for (int i = 0; i < 5; ++i) {
        const std::string ticket = "C" + std::to_string(c * 10 + i);
        auto reply =
            client.send(beast_http::verb::put, "/v2/faces/" + ticket,
                        upload(jpeg_base64(ticket)), "application/json");
        if (reply.is_ok() && reply->result() == beast_http::status::created)
          ++created;
      }
    });
  }
  for (std::thread& client : clients)
    client.join();
  EXPECT_EQ(created, 40);
  EXPECT_EQ(*server_.store().last_index(), 40);
}

TEST(V2FacesOverloadTest, WritesBeyondThePoolGet503WithRetryAfter) {
  TestServer server(ApiOptions{}, sync::RegistryOptions{}, 0);
  http::Client client(*http::parse_url(server.url()));

  auto refused = client.send(beast_http::verb::put, "/v2/faces/T001",
                             upload(jpeg_base64("one")), "application/json");
  ASSERT_TRUE(refused.is_ok()) << refused.status().to_string();
  EXPECT_EQ(refused->result(), beast_http::status::service_unavailable);
  EXPECT_EQ((*refused)[beast_http::field::retry_after], "1");
  EXPECT_NE(refused->body().find(R"("errcode":5002)"), std::string::npos)
      << refused->body();
  EXPECT_EQ(*server.store().last_index(), 0) << "nothing was written";

  // Reads do not use the pool.
  auto read = client.send(beast_http::verb::get, "/v2/faces/T001");
  ASSERT_TRUE(read.is_ok());
  EXPECT_EQ(read->result(), beast_http::status::not_found);
}

TEST_F(V2FacesTest, GetShowsMetadataWithoutTheImage) {
  send(beast_http::verb::put, "/v2/faces/T%2D01", upload(jpeg_base64("m")));
  auto face = send(beast_http::verb::get, "/v2/faces/T-01");
  EXPECT_EQ(face.result(), beast_http::status::ok);
  const std::string& body = face.body();
  EXPECT_NE(body.find(R"("ticketcode":"T-01","recordindex":1,"op":"I",)"
                      R"("gate":"0001","effdatebegin":"20261201",)"
                      R"("effdateend":"20261231","additionaltemplateinfo":3,)"
                      R"("sites":[],"image_sha256":")"),
            std::string::npos)
      << body;
  EXPECT_EQ(body.find("/9j/"), std::string::npos) << "no image bytes";
}

TEST_F(V2FacesTest, BadFieldsGet400NamingTheField) {
  struct Case {
    std::string target;
    std::string body;
    beast_http::status status;
    int errcode;
  };
  const Case cases[] = {
      {"/v2/faces/T1", "{", beast_http::status::bad_request, 1001},
      {"/v2/faces/T1", upload("not base64!"), beast_http::status::bad_request,
       2004},
      {"/v2/faces/T1", upload("R0lGODlh"), beast_http::status::bad_request,
       2004},
      {"/v2/faces/T1", upload(jpeg_base64("d"), "20260230"),
       beast_http::status::bad_request, 2006},
      {"/v2/faces/T1", upload(jpeg_base64("d"), "20261231", "20261201"),
       beast_http::status::bad_request, 2006},
      {"/v2/faces/" + std::string(33, 'T'), upload(jpeg_base64("d")),
       beast_http::status::bad_request, 2003},
  };
  for (const Case& bad : cases) {
    auto response = send(beast_http::verb::put, bad.target, bad.body);
    EXPECT_EQ(response.result(), bad.status) << bad.body;
    EXPECT_NE(
        response.body().find(R"("errcode":)" + std::to_string(bad.errcode)),
        std::string::npos)
        << bad.body << " -> " << response.body();
  }
  EXPECT_EQ(*server_.store().last_index(), 0);
}

TEST_F(V2FacesTest, RefusesOtherContentTypes) {
  auto response = send(beast_http::verb::put, "/v2/faces/T1",
                       upload(jpeg_base64("x")), "text/plain");
  EXPECT_EQ(response.result(), beast_http::status::unsupported_media_type);
  EXPECT_NE(response.body().find(R"("errcode":1002)"), std::string::npos);
}

TEST_F(V2FacesTest, RefusesImagesOverTheLimit) {
  std::string big(2 * 1024 * 1024 + 1, 'x');
  auto response =
      send(beast_http::verb::put, "/v2/faces/T1", upload(jpeg_base64(big)));
  EXPECT_EQ(response.result(), beast_http::status::payload_too_large)
      << response.body();
  EXPECT_NE(response.body().find(R"("errcode":2005)"), std::string::npos);
  EXPECT_EQ(*server_.store().last_index(), 0);
}

TEST_F(V2FacesTest, ListsLiveFacesInPages) {
  for (const char* ticket : {"T3", "T1", "T2", "T4"}) {
    send(beast_http::verb::put, std::string("/v2/faces/") + ticket,
         upload(jpeg_base64(ticket)));
  }
  send(beast_http::verb::delete_, "/v2/faces/T4");

  auto first = send(beast_http::verb::get, "/v2/faces?limit=2");
  EXPECT_NE(first.body().find(R"("ticketcode":"T1")"), std::string::npos);
  EXPECT_NE(first.body().find(R"("ticketcode":"T2")"), std::string::npos);
  EXPECT_NE(first.body().find(R"("next":"T2")"), std::string::npos)
      << first.body();

  auto second = send(beast_http::verb::get, "/v2/faces?after=T2&limit=2");
  EXPECT_NE(second.body().find(R"("ticketcode":"T3")"), std::string::npos);
  EXPECT_EQ(second.body().find(R"("ticketcode":"T4")"), std::string::npos);
  EXPECT_NE(second.body().find(R"("next":null)"), std::string::npos)
      << second.body();

  auto bad = send(beast_http::verb::get, "/v2/faces?limit=0");
  EXPECT_EQ(bad.result(), beast_http::status::bad_request);
  EXPECT_NE(bad.body().find(R"("errcode":1006)"), std::string::npos);
}

TEST_F(V2FacesTest, HealthAndUnknownPaths) {
  auto health = send(beast_http::verb::get, "/healthz");
  EXPECT_EQ(health.result(), beast_http::status::ok);
  EXPECT_EQ(health.body(), R"({"status":"ok","lastrecordindex":0})");

  auto unknown = send(beast_http::verb::get, "/nope");
  EXPECT_EQ(unknown.result(), beast_http::status::not_found);
  EXPECT_NE(unknown.body().find(R"("errcode":1005)"), std::string::npos);

  auto method = send(beast_http::verb::post, "/v2/faces/T1");
  EXPECT_EQ(method.result(), beast_http::status::method_not_allowed);
  EXPECT_EQ(method[beast_http::field::allow], "GET, PUT, DELETE");
}

}  // namespace
}  // namespace facesync::api
