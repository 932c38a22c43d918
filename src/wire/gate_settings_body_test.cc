#include "wire/gate_settings_body.h"

#include <gtest/gtest.h>

namespace facesync::wire {
namespace {

TEST(GateSettingsBody, DecodesEveryField) {
  auto body = decode_gate_settings(
      R"({"name":"East 1","site":"north","enabled":false,)"
      R"("addresses":["10.0.0.7","::1"],"other":{"x":1}})");
  ASSERT_TRUE(body.is_ok()) << body.status().to_string();
  EXPECT_EQ(body->name, "East 1");
  EXPECT_EQ(body->site, "north");
  EXPECT_FALSE(body->enabled);
  EXPECT_EQ(body->addresses, (std::vector<std::string>{"10.0.0.7", "::1"}));
}

TEST(GateSettingsBody, AbsentAndNullFieldsDefault) {
  for (const char* json : {"{}", R"({"name":null,"site":null,)"
                                 R"("enabled":null,"addresses":null})"}) {
    auto body = decode_gate_settings(json);
    ASSERT_TRUE(body.is_ok()) << json;
    EXPECT_EQ(body->name, "");
    EXPECT_EQ(body->site, "");
    EXPECT_TRUE(body->enabled);
    EXPECT_TRUE(body->addresses.empty());
  }
}

TEST(GateSettingsBody, NamesTheFieldOfTheWrongType) {
  struct Case {
    const char* json;
    ErrorCode code;
  };
  const Case cases[] = {
      {R"({"name":1})", ErrorCode::kBadGate},
      {R"({"site":["a"]})", ErrorCode::kBadSite},
      {R"({"enabled":"yes"})", ErrorCode::kBadGate},
      {R"({"addresses":"10.0.0.1"})", ErrorCode::kBadGate},
      {R"({"addresses":[1]})", ErrorCode::kBadGate},
      {R"([1])", ErrorCode::kMalformedBody},
      {R"({"name":)", ErrorCode::kMalformedBody},
  };
  for (const Case& c : cases) {
    auto body = decode_gate_settings(c.json);
    ASSERT_FALSE(body.is_ok()) << c.json;
    EXPECT_EQ(body.status().code(), c.code) << c.json;
  }
}

TEST(GateSettingsBody, RefusesOversizeBodies) {
  std::string json = R"({"name":")" + std::string(70 * 1024, 'a') + "\"}";
  EXPECT_EQ(decode_gate_settings(json).status().code(),
            ErrorCode::kBodyTooLarge);
}

}  // namespace
}  // namespace facesync::wire
