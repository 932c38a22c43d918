// Tests of the field rules every request decoder shares.
#include "wire/sync_fields.h"

#include <gtest/gtest.h>

#include <limits>
#include <ostream>
#include <string>

#include "wire/test_util.h"

namespace facesync::wire {
namespace {

using testutil::code_of;

TEST(SkipUtf8BomTest, RemovesOnlyALeadingBom) {
  EXPECT_EQ(skip_utf8_bom("\xEF\xBB\xBF{}"), "{}");
  EXPECT_EQ(skip_utf8_bom("{}"), "{}");
  EXPECT_EQ(skip_utf8_bom("\xEF\xBB"), "\xEF\xBB");
  EXPECT_EQ(skip_utf8_bom("x\xEF\xBB\xBF"), "x\xEF\xBB\xBF");
}

TEST(AsciiIequalsTest, FoldsAsciiCaseOnly) {
  EXPECT_TRUE(ascii_iequals("GateNum", "gatenum"));
  EXPECT_TRUE(ascii_iequals("LASTSUCCESSINDEX", "lastsuccessindex"));
  EXPECT_FALSE(ascii_iequals("gatenu", "gatenum"));
  EXPECT_FALSE(ascii_iequals("gatenum ", "gatenum"));
  // Dotless i (U+0131) is not ASCII and does not fold to 'i'.
  EXPECT_FALSE(ascii_iequals("lastsuccess\xC4\xB1ndex", "lastsuccessindex"));
}

struct GateCase {
  const char* name;
  std::string gatenum;
  ErrorCode expected;
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const GateCase& c, std::ostream* os) {
  *os << c.name;
}

class CheckGatenumTest : public ::testing::TestWithParam<GateCase> {};

TEST_P(CheckGatenumTest, Judges) {
  EXPECT_EQ(code_of(check_gatenum(GetParam().gatenum)), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CheckGatenumTest,
    ::testing::Values(
        GateCase{"one_char", "1", ErrorCode::kOk},
        GateCase{"four_digits", "0001", ErrorCode::kOk},
        GateCase{"four_cjk", "\xE9\x97\xB8\xE6\x9C\xBA\xE4\xB8\x80\xE5\x8F\xB7",
                 ErrorCode::kOk},
        GateCase{"four_astral", "\xF0\x9F\x98\x80xyz", ErrorCode::kOk},
        GateCase{"spaces_kept", " 01 ", ErrorCode::kOk},
        GateCase{"empty", "", ErrorCode::kBadGateNum},
        GateCase{"five_chars", "00001", ErrorCode::kBadGateNum},
        GateCase{"five_cjk",
                 "\xE9\x97\xB8\xE6\x9C\xBA\xE4\xB8\x80\xE5\x8F\xB7\xE9\x97\xB8",
                 ErrorCode::kBadGateNum},
        GateCase{"tab", "01\t2", ErrorCode::kBadGateNum},
        GateCase{"nul",
                 std::string("0\0"
                             "1",
                             3),
                 ErrorCode::kBadGateNum},
        GateCase{"del", "01\x7F", ErrorCode::kBadGateNum},
        GateCase{"c1_control", "0\xC2\x85", ErrorCode::kBadGateNum},
        GateCase{"invalid_utf8", "0\xFF", ErrorCode::kBadGateNum},
        GateCase{"truncated_utf8", "0\xE9\x97", ErrorCode::kBadGateNum}),
    [](const auto& info) { return std::string(info.param.name); });

struct IndexTextCase {
  const char* name;
  std::string text;
  int64_t expected;  // -1: kBadLastSuccessIndex
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const IndexTextCase& c, std::ostream* os) {
  *os << c.name;
}

class ParseIndexTextTest : public ::testing::TestWithParam<IndexTextCase> {};

TEST_P(ParseIndexTextTest, ReadsAsDotNetIntParse) {
  const Result<int32_t> result = parse_index_text(GetParam().text);
  if (GetParam().expected < 0) {
    EXPECT_EQ(code_of(result), ErrorCode::kBadLastSuccessIndex);
  } else {
    ASSERT_TRUE(result.is_ok()) << result.status().to_string();
    EXPECT_EQ(*result, GetParam().expected);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseIndexTextTest,
    ::testing::Values(
        IndexTextCase{"zero", "0", 0}, IndexTextCase{"five", "5", 5},
        IndexTextCase{"leading_zeros", "0005", 5},
        IndexTextCase{"plus", "+7", 7}, IndexTextCase{"minus_zero", "-0", 0},
        IndexTextCase{"white_around", " \t12\r\n", 12},
        IndexTextCase{"max", "2147483647", 2147483647},
        IndexTextCase{"many_zeros", "000000000000000000002", 2},
        IndexTextCase{"above_max", "2147483648", -1},
        IndexTextCase{"huge", "99999999999999999999999999", -1},
        IndexTextCase{"negative", "-1", -1}, IndexTextCase{"empty", "", -1},
        IndexTextCase{"only_space", "  ", -1},
        IndexTextCase{"sign_only", "+", -1},
        IndexTextCase{"two_signs", "+-1", -1},
        IndexTextCase{"inner_space", "1 2", -1},
        IndexTextCase{"fraction", "1.0", -1},
        IndexTextCase{"exponent", "1e3", -1}, IndexTextCase{"hex", "0x10", -1},
        IndexTextCase{"fullwidth_digit", "\xEF\xBC\x91", -1},
        IndexTextCase{"nbsp_around",
                      "\xC2\xA0"
                      "1",
                      -1}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(IndexFromNumberTest, AcceptsTheInt32Range) {
  EXPECT_EQ(*index_from_integer(0), 0);
  EXPECT_EQ(*index_from_integer(2147483647), 2147483647);
  EXPECT_EQ(code_of(index_from_integer(2147483648)),
            ErrorCode::kBadLastSuccessIndex);
  EXPECT_EQ(code_of(index_from_integer(-1)), ErrorCode::kBadLastSuccessIndex);
  EXPECT_EQ(code_of(index_from_integer(std::numeric_limits<int64_t>::min())),
            ErrorCode::kBadLastSuccessIndex);
}

TEST(IndexFromNumberTest, AcceptsIntegralDoublesOnly) {
  EXPECT_EQ(*index_from_double(5.0), 5);
  EXPECT_EQ(*index_from_double(-0.0), 0);
  EXPECT_EQ(*index_from_double(2147483647.0), 2147483647);
  for (double bad : {0.5, 2.000001, -1.0, 2147483648.0, 1e300,
                     std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_EQ(code_of(index_from_double(bad)), ErrorCode::kBadLastSuccessIndex)
        << bad;
  }
}

TEST(MakeSyncRequestTest, BuildsFromGoodFields) {
  const Result<SyncRequest> request =
      make_sync_request(std::string_view("0001"), 42);
  ASSERT_TRUE(request.is_ok());
  EXPECT_EQ(request->gatenum, "0001");
  EXPECT_EQ(request->lastsuccessindex, 42);
}

TEST(MakeSyncRequestTest, ChecksGatenumFirst) {
  const Result<SyncRequest> request = make_sync_request(
      std::string_view("00001"), bad_index("lastsuccessindex is missing"));
  EXPECT_EQ(code_of(request), ErrorCode::kBadGateNum);
  EXPECT_EQ(request.status().detail(), "gatenum is longer than 4 characters");
}

TEST(MakeSyncRequestTest, PassesOnTheDecodersReasons) {
  const Result<SyncRequest> missing_gate =
      make_sync_request(bad_gatenum("gatenum is null"), 1);
  EXPECT_EQ(missing_gate.status().detail(), "gatenum is null");

  const Result<SyncRequest> bad = make_sync_request(
      std::string_view("1"), bad_index("lastsuccessindex is null"));
  EXPECT_EQ(code_of(bad), ErrorCode::kBadLastSuccessIndex);
  EXPECT_EQ(bad.status().detail(), "lastsuccessindex is null");
}

TEST(CheckTextTest, CountsCodePointsNotBytes) {
  const std::string four_cjk =
      "\xE9\x97\xB8\xE6\x9C\xBA\xE4\xB8\x80\xE5\x8F\xB7";
  EXPECT_EQ(check_text(four_cjk, 4, 4), TextFault::kNone);
  EXPECT_EQ(check_text(four_cjk, 5, 5), TextFault::kTooShort);
  EXPECT_EQ(check_text(four_cjk, 1, 3), TextFault::kTooLong);
  // One astral code point: four bytes, one character.
  EXPECT_EQ(check_text("\xF0\x9F\x98\x80", 1, 1), TextFault::kNone);
}

TEST(CheckTextTest, HonoursBothBounds) {
  EXPECT_EQ(check_text("", 0, 2), TextFault::kNone);
  EXPECT_EQ(check_text("", 1, 2), TextFault::kTooShort);
  EXPECT_EQ(check_text("ab", 2, 2), TextFault::kNone);
  EXPECT_EQ(check_text("abc", 2, 2), TextFault::kTooLong);
  EXPECT_EQ(check_text("a", 2, 2), TextFault::kTooShort);
}

TEST(CheckTextTest, ReportsTheFirstFaultInReadingOrder) {
  EXPECT_EQ(check_text("a\xFF", 0, 4), TextFault::kNotUtf8);
  EXPECT_EQ(check_text("a\x01", 0, 4), TextFault::kControl);
  EXPECT_EQ(check_text("a\xC2\x85", 0, 4), TextFault::kControl);
  // The fifth code point makes the text too long before the sixth's fault
  // is seen; a fault in the fifth itself wins.
  EXPECT_EQ(check_text("abcde\x01", 0, 4), TextFault::kTooLong);
  EXPECT_EQ(check_text("abcd\x01", 0, 4), TextFault::kControl);
  EXPECT_EQ(check_text("abc\x01"
                       "d",
                       0, 4),
            TextFault::kControl);
  EXPECT_EQ(check_text("\xFF", 2, 4), TextFault::kNotUtf8);
}

}  // namespace
}  // namespace facesync::wire
