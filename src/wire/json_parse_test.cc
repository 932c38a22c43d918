// Tests of the shared JSON parsing: caps, BOM and root type.
#include "wire/json_parse.h"

#include <gtest/gtest.h>

#include <string>

#include "wire/test_util.h"

namespace facesync::wire {
namespace {

using testutil::code_of;

// A root object whose member "x" holds `arrays` nested empty arrays: its
// deepest value is at depth arrays + 1.
std::string nested(size_t arrays) {
  return "{\"x\":" + std::string(arrays, '[') + std::string(arrays, ']') + "}";
}

// The same with a number inside the innermost array: depth arrays + 2.
std::string nested_number(size_t arrays) {
  return "{\"x\":" + std::string(arrays, '[') + "1" + std::string(arrays, ']') +
         "}";
}

class JsonParseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(prepare_json_parser(&parser_, 64).is_ok());
  }

  ErrorCode parse(std::string_view text) {
    return code_of(parse_json_object(&parser_, text));
  }

  simdjson::dom::parser parser_;
};

TEST_F(JsonParseTest, GivesTheRootObject) {
  const Result<simdjson::dom::object> root =
      parse_json_object(&parser_, R"({"a":1,"b":"x"})");
  ASSERT_TRUE(root.is_ok());
  EXPECT_EQ(int64_t(root->at_key("a").get_int64().value_unsafe()), 1);
  EXPECT_EQ(std::string_view(root->at_key("b").get_string().value_unsafe()),
            "x");
}

TEST_F(JsonParseTest, AcceptsValuesUpToTheCap) {
  EXPECT_EQ(parse(nested(kMaxJsonDepth - 1)), ErrorCode::kOk);
  EXPECT_EQ(parse(nested(kMaxJsonDepth)), ErrorCode::kMalformedBody);
  EXPECT_EQ(parse(nested_number(kMaxJsonDepth - 2)), ErrorCode::kOk);
  EXPECT_EQ(parse(nested_number(kMaxJsonDepth - 1)), ErrorCode::kMalformedBody);
}

TEST_F(JsonParseTest, KeepsTheCapWhenTheParserGrows) {
  // Far bigger than the 64 bytes prepared for.
  const std::string padding(20000, ' ');
  EXPECT_EQ(parse(padding + nested(kMaxJsonDepth - 1)), ErrorCode::kOk);
  EXPECT_EQ(parse(padding + nested(kMaxJsonDepth)), ErrorCode::kMalformedBody);
  EXPECT_GE(parser_.capacity(), padding.size());
}

TEST_F(JsonParseTest, RefusesVeryDeepNestingWithoutCrashing) {
  EXPECT_EQ(parse(nested(100000)), ErrorCode::kMalformedBody);
  EXPECT_EQ(parse(std::string(100000, '[')), ErrorCode::kMalformedBody);
}

TEST_F(JsonParseTest, SkipsOneByteOrderMark) {
  EXPECT_EQ(parse("\xEF\xBB\xBF{}"), ErrorCode::kOk);
  EXPECT_EQ(parse("\xEF\xBB\xBF\xEF\xBB\xBF{}"), ErrorCode::kMalformedBody);
}

TEST_F(JsonParseTest, RefusesRootsThatAreNotObjects) {
  for (const char* text : {"[]", "null", "1", "\"{}\"", "true"}) {
    EXPECT_EQ(parse(text), ErrorCode::kMalformedBody) << text;
  }
}

TEST_F(JsonParseTest, RefusesEmptyText) {
  EXPECT_EQ(parse(""), ErrorCode::kMalformedBody);
  EXPECT_EQ(parse("\xEF\xBB\xBF"), ErrorCode::kMalformedBody);
  EXPECT_EQ(parse(" \n\t"), ErrorCode::kMalformedBody);
}

TEST_F(JsonParseTest, NamesTheProblemInTheDetail) {
  const Result<simdjson::dom::object> root = parse_json_object(&parser_, "[]");
  EXPECT_EQ(root.status().detail(), "body is not a JSON object");
  const Result<simdjson::dom::object> bad = parse_json_object(&parser_, "{");
  EXPECT_TRUE(bad.status().detail().starts_with("body is not JSON: "));
}

}  // namespace
}  // namespace facesync::wire
