// The gate's side of GET /v2/sync: batches as the server writes them and
// as a broken server might, the rules a batch must keep to answer its
// request, and the client against the real server on loopback.
#include "gatesim/v2_client.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/test_server.h"
#include "gatesim/test_faces.h"

namespace facesync::gatesim {
namespace {

// An errcode 0 answer for gate 0002 after 0 with `records` (JSON text).
std::string batch_body(const std::string& records) {
  return R"({"errcode":0,"errmsg":"","gatenum":"0002","after":0,"last":5,)"
         R"("more":false,"records":[)" +
         records + "]}";
}

// A record with index 5 whose `field` is given as `json` (a member is
// dropped when `json` is empty).
std::string record_with(const std::string& field, const std::string& json) {
  const std::pair<std::string, std::string> fields[] = {
      {"recordindex", "5"},
      {"ticketcode", R"("T1")"},
      {"op", R"("I")"},
      {"effdatebegin", R"("20260101")"},
      {"effdateend", R"("20261231")"},
      {"faceimage", R"("QEA=")"},
      {"additionaltemplateinfo", "7"},
  };
  std::string out = "{";
  for (const auto& [name, value] : fields) {
    std::string text = name == field ? json : value;
    if (text.empty()) continue;
    out += (out.size() > 1 ? "," : "") + ("\"" + name + "\":") + text;
  }
  return out + "}";
}

TEST(V2BatchTest, DecodesARecordAndARemoval) {
  auto batch = decode_v2_batch(
      R"({"errcode":0,"errmsg":"","gatenum":"0002","after":4,"last":9,)"
      R"("more":true,"unknown":[1],"records":[)"
      R"({"recordindex":5,"ticketcode":"T1","op":"I","effdatebegin":)"
      R"("20260101","effdateend":"20261231","faceimage":"QEA=",)"
      R"("additionaltemplateinfo":7},)"
      R"({"recordindex":9,"ticketcode":"T0","op":"D","effdatebegin":)"
      R"("20250101","effdateend":"20251231","faceimage":null,)"
      R"("additionaltemplateinfo":0}]})");
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  EXPECT_EQ(batch->errcode, 0);
  EXPECT_EQ(batch->gatenum, "0002");
  EXPECT_EQ(batch->after, 4);
  EXPECT_EQ(batch->last, 9);
  EXPECT_TRUE(batch->more);
  ASSERT_EQ(batch->records.size(), 2u);

  const LegacyTag& face = batch->records[0];
  EXPECT_EQ(face.gatenum, "0002");
  EXPECT_EQ(face.recordindex, 5);
  EXPECT_EQ(face.ticketcode, "T1");
  EXPECT_EQ(face.op, "I");
  EXPECT_EQ(face.effdatebegin, "20260101");
  EXPECT_EQ(face.effdateend, "20261231");
  EXPECT_EQ(face.faceimage, "@@");
  EXPECT_EQ(face.additionaltemplateinfo, 7);

  const LegacyTag& removal = batch->records[1];
  EXPECT_EQ(removal.recordindex, 9);
  EXPECT_EQ(removal.ticketcode, "T0");
  EXPECT_EQ(removal.op, "D");
  EXPECT_FALSE(removal.faceimage);
  EXPECT_EQ(removal.effdateend, "20251231");
}

TEST(V2BatchTest, NullDatesAndTemplateInfoStayUnset) {
  auto batch = decode_v2_batch(batch_body(
      R"({"recordindex":5,"ticketcode":"T1","op":"D","effdatebegin":null,)"
      R"("additionaltemplateinfo":null})"));
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  ASSERT_EQ(batch->records.size(), 1u);
  EXPECT_FALSE(batch->records[0].effdatebegin);
  EXPECT_FALSE(batch->records[0].effdateend);
  EXPECT_FALSE(batch->records[0].faceimage);
  EXPECT_FALSE(batch->records[0].additionaltemplateinfo);
}

TEST(V2BatchTest, AnErrorAnswerKeepsItsMessage) {
  auto batch = decode_v2_batch(R"({"errcode":2001,"errmsg":"bad gate"})");
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  EXPECT_EQ(batch->errcode, 2001);
  EXPECT_EQ(batch->errmsg, "bad gate");
}

TEST(V2BatchTest, RejectsWhatItCannotRead) {
  const std::string good = record_with("", "");
  const std::pair<std::string, std::string> cases[] = {
      {"<html>oops</html>", "not a JSON object"},
      {"[]", "not a JSON object"},
      {R"({"errcode":0,"errmsg":"")", "not a JSON object"},
      {R"({"errmsg":""})", "errcode is missing"},
      {R"({"errcode":"0"})", "errcode is not an integer"},
      {R"({"errcode":0,"errmsg":"","after":0,"last":0,"more":false,)"
       R"("records":[]})",
       "gatenum is missing"},
      {R"({"errcode":0,"errmsg":"","gatenum":"0002","after":0,"more":false,)"
       R"("records":[]})",
       "last is missing"},
      {R"({"errcode":0,"errmsg":"","gatenum":"0002","after":0,"last":0,)"
       R"("more":"false","records":[]})",
       "more is not a bool"},
      {R"({"errcode":0,"errmsg":"","gatenum":"0002","after":0,"last":0,)"
       R"("more":false,"records":{}})",
       "records is not an array"},
      {batch_body("1"), "records[0] is not an object"},
      {batch_body(record_with("recordindex", R"("5")")),
       "records[0].recordindex is not an integer"},
      {batch_body(record_with("recordindex", "5.5")),
       "records[0].recordindex is not an integer"},
      {batch_body(record_with("ticketcode", "")),
       "records[0].ticketcode is missing"},
      {batch_body(record_with("op", "null")), "records[0].op is missing"},
      {batch_body(record_with("effdateend", "20261231")),
       "records[0].effdateend is not a string"},
      {batch_body(record_with("additionaltemplateinfo", R"("7")")),
       "records[0].additionaltemplateinfo is not an integer"},
      {batch_body(record_with("faceimage", "64")),
       "records[0].faceimage is not a string"},
      // Base64 that is not strict: short, unpadded, padding inside, a
      // line break, a space, the URL alphabet.
      {batch_body(record_with("faceimage", R"("QEA")")),
       "records[0].faceimage"},
      {batch_body(record_with("faceimage", R"("QE=A")")),
       "records[0].faceimage"},
      {batch_body(record_with("faceimage", R"("QEA=\n")")),
       "records[0].faceimage"},
      {batch_body(record_with("faceimage", R"("Q EA")")),
       "records[0].faceimage"},
      {batch_body(record_with("faceimage", R"("-_-_")")),
       "records[0].faceimage"},
      {batch_body(good + "," + record_with("faceimage", R"("QE")")),
       "records[1].faceimage"},
  };
  for (const auto& [body, why] : cases) {
    auto batch = decode_v2_batch(body);
    ASSERT_FALSE(batch.is_ok()) << body;
    EXPECT_EQ(batch.status().code(), ErrorCode::kMalformedBody) << body;
    EXPECT_NE(batch.status().detail().find(why), std::string::npos)
        << body << " -> " << batch.status().detail();
  }
  EXPECT_TRUE(decode_v2_batch(batch_body(good)).is_ok());
}

// ---- the rules a batch keeps to answer its request ----

V2Batch answer(const std::vector<int64_t>& indexes, int64_t after = 10) {
  V2Batch batch;
  batch.gatenum = "0002";
  batch.after = after;
  batch.last = indexes.empty() ? after : indexes.back();
  for (int64_t index : indexes) {
    LegacyTag& record = batch.records.emplace_back();
    record.recordindex = index;
  }
  return batch;
}

TEST(V2CheckTest, AcceptsAnswersToTheQuery) {
  const V2Query query{"0002", 10, 3, 0};
  EXPECT_TRUE(check_v2_batch(answer({11, 12, 40}), query).is_ok());
  EXPECT_TRUE(check_v2_batch(answer({}), query).is_ok());
  V2Batch cut = answer({11, 12, 13});
  cut.more = true;
  EXPECT_TRUE(check_v2_batch(cut, query).is_ok());
}

TEST(V2CheckTest, RefusesAnswersThatBreakTheRules) {
  const V2Query query{"0002", 10, 3, 0};
  struct Case {
    const char* name;
    V2Batch batch;
    const char* why;
  };
  std::vector<Case> cases = {
      {"decreasing", answer({11, 15, 13}), "record index 13 is not above 15"},
      {"repeated", answer({11, 11}), "record index 11 is not above 11"},
      {"at the cursor", answer({10, 12}), "record index 10 is not above 10"},
      {"below the cursor", answer({4}), "record index 4 is not above 10"},
      {"over the limit", answer({11, 12, 13, 14}), "more than the limit 3"},
      {"restarted", answer({1, 2}, 0), "not after the cursor 10"},
  };
  cases.push_back({"other gate", answer({11}), "not for gate '0002'"});
  cases.back().batch.gatenum = "0003";
  cases.push_back({"last", answer({11, 12}), "last is 13, expected 12"});
  cases.back().batch.last = 13;
  cases.push_back({"last when empty", answer({}), "last is 11, expected 10"});
  cases.back().batch.last = 11;
  cases.push_back({"more without records", answer({}), "more is true"});
  cases.back().batch.more = true;

  for (const Case& c : cases) {
    Status checked = check_v2_batch(c.batch, query);
    ASSERT_FALSE(checked.is_ok()) << c.name;
    EXPECT_EQ(checked.code(), ErrorCode::kMalformedBody) << c.name;
    EXPECT_NE(checked.detail().find(c.why), std::string::npos)
        << c.name << ": " << checked.detail();
  }
}

TEST(V2TargetTest, CarriesTheQuery) {
  EXPECT_EQ(v2_sync_target({"0002", 5, 500, 0}),
            "/v2/sync?gate=0002&after=5&limit=500");
  EXPECT_EQ(v2_sync_target({"a b", 0, 1, 30}),
            "/v2/sync?gate=a%20b&after=0&limit=1&wait=30");
}

// ---- against the real server ----

class V2ClientTest : public ::testing::Test {
 protected:
  V2ClientTest()
      : client_(*http::parse_url(server_.url()), std::chrono::seconds(10)) {}

