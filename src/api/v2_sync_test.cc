// GET /v2/sync over real HTTP on loopback against a real SQLite log: the
// same records as the legacy endpoint, in batches, and the long poll.
#include "api/v2_sync.h"

#include <simdjson.h>

#include <chrono>
#include <future>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/test_server.h"
#include "http/client.h"
#include "wire/base64.h"

namespace facesync::api {
namespace {

namespace beast_http = boost::beast::http;
using std::chrono::steady_clock;

// One record as either endpoint gives it, in comparable form.
struct Record {
  int64_t index = 0;
  std::string ticket, op, begin, end, image;
  bool operator==(const Record&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Record& r) {
  return out << r.index << ":" << r.ticket << ":" << r.op;
}

// A string field, or "<null>".
std::string text_of(simdjson::dom::element element) {
  if (element.is_null()) return "<null>";
  return std::string(std::string_view(element.get_string().value()));
}

Record record_of(simdjson::dom::element tag) {
  return Record{tag["recordindex"].get_int64().value(),
                text_of(tag["ticketcode"]),
                text_of(tag["op"]),
                text_of(tag["effdatebegin"]),
                text_of(tag["effdateend"]),
                text_of(tag["faceimage"])};
}

class V2SyncTest : public ::testing::Test {
 protected:
  V2SyncTest() : client_(*http::parse_url(server_.url())) {}

  void enroll(const std::string& ticket, const std::string& gate,
              std::vector<std::string> sites = {}) {
    sync::Enrollment face{ticket,
                          "\xFF\xD8\xFF\xE0 face of " + ticket,
                          gate,
                          "20260101",
                          "20261231",
                          0,
                          std::move(sites)};
    auto done = server_.log().enroll(face);
    ASSERT_TRUE(done.is_ok()) << done.status().to_string();
  }

  http::Response get(const std::string& target) {
    auto response = client_.send(beast_http::verb::get, target);
    EXPECT_TRUE(response.is_ok()) << response.status().to_string();
    return response.is_ok() ? *response : http::Response();
  }

  // The answer's body, parsed; fails the test when it is not JSON.
  simdjson::dom::element parse(const http::Response& response) {
    auto parsed = parser_.parse(response.body());
    EXPECT_FALSE(parsed.error()) << response.body();
    return parsed.value_unsafe();
  }

  // What the legacy endpoint gives `gate` from 0 until caught up.
  std::vector<Record> legacy_records(const std::string& gate) {
    http::Client legacy(*http::parse_url(server_.url()));
    std::vector<Record> records;
    int64_t cursor = 0;
    for (int i = 0; i < 100; ++i) {
      auto reply =
          legacy.send(beast_http::verb::post, "/api/CheckTicket/FaceInfo/Sync",
                      R"({"gatenum":")" + gate + R"(","lastsuccessindex":)" +
                          std::to_string(cursor) + "}",
                      "application/json");
      EXPECT_TRUE(reply.is_ok());
      simdjson::dom::parser parser;
      simdjson::dom::element tag = parser.parse(reply->body())["tag"];
      if (text_of(tag["hasdata"]) == "0") break;
      records.push_back(record_of(tag));
      cursor = records.back().index;
    }
    return records;
  }

