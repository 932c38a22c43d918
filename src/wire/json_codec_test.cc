// Tests of the JSON codec: what Json.NET accepted, what it did not, and
// the seed's reply sample.
#include "wire/json_codec.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "wire/base64.h"
#include "wire/json_parse.h"
#include "wire/json_writer.h"
#include "wire/sync_fields.h"
#include "wire/test_util.h"

namespace facesync::wire {
namespace {

using testutil::code_of;
using testutil::DecodeCase;
using testutil::expect_decoded;
using testutil::kGate;
using testutil::kIndex;
using testutil::kMalformed;
using testutil::kOk;
using testutil::ScanCase;

// ----- Decoding.

class JsonDecodeTest : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(JsonDecodeTest, Decodes) {
  expect_decoded(GetParam(), decode_json_sync_request(GetParam().body));
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, JsonDecodeTest,
    ::testing::Values(
        DecodeCase{"plain", R"({"gatenum":"0001","lastsuccessindex":2})", kOk,
                   "0001", 2},
        DecodeCase{"seed_shape_with_real_gate",
                   R"({ "gatenum": "0001", "lastsuccessindex": 2 })", kOk,
                   "0001", 2},
        DecodeCase{"any_order", R"({"lastsuccessindex":0,"gatenum":"A1"})", kOk,
                   "A1", 0},
        DecodeCase{"names_ignore_case",
                   R"({"GateNum":"1","LASTSUCCESSINDEX":3})", kOk, "1", 3},
        DecodeCase{"unknown_ignored",
                   R"({"x":{"gatenum":"bad","y":[1,{"z":[]}]},"gatenum":"7",)"
                   R"("w":[true,null,1.5e300,"s"],"lastsuccessindex":9,)"
                   R"("v":null})",
                   kOk, "7", 9},
        DecodeCase{"index_numeric_string",
                   R"({"gatenum":"1","lastsuccessindex":"5"})", kOk, "1", 5},
        DecodeCase{"index_string_spaces_sign",
                   R"({"gatenum":"1","lastsuccessindex":" +5 "})", kOk, "1", 5},
        DecodeCase{"index_integral_double",
                   R"({"gatenum":"1","lastsuccessindex":5.0})", kOk, "1", 5},
        DecodeCase{"index_exponent",
                   R"({"gatenum":"1","lastsuccessindex":5e1})", kOk, "1", 50},
        DecodeCase{"index_minus_zero",
                   R"({"gatenum":"1","lastsuccessindex":-0})", kOk, "1", 0},
        DecodeCase{"index_max",
                   R"({"gatenum":"1","lastsuccessindex":2147483647})", kOk, "1",
                   2147483647},
        DecodeCase{"gatenum_integer", R"({"gatenum":12,"lastsuccessindex":1})",
                   kOk, "12", 1},
        DecodeCase{"gatenum_negative_integer",
                   R"({"gatenum":-1,"lastsuccessindex":1})", kOk, "-1", 1},
        DecodeCase{
            "gatenum_cjk",
            "{\"gatenum\":\"\xE9\x97\xB8\xE6\x9C\xBA\",\"lastsuccessindex\""
            ":1}",
            kOk, "\xE9\x97\xB8\xE6\x9C\xBA", 1},
        DecodeCase{"escapes_in_names_and_values",
                   R"({"gate\u006eum":"\u0030\u00301","lastsuccessindex":1})",
                   kOk, "001", 1},
        DecodeCase{"gatenum_escaped_slash",
                   R"({"gatenum":"1\/2","lastsuccessindex":1})", kOk, "1/2", 1},
        DecodeCase{"bom",
                   "\xEF\xBB\xBF{\"gatenum\":\"1\",\"lastsuccessindex\":1}",
                   kOk, "1", 1},
        DecodeCase{"whitespace_around",
                   " \r\n\t{\"gatenum\":\"1\",\"lastsuccessindex\":1} \n", kOk,
                   "1", 1},
        DecodeCase{"last_duplicate_wins",
                   R"({"gatenum":"1","gatenum":"2","lastsuccessindex":1,)"
                   R"("lastsuccessindex":7})",
                   kOk, "2", 7},
        DecodeCase{"duplicate_across_case",
                   R"({"gatenum":"12345","GATENUM":"3","lastsuccessindex":1})",
                   kOk, "3", 1},
        DecodeCase{"earlier_bad_duplicate_ignored",
                   R"({"gatenum":"1","lastsuccessindex":"x",)"
                   R"("lastsuccessindex":3})",
                   kOk, "1", 3}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    BadFields, JsonDecodeTest,
    ::testing::Values(
        DecodeCase{"seed_sample_gate_too_long",
                   std::string(testutil::kSeedJsonRequest), kGate},
        DecodeCase{"gatenum_missing", R"({"lastsuccessindex":1})", kGate},
        DecodeCase{"gatenum_null", R"({"gatenum":null,"lastsuccessindex":1})",
                   kGate},
        DecodeCase{"gatenum_empty", R"({"gatenum":"","lastsuccessindex":1})",
                   kGate},
        DecodeCase{"gatenum_five",
                   R"({"gatenum":"00001","lastsuccessindex":1})", kGate},
        DecodeCase{"gatenum_big_integer",
                   R"({"gatenum":12345,"lastsuccessindex":1})", kGate},
        DecodeCase{"gatenum_fraction",
                   R"({"gatenum":1.5,"lastsuccessindex":1})", kGate},
        DecodeCase{"gatenum_bool", R"({"gatenum":true,"lastsuccessindex":1})",
                   kGate},
        DecodeCase{"gatenum_array", R"({"gatenum":["1"],"lastsuccessindex":1})",
                   kGate},
        DecodeCase{"gatenum_object", R"({"gatenum":{},"lastsuccessindex":1})",
                   kGate},
        DecodeCase{"gatenum_control",
                   R"({"gatenum":"0\u0001","lastsuccessindex":1})", kGate},
        DecodeCase{"gatenum_nul",
                   R"({"gatenum":"0\u0000","lastsuccessindex":1})", kGate},
        DecodeCase{"gatenum_newline",
                   R"({"gatenum":"0\n","lastsuccessindex":1})", kGate},
        DecodeCase{"gatenum_only_in_nested_object",
                   R"({"x":{"gatenum":"1","lastsuccessindex":1}})", kGate},
        DecodeCase{"gatenum_checked_first",
                   R"({"gatenum":"","lastsuccessindex":-1})", kGate},
        DecodeCase{"both_missing", "{}", kGate},
        DecodeCase{"index_missing", R"({"gatenum":"1"})", kIndex},
        DecodeCase{"index_null", R"({"gatenum":"1","lastsuccessindex":null})",
                   kIndex},
        DecodeCase{"index_negative", R"({"gatenum":"1","lastsuccessindex":-1})",
                   kIndex},
        DecodeCase{"index_above_int32",
                   R"({"gatenum":"1","lastsuccessindex":2147483648})", kIndex},
        DecodeCase{"index_above_int64",
                   R"({"gatenum":"1","lastsuccessindex":18446744073709551615})",
                   kIndex},
        DecodeCase{"index_int64_min",
                   R"({"gatenum":"1","lastsuccessindex":-9223372036854775808})",
                   kIndex},
        DecodeCase{"index_fraction",
                   R"({"gatenum":"1","lastsuccessindex":1.5})", kIndex},
        DecodeCase{"index_huge_double",
                   R"({"gatenum":"1","lastsuccessindex":1e300})", kIndex},
        DecodeCase{"index_bool", R"({"gatenum":"1","lastsuccessindex":true})",
                   kIndex},
        DecodeCase{"index_array", R"({"gatenum":"1","lastsuccessindex":[1]})",
                   kIndex},
        DecodeCase{"index_object", R"({"gatenum":"1","lastsuccessindex":{}})",
                   kIndex},
        DecodeCase{"index_empty_string",
                   R"({"gatenum":"1","lastsuccessindex":""})", kIndex},
        DecodeCase{"index_word", R"({"gatenum":"1","lastsuccessindex":"five"})",
                   kIndex},
        DecodeCase{"index_string_fraction",
                   R"({"gatenum":"1","lastsuccessindex":"5.0"})", kIndex},
        DecodeCase{
            "index_string_huge",
            R"({"gatenum":"1","lastsuccessindex":"99999999999999999999"})",
            kIndex},
        DecodeCase{"index_last_duplicate_bad",
                   R"({"gatenum":"1","lastsuccessindex":3,)"
                   R"("lastsuccessindex":null})",
                   kIndex}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Malformed, JsonDecodeTest,
    ::testing::Values(
        DecodeCase{"empty", "", kMalformed},
        DecodeCase{"blank", " \n ", kMalformed},
        DecodeCase{"array_root", R"([{"gatenum":"1","lastsuccessindex":1}])",
                   kMalformed},
        DecodeCase{"null_root", "null", kMalformed},
        DecodeCase{"string_root", R"("gatenum")", kMalformed},
        DecodeCase{"number_root", "1", kMalformed},
        DecodeCase{"truncated", R"({"gatenum":"1","lastsuccessindex":1)",
                   kMalformed},
        DecodeCase{"truncated_in_string", R"({"gatenum":"1)", kMalformed},
        DecodeCase{"trailing_garbage",
                   R"({"gatenum":"1","lastsuccessindex":1} x)", kMalformed},
        DecodeCase{"two_objects", R"({"gatenum":"1","lastsuccessindex":1}{})",
                   kMalformed},
        DecodeCase{"trailing_comma", R"({"gatenum":"1","lastsuccessindex":1,})",
                   kMalformed},
        DecodeCase{"missing_comma", R"({"gatenum":"1" "lastsuccessindex":1})",
                   kMalformed},
        DecodeCase{"single_quotes", R"({'gatenum':'1','lastsuccessindex':1})",
                   kMalformed},
        DecodeCase{"bare_names", R"({gatenum:"1",lastsuccessindex:1})",
                   kMalformed},
        DecodeCase{"comment", R"({"gatenum":"1",/* c */"lastsuccessindex":1})",
                   kMalformed},
        DecodeCase{"nan", R"({"gatenum":"1","lastsuccessindex":NaN})",
                   kMalformed},
        DecodeCase{"leading_zero", R"({"gatenum":"1","lastsuccessindex":01})",
                   kMalformed},
        DecodeCase{"plus_sign", R"({"gatenum":"1","lastsuccessindex":+1})",
                   kMalformed},
        DecodeCase{"hex", R"({"gatenum":"1","lastsuccessindex":0x1})",
                   kMalformed},
        DecodeCase{"bad_literal",
                   R"({"gatenum":"1","x":tru,"lastsuccessindex":1})",
                   kMalformed},
        // Integers beyond 64 bits stop simdjson; Json.NET read BigInteger.
        DecodeCase{"index_beyond_64_bits",
                   R"({"gatenum":"1","lastsuccessindex":99999999999999999999})",
                   kMalformed},
        DecodeCase{"double_overflow",
                   R"({"gatenum":"1","lastsuccessindex":1e400})", kMalformed},
        DecodeCase{"raw_control_in_string",
                   "{\"gatenum\":\"0\x01\",\"lastsuccessindex\":1}",
                   kMalformed},
        DecodeCase{"bad_escape", R"({"gatenum":"\q","lastsuccessindex":1})",
                   kMalformed},
        DecodeCase{"lone_surrogate_escape",
                   R"({"gatenum":"\ud800","lastsuccessindex":1})", kMalformed},
        DecodeCase{"invalid_utf8_in_unknown",
                   "{\"x\":\"\xFF\",\"gatenum\":\"1\",\"lastsuccessindex\":1}",
                   kMalformed},
        DecodeCase{"overlong_utf8",
                   "{\"gatenum\":\"\xC0\xB1\",\"lastsuccessindex\":1}",
                   kMalformed},
        DecodeCase{"two_boms",
                   "\xEF\xBB\xBF\xEF\xBB\xBF{\"gatenum\":\"1\","
                   "\"lastsuccessindex\":1}",
                   kMalformed}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(JsonDecodeMalformedTest, RefusesUtf16Text) {
  const std::string_view ascii = R"({"gatenum":"1","lastsuccessindex":1})";
  std::string utf16 = "\xFF\xFE";  // little-endian byte order mark
  for (char c : ascii) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  EXPECT_EQ(code_of(decode_json_sync_request(utf16)), kMalformed);
  EXPECT_EQ(code_of(decode_json_sync_request(utf16.substr(2))), kMalformed);
}

// Nesting of `depth` levels in all under an unknown key.
std::string with_nesting(size_t depth) {
  return R"({"gatenum":"1","lastsuccessindex":1,"x":)" +
         std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
}

TEST(JsonDecodeLimitsTest, CapsNesting) {
  EXPECT_EQ(code_of(decode_json_sync_request(with_nesting(kMaxJsonDepth))),
            kOk);
  EXPECT_EQ(code_of(decode_json_sync_request(with_nesting(kMaxJsonDepth + 1))),
            kMalformed);
  EXPECT_EQ(code_of(decode_json_sync_request(with_nesting(20000))), kMalformed);
}

TEST(JsonDecodeLimitsTest, CapsTheBodySize) {
  const std::string body = R"({"gatenum":"1","lastsuccessindex":1})";
  const std::string fits(kMaxSyncBodyBytes - body.size(), ' ');
  EXPECT_EQ(code_of(decode_json_sync_request(body + fits)), kOk);
  EXPECT_EQ(code_of(decode_json_sync_request(body + fits + " ")),
            ErrorCode::kBodyTooLarge);
}

TEST(JsonDecodeLimitsTest, ParsesSmallAfterLarge) {
  const std::string large = R"({"pad":")" + std::string(50000, 'a') +
                            R"(","gatenum":"9","lastsuccessindex":9})";
  const Result<SyncRequest> first = decode_json_sync_request(large);
  ASSERT_TRUE(first.is_ok());
  EXPECT_EQ(first->gatenum, "9");

  const Result<SyncRequest> second =
      decode_json_sync_request(R"({"gatenum":"2","lastsuccessindex":2})");
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(second->gatenum, "2");
  EXPECT_EQ(second->lastsuccessindex, 2);
}

TEST(JsonDecodeLimitsTest, DecodesOnManyThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 500; ++i) {
        const std::string body = R"({"gatenum":")" + std::to_string(t) +
                                 R"(","lastsuccessindex":)" +
                                 std::to_string(i) + "}";
        const Result<SyncRequest> request = decode_json_sync_request(body);
        if (!request.is_ok() || request->gatenum != std::to_string(t) ||
            request->lastsuccessindex != i) {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST(JsonDecodeDetailTest, SaysWhatIsWrong) {
  EXPECT_EQ(decode_json_sync_request(R"({"gatenum":null})").status().detail(),
            "gatenum is null");
  EXPECT_EQ(decode_json_sync_request(R"({"gatenum":"1"})").status().detail(),
            "lastsuccessindex is missing");
  EXPECT_EQ(decode_json_sync_request(R"({"gatenum":"1","lastsuccessindex":-3})")
                .status()
                .detail(),
            "lastsuccessindex is negative");
}

// ----- Encoding.

std::string encode(const SyncReply& reply) {
  std::string out;
  encode_json_sync_reply(reply, &out);
  return out;
}

TEST(JsonEncodeTest, MatchesTheSeedSample) {
  EXPECT_EQ(encode(testutil::seed_reply()),
            testutil::strip_json_space(testutil::kSeedJsonReply));
}

TEST(JsonEncodeTest, WritesANullTag) {
  EXPECT_EQ(encode(SyncReply{3, "no such gate", std::nullopt}),
            R"({"errcode":3,"errmsg":"no such gate","tag":null})");
}

TEST(JsonEncodeTest, WritesUnsetOptionalsAsNull) {
  SyncTag tag;
  tag.gatenum = "0001";
  tag.recordindex = 0;
  tag.hasdata = "0";
  EXPECT_EQ(encode(SyncReply{0, "", tag}),
            R"({"errcode":0,"errmsg":"","tag":{"gatenum":"0001",)"
            R"("recordindex":0,"hasdata":"0","ticketcode":null,"op":null,)"
            R"("effdatebegin":null,"effdateend":null,"faceimage":null,)"
            R"("additionaltemplateinfo":null}})");
}

TEST(JsonEncodeTest, WritesAnEmptyImageAsAnEmptyString) {
  SyncReply reply = testutil::seed_reply();
  reply.tag->faceimage = std::string_view();
  const std::string out = encode(reply);
  EXPECT_NE(out.find(R"("faceimage":"",)"), std::string::npos) << out;
}

TEST(JsonEncodeTest, EscapesText) {
  const std::string out =
      encode(SyncReply{-1, "bad \"gate\"\n\xE9\x97\xB8\xFF", std::nullopt});
  EXPECT_EQ(out,
            "{\"errcode\":-1,\"errmsg\":\"bad \\\"gate\\\"\\u000a"
            "\xE9\x97\xB8\xEF\xBF\xBD\",\"tag\":null}");
}

TEST(JsonEncodeTest, AppendsToTheCallersString) {
  std::string out = "HTTP body: ";
  encode_json_sync_reply(SyncReply{0, "ok", std::nullopt}, &out);
  EXPECT_EQ(out, R"(HTTP body: {"errcode":0,"errmsg":"ok","tag":null})");
}

TEST(JsonEncodeTest, ReadsBackWithSimdjson) {
  std::string image(10000, '\0');
  for (size_t i = 0; i < image.size(); ++i) {
    image[i] = static_cast<char>(i);
  }
  SyncReply reply = testutil::seed_reply();
  reply.errcode = 0;
  reply.tag->faceimage = image;
  reply.tag->recordindex = 2147483647;
  const std::string out = encode(reply);

  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(out).get(root), simdjson::SUCCESS);
  EXPECT_EQ(int64_t(root["tag"]["recordindex"]), 2147483647);
  std::string base64;
  base64_append(image, &base64);
  EXPECT_EQ(std::string_view(root["tag"]["faceimage"]), base64);

  std::vector<std::string_view> keys;
  for (auto field : simdjson::dom::object(root["tag"])) {
    keys.push_back(field.key);
  }
  EXPECT_EQ(keys, (std::vector<std::string_view>{
                      "gatenum", "recordindex", "hasdata", "ticketcode", "op",
                      "effdatebegin", "effdateend", "faceimage",
                      "additionaltemplateinfo"}));
}

// ----- TotalScan: decoding.

constexpr ErrorCode kTicket = ErrorCode::kBadTicketCode;
using testutil::kTicket32;
using testutil::kTicket33;
using testutil::repeat;

class JsonTotalScanDecodeTest : public ::testing::TestWithParam<ScanCase> {};

TEST_P(JsonTotalScanDecodeTest, Decodes) {
  expect_decoded(GetParam(), decode_json_total_scan_request(GetParam().body));
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, JsonTotalScanDecodeTest,
    ::testing::Values(
        ScanCase{"plain", R"({"gatenum":"0001","firstlbsbh":"T0050"})", kOk,
                 "0001", "T0050"},
        ScanCase{"help_page_shape",
                 R"({ "gatenum": "0001", "firstlbsbh": "T0050" })", kOk, "0001",
                 "T0050"},
        ScanCase{"any_order", R"({"firstlbsbh":"T1","gatenum":"A001"})", kOk,
                 "A001", "T1"},
        ScanCase{"names_ignore_case", R"({"GateNum":"0001","FIRSTLBSBH":"T1"})",
                 kOk, "0001", "T1"},
        ScanCase{"firstlbsbh_absent", R"({"gatenum":"0001"})", kOk, "0001", ""},
        ScanCase{"firstlbsbh_null", R"({"gatenum":"0001","firstlbsbh":null})",
                 kOk, "0001", ""},
        ScanCase{"firstlbsbh_empty", R"({"gatenum":"0001","firstlbsbh":""})",
                 kOk, "0001", ""},
        ScanCase{"firstlbsbh_32",
                 R"({"gatenum":"0001","firstlbsbh":")" + kTicket32 + R"("})",
                 kOk, "0001", kTicket32},
        ScanCase{"firstlbsbh_32_escaped_cjk",
                 R"({"gatenum":"0001","firstlbsbh":")" +
                     repeat(R"(\u95f8)", 32) + R"("})",
                 kOk, "0001", repeat("\xE9\x97\xB8", 32)},
        ScanCase{"firstlbsbh_escapes",
                 R"({"gatenum":"0001","firstlbsbh":"T\u0030\/1"})", kOk, "0001",
                 "T0/1"},
        ScanCase{"firstlbsbh_spaces_kept",
                 R"({"gatenum":"0001","firstlbsbh":" T1 "})", kOk, "0001",
                 " T1 "},
        ScanCase{"gatenum_integer", R"({"gatenum":1234})", kOk, "1234", ""},
        ScanCase{"gatenum_cjk_escaped",
                 R"({"gatenum":"\u95f8\u95f8\u95f8\u95f8"})", kOk,
                 "\xE9\x97\xB8\xE9\x97\xB8\xE9\x97\xB8\xE9\x97\xB8", ""},
        ScanCase{"gatenum_surrogate_pairs",
                 R"({"gatenum":"\ud83d\ude00\ud83d\ude00\ud83d\ude00A"})", kOk,
                 "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
                 "A",
                 ""},
        ScanCase{"last_duplicate_wins",
                 R"({"gatenum":"0001","firstlbsbh":"T1","FirstLbsbh":"T2"})",
                 kOk, "0001", "T2"},
        ScanCase{"earlier_bad_duplicate_ignored",
                 R"({"gatenum":"0001","firstlbsbh":7,"firstlbsbh":"T2"})", kOk,
                 "0001", "T2"},
        ScanCase{"unknown_ignored",
                 R"({"x":{"firstlbsbh":1},"gatenum":"0001",)"
                 R"("lastsuccessindex":"y","firstlbsbh":"T3","z":[null]})",
                 kOk, "0001", "T3"},
        ScanCase{"bom", "\xEF\xBB\xBF{\"gatenum\":\"0001\"}", kOk, "0001", ""}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    BadFields, JsonTotalScanDecodeTest,
    ::testing::Values(
        ScanCase{"gatenum_three", R"({"gatenum":"001","firstlbsbh":""})",
                 kGate},
        ScanCase{"gatenum_five", R"({"gatenum":"00001","firstlbsbh":""})",
                 kGate},
        ScanCase{"gatenum_three_cjk", R"({"gatenum":"\u95f8\u95f8\u95f8"})",
                 kGate},
        ScanCase{"gatenum_five_cjk",
                 R"({"gatenum":"\u95f8\u95f8\u95f8\u95f8\u95f8"})", kGate},
        ScanCase{"gatenum_three_astral_twelve_bytes",
                 R"({"gatenum":"\ud83d\ude00\ud83d\ude00\ud83d\ude00"})",
                 kGate},
        ScanCase{"gatenum_integer_three", R"({"gatenum":123})", kGate},
        ScanCase{"gatenum_integer_five", R"({"gatenum":12345})", kGate},
        ScanCase{"gatenum_missing", R"({"firstlbsbh":"T1"})", kGate},
        ScanCase{"gatenum_null", R"({"gatenum":null})", kGate},
        ScanCase{"gatenum_bool", R"({"gatenum":true})", kGate},
        ScanCase{"gatenum_control", R"({"gatenum":"00\u00011"})", kGate},
        ScanCase{"gatenum_checked_first", R"({"gatenum":"001","firstlbsbh":5})",
                 kGate},
        ScanCase{"firstlbsbh_33",
                 R"({"gatenum":"0001","firstlbsbh":")" + kTicket33 + R"("})",
                 kTicket},
        ScanCase{"firstlbsbh_33_escaped_cjk",
                 R"({"gatenum":"0001","firstlbsbh":")" +
                     repeat(R"(\u95f8)", 33) + R"("})",
                 kTicket},
        ScanCase{"firstlbsbh_integer", R"({"gatenum":"0001","firstlbsbh":50})",
                 kTicket},
        ScanCase{"firstlbsbh_double", R"({"gatenum":"0001","firstlbsbh":1.5})",
                 kTicket},
        ScanCase{"firstlbsbh_bool", R"({"gatenum":"0001","firstlbsbh":false})",
                 kTicket},
        ScanCase{"firstlbsbh_array",
                 R"({"gatenum":"0001","firstlbsbh":["T1"]})", kTicket},
        ScanCase{"firstlbsbh_object", R"({"gatenum":"0001","firstlbsbh":{}})",
                 kTicket},
        ScanCase{"firstlbsbh_control",
                 R"({"gatenum":"0001","firstlbsbh":"T\u0001"})", kTicket},
        ScanCase{"firstlbsbh_last_duplicate_bad",
                 R"({"gatenum":"0001","firstlbsbh":"T1","firstlbsbh":[]})",
                 kTicket}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Malformed, JsonTotalScanDecodeTest,
    ::testing::Values(
        ScanCase{"empty", "", kMalformed},
        ScanCase{"array_root", R"([{"gatenum":"0001"}])", kMalformed},
        ScanCase{"string_root", R"("0001")", kMalformed},
        ScanCase{"truncated", R"({"gatenum":"0001","firstlbsbh":"T1")",
                 kMalformed},
        ScanCase{"trailing_comma", R"({"gatenum":"0001",})", kMalformed},
        ScanCase{"single_quotes", R"({'gatenum':'0001'})", kMalformed},
        ScanCase{"comment", R"({"gatenum":"0001"/* c */})", kMalformed},
        ScanCase{"raw_control_in_string",
                 "{\"gatenum\":\"0001\",\"firstlbsbh\":\"T\x01\"}", kMalformed},
        ScanCase{"invalid_utf8",
                 "{\"gatenum\":\"0001\",\"firstlbsbh\":\"T\xFF\"}", kMalformed},
        ScanCase{"lone_surrogate",
                 R"({"gatenum":"0001","firstlbsbh":"\ud800"})", kMalformed}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(JsonTotalScanLimitsTest, CapsTheBodySize) {
  const std::string body = R"({"gatenum":"0001"})";
  const std::string fits(kMaxSyncBodyBytes - body.size(), ' ');
  EXPECT_EQ(code_of(decode_json_total_scan_request(body + fits)), kOk);
  EXPECT_EQ(code_of(decode_json_total_scan_request(body + fits + " ")),
            ErrorCode::kBodyTooLarge);
}

TEST(JsonTotalScanDetailTest, SaysWhatIsWrong) {
  EXPECT_EQ(
      decode_json_total_scan_request(R"({"gatenum":"001"})").status().detail(),
      "gatenum is shorter than 4 characters");
  EXPECT_EQ(
      decode_json_total_scan_request(R"({"gatenum":"0001","firstlbsbh":1})")
          .status()
          .detail(),
      "firstlbsbh is not a string");
}

TEST(JsonTotalScanRoundTripTest, RoundTripsWhatJsonWriterWrites) {
  const std::string gates[] = {"0001", "\"\\/ ",
                               "\xE9\x97\xB8"
                               "AB\xF0\x9F\x98\x80"};
  const std::string tickets[] = {"", kTicket32, "T\"1\\2</>",
                                 repeat("\xE9\x97\xB8", 32)};
  for (const std::string& gate : gates) {
    for (const std::string& ticket : tickets) {
      std::string body;
      JsonWriter json(&body);
      json.begin_object();
      json.key("firstlbsbh").string(ticket);
      json.key("gatenum").string(gate);
      json.end_object();

      const Result<TotalScanRequest> request =
          decode_json_total_scan_request(body);
      ASSERT_TRUE(request.is_ok())
          << body << ": " << request.status().to_string();
      EXPECT_EQ(request->gatenum, gate);
      EXPECT_EQ(request->firstlbsbh, ticket);
    }
  }
}

// ----- TotalScan: encoding.

std::string encode(const TotalScanReply& reply) {
  std::string out;
  encode_json_total_scan_reply(reply, &out);
  return out;
}

TEST(JsonTotalScanEncodeTest, WritesTheExactBytes) {
  EXPECT_EQ(encode(TotalScanReply{0, "", TotalScanTag{"1", "T0050"}}),
            R"({"errcode":0,"errmsg":"","tag":)"
            R"({"hasmorepage":"1","lastlbsbh":"T0050"}})");
  EXPECT_EQ(encode(TotalScanReply{0, "done", TotalScanTag{"0", "T0099"}}),
            R"({"errcode":0,"errmsg":"done","tag":)"
            R"({"hasmorepage":"0","lastlbsbh":"T0099"}})");
}

TEST(JsonTotalScanEncodeTest, WritesANullTag) {
  EXPECT_EQ(encode(TotalScanReply{3, "no such gate", std::nullopt}),
            R"({"errcode":3,"errmsg":"no such gate","tag":null})");
}

TEST(JsonTotalScanEncodeTest, WritesUnsetFieldsAsNull) {
  EXPECT_EQ(encode(TotalScanReply{0, "", TotalScanTag{}}),
            R"({"errcode":0,"errmsg":"","tag":)"
            R"({"hasmorepage":null,"lastlbsbh":null}})");
  EXPECT_EQ(encode(TotalScanReply{0, "", TotalScanTag{"0", std::nullopt}}),
            R"({"errcode":0,"errmsg":"","tag":)"
            R"({"hasmorepage":"0","lastlbsbh":null}})");
  EXPECT_EQ(encode(TotalScanReply{0, "", TotalScanTag{"0", ""}}),
            R"({"errcode":0,"errmsg":"","tag":)"
            R"({"hasmorepage":"0","lastlbsbh":""}})");
}

TEST(JsonTotalScanEncodeTest, EscapesText) {
  EXPECT_EQ(encode(TotalScanReply{-1, "a\"b\n",
                                  TotalScanTag{"1", "T\\\xE9\x97\xB8\xFF"}}),
            "{\"errcode\":-1,\"errmsg\":\"a\\\"b\\u000a\",\"tag\":"
            "{\"hasmorepage\":\"1\",\"lastlbsbh\":\"T\\\\\xE9\x97\xB8"
            "\xEF\xBF\xBD\"}}");
}

TEST(JsonTotalScanEncodeTest, AppendsToTheCallersString) {
  std::string out = "HTTP body: ";
  encode_json_total_scan_reply(TotalScanReply{0, "ok", std::nullopt}, &out);
  EXPECT_EQ(out, R"(HTTP body: {"errcode":0,"errmsg":"ok","tag":null})");
}

TEST(JsonTotalScanEncodeTest, ReadsBackWithSimdjson) {
  const TotalScanReply reply{7, "x\"y", TotalScanTag{"1", "\xE9\x97\xB8\"1"}};
  const std::string out = encode(reply);

  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(out).get(root), simdjson::SUCCESS);
  EXPECT_EQ(int64_t(root["errcode"]), 7);
  EXPECT_EQ(std::string_view(root["errmsg"]), "x\"y");
  EXPECT_EQ(std::string_view(root["tag"]["hasmorepage"]), "1");
  EXPECT_EQ(std::string_view(root["tag"]["lastlbsbh"]), "\xE9\x97\xB8\"1");

  std::vector<std::string_view> keys;
  for (auto field : simdjson::dom::object(root)) {
    keys.push_back(field.key);
  }
  EXPECT_EQ(keys, (std::vector<std::string_view>{"errcode", "errmsg", "tag"}));
  keys.clear();
  for (auto field : simdjson::dom::object(root["tag"])) {
    keys.push_back(field.key);
  }
  EXPECT_EQ(keys, (std::vector<std::string_view>{"hasmorepage", "lastlbsbh"}));
}

}  // namespace
}  // namespace facesync::wire
