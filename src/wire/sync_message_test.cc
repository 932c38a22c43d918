// Tests of sync_message.h: the dispatch by format and what the four
// formats share.
#include "wire/sync_message.h"

#include <bson/bson.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "wire/bson_codec.h"
#include "wire/json_codec.h"
#include "wire/sync_fields.h"
#include "wire/test_util.h"
#include "wire/xml_codec.h"

namespace facesync::wire {
namespace {

using testutil::code_of;

constexpr Format kAllFormats[] = {Format::kJson, Format::kXml, Format::kForm,
                                  Format::kBson};

const char* format_name(Format format) {
  switch (format) {
    case Format::kJson:
      return "json";
    case Format::kXml:
      return "xml";
    case Format::kForm:
      return "form";
    case Format::kBson:
      return "bson";
  }
  return "?";
}

// A request body in `format` with gatenum and lastsuccessindex as text
// (each left out when nullptr).
std::string body_of(Format format, const char* gatenum, const char* index) {
  switch (format) {
    case Format::kJson: {
      std::string out = "{";
      if (gatenum) out += std::string("\"gatenum\":\"") + gatenum + "\",";
      if (index) out += std::string("\"lastsuccessindex\":\"") + index + "\",";
      out += "\"end\":0}";
      return out;
    }
    case Format::kXml: {
      std::string out = "<GateSyncFaceInfoParm xmlns=\"" +
                        std::string(kParmNamespace) + "\">";
      if (gatenum) out += std::string("<gatenum>") + gatenum + "</gatenum>";
      if (index) {
        out +=
            std::string("<lastsuccessindex>") + index + "</lastsuccessindex>";
      }
      return out + "</GateSyncFaceInfoParm>";
    }
    case Format::kForm: {
      std::string out = "x=1";
      if (gatenum) out += std::string("&gatenum=") + gatenum;
      if (index) out += std::string("&lastsuccessindex=") + index;
      return out;
    }
    case Format::kBson: {
      bson_t document;
      bson_init(&document);
      if (gatenum) bson_append_utf8(&document, "gatenum", -1, gatenum, -1);
      if (index) bson_append_utf8(&document, "lastsuccessindex", -1, index, -1);
      std::string out(reinterpret_cast<const char*>(bson_get_data(&document)),
                      document.len);
      bson_destroy(&document);
      return out;
    }
  }
  return "";
}

struct SharedCase {
  const char* name;
  const char* gatenum;
  const char* index;
  ErrorCode code;
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const SharedCase& c, std::ostream* os) {
  *os << c.name;
}

class EveryFormatTest : public ::testing::TestWithParam<SharedCase> {};

TEST_P(EveryFormatTest, AgreesWithTheOthers) {
  const SharedCase& c = GetParam();
  for (Format format : kAllFormats) {
    const std::string body = body_of(format, c.gatenum, c.index);
    const Result<SyncRequest> request = decode_sync_request(format, body);
    EXPECT_EQ(code_of(request), c.code)
        << format_name(format) << ": " << request.status().to_string();
    if (request.is_ok()) {
      EXPECT_EQ(request->gatenum, c.gatenum) << format_name(format);
      EXPECT_EQ(request->lastsuccessindex, std::stoi(c.index))
          << format_name(format);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, EveryFormatTest,
    ::testing::Values(
        SharedCase{"good", "0001", "2", ErrorCode::kOk},
        SharedCase{"cjk_gate", "\xE9\x97\xB8\xE6\x9C\xBA", "0", ErrorCode::kOk},
        SharedCase{"max_index", "1", "2147483647", ErrorCode::kOk},
        SharedCase{"gate_missing", nullptr, "1", ErrorCode::kBadGateNum},
        SharedCase{"gate_empty", "", "1", ErrorCode::kBadGateNum},
        SharedCase{"gate_too_long", "00001", "1", ErrorCode::kBadGateNum},
        SharedCase{"gate_first", "00001", "-1", ErrorCode::kBadGateNum},
        SharedCase{"both_missing", nullptr, nullptr, ErrorCode::kBadGateNum},
        SharedCase{"index_missing", "1", nullptr,
                   ErrorCode::kBadLastSuccessIndex},
        SharedCase{"index_negative", "1", "-1",
                   ErrorCode::kBadLastSuccessIndex},
        SharedCase{"index_too_big", "1", "2147483648",
                   ErrorCode::kBadLastSuccessIndex},
        SharedCase{"index_not_number", "1", "abc",
                   ErrorCode::kBadLastSuccessIndex}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DecodeSyncRequestTest, EmptyBodies) {
  EXPECT_EQ(code_of(decode_sync_request(Format::kJson, "")),
            ErrorCode::kMalformedBody);
  EXPECT_EQ(code_of(decode_sync_request(Format::kXml, "")),
            ErrorCode::kMalformedBody);
  EXPECT_EQ(code_of(decode_sync_request(Format::kBson, "")),
            ErrorCode::kMalformedBody);
  // An empty form is a form without fields.
  EXPECT_EQ(code_of(decode_sync_request(Format::kForm, "")),
            ErrorCode::kBadGateNum);
}

TEST(DecodeSyncRequestTest, EveryFormatCapsTheBodySize) {
  const std::string huge(kMaxSyncBodyBytes + 1, ' ');
  for (Format format : kAllFormats) {
    EXPECT_EQ(code_of(decode_sync_request(format, huge)),
              ErrorCode::kBodyTooLarge)
        << format_name(format);
  }
}

TEST(DecodeSyncRequestTest, ABodyInTheWrongFormatIsMalformed) {
  const std::string json = body_of(Format::kJson, "1", "1");
  EXPECT_EQ(code_of(decode_sync_request(Format::kXml, json)),
            ErrorCode::kMalformedBody);
  EXPECT_EQ(code_of(decode_sync_request(Format::kBson, json)),
            ErrorCode::kMalformedBody);
  const std::string xml = body_of(Format::kXml, "1", "1");
  EXPECT_EQ(code_of(decode_sync_request(Format::kJson, xml)),
            ErrorCode::kMalformedBody);
}

std::string encode(Format format, const SyncReply& reply) {
  std::string out;
  encode_sync_reply(format, reply, &out);
  return out;
}

TEST(EncodeSyncReplyTest, MatchesTheSeedSamples) {
  EXPECT_EQ(encode(Format::kJson, testutil::seed_reply()),
            testutil::strip_json_space(testutil::kSeedJsonReply));
  EXPECT_EQ(encode(Format::kXml, testutil::seed_reply()),
            testutil::strip_xml_space(testutil::kSeedXmlReply));
}

TEST(EncodeSyncReplyTest, DispatchesByFormat) {
  const SyncReply reply = testutil::seed_reply();
  std::string json, xml, bson;
  encode_json_sync_reply(reply, &json);
  encode_xml_sync_reply(reply, &xml);
  encode_bson_sync_reply(reply, &bson);
  EXPECT_EQ(encode(Format::kJson, reply), json);
  EXPECT_EQ(encode(Format::kXml, reply), xml);
  EXPECT_EQ(encode(Format::kBson, reply), bson);
  EXPECT_EQ(encode(Format::kForm, reply), json);
}

TEST(EncodeSyncReplyTest, ReusesTheCallersString) {
  std::string out;
  out.reserve(4096);
  const char* before = out.data();
  for (Format format : {Format::kJson, Format::kXml, Format::kBson}) {
    out.clear();
    encode_sync_reply(format, testutil::seed_reply(), &out);
    EXPECT_EQ(out, encode(format, testutil::seed_reply()));
  }
  EXPECT_EQ(out.data(), before);  // no reallocation
}

}  // namespace
}  // namespace facesync::wire