  api::TestServer server_;
  V2Client client_;
};

TEST_F(V2ClientTest, ImagesArriveByteForByte) {
  std::string payload;
  for (int byte = 0; byte < 256; ++byte)
    payload.push_back(static_cast<char>(byte));
  const std::string image = testing::fake_jpeg(payload);
  sync::Enrollment face{"T1", image, "0001", "20260101", "20261231", 9, {}};
  ASSERT_TRUE(server_.log().enroll(face).is_ok());
  ASSERT_TRUE(server_.log().revoke("T1").is_ok());
  face.ticket_code = "T2";
  ASSERT_TRUE(server_.log().enroll(face).is_ok());

  auto batch = client_.next({"0002", 0, 10, 0});
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  ASSERT_EQ(batch->records.size(), 2u);
  EXPECT_EQ(batch->records[0].ticketcode, "T1");
  EXPECT_EQ(batch->records[0].op, "D");
  EXPECT_FALSE(batch->records[0].faceimage);
  EXPECT_EQ(batch->records[1].ticketcode, "T2");
  EXPECT_EQ(batch->records[1].faceimage, image);
  EXPECT_EQ(batch->records[1].additionaltemplateinfo, 9);
  EXPECT_EQ(batch->last, batch->records[1].recordindex);
  EXPECT_FALSE(batch->more);
}

TEST_F(V2ClientTest, RefusalsAreFailuresWithTheServersErrcode) {
  const std::pair<V2Query, std::string> cases[] = {
      {{"12345", 0, 10, 0}, "HTTP 400, errcode 2001"},
      {{"0001", 0, 1001, 0}, "HTTP 400, errcode 1006"},
      {{"0001", 0, 10, 61}, "HTTP 400, errcode 1006"},
      {{"0001", -1, 10, 0}, "HTTP 400, errcode 2002"},
  };
  for (const auto& [query, why] : cases) {
    auto batch = client_.next(query);
    ASSERT_FALSE(batch.is_ok()) << why;
    EXPECT_EQ(batch.status().code(), ErrorCode::kUnavailable);
    EXPECT_NE(batch.status().detail().find(why), std::string::npos)
        << batch.status().detail();
  }
}

}  // namespace
}  // namespace facesync::gatesim
