// Helpers for the wire layer's tests: readable error codes, the seed
// document's samples and the reply they show.
#ifndef FACESYNC_WIRE_TEST_UTIL_H_
#define FACESYNC_WIRE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "base/status.h"
#include "wire/sync_message.h"
#include "wire/total_scan_message.h"

namespace facesync {

// Lets GoogleTest print codes by name ("bad_gatenum") in failures.
inline void PrintTo(ErrorCode code, std::ostream* os) {
  *os << error_code_name(code);
}

namespace wire::testutil {

// The code of a result: kOk when it holds a value.
template <typename T>
ErrorCode code_of(const Result<T>& result) {
  return result.is_ok() ? ErrorCode::kOk : result.status().code();
}

inline ErrorCode code_of(const Status& status) {
  return status.code();
}

// ----- Table-driven decoding tests, shared by the four format codecs.

inline constexpr ErrorCode kOk = ErrorCode::kOk;
inline constexpr ErrorCode kGate = ErrorCode::kBadGateNum;
inline constexpr ErrorCode kIndex = ErrorCode::kBadLastSuccessIndex;
inline constexpr ErrorCode kMalformed = ErrorCode::kMalformedBody;

// A sync request body and what decoding it must give.
struct DecodeCase {
  const char* name;
  std::string body;
  ErrorCode code;
  std::string gatenum = "";  // when code is kOk
  int32_t index = 0;
};

// A TotalScan request body and what decoding it must give.
struct ScanCase {
  const char* name;
  std::string body;
  ErrorCode code;
  std::string gatenum = "";  // when code is kOk
  std::string firstlbsbh = "";
};

// Names a case in failure messages instead of dumping its bytes.
inline void PrintTo(const DecodeCase& c, std::ostream* os) {
  *os << c.name;
}
inline void PrintTo(const ScanCase& c, std::ostream* os) {
  *os << c.name;
}

// Checks a decoded request against its case.
inline void expect_decoded(const DecodeCase& c,
                           const Result<SyncRequest>& request) {
  ASSERT_EQ(code_of(request), c.code) << request.status().to_string();
  if (c.code == ErrorCode::kOk) {
    EXPECT_EQ(request->gatenum, c.gatenum);
    EXPECT_EQ(request->lastsuccessindex, c.index);
  }
}

inline void expect_decoded(const ScanCase& c,
                           const Result<TotalScanRequest>& request) {
  ASSERT_EQ(code_of(request), c.code) << request.status().to_string();
  if (c.code == ErrorCode::kOk) {
    EXPECT_EQ(request->gatenum, c.gatenum);
    EXPECT_EQ(request->firstlbsbh, c.firstlbsbh);
  }
}

// The format's name, for failure messages.
inline const char* format_name(Format format) {
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

// `text` `times` times over.
inline std::string repeat(std::string_view text, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) {
    out += text;
  }
  return out;
}

// Ticket codes at TotalScan's firstlbsbh limit of 32 characters and one
// over it.
inline const std::string kTicket32 = "T0000000000000000000000000000032";
inline const std::string kTicket33 = "T00000000000000000000000000000033";

// The samples of POST-api-CheckTicket-FaceInfo-Sync.txt (the contract), as
// the help page printed them, with white space between tokens.
inline constexpr std::string_view kSeedJsonRequest =
    R"({ "gatenum": "sample string 1", "lastsuccessindex": 2 })";
inline constexpr std::string_view kSeedXmlRequest =
    R"(<GateSyncFaceInfoParm )"
    R"(xmlns:i="http://www.w3.org/2001/XMLSchema-instance" )"
    R"(xmlns="http://schemas.datacontract.org/2004/07/)"
    R"(DigitalScience.DataTransfer.Tour.V5.Parm"> )"
    R"(<gatenum>sample string 1</gatenum> )"
    R"(<lastsuccessindex>2</lastsuccessindex> </GateSyncFaceInfoParm>)";
inline constexpr std::string_view kSeedJsonReply =
    R"({ "errcode": 1, "errmsg": "sample string 2", "tag": { )"
    R"("gatenum": "sample string 1", "recordindex": 2, )"
    R"("hasdata": "sample string 3", "ticketcode": "sample string 4", )"
    R"("op": "sample string 5", "effdatebegin": "sample string 6", )"
    R"("effdateend": "sample string 7", "faceimage": "QEA=", )"
    R"("additionaltemplateinfo": 64 } })";
inline constexpr std::string_view kSeedXmlReply =
    R"(<CommonOperationResultWithTagOfGateSyncFaceInfoResultldpHZqFJ )"
    R"(xmlns:i="http://www.w3.org/2001/XMLSchema-instance" )"
    R"(xmlns="http://schemas.datacontract.org/2004/07/)"
    R"(DigitalScience.DataTransfer"> <errcode>1</errcode> )"
    R"(<errmsg>sample string 2</errmsg> )"
    R"(<tag xmlns:d2p1="http://schemas.datacontract.org/2004/07/)"
    R"(DigitalScience.DataTransfer.Tour.V5.Result"> )"
    R"(<d2p1:additionaltemplateinfo>64</d2p1:additionaltemplateinfo> )"
    R"(<d2p1:effdatebegin>sample string 6</d2p1:effdatebegin> )"
    R"(<d2p1:effdateend>sample string 7</d2p1:effdateend> )"
    R"(<d2p1:faceimage>QEA=</d2p1:faceimage> )"
    R"(<d2p1:gatenum>sample string 1</d2p1:gatenum> )"
    R"(<d2p1:hasdata>sample string 3</d2p1:hasdata> )"
    R"(<d2p1:op>sample string 5</d2p1:op> )"
    R"(<d2p1:recordindex>2</d2p1:recordindex> )"
    R"(<d2p1:ticketcode>sample string 4</d2p1:ticketcode> </tag> )"
    R"(</CommonOperationResultWithTagOfGateSyncFaceInfoResultldpHZqFJ>)";

// The reply the seed's samples show: HelpPage's numbered placeholders, and
// "QEA=" for the byte array {64, 64}.
inline SyncReply seed_reply() {
  static constexpr std::string_view kFaceImage = "\x40\x40";
  SyncTag tag;
  tag.gatenum = "sample string 1";
  tag.recordindex = 2;
  tag.hasdata = "sample string 3";
  tag.ticketcode = "sample string 4";
  tag.op = "sample string 5";
  tag.effdatebegin = "sample string 6";
  tag.effdateend = "sample string 7";
  tag.faceimage = kFaceImage;
  tag.additionaltemplateinfo = 64;
  return SyncReply{1, "sample string 2", tag};
}

// `json` without the white space between its tokens (strings untouched).
inline std::string strip_json_space(std::string_view json) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string && c == '\\' && i + 1 < json.size()) {
      out.push_back(c);
      out.push_back(json[++i]);
      continue;
    }
    if (c == '"') in_string = !in_string;
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (in_string || !space) out.push_back(c);
  }
  return out;
}

// `xml` without white space between a '>' and the next '<'.
inline std::string strip_xml_space(std::string_view xml) {
  std::string out;
  size_t pos = 0;
  while (pos < xml.size()) {
    out.push_back(xml[pos]);
    if (xml[pos++] != '>') continue;
    size_t next = pos;
    while (next < xml.size() && (xml[next] == ' ' || xml[next] == '\n' ||
                                 xml[next] == '\r' || xml[next] == '\t')) {
      ++next;
    }
    if (next < xml.size() && xml[next] == '<') pos = next;
  }
  return out;
}

}  // namespace wire::testutil
}  // namespace facesync

#endif  // FACESYNC_WIRE_TEST_UTIL_H_
