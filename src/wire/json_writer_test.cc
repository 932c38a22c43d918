// Tests of JsonWriter: structure, escaping and base64 values.
#include "wire/json_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <limits>
#include <string>

namespace facesync::wire {
namespace {

std::string json_string(std::string_view value) {
  std::string out;
  append_json_string(value, &out);
  return out;
}

TEST(AppendJsonStringTest, QuotesPlainText) {
  EXPECT_EQ(json_string(""), "\"\"");
  EXPECT_EQ(json_string("sample string 2"), "\"sample string 2\"");
}

TEST(AppendJsonStringTest, EscapesQuoteAndBackslash) {
  EXPECT_EQ(json_string("a\"b\\c"), R"("a\"b\\c")");
}

TEST(AppendJsonStringTest, EscapesEveryControlCharacterAsU00XX) {
  EXPECT_EQ(json_string("\n\r\t\b\f"), R"("\u000a\u000d\u0009\u0008\u000c")");
  EXPECT_EQ(json_string(std::string("\0\x1F", 2)), R"("\u0000\u001f")");
}

TEST(AppendJsonStringTest, LeavesDelSlashAndNonAsciiAlone) {
  EXPECT_EQ(json_string("\x7F/\xE9\x97\xB8\xE2\x80\xA8"),
            "\"\x7F/\xE9\x97\xB8\xE2\x80\xA8\"");
}

TEST(AppendJsonStringTest, ReplacesIllFormedUtf8) {
  EXPECT_EQ(json_string("a\xFF"
                        "b\xE9\x97"),
            "\"a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\"");
}

TEST(AppendJsonStringTest, OutputParsesBackToTheInput) {
  std::string input;
  for (int c = 0; c < 0x80; ++c) {
    input.push_back(static_cast<char>(c));
  }
  input += "\xE4\xB8\xAD\xF0\x9F\x98\x80";
  const std::string text = json_string(input);

  simdjson::dom::parser parser;
  std::string_view parsed;
  ASSERT_EQ(parser.parse(text).get(parsed), simdjson::SUCCESS);
  EXPECT_EQ(parsed, input);
}

TEST(JsonWriterTest, PlacesCommasInObjectsAndArrays) {
  std::string out;
  JsonWriter json(&out);
  json.begin_object();
  json.key("a").number(1);
  json.key("b").begin_array().number(2).string("x").null().end_array();
  json.key("c").begin_object().end_object();
  json.key("d").boolean(true);
  json.key("e").boolean(false);
  json.end_object();
  EXPECT_EQ(out, R"({"a":1,"b":[2,"x",null],"c":{},"d":true,"e":false})");
}

TEST(JsonWriterTest, NestsArraysOfObjects) {
  std::string out;
  JsonWriter json(&out);
  json.begin_array();
  json.begin_object().key("k").number(1).end_object();
  json.begin_object().end_object();
  json.begin_array().end_array();
  json.end_array();
  EXPECT_EQ(out, R"([{"k":1},{},[]])");
}

TEST(JsonWriterTest, WritesInt64Extremes) {
  std::string out;
  JsonWriter json(&out);
  json.begin_array()
      .number(std::numeric_limits<int64_t>::min())
      .number(0)
      .number(std::numeric_limits<int64_t>::max())
      .end_array();
  EXPECT_EQ(out, "[-9223372036854775808,0,9223372036854775807]");
}

TEST(JsonWriterTest, EscapesKeys) {
  std::string out;
  JsonWriter json(&out);
  json.begin_object().key("a\"b").null().end_object();
  EXPECT_EQ(out, R"({"a\"b":null})");
}

TEST(JsonWriterTest, WritesBase64Strings) {
  std::string out;
  JsonWriter json(&out);
  json.begin_object().key("faceimage").base64("\x40\x40");
  json.key("empty").base64("").end_object();
  EXPECT_EQ(out, R"({"faceimage":"QEA=","empty":""})");
}

TEST(JsonWriterTest, AppendsToExistingText) {
  std::string out = "prefix:";
  JsonWriter json(&out);
  json.begin_object().key("k").string("v").end_object();
  EXPECT_EQ(out, R"(prefix:{"k":"v"})");
}

}  // namespace
}  // namespace facesync::wire