  TestServer server_;
  http::Client client_;
  simdjson::dom::parser parser_;
};

TEST_F(V2SyncTest, BatchesGiveWhatTheLegacyEndpointGives) {
  for (int i = 0; i < 12; ++i)
    enroll("T" + std::to_string(i), i % 3 == 0 ? "0002" : "0001");
  ASSERT_TRUE(server_.log().revoke("T4").is_ok());
  enroll("T5", "0001");  // replaced
  const std::vector<Record> expected = legacy_records("0002");
  ASSERT_GE(expected.size(), 8u);

  std::vector<Record> got;
  int64_t after = 0;
  int batches = 0;
  for (; batches < 20; ++batches) {
    auto reply =
        get("/v2/sync?gate=0002&limit=3&after=" + std::to_string(after));
    ASSERT_EQ(reply.result(), beast_http::status::ok) << reply.body();
    simdjson::dom::element body = parse(reply);
    EXPECT_EQ(body["errcode"].get_int64().value(), 0);
    EXPECT_EQ(text_of(body["gatenum"]), "0002");
    EXPECT_EQ(body["after"].get_int64().value(), after);
    simdjson::dom::array records = body["records"].get_array();
    if (records.size() == 0) {
      EXPECT_FALSE(body["more"].get_bool().value());
      EXPECT_EQ(body["last"].get_int64().value(), after);
      break;
    }
    EXPECT_LE(records.size(), 3u);
    for (simdjson::dom::element record : records)
      got.push_back(record_of(record));
    EXPECT_EQ(body["last"].get_int64().value(), got.back().index);
    after = got.back().index;
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(batches, static_cast<int>((expected.size() + 2) / 3));

  // A removal comes with op D and no image; a face with its bytes.
  bool saw_removal = false;
  for (const Record& record : got) {
    if (record.op == "D") {
      saw_removal = true;
      EXPECT_EQ(record.image, "<null>");
    } else {
      EXPECT_NE(record.image, "<null>");
    }
  }
  EXPECT_TRUE(saw_removal);
}

TEST_F(V2SyncTest, ALimitCutsTheBatchAndSaysMore) {
  for (int i = 0; i < 5; ++i)
    enroll("T" + std::to_string(i), "0001");

  simdjson::dom::element body = parse(get("/v2/sync?gate=0009&limit=2"));
  EXPECT_EQ(body["records"].get_array().size(), 2u);
  EXPECT_TRUE(body["more"].get_bool().value());

  std::string image;
  wire::base64_append("\xFF\xD8\xFF\xE0 face of T0", &image);
  EXPECT_EQ(text_of(body["records"].at(0)["faceimage"]), image);
  EXPECT_EQ(text_of(body["records"].at(0)["op"]), "I");
  EXPECT_EQ(text_of(body["records"].at(0)["effdatebegin"]), "20260101");

  body = parse(get("/v2/sync?gate=0009"));
  EXPECT_EQ(body["records"].get_array().size(), 5u);
  EXPECT_FALSE(body["more"].get_bool().value());
}

TEST_F(V2SyncTest, RefusesBadQueries) {
  struct Case {
    std::string target;
    int errcode;
  };
  const Case cases[] = {
      {"/v2/sync?limit=5", 2001},                     // no gate
      {"/v2/sync?gate=00001", 2001},                  // gate too long
      {"/v2/sync?gate=0001&after=-1", 2002},          // negative cursor
      {"/v2/sync?gate=0001&after=x", 2002},           // not a number
      {"/v2/sync?gate=0001&after=2147483648", 2002},  // beyond int32
      {"/v2/sync?gate=0001&limit=0", 1006},
      {"/v2/sync?gate=0001&limit=1001", 1006},
      {"/v2/sync?gate=0001&wait=61", 1006},
      {"/v2/sync?gate=0001&wait=1s", 1006},
  };
  for (const Case& c : cases) {
    auto reply = get(c.target);
    EXPECT_EQ(reply.result(), beast_http::status::bad_request) << c.target;
    EXPECT_EQ(parse(reply)["errcode"].get_int64().value(), c.errcode)
        << c.target << " " << reply.body();
  }

  auto post = client_.send(beast_http::verb::post, "/v2/sync?gate=0001");
  ASSERT_TRUE(post.is_ok());
  EXPECT_EQ(post->result(), beast_http::status::method_not_allowed);
  EXPECT_EQ((*post)[beast_http::field::allow], "GET");
}

TEST_F(V2SyncTest, AWaitingGateGetsARecordAsSoonAsItIsCommitted) {
  enroll("T0", "0001");
  simdjson::dom::element caught_up = parse(get("/v2/sync?gate=0009"));
  const int64_t last = caught_up["last"].get_int64().value();

  auto started = steady_clock::now();
  auto waiting = std::async(std::launch::async, [&] {
    return get("/v2/sync?gate=0009&wait=20&after=" + std::to_string(last));
  });
  // Commit only once the request is parked.
  for (int i = 0; i < 200 && server_.long_poll().parked() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(server_.long_poll().parked(), 1u);
  enroll("T1", "0001");

  http::Response reply = waiting.get();
  EXPECT_LT(steady_clock::now() - started, std::chrono::seconds(10))
      << "answered by the commit, not by the 20 s deadline";
  simdjson::dom::element body = parse(reply);
  ASSERT_EQ(body["records"].get_array().size(), 1u) << reply.body();
  EXPECT_EQ(text_of(body["records"].at(0)["ticketcode"]), "T1");
  EXPECT_EQ(server_.long_poll().parked(), 0u);
}

TEST_F(V2SyncTest, ARecordForAnotherSiteDoesNotEndTheWait) {
  auto put = client_.send(beast_http::verb::put, "/v2/gates/0009",
                          R"({"site":"north"})", "application/json");
  ASSERT_TRUE(put.is_ok() && put->result() == beast_http::status::created);

  auto started = steady_clock::now();
  auto waiting = std::async(std::launch::async,
                            [&] { return get("/v2/sync?gate=0009&wait=1"); });
  for (int i = 0; i < 200 && server_.long_poll().parked() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  enroll("S1", "0001", {"south"});

  http::Response reply = waiting.get();
  EXPECT_GE(steady_clock::now() - started, std::chrono::milliseconds(900))
      << "answered at the deadline";
  simdjson::dom::element body = parse(reply);
  EXPECT_EQ(body["records"].get_array().size(), 0u) << reply.body();
  EXPECT_EQ(body["last"].get_int64().value(), 0);
}

TEST_F(V2SyncTest, StoppingAnswersTheWaitingGates) {
  auto waiting = std::async(std::launch::async,
                            [&] { return get("/v2/sync?gate=0009&wait=30"); });
  for (int i = 0; i < 200 && server_.long_poll().parked() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(server_.long_poll().parked(), 1u);

  auto started = steady_clock::now();
  server_.long_poll().stop();
  http::Response reply = waiting.get();
  EXPECT_LT(steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(reply.result(), beast_http::status::ok);
  EXPECT_EQ(parse(reply)["records"].get_array().size(), 0u);
}

}  // namespace
}  // namespace facesync::api
