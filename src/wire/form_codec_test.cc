// Tests of the form-urlencoded request decoder.
#include "wire/form_codec.h"

#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>

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

class FormDecodeTest : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(FormDecodeTest, Decodes) {
  expect_decoded(GetParam(), decode_form_sync_request(GetParam().body));
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, FormDecodeTest,
    ::testing::Values(
        DecodeCase{"plain", "gatenum=0001&lastsuccessindex=2", kOk, "0001", 2},
        DecodeCase{"any_order", "lastsuccessindex=0&gatenum=A", kOk, "A", 0},
        DecodeCase{"names_ignore_case", "GateNum=1&LASTSUCCESSINDEX=3", kOk,
                   "1", 3},
        DecodeCase{"escaped_name", "gate%6Eum=1&lastsuccessindex=3", kOk, "1",
                   3},
        DecodeCase{"plus_is_space", "gatenum=0+1&lastsuccessindex=1", kOk,
                   "0 1", 1},
        DecodeCase{"percent_plus", "gatenum=0%2B1&lastsuccessindex=1", kOk,
                   "0+1", 1},
        DecodeCase{"lower_case_hex", "gatenum=%e9%97%b8&lastsuccessindex=1",
                   kOk, "\xE9\x97\xB8", 1},
        DecodeCase{"value_with_equals", "gatenum=a=b&lastsuccessindex=1", kOk,
                   "a=b", 1},
        DecodeCase{"unknown_pairs_skipped",
                   "x=1&gatenum=7&y&z=&lastsuccessindex=9&w=%41", kOk, "7", 9},
        DecodeCase{"empty_pairs_skipped", "&&gatenum=1&&lastsuccessindex=2&",
                   kOk, "1", 2},
        DecodeCase{"first_duplicate_wins",
                   "gatenum=1&gatenum=2&lastsuccessindex=3&lastsuccessindex=4",
                   kOk, "1", 3},
        DecodeCase{"duplicate_across_case",
                   "gatenum=1&GATENUM=2&lastsuccessindex=3", kOk, "1", 3},
        DecodeCase{"index_sign_and_spaces", "gatenum=1&lastsuccessindex=+%2B5+",
                   kOk, "1", 5},
        DecodeCase{"bom", "\xEF\xBB\xBFgatenum=1&lastsuccessindex=2", kOk, "1",
                   2},
        DecodeCase{"raw_utf8_value", "gatenum=\xE9\x97\xB8&lastsuccessindex=2",
                   kOk, "\xE9\x97\xB8", 2}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    BadFields, FormDecodeTest,
    ::testing::Values(
        DecodeCase{"empty_body", "", kGate},
        DecodeCase{"gatenum_missing", "lastsuccessindex=1", kGate},
        DecodeCase{"gatenum_empty", "gatenum=&lastsuccessindex=1", kGate},
        DecodeCase{"gatenum_without_equals", "gatenum&lastsuccessindex=1",
                   kGate},
        DecodeCase{"gatenum_five", "gatenum=00001&lastsuccessindex=1", kGate},
        DecodeCase{"gatenum_control", "gatenum=0%01&lastsuccessindex=1", kGate},
        DecodeCase{"gatenum_nul", "gatenum=0%00&lastsuccessindex=1", kGate},
        DecodeCase{"gatenum_invalid_utf8", "gatenum=%FF&lastsuccessindex=1",
                   kGate},
        DecodeCase{"first_duplicate_empty",
                   "gatenum=&gatenum=1&"
                   "lastsuccessindex=1",
                   kGate},
        DecodeCase{"gatenum_checked_first", "gatenum=&lastsuccessindex=x",
                   kGate},
        DecodeCase{"index_missing", "gatenum=1", kIndex},
        DecodeCase{"index_empty", "gatenum=1&lastsuccessindex=", kIndex},
        DecodeCase{"index_word", "gatenum=1&lastsuccessindex=two", kIndex},
        DecodeCase{"index_negative", "gatenum=1&lastsuccessindex=-1", kIndex},
        DecodeCase{"index_above_int32", "gatenum=1&lastsuccessindex=2147483648",
                   kIndex},
        DecodeCase{"index_fraction", "gatenum=1&lastsuccessindex=1.0", kIndex},
        DecodeCase{"index_json_null", "gatenum=1&lastsuccessindex=null",
                   kIndex}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Malformed, FormDecodeTest,
    ::testing::Values(
        DecodeCase{"percent_at_end", "gatenum=1%&lastsuccessindex=1",
                   kMalformed},
        DecodeCase{"percent_one_digit", "gatenum=1%4&lastsuccessindex=1",
                   kMalformed},
        DecodeCase{"percent_not_hex", "gatenum=%G1&lastsuccessindex=1",
                   kMalformed},
        DecodeCase{"percent_in_name", "gate%num=1&lastsuccessindex=1",
                   kMalformed},
        DecodeCase{"percent_in_unknown_value",
                   "x=%zz&gatenum=1&lastsuccessindex=1", kMalformed},
        DecodeCase{"percent_in_ignored_duplicate",
                   "gatenum=1&gatenum=%&lastsuccessindex=1", kMalformed},
        DecodeCase{"unicode_escape", "gatenum=%u0031&lastsuccessindex=1",
                   kMalformed},
        DecodeCase{"body_ends_in_percent", "gatenum=1&lastsuccessindex=1%",
                   kMalformed}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(FormUnescapeTest, DecodesPlusAndPercent) {
  std::string out = "x";
  EXPECT_TRUE(form_unescape("a+b%20c%2b%2F", &out));
  EXPECT_EQ(out, "xa b c+/");
}

TEST(FormUnescapeTest, RefusesBadEscapes) {
  for (const char* text : {"%", "%1", "%1G", "%%", "a%"}) {
    std::string out;
    EXPECT_FALSE(form_unescape(text, &out)) << text;
  }
}

TEST(FormDecodeLimitsTest, CapsTheBodySize) {
  const std::string body = "gatenum=1&lastsuccessindex=1&pad=";
  const std::string fits(kMaxSyncBodyBytes - body.size(), 'a');
  EXPECT_EQ(code_of(decode_form_sync_request(body + fits)), kOk);
  EXPECT_EQ(code_of(decode_form_sync_request(body + fits + "a")),
            ErrorCode::kBodyTooLarge);
}

TEST(FormDecodeDetailTest, SaysWhatIsWrong) {
  EXPECT_EQ(decode_form_sync_request("gatenum=1").status().detail(),
            "lastsuccessindex is missing");
  EXPECT_EQ(decode_form_sync_request("gatenum=%").status().detail(),
            "form body has a bad % escape");
}

// ----- TotalScan.

constexpr ErrorCode kTicket = ErrorCode::kBadTicketCode;
using testutil::kTicket32;
using testutil::kTicket33;
using testutil::repeat;

class FormTotalScanDecodeTest : public ::testing::TestWithParam<ScanCase> {};

TEST_P(FormTotalScanDecodeTest, Decodes) {
  expect_decoded(GetParam(), decode_form_total_scan_request(GetParam().body));
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, FormTotalScanDecodeTest,
    ::testing::Values(
        ScanCase{"plain", "gatenum=0001&firstlbsbh=T0050", kOk, "0001",
                 "T0050"},
        ScanCase{"any_order", "firstlbsbh=T1&gatenum=A001", kOk, "A001", "T1"},
        ScanCase{"names_ignore_case", "GateNum=0001&FIRSTLBSBH=T1", kOk, "0001",
                 "T1"},
        ScanCase{"firstlbsbh_absent", "gatenum=0001", kOk, "0001", ""},
        ScanCase{"firstlbsbh_empty", "gatenum=0001&firstlbsbh=", kOk, "0001",
                 ""},
        ScanCase{"firstlbsbh_without_equals", "gatenum=0001&firstlbsbh", kOk,
                 "0001", ""},
        ScanCase{"firstlbsbh_32", "gatenum=0001&firstlbsbh=" + kTicket32, kOk,
                 "0001", kTicket32},
        ScanCase{"firstlbsbh_32_escaped_cjk",
                 "gatenum=0001&firstlbsbh=" + repeat("%E9%97%B8", 32), kOk,
                 "0001", repeat("\xE9\x97\xB8", 32)},
        ScanCase{"firstlbsbh_plus_and_escapes",
                 "gatenum=0001&firstlbsbh=T+1%26%3D", kOk, "0001", "T 1&="},
        ScanCase{"gatenum_four_cjk",
                 "gatenum=" + repeat("%E9%97%B8", 4) + "&firstlbsbh=", kOk,
                 repeat("\xE9\x97\xB8", 4), ""},
        ScanCase{"first_duplicate_wins",
                 "gatenum=0001&firstlbsbh=T1&gatenum=2&FirstLbsbh=" + kTicket33,
                 kOk, "0001", "T1"},
        ScanCase{"unknown_pairs_skipped",
                 "lastsuccessindex=x&gatenum=0001&y&firstlbsbh=T1", kOk, "0001",
                 "T1"},
        ScanCase{"bom", "\xEF\xBB\xBFgatenum=0001", kOk, "0001", ""}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    BadFields, FormTotalScanDecodeTest,
    ::testing::Values(
        ScanCase{"empty_body", "", kGate},
        ScanCase{"gatenum_three", "gatenum=001&firstlbsbh=T1", kGate},
        ScanCase{"gatenum_five", "gatenum=00001", kGate},
        ScanCase{"gatenum_three_cjk", "gatenum=" + repeat("%E9%97%B8", 3),
                 kGate},
        ScanCase{"gatenum_five_cjk", "gatenum=" + repeat("%E9%97%B8", 5),
                 kGate},
        ScanCase{"gatenum_missing", "firstlbsbh=T1", kGate},
        ScanCase{"gatenum_empty", "gatenum=&firstlbsbh=T1", kGate},
        ScanCase{"gatenum_invalid_utf8", "gatenum=000%FF", kGate},
        ScanCase{"gatenum_checked_first", "gatenum=001&firstlbsbh=" + kTicket33,
                 kGate},
        ScanCase{"firstlbsbh_33", "gatenum=0001&firstlbsbh=" + kTicket33,
                 kTicket},
        ScanCase{"firstlbsbh_33_cjk",
                 "gatenum=0001&firstlbsbh=" + repeat("%E9%97%B8", 33), kTicket},
        ScanCase{"firstlbsbh_invalid_utf8", "gatenum=0001&firstlbsbh=T%FF",
                 kTicket},
        ScanCase{"firstlbsbh_control", "gatenum=0001&firstlbsbh=T%0A",
                 kTicket}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Malformed, FormTotalScanDecodeTest,
    ::testing::Values(
        ScanCase{"percent_in_firstlbsbh", "gatenum=0001&firstlbsbh=T%",
                 kMalformed},
        ScanCase{"percent_not_hex", "gatenum=0001&firstlbsbh=%G1", kMalformed},
        ScanCase{"percent_in_unknown", "x=%zz&gatenum=0001", kMalformed},
        ScanCase{"percent_in_ignored_duplicate",
                 "gatenum=0001&firstlbsbh=T1&firstlbsbh=%", kMalformed}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(FormTotalScanLimitsTest, CapsTheBodySize) {
  const std::string body = "gatenum=0001&pad=";
  const std::string fits(kMaxSyncBodyBytes - body.size(), 'a');
  EXPECT_EQ(code_of(decode_form_total_scan_request(body + fits)), kOk);
  EXPECT_EQ(code_of(decode_form_total_scan_request(body + fits + "a")),
            ErrorCode::kBodyTooLarge);
}

TEST(FormTotalScanDetailTest, SaysWhatIsWrong) {
  EXPECT_EQ(decode_form_total_scan_request("gatenum=00001").status().detail(),
            "gatenum is longer than 4 characters");
  EXPECT_EQ(decode_form_total_scan_request("gatenum=0001&firstlbsbh=%C0%B1")
                .status()
                .detail(),
            "firstlbsbh is not valid UTF-8");
}

// Percent-escapes every byte but ASCII letters and digits, as a browser
// might (and beyond: spaces as %20, not '+').
std::string form_escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) && byte < 0x80) {
      out.push_back(c);
    } else {
      out += {'%', kHex[byte >> 4], kHex[byte & 0xF]};
    }
  }
  return out;
}

TEST(FormTotalScanRoundTripTest, RoundTripsEscapedValues) {
  const std::string gates[] = {"0001", "&=+%",
                               "\xE9\x97\xB8 \xF0\x9F\x98\x80"
                               "A"};
  const std::string tickets[] = {"", kTicket32, "T&1=2+3 %",
                                 repeat("\xE9\x97\xB8", 32)};
  for (const std::string& gate : gates) {
    for (const std::string& ticket : tickets) {
      const std::string body =
          "firstlbsbh=" + form_escape(ticket) + "&gatenum=" + form_escape(gate);
      const Result<TotalScanRequest> request =
          decode_form_total_scan_request(body);
      ASSERT_TRUE(request.is_ok())
          << body << ": " << request.status().to_string();
      EXPECT_EQ(request->gatenum, gate);
      EXPECT_EQ(request->firstlbsbh, ticket);
    }
  }
}

}  // namespace
}  // namespace facesync::wire
