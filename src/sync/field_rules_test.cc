// The field rules of face_log.h, at their boundaries.
#include <gtest/gtest.h>

#include <string>

#include "sync/face_log.h"
#include "sync/plain_text.h"

namespace facesync::sync {
namespace {

const std::string kJpeg("\xFF\xD8\xFF\xE0", 4);
const std::string kPng("\x89PNG\r\n\x1A\n", 8);

ErrorCode date_code(std::string_view text) {
  return parse_date(text).status().code();
}

TEST(CheckTicketCodeTest, AcceptsOneTo32AllowedCharacters) {
  EXPECT_TRUE(check_ticket_code("A").is_ok());
  EXPECT_TRUE(check_ticket_code("AZaz09-_.").is_ok());
  EXPECT_TRUE(check_ticket_code(std::string(32, 'x')).is_ok());
}

TEST(CheckTicketCodeTest, RejectsEmptyTooLongAndOtherCharacters) {
  for (const std::string& bad :
       {std::string(), std::string(33, 'x'), std::string("T 1"),
        std::string("T/1"), std::string("T+1"), std::string("票1"),
        std::string("T\0001", 3), std::string("T1\n")}) {
    EXPECT_EQ(check_ticket_code(bad).code(), ErrorCode::kBadTicketCode)
        << "'" << bad << "'";
  }
}

TEST(CheckGateTest, AcceptsOneToFourCodePoints) {
  EXPECT_TRUE(check_gate("1").is_ok());
  EXPECT_TRUE(check_gate("0001").is_ok());
  EXPECT_TRUE(check_gate("g 1").is_ok());
  EXPECT_TRUE(check_gate("东门一号").is_ok());  // 4 code points, 12 bytes
  EXPECT_TRUE(check_gate("\xF0\x9F\x9A\xAA").is_ok());  // U+1F6AA, 4 bytes
}

TEST(CheckGateTest, RejectsEmptyAndMoreThanFourCodePoints) {
  EXPECT_EQ(check_gate("").code(), ErrorCode::kBadGateNum);
  EXPECT_EQ(check_gate("00001").code(), ErrorCode::kBadGateNum);
  EXPECT_EQ(check_gate("东门一号2").code(), ErrorCode::kBadGateNum);
}

TEST(CheckGateTest, RejectsControlCharacters) {
  for (const std::string& bad :
       {std::string("g\t1"), std::string("g\0001", 3), std::string("g\x7F"),
        std::string("g\xC2\x85"),  // U+0085, a C1 control
        std::string("\n")}) {
    EXPECT_EQ(check_gate(bad).code(), ErrorCode::kBadGateNum);
  }
  EXPECT_TRUE(check_gate("g\xC2\xA0").is_ok());  // U+00A0 is no control
}

TEST(CheckGateTest, RejectsMalformedUtf8) {
  for (const std::string& bad : {
           std::string("\x80"),              // stray continuation
           std::string("\xC3"),              // truncated
           std::string("\xE4\xB8"),          // truncated
           std::string("\xC0\xB1"),          // overlong '1'
           std::string("\xE0\x80\xB1"),      // overlong '1'
           std::string("\xED\xA0\x80"),      // surrogate U+D800
           std::string("\xF4\x90\x80\x80"),  // above U+10FFFF
           std::string("\xFF"),
           std::string("\xC3\x28"),  // bad continuation
       }) {
    EXPECT_EQ(check_gate(bad).code(), ErrorCode::kBadGateNum);
  }
}

TEST(CheckSiteTest, AcceptsOneTo32AllowedCharacters) {
  EXPECT_TRUE(check_site("n").is_ok());
  EXPECT_TRUE(check_site("North-Gate_1.a").is_ok());
  EXPECT_TRUE(check_site(std::string(32, 's')).is_ok());
}

TEST(CheckSiteTest, RejectsEmptyTooLongAndOtherCharacters) {
  for (const std::string& bad :
       {std::string(), std::string(33, 's'), std::string("north gate"),
        std::string("a/b"), std::string("北门"), std::string("n\n"),
        std::string("n\0", 2)}) {
    EXPECT_EQ(check_site(bad).code(), ErrorCode::kBadSite) << "'" << bad << "'";
  }
}

TEST(CountPlainCodePointsTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(count_plain_code_points(""), 0u);
  EXPECT_EQ(count_plain_code_points("East 1"), 6u);
  EXPECT_EQ(count_plain_code_points("东门一号"), 4u);
  EXPECT_EQ(count_plain_code_points("\xF0\x9F\x9A\xAA"), 1u);
}

TEST(CountPlainCodePointsTest, RefusesControlsAndMalformedText) {
  EXPECT_EQ(count_plain_code_points("a\tb"), std::nullopt);
  EXPECT_EQ(count_plain_code_points("a\x7F"), std::nullopt);
  EXPECT_EQ(count_plain_code_points("a\xC2\x85"), std::nullopt);  // C1
  EXPECT_EQ(count_plain_code_points("a\xC3"), std::nullopt);
  EXPECT_EQ(count_plain_code_points("\xC0\xB1"), std::nullopt);  // overlong
}

TEST(ParseDateTest, ReturnsTheDateAsAnInteger) {
  EXPECT_EQ(*parse_date("20261231"), 20261231);
  EXPECT_EQ(*parse_date("19000101"), 19000101);
  EXPECT_EQ(*parse_date("99991231"), 99991231);
  EXPECT_EQ(*parse_date("20260131"), 20260131);
  EXPECT_EQ(*parse_date("20260430"), 20260430);
}

TEST(ParseDateTest, KnowsLeapYears) {
  EXPECT_TRUE(parse_date("20240229").is_ok());
  EXPECT_TRUE(parse_date("20000229").is_ok());  // divisible by 400
  EXPECT_EQ(date_code("20260229"), ErrorCode::kBadDates);
  EXPECT_EQ(date_code("19000229"), ErrorCode::kBadDates);  // by 100, not 400
  EXPECT_EQ(date_code("20240230"), ErrorCode::kBadDates);
}

TEST(ParseDateTest, RejectsDaysAndMonthsOutOfRange) {
  EXPECT_EQ(date_code("20261301"), ErrorCode::kBadDates);
  EXPECT_EQ(date_code("20260001"), ErrorCode::kBadDates);
  EXPECT_EQ(date_code("20260100"), ErrorCode::kBadDates);
  EXPECT_EQ(date_code("20260132"), ErrorCode::kBadDates);
  EXPECT_EQ(date_code("20260431"), ErrorCode::kBadDates);
  EXPECT_EQ(date_code("18991231"), ErrorCode::kBadDates);
}

TEST(ParseDateTest, RejectsOtherShapes) {
  for (const char* bad : {"", "2026123", "202612311", "2026-12-31", "2026123a",
                          " 20261231", "+2026123", "２０２６１２３１"}) {
    EXPECT_EQ(date_code(bad), ErrorCode::kBadDates) << bad;
  }
}

TEST(CheckImageTest, AcceptsJpegAndPngSignatures) {
  EXPECT_TRUE(check_image(kJpeg, 100).is_ok());
  EXPECT_TRUE(check_image(kPng + "IHDR", 100).is_ok());
}

TEST(CheckImageTest, RejectsOtherSignaturesAndEmpty) {
  EXPECT_EQ(check_image("", 100).code(), ErrorCode::kBadImage);
  EXPECT_EQ(check_image("GIF89a", 100).code(), ErrorCode::kBadImage);
  EXPECT_EQ(check_image("\xFF\xD8", 100).code(), ErrorCode::kBadImage);
  EXPECT_EQ(check_image(kPng.substr(0, 7), 100).code(), ErrorCode::kBadImage);
  EXPECT_EQ(check_image("\x89PNG\r\n\x1A\x0B", 100).code(),
            ErrorCode::kBadImage);
}

TEST(CheckImageTest, EnforcesTheSizeLimitInclusively) {
  const size_t kLimit = 2 * 1024 * 1024;
  const std::string at_limit = kJpeg + std::string(kLimit - kJpeg.size(), 0);

  EXPECT_TRUE(check_image(at_limit, kLimit).is_ok());
  EXPECT_EQ(check_image(at_limit + "x", kLimit).code(),
            ErrorCode::kImageTooLarge);
  EXPECT_EQ(check_image("GIF89a" + at_limit, kLimit).code(),
            ErrorCode::kImageTooLarge);  // size is judged first
}

}  // namespace
}  // namespace facesync::sync
