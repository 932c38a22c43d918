// Tests of format.h: Content-Type to body format, and Accept negotiation.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "wire/format.h"
#include "wire/test_util.h"

namespace facesync::wire {
namespace {

using testutil::code_of;

constexpr int kRefused = -1;

struct ContentTypeCase {
  const char* name;
  std::string content_type;
  int format;  // a Format, or kRefused
  std::string media_type;
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const ContentTypeCase& c, std::ostream* os) {
  *os << c.name;
}

class RequestFormatTest : public ::testing::TestWithParam<ContentTypeCase> {};

TEST_P(RequestFormatTest, Reads) {
  const ContentTypeCase& c = GetParam();
  const Result<Format> format = request_format(c.content_type);
  if (c.format == kRefused) {
    EXPECT_EQ(code_of(format), ErrorCode::kUnsupportedMediaType);
    EXPECT_EQ(request_media_type(c.content_type), "");
  } else {
    ASSERT_TRUE(format.is_ok()) << format.status().to_string();
    EXPECT_EQ(static_cast<int>(*format), c.format);
    EXPECT_EQ(request_media_type(c.content_type), c.media_type);
  }
}

constexpr int kJson = static_cast<int>(Format::kJson);
constexpr int kXml = static_cast<int>(Format::kXml);
constexpr int kForm = static_cast<int>(Format::kForm);
constexpr int kBson = static_cast<int>(Format::kBson);

INSTANTIATE_TEST_SUITE_P(
    Table, RequestFormatTest,
    ::testing::Values(
        ContentTypeCase{"app_json", "application/json", kJson,
                        "application/json"},
        ContentTypeCase{"text_json", "text/json", kJson, "text/json"},
        ContentTypeCase{"app_xml", "application/xml", kXml, "application/xml"},
        ContentTypeCase{"text_xml", "text/xml", kXml, "text/xml"},
        ContentTypeCase{"form", "application/x-www-form-urlencoded", kForm,
                        "application/x-www-form-urlencoded"},
        ContentTypeCase{"bson", "application/bson", kBson, "application/bson"},
        ContentTypeCase{"upper_case", "Application/JSON", kJson,
                        "application/json"},
        ContentTypeCase{"charset_utf8", "application/json; charset=utf-8",
                        kJson, "application/json"},
        ContentTypeCase{"charset_upper", "text/xml;charset=UTF-8", kXml,
                        "text/xml"},
        ContentTypeCase{"charset_quoted", "text/json; charset=\"utf-8\"", kJson,
                        "text/json"},
        ContentTypeCase{"charset_ascii",
                        "application/x-www-form-urlencoded; "
                        "charset=US-ASCII",
                        kForm, "application/x-www-form-urlencoded"},
        ContentTypeCase{"other_parameter", "application/json; version=2", kJson,
                        "application/json"},
        ContentTypeCase{"spaces_around", "  application/json ; charset=utf-8 ",
                        kJson, "application/json"},
        ContentTypeCase{"tab_before_param", "application/json\t;charset=utf-8",
                        kJson, "application/json"},
        ContentTypeCase{"trailing_semicolon", "application/json;", kJson,
                        "application/json"},
        ContentTypeCase{"charset_utf16", "application/json; charset=utf-16",
                        kRefused, ""},
        ContentTypeCase{"charset_latin1", "text/xml; charset=iso-8859-1",
                        kRefused, ""},
        ContentTypeCase{"two_charsets", "text/xml; charset=utf-8; charset=gbk",
                        kRefused, ""},
        ContentTypeCase{"empty", "", kRefused, ""},
        ContentTypeCase{"blank", "   ", kRefused, ""},
        ContentTypeCase{"text_plain", "text/plain", kRefused, ""},
        ContentTypeCase{"multipart", "multipart/form-data; boundary=x",
                        kRefused, ""},
        ContentTypeCase{"json_patch", "application/json-patch+json", kRefused,
                        ""},
        ContentTypeCase{"no_subtype", "application", kRefused, ""},
        ContentTypeCase{"empty_subtype", "application/", kRefused, ""},
        ContentTypeCase{"range", "application/*", kRefused, ""},
        ContentTypeCase{"space_in_type", "application /json", kRefused, ""},
        ContentTypeCase{"param_without_value", "application/json; charset",
                        kRefused, ""},
        ContentTypeCase{"unclosed_quote", "application/json; charset=\"utf-8",
                        kRefused, ""},
        ContentTypeCase{"garbage_after", "application/json x", kRefused, ""},
        ContentTypeCase{"two_types", "application/json, text/xml", kRefused,
                        ""}),
    [](const auto& info) { return std::string(info.param.name); });

struct AcceptCase {
  const char* name;
  std::string accept;
  int request;  // a Format, or kRefused for none
  std::string request_media_type;
  Format format;
  std::string media_type;
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const AcceptCase& c, std::ostream* os) {
  *os << c.name;
}

class NegotiateTest : public ::testing::TestWithParam<AcceptCase> {};

TEST_P(NegotiateTest, Chooses) {
  const AcceptCase& c = GetParam();
  const Format request = static_cast<Format>(c.request);
  const ResponseType chosen =
      negotiate_response(c.accept, c.request == kRefused ? nullptr : &request,
                         c.request_media_type);
  EXPECT_EQ(static_cast<int>(chosen.format), static_cast<int>(c.format));
  EXPECT_EQ(chosen.media_type, c.media_type);
}

constexpr int kNone = kRefused;

INSTANTIATE_TEST_SUITE_P(
    Table, NegotiateTest,
    ::testing::Values(
        // No Accept: the request's own format, else JSON.
        AcceptCase{"nothing", "", kNone, "", Format::kJson, "application/json"},
        AcceptCase{"json_request", "", kJson, "application/json", Format::kJson,
                   "application/json"},
        AcceptCase{"text_json_request", "", kJson, "text/json", Format::kJson,
                   "text/json"},
        AcceptCase{"xml_request", "", kXml, "application/xml", Format::kXml,
                   "application/xml"},
        AcceptCase{"text_xml_request", "", kXml, "text/xml", Format::kXml,
                   "text/xml"},
        AcceptCase{"bson_request", "", kBson, "application/bson", Format::kBson,
                   "application/bson"},
        AcceptCase{"form_request", "", kForm,
                   "application/x-www-form-urlencoded", Format::kJson,
                   "application/json"},
        AcceptCase{"xml_request_no_type", "", kXml, "", Format::kXml,
                   "application/xml"},
        // Literal types answer with themselves.
        AcceptCase{"literal_json", "application/json", kXml, "text/xml",
                   Format::kJson, "application/json"},
        AcceptCase{"literal_text_json", "text/json", kNone, "", Format::kJson,
                   "text/json"},
        AcceptCase{"literal_text_xml", "text/xml", kJson, "application/json",
                   Format::kXml, "text/xml"},
        AcceptCase{"literal_bson", "application/bson", kJson, "", Format::kBson,
                   "application/bson"},
        AcceptCase{"literal_upper_case", "TEXT/XML", kNone, "", Format::kXml,
                   "text/xml"},
        // Ranges answer with the first of the format's types inside them.
        AcceptCase{"all_range", "*/*", kXml, "text/xml", Format::kJson,
                   "application/json"},
        AcceptCase{"application_range", "application/*", kNone, "",
                   Format::kJson, "application/json"},
        AcceptCase{"text_range", "text/*", kNone, "", Format::kJson,
                   "text/json"},
        // q-values.
        AcceptCase{"higher_q_wins", "application/json;q=0.5, text/xml", kNone,
                   "", Format::kXml, "text/xml"},
        AcceptCase{"explicit_q_one",
                   "application/xml;q=1, application/json;q=0.9", kNone, "",
                   Format::kXml, "application/xml"},
        AcceptCase{"equal_q_formatter_order_not_header_order",
                   "application/xml;q=1.000, application/json", kNone, "",
                   Format::kJson, "application/json"},
        AcceptCase{"q_three_decimals",
                   "application/xml;q=0.501,application/json;q=0.5", kNone, "",
                   Format::kXml, "application/xml"},
        AcceptCase{"equal_q_json_first", "application/xml, application/json",
                   kNone, "", Format::kJson, "application/json"},
        AcceptCase{"equal_q_xml_before_bson", "application/bson, text/xml",
                   kNone, "", Format::kXml, "text/xml"},
        AcceptCase{"literal_beats_range_at_equal_q", "*/*, application/xml",
                   kNone, "", Format::kXml, "application/xml"},
        AcceptCase{"literal_beats_subtype_range", "text/*, application/bson",
                   kNone, "", Format::kBson, "application/bson"},
        AcceptCase{"range_with_higher_q_wins",
                   "application/xml;q=0.4, */*;q=0.9", kNone, "", Format::kJson,
                   "application/json"},
        AcceptCase{"subtype_range_beats_all_range", "*/*;q=0.5, text/*", kNone,
                   "", Format::kJson, "text/json"},
        AcceptCase{"formatter_takes_its_best_entry",
                   "application/xml;q=0.3, application/*", kNone, "",
                   Format::kJson, "application/json"},
        AcceptCase{"same_q_literal_of_one_format",
                   "application/json;q=0.8, text/json;q=0.9", kNone, "",
                   Format::kJson, "text/json"},
        // q=0 never matches, in Web API's way: no exclusion either.
        AcceptCase{"q_zero_only", "application/xml;q=0", kJson,
                   "application/json", Format::kJson, "application/json"},
        AcceptCase{"q_zero_decimal", "application/xml;q=0.000", kXml,
                   "text/xml", Format::kXml, "text/xml"},
        AcceptCase{"q_zero_beside_range", "application/xml;q=0, text/*", kNone,
                   "", Format::kJson, "text/json"},
        // Unsupported types fall back.
        AcceptCase{"unsupported_type", "text/html", kXml, "application/xml",
                   Format::kXml, "application/xml"},
        AcceptCase{"unsupported_beside_supported",
                   "text/html, application/xhtml+xml, application/xml;q=0.9",
                   kNone, "", Format::kXml, "application/xml"},
        AcceptCase{"image_range", "image/*", kNone, "", Format::kJson,
                   "application/json"},
        AcceptCase{"form_accept", "application/x-www-form-urlencoded", kXml,
                   "text/xml", Format::kXml, "text/xml"},
        // Parameters other than q are ignored, as Web API did.
        AcceptCase{"charset_param", "application/xml; charset=utf-8", kNone, "",
                   Format::kXml, "application/xml"},
        AcceptCase{"charset_utf16_param", "text/xml; charset=utf-16", kNone, "",
                   Format::kXml, "text/xml"},
        AcceptCase{"quoted_comma", "application/xml; x=\"a,b\"", kNone, "",
                   Format::kXml, "application/xml"},
        // Malformed entries are skipped; the rest still count.
        AcceptCase{"garbage", "garbage", kXml, "text/xml", Format::kXml,
                   "text/xml"},
        AcceptCase{"garbage_then_xml", "garbage, application/xml", kNone, "",
                   Format::kXml, "application/xml"},
        AcceptCase{"empty_entries", ",, ,application/bson,", kNone, "",
                   Format::kBson, "application/bson"},
        AcceptCase{"star_subtype", "*/xml", kNone, "", Format::kJson,
                   "application/json"},
        AcceptCase{"bad_q_skipped", "application/xml;q=abc, text/json;q=0.1",
                   kNone, "", Format::kJson, "text/json"},
        AcceptCase{"q_above_one_skipped", "application/xml;q=1.5", kBson,
                   "application/bson", Format::kBson, "application/bson"},
        AcceptCase{"q_four_decimals_skipped", "application/xml;q=0.5555", kNone,
                   "", Format::kJson, "application/json"},
        AcceptCase{"unclosed_quote", "application/xml; x=\"abc", kNone, "",
                   Format::kJson, "application/json"},
        AcceptCase{"browser_accept",
                   "text/html,application/xhtml+xml,application/xml;q=0.9,"
                   "image/avif,*/*;q=0.8",
                   kNone, "", Format::kXml, "application/xml"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace facesync::wire
