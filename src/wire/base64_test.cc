// Tests of base64.h: RFC 4648 vectors and everything strict decoding
// refuses.
#include "wire/base64.h"

#include <gtest/gtest.h>

#include <sodium.h>

#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "wire/test_util.h"

namespace facesync::wire {
namespace {

using testutil::code_of;

constexpr size_t kNoLimit = 1 << 20;

// RFC 4648, section 10.
struct Vector {
  std::string bytes;
  std::string text;
};

const Vector kRfcVectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64Test, EncodesTheRfcVectors) {
  for (const Vector& vector : kRfcVectors) {
    std::string out;
    base64_append(vector.bytes, &out);
    EXPECT_EQ(out, vector.text) << vector.bytes;
  }
}

TEST(Base64Test, DecodesTheRfcVectors) {
  for (const Vector& vector : kRfcVectors) {
    const Result<std::string> bytes = base64_decode(vector.text, kNoLimit);
    ASSERT_TRUE(bytes.is_ok()) << vector.text;
    EXPECT_EQ(*bytes, vector.bytes);
  }
}

TEST(Base64Test, AppendsAfterExistingText) {
  std::string out = "\"";
  base64_append("\x40\x40", &out);
  EXPECT_EQ(out, "\"QEA=");
}

TEST(Base64Test, RoundTripsEveryByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
  }
  std::string text;
  base64_append(bytes, &text);
  EXPECT_EQ(text.size(), 344u);
  EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                                   "qrstuvwxyz0123456789+/="),
            std::string::npos);

  const Result<std::string> decoded = base64_decode(text, kNoLimit);
  ASSERT_TRUE(decoded.is_ok());
  EXPECT_EQ(*decoded, bytes);
}

