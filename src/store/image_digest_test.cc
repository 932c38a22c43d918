#include "store/image_digest.h"

#include <gtest/gtest.h>

#include <string>

namespace facesync::store {
namespace {

std::string to_hex(const std::string& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 0xF];
  }
  return hex;
}

// Test vectors from FIPS 180-2.
TEST(ImageDigestTest, MatchesKnownVectors) {
  EXPECT_EQ(to_hex(image_sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(image_sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ImageDigestTest, IsThirtyTwoBytesAndCoversEmbeddedZeros) {
  const std::string a("\xFF\xD8\xFF\x00\x01", 5);
  const std::string b("\xFF\xD8\xFF\x00\x02", 5);

  EXPECT_EQ(image_sha256(a).size(), kImageDigestBytes);
  EXPECT_NE(image_sha256(a), image_sha256(b));
}

}  // namespace
}  // namespace facesync::store
