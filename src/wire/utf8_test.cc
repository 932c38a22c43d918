// Tests of the UTF-8 helpers, against Unicode's well-formedness table.
#include "wire/utf8.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace facesync::wire {
namespace {

TEST(Utf8StepTest, ReadsOneToFourByteSequences) {
  const std::string text = "A\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80";
  const char32_t expected[] = {U'A', U'\u00E9', U'\u4E2D', U'\U0001F600'};
  const size_t lengths[] = {1, 2, 3, 4};

  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    const Utf8Step step = utf8_step(text, pos);
    EXPECT_TRUE(step.valid) << i;
    EXPECT_EQ(step.code_point, expected[i]) << i;
    EXPECT_EQ(step.length, lengths[i]) << i;
    pos += step.length;
  }
  EXPECT_EQ(pos, text.size());
}

struct IllFormedCase {
  const char* name;
  std::string bytes;
  size_t maximal_subpart;
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const IllFormedCase& c, std::ostream* os) {
  *os << c.name;
}

class Utf8IllFormedTest : public ::testing::TestWithParam<IllFormedCase> {};

TEST_P(Utf8IllFormedTest, GivesTheMaximalSubpart) {
  const Utf8Step step = utf8_step(GetParam().bytes, 0);
  EXPECT_FALSE(step.valid);
  EXPECT_EQ(step.length, GetParam().maximal_subpart);
  EXPECT_FALSE(is_valid_utf8(GetParam().bytes));
}

INSTANTIATE_TEST_SUITE_P(
    Table, Utf8IllFormedTest,
    ::testing::Values(IllFormedCase{"lone_continuation", "\x80", 1},
                      IllFormedCase{"overlong_two_byte", "\xC0\xAF", 1},
                      IllFormedCase{"c1_lead", "\xC1\xBF", 1},
                      IllFormedCase{"lead_f5", "\xF5\x80\x80\x80", 1},
                      IllFormedCase{"lead_ff", "\xFF", 1},
                      IllFormedCase{"truncated_two", "\xC3", 1},
                      IllFormedCase{"truncated_three", "\xE4\xB8", 2},
                      IllFormedCase{"truncated_four", "\xF0\x9F\x98", 3},
                      IllFormedCase{"overlong_three", "\xE0\x80\x80", 1},
                      IllFormedCase{"surrogate", "\xED\xA0\x80", 1},
                      IllFormedCase{"above_max", "\xF4\x90\x80\x80", 1},
                      IllFormedCase{"overlong_four", "\xF0\x8F\xBF\xBF", 1},
                      IllFormedCase{"bad_third_byte", "\xE4\xB8\x41", 2},
                      IllFormedCase{"bad_fourth_byte", "\xF0\x9F\x98\x41", 3}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Utf8Test, ValidatesWholeTexts) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xE9\x97\xB8\xE6\x9C\xBA"));  // 闸机
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));          // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("ok\xFFok"));
}

TEST(Utf8Test, ControlCharactersAreC0DelAndC1) {
  EXPECT_TRUE(is_control(U'\0'));
  EXPECT_TRUE(is_control(U'\x1F'));
  EXPECT_TRUE(is_control(U'\x7F'));
  EXPECT_TRUE(is_control(U'\u0085'));
  EXPECT_TRUE(is_control(U'\u009F'));
  EXPECT_FALSE(is_control(U' '));
  EXPECT_FALSE(is_control(U'~'));
  EXPECT_FALSE(is_control(U'\u00A0'));
  EXPECT_FALSE(is_control(U'\u2028'));
}

TEST(Utf8Test, EncodesEachLength) {
  std::string out;
  append_utf8(U'A', &out);
  append_utf8(U'\u00E9', &out);
  append_utf8(U'\uFFFD', &out);
  append_utf8(U'\U0001F600', &out);
  EXPECT_EQ(out, "A\xC3\xA9\xEF\xBF\xBD\xF0\x9F\x98\x80");
}

TEST(Utf8Test, ReplacesEachMaximalSubpartOnce) {
  std::string out = "x";
  append_utf8_replacing(
      "a\xE4\xB8"
      "b\xFF\xFE"
      "c\xC3\xA9",
      &out);
  EXPECT_EQ(out,
            "xa\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD"
            "c\xC3\xA9");
}

TEST(Utf8Test, CopiesValidTextUnchanged) {
  std::string out;
  append_utf8_replacing("\xE9\x97\xB8 ok", &out);
  EXPECT_EQ(out, "\xE9\x97\xB8 ok");
}

}  // namespace
}  // namespace facesync::wire
