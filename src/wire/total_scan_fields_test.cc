// Tests of the field rules of BiometricTotalScanParm: the 4-character
// gatenum, the 32-character firstlbsbh and the order they are checked in.
#include "wire/total_scan_fields.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "wire/sync_fields.h"
#include "wire/test_util.h"

namespace facesync::wire {
namespace {

using testutil::code_of;
using testutil::repeat;

constexpr ErrorCode kOk = ErrorCode::kOk;
constexpr ErrorCode kGate = ErrorCode::kBadGateNum;
constexpr ErrorCode kTicket = ErrorCode::kBadTicketCode;

// 闸 (U+95F8): three bytes, one character.
const std::string kCjk = "\xE9\x97\xB8";
// 😀 (U+1F600): four bytes, one character.
const std::string kAstral = "\xF0\x9F\x98\x80";

struct FieldCase {
  const char* name;
  std::string text;
  ErrorCode expected;
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const FieldCase& c, std::ostream* os) {
  *os << c.name;
}

class CheckScanGatenumTest : public ::testing::TestWithParam<FieldCase> {};

TEST_P(CheckScanGatenumTest, Judges) {
  EXPECT_EQ(code_of(check_scan_gatenum(GetParam().text)), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CheckScanGatenumTest,
    ::testing::Values(FieldCase{"four_digits", "0001", kOk},
                      FieldCase{"four_letters", "ABCD", kOk},
                      FieldCase{"four_cjk", repeat(kCjk, 4), kOk},
                      FieldCase{"four_astral", repeat(kAstral, 4), kOk},
                      FieldCase{"mixed_four", "1" + kCjk + kAstral + "2", kOk},
                      FieldCase{"spaces_kept", " 01 ", kOk},
                      FieldCase{"empty", "", kGate},
                      FieldCase{"one", "1", kGate},
                      FieldCase{"three", "001", kGate},
                      FieldCase{"five", "00001", kGate},
                      FieldCase{"three_cjk", repeat(kCjk, 3), kGate},
                      FieldCase{"five_cjk", repeat(kCjk, 5), kGate},
                      // Twelve bytes, but three characters.
                      FieldCase{"three_astral", repeat(kAstral, 3), kGate},
                      FieldCase{"tab", "01\t2", kGate},
                      FieldCase{"nul",
                                std::string("01\0"
                                            "2",
                                            4),
                                kGate},
                      FieldCase{"c1_control", "01\xC2\x85", kGate},
                      FieldCase{"invalid_utf8", "001\xFF", kGate},
                      FieldCase{"truncated_utf8", "000\xE9\x97", kGate}),
    [](const auto& info) { return std::string(info.param.name); });

class CheckFirstlbsbhTest : public ::testing::TestWithParam<FieldCase> {};

TEST_P(CheckFirstlbsbhTest, Judges) {
  EXPECT_EQ(code_of(check_firstlbsbh(GetParam().text)), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CheckFirstlbsbhTest,
    ::testing::Values(FieldCase{"empty_is_first_page", "", kOk},
                      FieldCase{"one", "T", kOk},
                      FieldCase{"thirty_two", std::string(32, '7'), kOk},
                      FieldCase{"thirty_two_cjk", repeat(kCjk, 32), kOk},
                      FieldCase{"thirty_two_astral", repeat(kAstral, 32), kOk},
                      FieldCase{"spaces_kept", " T1 ", kOk},
                      FieldCase{"thirty_three", std::string(33, '7'), kTicket},
                      FieldCase{"thirty_three_cjk", repeat(kCjk, 33), kTicket},
                      FieldCase{"control", "T\x01", kTicket},
                      FieldCase{"newline", "T1\n", kTicket},
                      FieldCase{"invalid_utf8", "T\xFF", kTicket}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CheckScanFieldsTest, SayWhatIsWrong) {
  EXPECT_EQ(check_scan_gatenum("001").detail(),
            "gatenum is shorter than 4 characters");
  EXPECT_EQ(check_scan_gatenum("00001").detail(),
            "gatenum is longer than 4 characters");
  EXPECT_EQ(check_scan_gatenum("00\x01"
                               "1")
                .detail(),
            "gatenum holds a control character");
  EXPECT_EQ(check_firstlbsbh(std::string(33, 'T')).detail(),
            "firstlbsbh is longer than 32 characters");
  EXPECT_EQ(check_firstlbsbh("\xC0\xB1").detail(),
            "firstlbsbh is not valid UTF-8");
}

TEST(MakeTotalScanRequestTest, BuildsFromGoodFields) {
  const Result<TotalScanRequest> request = make_total_scan_request(
      std::string_view("0001"), std::string_view("T0050"));
  ASSERT_TRUE(request.is_ok()) << request.status().to_string();
  EXPECT_EQ(request->gatenum, "0001");
  EXPECT_EQ(request->firstlbsbh, "T0050");
}

TEST(MakeTotalScanRequestTest, TakesAnEmptyFirstlbsbh) {
  const Result<TotalScanRequest> request =
      make_total_scan_request(std::string_view("0001"), std::string_view());
  ASSERT_TRUE(request.is_ok()) << request.status().to_string();
  EXPECT_EQ(request->firstlbsbh, "");
}

TEST(MakeTotalScanRequestTest, ChecksGatenumFirst) {
  const Result<TotalScanRequest> request = make_total_scan_request(
      std::string_view("001"), bad_ticket_code("firstlbsbh is not a string"));
  EXPECT_EQ(code_of(request), kGate);
  EXPECT_EQ(request.status().detail(), "gatenum is shorter than 4 characters");

  const Result<TotalScanRequest> both_long = make_total_scan_request(
      std::string_view("00001"), std::string_view(std::string(40, 'T')));
  EXPECT_EQ(code_of(both_long), kGate);
}

TEST(MakeTotalScanRequestTest, PassesOnTheDecodersReasons) {
  const Result<TotalScanRequest> null_gate = make_total_scan_request(
      bad_gatenum("gatenum is null"), std::string_view());
  EXPECT_EQ(null_gate.status().detail(), "gatenum is null");

  const Result<TotalScanRequest> bad = make_total_scan_request(
      std::string_view("0001"), bad_ticket_code("firstlbsbh is not text"));
  EXPECT_EQ(code_of(bad), kTicket);
  EXPECT_EQ(bad.status().detail(), "firstlbsbh is not text");

  const std::string long_code(33, 'T');
  const Result<TotalScanRequest> too_long = make_total_scan_request(
      std::string_view("0001"), std::string_view(long_code));
  EXPECT_EQ(code_of(too_long), kTicket);
}

}  // namespace
}  // namespace facesync::wire
