// Tests of total_scan_message.h: the dispatch by format and what the four
// formats share (the 4-character gatenum, the 32-character firstlbsbh, an
// absent firstlbsbh as the first page).
#include "wire/total_scan_message.h"

#include <bson/bson.h>
#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>

#include "wire/bson_codec.h"
#include "wire/json_codec.h"
#include "wire/json_writer.h"
#include "wire/sync_fields.h"
#include "wire/test_util.h"
#include "wire/xml_codec.h"

namespace facesync::wire {
namespace {

using testutil::code_of;
using testutil::format_name;

constexpr Format kAllFormats[] = {Format::kJson, Format::kXml, Format::kForm,
                                  Format::kBson};

constexpr ErrorCode kOk = ErrorCode::kOk;
constexpr ErrorCode kGate = ErrorCode::kBadGateNum;
constexpr ErrorCode kTicket = ErrorCode::kBadTicketCode;
constexpr ErrorCode kMalformed = ErrorCode::kMalformedBody;

using Field = std::optional<std::string>;  // nullopt: left out of the body

// `count` times 闸 (U+95F8): three bytes, one character.
std::string cjk(size_t count) {
  return testutil::repeat("\xE9\x97\xB8", count);
}

std::string json_body(const Field& gatenum, const Field& firstlbsbh) {
  std::string out;
  JsonWriter json(&out);
  json.begin_object();
  if (gatenum) json.key("gatenum").string(*gatenum);
  if (firstlbsbh) json.key("firstlbsbh").string(*firstlbsbh);
  json.key("end").number(0);
  json.end_object();
  return out;
}

// DataContract's order: firstlbsbh before gatenum.
std::string xml_body(const Field& gatenum, const Field& firstlbsbh) {
  std::string out =
      "<BiometricTotalScanParm xmlns=\"" + std::string(kParmNamespace) + "\">";
  if (firstlbsbh) out += "<firstlbsbh>" + *firstlbsbh + "</firstlbsbh>";
  if (gatenum) out += "<gatenum>" + *gatenum + "</gatenum>";
  return out + "</BiometricTotalScanParm>";
}

std::string form_body(const Field& gatenum, const Field& firstlbsbh) {
  std::string out = "x=1";
  if (gatenum) out += "&gatenum=" + *gatenum;
  if (firstlbsbh) out += "&firstlbsbh=" + *firstlbsbh;
  return out;
}

std::string bson_body(const Field& gatenum, const Field& firstlbsbh) {
  bson_t document;
  bson_init(&document);
  if (gatenum) {
    bson_append_utf8(&document, "gatenum", -1, gatenum->data(),
                     static_cast<int>(gatenum->size()));
  }
  if (firstlbsbh) {
    bson_append_utf8(&document, "firstlbsbh", -1, firstlbsbh->data(),
                     static_cast<int>(firstlbsbh->size()));
  }
  std::string out(reinterpret_cast<const char*>(bson_get_data(&document)),
                  document.len);
  bson_destroy(&document);
  return out;
}

// A request body in `format` with the two fields as given.
std::string body_of(Format format, const Field& gatenum,
                    const Field& firstlbsbh) {
  switch (format) {
    case Format::kJson:
      return json_body(gatenum, firstlbsbh);
    case Format::kXml:
      return xml_body(gatenum, firstlbsbh);
    case Format::kForm:
      return form_body(gatenum, firstlbsbh);
    case Format::kBson:
      return bson_body(gatenum, firstlbsbh);
  }
  return "";
}

struct SharedCase {
  const char* name;
  Field gatenum;
  Field firstlbsbh;
  ErrorCode code;
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const SharedCase& c, std::ostream* os) {
  *os << c.name;
}

class EveryFormatTotalScanTest : public ::testing::TestWithParam<SharedCase> {};

TEST_P(EveryFormatTotalScanTest, AgreesWithTheOthers) {
  const SharedCase& c = GetParam();
  for (Format format : kAllFormats) {
    const std::string body = body_of(format, c.gatenum, c.firstlbsbh);
    const Result<TotalScanRequest> request =
        decode_total_scan_request(format, body);
    EXPECT_EQ(code_of(request), c.code)
        << format_name(format) << ": " << request.status().to_string();
    if (request.is_ok()) {
      EXPECT_EQ(request->gatenum, *c.gatenum) << format_name(format);
      EXPECT_EQ(request->firstlbsbh, c.firstlbsbh.value_or(""))
          << format_name(format);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, EveryFormatTotalScanTest,
    ::testing::Values(
        SharedCase{"good", "0001", "T0050", kOk},
        SharedCase{"first_page_absent", "0001", std::nullopt, kOk},
        SharedCase{"first_page_empty", "0001", "", kOk},
        SharedCase{"gate_four_cjk", cjk(4), "T1", kOk},
        SharedCase{"gate_three", "001", "", kGate},
        SharedCase{"gate_five", "00001", "", kGate},
        SharedCase{"gate_three_cjk", cjk(3), "", kGate},
        SharedCase{"gate_five_cjk", cjk(5), "", kGate},
        SharedCase{"gate_empty", "", "", kGate},
        SharedCase{"gate_missing", std::nullopt, "T1", kGate},
        SharedCase{"both_missing", std::nullopt, std::nullopt, kGate},
        SharedCase{"ticket_32", "0001", std::string(32, '7'), kOk},
        SharedCase{"ticket_33", "0001", std::string(33, '7'), kTicket},
        SharedCase{"ticket_32_cjk", "0001", cjk(32), kOk},
        SharedCase{"ticket_33_cjk", "0001", cjk(33), kTicket},
        SharedCase{"gate_checked_first", "001", std::string(33, '7'), kGate}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DecodeTotalScanRequestTest, EmptyBodies) {
  EXPECT_EQ(code_of(decode_total_scan_request(Format::kJson, "")), kMalformed);
  EXPECT_EQ(code_of(decode_total_scan_request(Format::kXml, "")), kMalformed);
  EXPECT_EQ(code_of(decode_total_scan_request(Format::kBson, "")), kMalformed);
  // An empty form is a form without fields.
  EXPECT_EQ(code_of(decode_total_scan_request(Format::kForm, "")), kGate);
}

TEST(DecodeTotalScanRequestTest, EveryFormatCapsTheBodySize) {
  const std::string huge(kMaxSyncBodyBytes + 1, ' ');
  for (Format format : kAllFormats) {
    EXPECT_EQ(code_of(decode_total_scan_request(format, huge)),
              ErrorCode::kBodyTooLarge)
        << format_name(format);
  }
}

TEST(DecodeTotalScanRequestTest, ABodyInTheWrongFormatIsMalformed) {
  const std::string json = body_of(Format::kJson, "0001", "T1");
  EXPECT_EQ(code_of(decode_total_scan_request(Format::kXml, json)), kMalformed);
  EXPECT_EQ(code_of(decode_total_scan_request(Format::kBson, json)),
            kMalformed);
  const std::string xml = body_of(Format::kXml, "0001", "T1");
  EXPECT_EQ(code_of(decode_total_scan_request(Format::kJson, xml)), kMalformed);
}

TEST(DecodeTotalScanRequestTest, ASyncRequestIsNotOne) {
  // XML names its type: the Sync root is refused.
  const std::string xml =
      "<GateSyncFaceInfoParm xmlns=\"" + std::string(kParmNamespace) +
      "\"><gatenum>0001</gatenum><lastsuccessindex>2</lastsuccessindex>"
      "</GateSyncFaceInfoParm>";
  EXPECT_EQ(code_of(decode_total_scan_request(Format::kXml, xml)), kMalformed);

  // JSON does not: lastsuccessindex is an unknown member.
  const Result<TotalScanRequest> json = decode_total_scan_request(
      Format::kJson, R"({"gatenum":"0001","lastsuccessindex":2})");
  ASSERT_TRUE(json.is_ok()) << json.status().to_string();
  EXPECT_EQ(json->gatenum, "0001");
  EXPECT_EQ(json->firstlbsbh, "");
}

// ----- Encoding.

std::string encode(Format format, const TotalScanReply& reply) {
  std::string out;
  encode_total_scan_reply(format, reply, &out);
  return out;
}

TotalScanReply more_pages() {
  return TotalScanReply{0, "", TotalScanTag{"1", "T0050"}};
}

TEST(EncodeTotalScanReplyTest, WritesJson) {
  EXPECT_EQ(encode(Format::kJson, more_pages()),
            R"({"errcode":0,"errmsg":"","tag":)"
            R"({"hasmorepage":"1","lastlbsbh":"T0050"}})");
}

TEST(EncodeTotalScanReplyTest, WritesXml) {
  EXPECT_EQ(
      encode(Format::kXml, more_pages()),
      "<CommonOperationResultWithTagOfGateFaceInfoTotalScanResultldpHZqFJ"
      " xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\""
      " xmlns=\"http://schemas.datacontract.org/2004/07/"
      "DigitalScience.DataTransfer\">"
      "<errcode>0</errcode><errmsg></errmsg>"
      "<tag xmlns:d2p1=\"http://schemas.datacontract.org/2004/07/"
      "DigitalScience.DataTransfer.Tour.V5.Result\">"
      "<d2p1:hasmorepage>1</d2p1:hasmorepage>"
      "<d2p1:lastlbsbh>T0050</d2p1:lastlbsbh></tag>"
      "</CommonOperationResultWithTagOfGateFaceInfoTotalScanResultldpHZqFJ>");
}

TEST(EncodeTotalScanReplyTest, DispatchesByFormat) {
  const TotalScanReply reply = more_pages();
  std::string json, xml, bson;
  encode_json_total_scan_reply(reply, &json);
  encode_xml_total_scan_reply(reply, &xml);
  encode_bson_total_scan_reply(reply, &bson);
  EXPECT_EQ(encode(Format::kJson, reply), json);
  EXPECT_EQ(encode(Format::kXml, reply), xml);
  EXPECT_EQ(encode(Format::kBson, reply), bson);
  EXPECT_EQ(encode(Format::kForm, reply), json);
  EXPECT_NE(json, xml);
  EXPECT_NE(json, bson);
}

TEST(EncodeTotalScanReplyTest, ReusesTheCallersString) {
  std::string out;
  out.reserve(4096);
  const char* before = out.data();
  for (Format format : {Format::kJson, Format::kXml, Format::kBson}) {
    out.clear();
    encode_total_scan_reply(format, more_pages(), &out);
    EXPECT_EQ(out, encode(format, more_pages())) << format_name(format);
  }
  EXPECT_EQ(out.data(), before);  // no reallocation
}

}  // namespace
}  // namespace facesync::wire
