// Tests of the XML codec: namespaces, nil, caps, hostile input and the
// seed's reply sample.
#include "wire/xml_codec.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include <ostream>
#include <sstream>
#include <string>

#include "wire/sync_fields.h"
#include "wire/test_util.h"

namespace facesync::wire {
namespace {

using testutil::code_of;
using testutil::DecodeCase;
using testutil::expect_decoded;
using testutil::kGate;
using testutil::kIndex;
using testutil::kMalformed;
using testutil::kOk;
using testutil::ScanCase;

const std::string kNs(kParmNamespace);
const std::string kXsi(kInstanceNamespace);

// A request whose root declares the Parm namespace as default and xsi as
// prefix i, around `children`.
std::string parm(const std::string& children) {
  return "<GateSyncFaceInfoParm xmlns:i=\"" + kXsi + "\" xmlns=\"" + kNs +
         "\">" + children + "</GateSyncFaceInfoParm>";
}

std::string fields(const std::string& gatenum, const std::string& index) {
  return "<gatenum>" + gatenum + "</gatenum><lastsuccessindex>" + index +
         "</lastsuccessindex>";
}

// ----- Decoding.

class XmlDecodeTest : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(XmlDecodeTest, Decodes) {
  expect_decoded(GetParam(), decode_xml_sync_request(GetParam().body));
}

std::string seed_with_gate(const std::string& gate) {
  std::string body(testutil::kSeedXmlRequest);
  const std::string placeholder = "sample string 1";
  return body.replace(body.find(placeholder), placeholder.size(), gate);
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, XmlDecodeTest,
    ::testing::Values(
        DecodeCase{"plain", parm(fields("0001", "2")), kOk, "0001", 2},
        DecodeCase{"seed_shape", seed_with_gate("0001"), kOk, "0001", 2},
        DecodeCase{"no_xsi_declaration",
                   "<GateSyncFaceInfoParm xmlns=\"" + kNs + "\">" +
                       fields("1", "3") + "</GateSyncFaceInfoParm>",
                   kOk, "1", 3},
        DecodeCase{"prefixed",
                   "<p:GateSyncFaceInfoParm xmlns:p=\"" + kNs +
                       "\"><p:gatenum>1</p:gatenum><p:lastsuccessindex>3"
                       "</p:lastsuccessindex></p:GateSyncFaceInfoParm>",
                   kOk, "1", 3},
        DecodeCase{"prefixed_root_default_children",
                   "<p:GateSyncFaceInfoParm xmlns:p=\"" + kNs + "\" xmlns=\"" +
                       kNs + "\">" + fields("5", "6") +
                       "</p:GateSyncFaceInfoParm>",
                   kOk, "5", 6},
        DecodeCase{"namespace_declared_on_children",
                   "<p:GateSyncFaceInfoParm xmlns:p=\"" + kNs +
                       "\"><gatenum xmlns=\"" + kNs +
                       "\">7</gatenum><q:lastsuccessindex xmlns:q=\"" + kNs +
                       "\">8</q:lastsuccessindex></p:GateSyncFaceInfoParm>",
                   kOk, "7", 8},
        DecodeCase{"any_order",
                   parm("<lastsuccessindex>4</lastsuccessindex>"
                        "<gatenum>A</gatenum>"),
                   kOk, "A", 4},
        DecodeCase{"unknown_children_skipped",
                   parm("<extra a=\"1\"><gatenum>bad</gatenum><x><y/></x>"
                        "</extra>" +
                        fields("1", "2") + "<more>text</more>"),
                   kOk, "1", 2},
        DecodeCase{"same_name_other_namespace_skipped",
                   parm("<x:gatenum xmlns:x=\"urn:other\">99999</x:gatenum>"
                        "<gatenum xmlns=\"\">88888</gatenum>" +
                        fields("1", "2")),
                   kOk, "1", 2},
        DecodeCase{"first_duplicate_wins",
                   parm(fields("1", "2") + fields("3", "4")), kOk, "1", 2},
        DecodeCase{"index_white_space", parm(fields("1", " \n5\t ")), kOk, "1",
                   5},
        DecodeCase{"index_sign_and_zeros", parm(fields("1", "+007")), kOk, "1",
                   7},
        DecodeCase{"index_max", parm(fields("1", "2147483647")), kOk, "1",
                   2147483647},
        DecodeCase{"gatenum_spaces_kept", parm(fields(" 01 ", "1")), kOk,
                   " 01 ", 1},
        DecodeCase{"gatenum_cdata", parm(fields("<![CDATA[0&1]]>", "1")), kOk,
                   "0&1", 1},
        DecodeCase{"gatenum_entities", parm(fields("&lt;1&gt;", "1")), kOk,
                   "<1>", 1},
        DecodeCase{"gatenum_char_reference",
                   parm(fields("&#x95F8;&#26426;", "1")), kOk,
                   "\xE9\x97\xB8\xE6\x9C\xBA", 1},
        DecodeCase{"text_joined_around_comment",
                   parm(fields("a<!-- c -->b", "1<!-- c -->2")), kOk, "ab", 12},
        DecodeCase{"text_joined_with_cdata",
                   parm(fields("a<![CDATA[b]]>c", "<![CDATA[1]]>3")), kOk,
                   "abc", 13},
        DecodeCase{"nil_false",
                   parm("<gatenum i:nil=\"false\">9</gatenum>"
                        "<lastsuccessindex i:nil=\" 0 \">1"
                        "</lastsuccessindex>"),
                   kOk, "9", 1},
        DecodeCase{"unprefixed_nil_is_not_xsi",
                   parm("<gatenum>1</gatenum><lastsuccessindex nil=\"true\">5"
                        "</lastsuccessindex>"),
                   kOk, "1", 5},
        DecodeCase{"nil_of_another_namespace_ignored",
                   parm("<gatenum>1</gatenum><lastsuccessindex q:nil=\"true\" "
                        "xmlns:q=\"urn:other\">5</lastsuccessindex>"),
                   kOk, "1", 5},
        DecodeCase{"declaration_and_bom",
                   "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" +
                       parm(fields("1", "2")) + "\n",
                   kOk, "1", 2},
        DecodeCase{"comments_and_pi_outside_root",
                   "<!-- before --><?pi x?>" + parm(fields("1", "2")) +
                       "<!-- after -->",
                   kOk, "1", 2},
        DecodeCase{"crlf_white_space",
                   "<GateSyncFaceInfoParm xmlns=\"" + kNs + "\">\r\n  " +
                       "<gatenum>1</gatenum>\r\n  <lastsuccessindex>2"
                       "</lastsuccessindex>\r\n</GateSyncFaceInfoParm>",
                   kOk, "1", 2}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    BadFields, XmlDecodeTest,
    ::testing::Values(
        DecodeCase{"seed_sample_gate_too_long",
                   std::string(testutil::kSeedXmlRequest), kGate},
        DecodeCase{"gatenum_missing",
                   parm("<lastsuccessindex>1</lastsuccessindex>"), kGate},
        DecodeCase{"both_missing", parm(""), kGate},
        DecodeCase{"gatenum_nil",
                   parm("<gatenum i:nil=\"true\"/>"
                        "<lastsuccessindex>1</lastsuccessindex>"),
                   kGate},
        DecodeCase{"gatenum_nil_one_other_prefix",
                   parm("<gatenum x:nil=\"1\" xmlns:x=\"" + kXsi +
                        "\">1"
                        "</gatenum><lastsuccessindex>1</lastsuccessindex>"),
                   kGate},
        DecodeCase{"gatenum_self_closed", parm(fields("", "1")), kGate},
        DecodeCase{"gatenum_empty_element",
                   parm("<gatenum/><lastsuccessindex>1</lastsuccessindex>"),
                   kGate},
        DecodeCase{"gatenum_five", parm(fields("00001", "1")), kGate},
        DecodeCase{"gatenum_tab", parm(fields("0&#x9;1", "1")), kGate},
        DecodeCase{"gatenum_newline", parm(fields("0\n1", "1")), kGate},
        DecodeCase{"gatenum_child_element", parm(fields("<b>1</b>", "1")),
                   kGate},
        DecodeCase{"gatenum_case_differs",
                   parm("<GateNum>1</GateNum>"
                        "<lastsuccessindex>1</lastsuccessindex>"),
                   kGate},
        DecodeCase{"gatenum_no_namespace",
                   parm("<gatenum xmlns=\"\">1</gatenum>"
                        "<lastsuccessindex>1</lastsuccessindex>"),
                   kGate},
        DecodeCase{"gatenum_checked_first", parm(fields("", "-1")), kGate},
        DecodeCase{"index_missing", parm("<gatenum>1</gatenum>"), kIndex},
        DecodeCase{"index_case_differs",
                   parm("<gatenum>1</gatenum>"
                        "<LastSuccessIndex>1</LastSuccessIndex>"),
                   kIndex},
        DecodeCase{"index_nil",
                   parm("<gatenum>1</gatenum>"
                        "<lastsuccessindex i:nil=\"true\"/>"),
                   kIndex},
        DecodeCase{"index_bad_nil",
                   parm("<gatenum>1</gatenum>"
                        "<lastsuccessindex i:nil=\"yes\">1</lastsuccessindex>"),
                   kIndex},
        DecodeCase{"index_empty", parm(fields("1", "")), kIndex},
        DecodeCase{"index_word", parm(fields("1", "two")), kIndex},
        DecodeCase{"index_negative", parm(fields("1", "-1")), kIndex},
        DecodeCase{"index_above_int32", parm(fields("1", "2147483648")),
                   kIndex},
        DecodeCase{"index_huge", parm(fields("1", "99999999999999999999999")),
                   kIndex},
        DecodeCase{"index_fraction", parm(fields("1", "1.5")), kIndex},
        DecodeCase{"index_child_element", parm(fields("1", "<v>1</v>")),
                   kIndex}),
    [](const auto& info) { return std::string(info.param.name); });

std::string elements(size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    out += "<x/>";
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, XmlDecodeTest,
    ::testing::Values(
        DecodeCase{"empty", "", kMalformed},
        DecodeCase{"blank", " \n", kMalformed},
        DecodeCase{"bom_only", "\xEF\xBB\xBF", kMalformed},
        DecodeCase{"not_xml", "gatenum=1&lastsuccessindex=2", kMalformed},
        DecodeCase{"json", R"({"gatenum":"1","lastsuccessindex":2})",
                   kMalformed},
        DecodeCase{"wrong_root",
                   "<GateSyncFaceInfo xmlns=\"" + kNs + "\">" +
                       fields("1", "2") + "</GateSyncFaceInfo>",
                   kMalformed},
        DecodeCase{"root_case_differs",
                   "<gatesyncfaceinfoparm xmlns=\"" + kNs + "\">" +
                       fields("1", "2") + "</gatesyncfaceinfoparm>",
                   kMalformed},
        DecodeCase{"root_without_namespace",
                   "<GateSyncFaceInfoParm>" + fields("1", "2") +
                       "</GateSyncFaceInfoParm>",
                   kMalformed},
        DecodeCase{"root_in_envelope_namespace",
                   "<GateSyncFaceInfoParm xmlns=\"http://schemas."
                   "datacontract.org/2004/07/DigitalScience.DataTransfer\">" +
                       fields("1", "2") + "</GateSyncFaceInfoParm>",
                   kMalformed},
        DecodeCase{"root_unbound_prefix",
                   "<p:GateSyncFaceInfoParm>" + fields("1", "2") +
                       "</p:GateSyncFaceInfoParm>",
                   kMalformed},
        DecodeCase{"root_nil",
                   "<GateSyncFaceInfoParm xmlns:i=\"" + kXsi + "\" xmlns=\"" +
                       kNs + "\" i:nil=\"true\"/>",
                   kMalformed},
        DecodeCase{"child_unbound_prefix",
                   parm("<q:gatenum>1</q:gatenum>"
                        "<lastsuccessindex>2</lastsuccessindex>"),
                   kMalformed},
        DecodeCase{"two_roots", parm(fields("1", "2")) + parm(""), kMalformed},
        DecodeCase{"text_before_root", "x" + parm(fields("1", "2")),
                   kMalformed},
        DecodeCase{"text_after_root", parm(fields("1", "2")) + "x", kMalformed},
        DecodeCase{"cdata_after_root", parm(fields("1", "2")) + "<![CDATA[x]]>",
                   kMalformed},
        DecodeCase{"truncated_in_attribute",
                   parm(fields("1", "2")).substr(0, 120), kMalformed},
        DecodeCase{"truncated_before_end",
                   parm(fields("1", "2")).substr(0, 200), kMalformed},
        DecodeCase{"mismatched_tags",
                   parm("<gatenum>1</lastsuccessindex><lastsuccessindex>2"
                        "</gatenum>"),
                   kMalformed},
        DecodeCase{"unclosed_attribute", "<GateSyncFaceInfoParm xmlns=\"" + kNs,
                   kMalformed},
        DecodeCase{"doctype",
                   "<!DOCTYPE GateSyncFaceInfoParm>" + parm(fields("1", "2")),
                   kMalformed},
        DecodeCase{"billion_laughs",
                   "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
                   "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>" +
                       parm(fields("&lol2;", "1")),
                   kMalformed},
        DecodeCase{"external_entity",
                   "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" +
                       parm(fields("&e;", "1")),
                   kMalformed},
        DecodeCase{"undeclared_entity", parm(fields("&e;", "1")), kMalformed},
        DecodeCase{"control_reference", parm(fields("&#1;", "1")), kMalformed},
        DecodeCase{"invalid_utf8", parm(fields("\xC3\x28", "1")), kMalformed},
        DecodeCase{"invalid_utf8_elsewhere",
                   parm(fields("1", "1") + "<x>\xFF</x>"), kMalformed},
        DecodeCase{"too_many_elements",
                   parm(fields("1", "2") + elements(kMaxXmlElements - 2)),
                   kMalformed}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(XmlDecodeLimitsTest, AcceptsExactlyTheElementCap) {
  // The root, two fields and the rest unknown: kMaxXmlElements in all.
  const std::string body =
      parm(fields("1", "2") + elements(kMaxXmlElements - 3));
  EXPECT_EQ(code_of(decode_xml_sync_request(body)), kOk);
}

// A request whose unknown child nests `depth` elements in all (root
// included).
std::string with_depth(size_t depth) {
  std::string open, close;
  for (size_t i = 1; i < depth; ++i) {
    open += "<d>";
    close += "</d>";
  }
  return parm(fields("1", "2") + open + close);
}

TEST(XmlDecodeLimitsTest, CapsDepth) {
  EXPECT_EQ(code_of(decode_xml_sync_request(with_depth(kMaxXmlDepth))), kOk);
  EXPECT_EQ(code_of(decode_xml_sync_request(with_depth(kMaxXmlDepth + 1))),
            kMalformed);
  EXPECT_EQ(code_of(decode_xml_sync_request(with_depth(5000))), kMalformed);
}

TEST(XmlDecodeLimitsTest, CapsAttributes) {
  std::string many;
  for (size_t i = 0; i <= kMaxXmlAttributes; ++i) {
    many += " a" + std::to_string(i) + "=\"\"";
  }
  EXPECT_EQ(code_of(decode_xml_sync_request(
                parm(fields("1", "2") + "<x" + many + "/>"))),
            kMalformed);
}

TEST(XmlDecodeLimitsTest, CapsTheBodySize) {
  const std::string body = parm(fields("1", "2"));
  const std::string fits(kMaxSyncBodyBytes - body.size(), ' ');
  EXPECT_EQ(code_of(decode_xml_sync_request(body + fits)), kOk);
  EXPECT_EQ(code_of(decode_xml_sync_request(body + fits + " ")),
            ErrorCode::kBodyTooLarge);
}

TEST(XmlDecodeMalformedTest, RefusesUtf16Text) {
  const std::string ascii = parm(fields("1", "2"));
  std::string utf16 = "\xFF\xFE";
  for (char c : ascii) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  EXPECT_EQ(code_of(decode_xml_sync_request(utf16)), kMalformed);
}

TEST(XmlDecodeDetailTest, SaysWhatIsWrong) {
  EXPECT_EQ(decode_xml_sync_request(parm("<gatenum i:nil=\"true\"/>"))
                .status()
                .detail(),
            "gatenum is nil");
  EXPECT_EQ(
      decode_xml_sync_request(parm("<gatenum>1</gatenum>")).status().detail(),
      "lastsuccessindex is missing");
  EXPECT_TRUE(decode_xml_sync_request("<a>").status().detail().starts_with(
      "body is not XML: "));
}

// ----- Encoding.

std::string encode(const SyncReply& reply) {
  std::string out;
  encode_xml_sync_reply(reply, &out);
  return out;
}

const std::string kReplyOpen =
    "<CommonOperationResultWithTagOfGateSyncFaceInfoResultldpHZqFJ "
    "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xmlns=\"http://schemas.datacontract.org/2004/07/"
    "DigitalScience.DataTransfer\">";
const std::string kReplyClose =
    "</CommonOperationResultWithTagOfGateSyncFaceInfoResultldpHZqFJ>";

TEST(XmlEncodeTest, MatchesTheSeedSample) {
  EXPECT_EQ(encode(testutil::seed_reply()),
            testutil::strip_xml_space(testutil::kSeedXmlReply));
}

TEST(XmlEncodeTest, WritesANilTag) {
  EXPECT_EQ(encode(SyncReply{3, "no such gate", std::nullopt}),
            kReplyOpen +
                "<errcode>3</errcode><errmsg>no such gate</errmsg>"
                "<tag i:nil=\"true\"/>" +
                kReplyClose);
}

TEST(XmlEncodeTest, WritesUnsetOptionalsAsNil) {
  SyncTag tag;
  tag.gatenum = "0001";
  tag.recordindex = 0;
  tag.hasdata = "0";
  EXPECT_EQ(encode(SyncReply{0, "", tag}),
            kReplyOpen +
                "<errcode>0</errcode><errmsg></errmsg>"
                "<tag xmlns:d2p1=\"http://schemas.datacontract.org/2004/07/"
                "DigitalScience.DataTransfer.Tour.V5.Result\">"
                "<d2p1:additionaltemplateinfo i:nil=\"true\"/>"
                "<d2p1:effdatebegin i:nil=\"true\"/>"
                "<d2p1:effdateend i:nil=\"true\"/>"
                "<d2p1:faceimage i:nil=\"true\"/>"
                "<d2p1:gatenum>0001</d2p1:gatenum>"
                "<d2p1:hasdata>0</d2p1:hasdata>"
                "<d2p1:op i:nil=\"true\"/>"
                "<d2p1:recordindex>0</d2p1:recordindex>"
                "<d2p1:ticketcode i:nil=\"true\"/>"
                "</tag>" +
                kReplyClose);
}

TEST(XmlEncodeTest, EscapesText) {
  const std::string out = encode(SyncReply{
      -2, "a<b>&c\"'\r\n\t\x01\xFF\xEF\xBF\xBE\xE9\x97\xB8", std::nullopt});
  EXPECT_EQ(out, kReplyOpen +
                     "<errcode>-2</errcode><errmsg>a&lt;b&gt;&amp;c\"'&#xD;\n"
                     "\t\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xE9\x97\xB8"
                     "</errmsg><tag i:nil=\"true\"/>" +
                     kReplyClose);
}

TEST(XmlEncodeTest, OutputReadsBackWithAnXmlParser) {
  SyncReply reply = testutil::seed_reply();
  reply.errmsg = "x < y & \"z\"\r\n";
  reply.tag->op = "]]>";
  const std::string out = encode(reply);

  pugi::xml_document document;
  ASSERT_TRUE(document.load_buffer(
      out.data(), out.size(), pugi::parse_default | pugi::parse_ws_pcdata));
  const pugi::xml_node root = document.document_element();
  EXPECT_EQ(std::string(root.child_value("errmsg")), reply.errmsg);
  EXPECT_EQ(std::string(root.child("tag").child_value("d2p1:op")), "]]>");
  EXPECT_EQ(std::string(root.child("tag").child_value("d2p1:faceimage")),
            "QEA=");
}

TEST(XmlEncodeTest, AppendsToTheCallersString) {
  std::string out = "<!-- body -->";
  encode_xml_sync_reply(SyncReply{0, "ok", std::nullopt}, &out);
  EXPECT_EQ(out, "<!-- body -->" + kReplyOpen +
                     "<errcode>0</errcode><errmsg>ok</errmsg>"
                     "<tag i:nil=\"true\"/>" +
                     kReplyClose);
}

// ----- TotalScan: decoding.

constexpr ErrorCode kTicket = ErrorCode::kBadTicketCode;
using testutil::kTicket32;
using testutil::kTicket33;
using testutil::repeat;

// A BiometricTotalScanParm declaring the Parm namespace as default and xsi
// as prefix i, around `children`.
std::string scan_parm(const std::string& children) {
  return "<BiometricTotalScanParm xmlns:i=\"" + kXsi + "\" xmlns=\"" + kNs +
         "\">" + children + "</BiometricTotalScanParm>";
}

// The two fields in DataContract's (alphabetical) order.
std::string scan_fields(const std::string& gatenum,
                        const std::string& firstlbsbh) {
  return "<firstlbsbh>" + firstlbsbh + "</firstlbsbh><gatenum>" + gatenum +
         "</gatenum>";
}

class XmlTotalScanDecodeTest : public ::testing::TestWithParam<ScanCase> {};

TEST_P(XmlTotalScanDecodeTest, Decodes) {
  expect_decoded(GetParam(), decode_xml_total_scan_request(GetParam().body));
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, XmlTotalScanDecodeTest,
    ::testing::Values(
        ScanCase{"plain", scan_parm(scan_fields("0001", "T0050")), kOk, "0001",
                 "T0050"},
        ScanCase{"help_page_shape",
                 "<BiometricTotalScanParm "
                 "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" "
                 "xmlns=\"http://schemas.datacontract.org/2004/07/"
                 "DigitalScience.DataTransfer.Tour.V5.Parm\"> "
                 "<firstlbsbh>T0050</firstlbsbh> <gatenum>0001</gatenum> "
                 "</BiometricTotalScanParm>",
                 kOk, "0001", "T0050"},
        ScanCase{"gatenum_first",
                 scan_parm("<gatenum>0001</gatenum>"
                           "<firstlbsbh>T1</firstlbsbh>"),
                 kOk, "0001", "T1"},
        ScanCase{"prefixed",
                 "<p:BiometricTotalScanParm xmlns:p=\"" + kNs +
                     "\"><p:firstlbsbh>T1</p:firstlbsbh><p:gatenum>0001"
                     "</p:gatenum></p:BiometricTotalScanParm>",
                 kOk, "0001", "T1"},
        ScanCase{"firstlbsbh_absent", scan_parm("<gatenum>0001</gatenum>"), kOk,
                 "0001", ""},
        ScanCase{"firstlbsbh_nil",
                 scan_parm("<firstlbsbh i:nil=\"true\"/>"
                           "<gatenum>0001</gatenum>"),
                 kOk, "0001", ""},
        ScanCase{"firstlbsbh_self_closed",
                 scan_parm("<firstlbsbh/><gatenum>0001</gatenum>"), kOk, "0001",
                 ""},
        ScanCase{"firstlbsbh_empty", scan_parm(scan_fields("0001", "")), kOk,
                 "0001", ""},
        ScanCase{"firstlbsbh_32", scan_parm(scan_fields("0001", kTicket32)),
                 kOk, "0001", kTicket32},
        ScanCase{"firstlbsbh_32_references",
                 scan_parm(scan_fields("0001", repeat("&#x95F8;", 32))), kOk,
                 "0001", repeat("\xE9\x97\xB8", 32)},
        ScanCase{"firstlbsbh_spaces_kept",
                 scan_parm(scan_fields("0001", " T1 ")), kOk, "0001", " T1 "},
        ScanCase{"firstlbsbh_cdata",
                 scan_parm(scan_fields("0001", "<![CDATA[T<1>]]>")), kOk,
                 "0001", "T<1>"},
        ScanCase{"firstlbsbh_entities",
                 scan_parm(scan_fields("0001", "T&amp;1&lt;")), kOk, "0001",
                 "T&1<"},
        ScanCase{"firstlbsbh_joined_around_comment",
                 scan_parm(scan_fields("0001", "T<!-- c -->1")), kOk, "0001",
                 "T1"},
        ScanCase{"gatenum_four_references",
                 scan_parm(scan_fields("&#x95F8;&#26426;&#x95F8;&#26426;", "")),
                 kOk, "\xE9\x97\xB8\xE6\x9C\xBA\xE9\x97\xB8\xE6\x9C\xBA", ""},
        ScanCase{"gatenum_spaces_kept", scan_parm(scan_fields(" 01 ", "")), kOk,
                 " 01 ", ""},
        ScanCase{
            "first_duplicate_wins",
            scan_parm(scan_fields("0001", "T1") + scan_fields("0002", "T2")),
            kOk, "0001", "T1"},
        ScanCase{"unknown_children_skipped",
                 scan_parm("<lastsuccessindex>x</lastsuccessindex>"
                           "<x><firstlbsbh>" +
                           kTicket33 + "</firstlbsbh></x>" +
                           scan_fields("0001", "T1")),
                 kOk, "0001", "T1"},
        ScanCase{"other_namespace_skipped",
                 scan_parm("<q:firstlbsbh xmlns:q=\"urn:other\">" + kTicket33 +
                           "</q:firstlbsbh>" + scan_fields("0001", "T1")),
                 kOk, "0001", "T1"},
        ScanCase{"names_are_exact",
                 scan_parm("<FirstLbsbh>" + kTicket33 +
                           "</FirstLbsbh><gatenum>0001</gatenum>"),
                 kOk, "0001", ""},
        ScanCase{"declaration_and_bom",
                 "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" +
                     scan_parm(scan_fields("0001", "T1")),
                 kOk, "0001", "T1"}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    BadFields, XmlTotalScanDecodeTest,
    ::testing::Values(
        ScanCase{"gatenum_three", scan_parm(scan_fields("001", "")), kGate},
        ScanCase{"gatenum_five", scan_parm(scan_fields("00001", "")), kGate},
        ScanCase{"gatenum_three_references",
                 scan_parm(scan_fields(repeat("&#x95F8;", 3), "")), kGate},
        ScanCase{"gatenum_five_references",
                 scan_parm(scan_fields(repeat("&#x95F8;", 5), "")), kGate},
        ScanCase{"gatenum_missing", scan_parm("<firstlbsbh>T1</firstlbsbh>"),
                 kGate},
        ScanCase{"both_missing", scan_parm(""), kGate},
        ScanCase{"gatenum_nil",
                 scan_parm("<firstlbsbh/><gatenum i:nil=\"true\"/>"), kGate},
        ScanCase{"gatenum_case_differs",
                 scan_parm("<firstlbsbh/><GateNum>0001</GateNum>"), kGate},
        ScanCase{"gatenum_child_element",
                 scan_parm(scan_fields("<b>0001</b>", "")), kGate},
        ScanCase{"gatenum_tab", scan_parm(scan_fields("00&#x9;1", "")), kGate},
        ScanCase{"gatenum_checked_first", scan_parm(scan_fields("001", "<x/>")),
                 kGate},
        ScanCase{"firstlbsbh_33", scan_parm(scan_fields("0001", kTicket33)),
                 kTicket},
        ScanCase{"firstlbsbh_33_references",
                 scan_parm(scan_fields("0001", repeat("&#x95F8;", 33))),
                 kTicket},
        ScanCase{"firstlbsbh_child_element",
                 scan_parm(scan_fields("0001", "<x>T1</x>")), kTicket},
        ScanCase{"firstlbsbh_bad_nil",
                 scan_parm("<firstlbsbh i:nil=\"maybe\">T1</firstlbsbh>"
                           "<gatenum>0001</gatenum>"),
                 kTicket},
        ScanCase{"firstlbsbh_control_reference",
                 scan_parm(scan_fields("0001", "T&#x85;")), kTicket},
        ScanCase{"firstlbsbh_newline", scan_parm(scan_fields("0001", "T1\n")),
                 kTicket}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Malformed, XmlTotalScanDecodeTest,
    ::testing::Values(
        ScanCase{"empty", "", kMalformed},
        ScanCase{"json", R"({"gatenum":"0001"})", kMalformed},
        ScanCase{"sync_root", parm(scan_fields("0001", "T1")), kMalformed},
        ScanCase{"root_case_differs",
                 "<biometrictotalscanparm xmlns=\"" + kNs + "\">" +
                     scan_fields("0001", "T1") + "</biometrictotalscanparm>",
                 kMalformed},
        ScanCase{"root_without_namespace",
                 "<BiometricTotalScanParm>" + scan_fields("0001", "T1") +
                     "</BiometricTotalScanParm>",
                 kMalformed},
        ScanCase{"root_nil",
                 "<BiometricTotalScanParm xmlns:i=\"" + kXsi + "\" xmlns=\"" +
                     kNs + "\" i:nil=\"true\"/>",
                 kMalformed},
        ScanCase{"child_unbound_prefix",
                 scan_parm("<q:firstlbsbh>T1</q:firstlbsbh>"
                           "<gatenum>0001</gatenum>"),
                 kMalformed},
        ScanCase{"truncated",
                 scan_parm(scan_fields("0001", "T1")).substr(0, 180),
                 kMalformed},
        ScanCase{"doctype",
                 "<!DOCTYPE BiometricTotalScanParm>" +
                     scan_parm(scan_fields("0001", "T1")),
                 kMalformed},
        ScanCase{"control_reference", scan_parm(scan_fields("0001", "&#1;")),
                 kMalformed},
        ScanCase{"invalid_utf8", scan_parm(scan_fields("0001", "T\xFF")),
                 kMalformed},
        ScanCase{"two_roots",
                 scan_parm(scan_fields("0001", "")) + scan_parm(""),
                 kMalformed}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(XmlTotalScanLimitsTest, CapsTheBodySize) {
  const std::string body = scan_parm(scan_fields("0001", "T1"));
  const std::string fits(kMaxSyncBodyBytes - body.size(), ' ');
  EXPECT_EQ(code_of(decode_xml_total_scan_request(body + fits)), kOk);
  EXPECT_EQ(code_of(decode_xml_total_scan_request(body + fits + " ")),
            ErrorCode::kBodyTooLarge);
}

TEST(XmlTotalScanDetailTest, SaysWhatIsWrong) {
  EXPECT_EQ(decode_xml_total_scan_request(parm("")).status().detail(),
            "XML root is not BiometricTotalScanParm of " + kNs);
  EXPECT_EQ(
      decode_xml_total_scan_request(scan_parm(scan_fields("0001", "<x/>")))
          .status()
          .detail(),
      "firstlbsbh is not text");
}

TEST(XmlTotalScanRoundTripTest, RoundTripsWhatPugixmlWrites) {
  const std::string gates[] = {"0001", "<&>\"",
                               " \xE9\x97\xB8 \xF0\x9F\x98\x80"};
  const std::string tickets[] = {"", kTicket32, "T]]>&<'\"",
                                 repeat("\xE9\x97\xB8", 32)};
  for (const std::string& gate : gates) {
    for (const std::string& ticket : tickets) {
      pugi::xml_document document;
      pugi::xml_node root = document.append_child("BiometricTotalScanParm");
      root.append_attribute("xmlns") = kNs.c_str();
      root.append_child("firstlbsbh").text() = ticket.c_str();
      root.append_child("gatenum").text() = gate.c_str();
      std::ostringstream body;
      document.save(body, "", pugi::format_raw);

      const Result<TotalScanRequest> request =
          decode_xml_total_scan_request(body.str());
      ASSERT_TRUE(request.is_ok())
          << body.str() << ": " << request.status().to_string();
      EXPECT_EQ(request->gatenum, gate);
      EXPECT_EQ(request->firstlbsbh, ticket);
    }
  }
}

// ----- TotalScan: encoding.

std::string encode(const TotalScanReply& reply) {
  std::string out;
  encode_xml_total_scan_reply(reply, &out);
  return out;
}

TEST(XmlTotalScanEncodeTest, WritesTheExactBytes) {
  EXPECT_EQ(
      encode(TotalScanReply{0, "", TotalScanTag{"1", "T0050"}}),
      "<CommonOperationResultWithTagOfGateFaceInfoTotalScanResultldpHZqFJ "
      "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xmlns=\"http://schemas.datacontract.org/2004/07/"
      "DigitalScience.DataTransfer\">"
      "<errcode>0</errcode>"
      "<errmsg></errmsg>"
      "<tag xmlns:d2p1=\"http://schemas.datacontract.org/2004/07/"
      "DigitalScience.DataTransfer.Tour.V5.Result\">"
      "<d2p1:hasmorepage>1</d2p1:hasmorepage>"
      "<d2p1:lastlbsbh>T0050</d2p1:lastlbsbh>"
      "</tag>"
      "</CommonOperationResultWithTagOfGateFaceInfoTotalScanResultldpHZqFJ>");
}

TEST(XmlTotalScanEncodeTest, WritesANilTag) {
  EXPECT_EQ(
      encode(TotalScanReply{3, "no such gate", std::nullopt}),
      "<CommonOperationResultWithTagOfGateFaceInfoTotalScanResultldpHZqFJ "
      "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xmlns=\"http://schemas.datacontract.org/2004/07/"
      "DigitalScience.DataTransfer\">"
      "<errcode>3</errcode>"
      "<errmsg>no such gate</errmsg>"
      "<tag i:nil=\"true\"/>"
      "</CommonOperationResultWithTagOfGateFaceInfoTotalScanResultldpHZqFJ>");
}

TEST(XmlTotalScanEncodeTest, WritesUnsetFieldsAsNil) {
  EXPECT_EQ(
      encode(TotalScanReply{0, "", TotalScanTag{"0", std::nullopt}}),
      "<CommonOperationResultWithTagOfGateFaceInfoTotalScanResultldpHZqFJ "
      "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xmlns=\"http://schemas.datacontract.org/2004/07/"
      "DigitalScience.DataTransfer\">"
      "<errcode>0</errcode>"
      "<errmsg></errmsg>"
      "<tag xmlns:d2p1=\"http://schemas.datacontract.org/2004/07/"
      "DigitalScience.DataTransfer.Tour.V5.Result\">"
      "<d2p1:hasmorepage>0</d2p1:hasmorepage>"
      "<d2p1:lastlbsbh i:nil=\"true\"/>"
      "</tag>"
      "</CommonOperationResultWithTagOfGateFaceInfoTotalScanResultldpHZqFJ>");
  const std::string both_nil = encode(TotalScanReply{0, "", TotalScanTag{}});
  EXPECT_NE(both_nil.find("<d2p1:hasmorepage i:nil=\"true\"/>"
                          "<d2p1:lastlbsbh i:nil=\"true\"/></tag>"),
            std::string::npos)
      << both_nil;
}

TEST(XmlTotalScanEncodeTest, EscapesText) {
  const std::string out = encode(
      TotalScanReply{-2, "a<b", TotalScanTag{"1", "T&\r\x01\xE9\x97\xB8"}});
  EXPECT_NE(out.find("<errmsg>a&lt;b</errmsg>"), std::string::npos) << out;
  EXPECT_NE(out.find("<d2p1:lastlbsbh>T&amp;&#xD;\xEF\xBF\xBD\xE9\x97\xB8"
                     "</d2p1:lastlbsbh>"),
            std::string::npos)
      << out;
}

TEST(XmlTotalScanEncodeTest, OutputReadsBackWithAnXmlParser) {
  const TotalScanReply reply{5, "x < y & \"z\"",
                             TotalScanTag{"1", "]]>\xE9\x97\xB8"}};
  const std::string out = encode(reply);

  pugi::xml_document document;
  ASSERT_TRUE(document.load_buffer(out.data(), out.size()));
  const pugi::xml_node root = document.document_element();
  EXPECT_EQ(
      std::string(root.name()),
      "CommonOperationResultWithTagOfGateFaceInfoTotalScanResultldpHZqFJ");
  EXPECT_EQ(std::string(root.child_value("errcode")), "5");
  EXPECT_EQ(std::string(root.child_value("errmsg")), reply.errmsg);
  const pugi::xml_node tag = root.child("tag");
  EXPECT_EQ(std::string(tag.child_value("d2p1:hasmorepage")), "1");
  EXPECT_EQ(std::string(tag.child_value("d2p1:lastlbsbh")), "]]>\xE9\x97\xB8");
  EXPECT_EQ(std::string(tag.first_child().name()), "d2p1:hasmorepage");
}

TEST(XmlTotalScanEncodeTest, AppendsToTheCallersString) {
  std::string out = "<!-- body -->";
  encode_xml_total_scan_reply(TotalScanReply{0, "ok", std::nullopt}, &out);
  EXPECT_EQ(out.substr(0, 13), "<!-- body -->");
  EXPECT_EQ(out.substr(13), encode(TotalScanReply{0, "ok", std::nullopt}));
}

}  // namespace
}  // namespace facesync::wire