// libsodium's encoder, the reference the fast one must match.
std::string sodium_base64(const std::string& bytes) {
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(text.data(), text.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  text.pop_back();  // its terminating NUL
  return text;
}

TEST(Base64Test, MatchesLibsodiumAtEveryLengthAndOffset) {
  std::mt19937 random(7);
  std::string pool(16384 + 64, '\0');
  for (char& c : pool)
    c = static_cast<char>(random());

  std::vector<size_t> sizes;
  for (size_t size = 0; size <= 200; ++size)
    sizes.push_back(size);
  sizes.insert(sizes.end(), {4095, 4096, 4097, 16383, 16384});
  for (size_t size : sizes) {
    for (size_t offset : {0, 1, 7}) {
      const std::string bytes = pool.substr(offset, size);
      std::string text = "x";
      base64_append(bytes, &text);
      ASSERT_EQ(text, "x" + sodium_base64(bytes))
          << "size " << size << " offset " << offset;
    }
  }
}

// libsodium's strict decoder: the bytes, or nullopt when it refuses.
std::optional<std::string> sodium_decode(const std::string& text) {
  std::string bytes(text.size() / 4 * 3 + 3, '\0');
  size_t written = 0;
  const char* end = nullptr;
  const int rc = sodium_base642bin(
      reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
      text.size(), nullptr, &written, &end, sodium_base64_VARIANT_ORIGINAL);
  if (rc != 0 || end != text.data() + text.size()) return std::nullopt;
  bytes.resize(written);
  return bytes;
}

TEST(Base64Test, DecodesAndRefusesExactlyAsLibsodium) {
  // Texts of 4 to 16 characters from the alphabet, '=' and a stranger,
  // weighted so that most are valid or nearly so.
  const std::string pool =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::mt19937 random(11);
  int accepted = 0;
  for (int round = 0; round < 200000; ++round) {
    std::string text(4 * (1 + random() % 4), 'A');
    for (char& c : text)
      c = pool[random() % pool.size()];
    const unsigned twist = random() % 8;
    if (twist == 1) text.back() = '=';
    if (twist == 2) text.replace(text.size() - 2, 2, "==");
    if (twist == 3) text[random() % text.size()] = '=';
    if (twist == 4) text[random() % text.size()] = "-_ \n*"[random() % 5];
    if (twist == 5) text.replace(text.size() - 3, 3, "===");

    const std::optional<std::string> expected = sodium_decode(text);
    const Result<std::string> got = base64_decode(text, kNoLimit);
    ASSERT_EQ(got.is_ok(), expected.has_value()) << text;
    if (expected) {
      ASSERT_EQ(*got, *expected) << text;
      ++accepted;
    }
  }
  EXPECT_GT(accepted, 50000);  // the valid ones were really decoded
}

TEST(Base64Test, UsesTheStandardAlphabetNotUrlSafe) {
  std::string out;
  base64_append("\xFB\xFF", &out);
  EXPECT_EQ(out, "+/8=");
  EXPECT_EQ(code_of(base64_decode("-_8=", kNoLimit)), ErrorCode::kBadImage);
}

struct BadCase {
  const char* name;
  std::string text;
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.name;
}

class Base64RejectTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(Base64RejectTest, IsBadImage) {
  EXPECT_EQ(code_of(base64_decode(GetParam().text, kNoLimit)),
            ErrorCode::kBadImage);
}

INSTANTIATE_TEST_SUITE_P(
    Table, Base64RejectTest,
    ::testing::Values(
        BadCase{"unpadded", "Zg"}, BadCase{"length_five", "Zm9vY"},
        BadCase{"one_pad_short", "Zg="}, BadCase{"three_pads", "Z==="},
        BadCase{"all_pads", "===="}, BadCase{"pad_in_middle", "Zg==Zm8="},
        BadCase{"pad_then_data", "Zm=v"}, BadCase{"space", "Zm9v Zm9v"},
        BadCase{"leading_space", " Zm9vYmE"}, BadCase{"newline", "Zm9v\nZm9v"},
        BadCase{"crlf_end", "Zm9vYg==\r\n"}, BadCase{"tab", "Zm9\tv"},
        BadCase{"stray_star", "Zm9*"}, BadCase{"stray_dot", "Zm.v"},
        BadCase{"nul", std::string("Zm9\0", 4)},
        BadCase{"non_ascii", "Zm9\xC3\xA9"}, BadCase{"url_safe_dash", "Zm-v"},
        // Non-zero bits after the last byte: "QR==" is not canonical.
        BadCase{"dirty_pad_bits_one", "QR=="},
        BadCase{"dirty_pad_bits_two", "Zm9="}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Base64Test, JudgesTheSizeBeforeDecoding) {
  // 8 characters with one '=' decode to 5 bytes.
  EXPECT_TRUE(base64_decode("Zm9vYmE=", 5).is_ok());
  EXPECT_EQ(code_of(base64_decode("Zm9vYmE=", 4)), ErrorCode::kImageTooLarge);
  EXPECT_EQ(code_of(base64_decode("Zm9vYmFy", 5)), ErrorCode::kImageTooLarge);
  EXPECT_TRUE(base64_decode("Zm9vYmFy", 6).is_ok());
}

TEST(Base64Test, OverLimitWinsOverBadCharacters) {
  // The size is known from the length alone, so a huge text of garbage is
  // refused as too large without being read.
  const std::string garbage(4000, '*');
  EXPECT_EQ(code_of(base64_decode(garbage, 100)), ErrorCode::kImageTooLarge);
  EXPECT_EQ(code_of(base64_decode(garbage, 3000)), ErrorCode::kBadImage);
}

TEST(Base64Test, EmptyTextIsEmptyBytes) {
  const Result<std::string> bytes = base64_decode("", 0);
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_TRUE(bytes->empty());
}

TEST(Base64Test, DecodesTheSeedsFaceImage) {
  const Result<std::string> bytes = base64_decode("QEA=", 2);
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, "\x40\x40");
}

TEST(Base64Test, DecodesALargeImage) {
  std::string image(300000, '\0');
  for (size_t i = 0; i < image.size(); ++i) {
    image[i] = static_cast<char>(i * 7919 % 251);
  }
  std::string text;
  base64_append(image, &text);
  EXPECT_EQ(text.size(), 400000u);

  const Result<std::string> bytes = base64_decode(text, image.size());
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, image);
}

}  // namespace
}  // namespace facesync::wire
