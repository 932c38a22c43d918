#include "http/target.h"

#include <gtest/gtest.h>

namespace facesync::http {
namespace {

TEST(Target, PathDropsTheQuery) {
  EXPECT_EQ(target_path("/a/b?c=d"), "/a/b");
  EXPECT_EQ(target_path("/a"), "/a");
}

TEST(Target, PercentDecodes) {
  EXPECT_EQ(percent_decode("T%2F1+2", false), "T/1+2");
  EXPECT_EQ(percent_decode("a+b%20c", true), "a b c");
  EXPECT_EQ(percent_decode("%41%4a%4A", false), "AJJ");
}

TEST(Target, RefusesBadEscapes) {
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%4", false));
  EXPECT_FALSE(percent_decode("%G1", false));
  EXPECT_FALSE(percent_decode("ab%", false));
}

TEST(Target, MatchesMediaTypes) {
  EXPECT_TRUE(
      media_type_is("Application/JSON; charset=utf-8", "application/json"));
  EXPECT_TRUE(media_type_is(" application/json ", "application/json"));
  EXPECT_FALSE(media_type_is("application/jsonx", "application/json"));
  EXPECT_FALSE(media_type_is("", "application/json"));
}

TEST(Target, ReadsQueryParameters) {
  QueryParams params("/v2/faces?after=T%2001&limit=5&empty=&after=second");
  EXPECT_EQ(params.get("after"), "T 01");
  EXPECT_EQ(params.get("limit"), "5");
  EXPECT_EQ(params.get("empty"), "");
  EXPECT_EQ(params.get("missing"), "");
}

}  // namespace
}  // namespace facesync::http
