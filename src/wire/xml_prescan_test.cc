// Tests of the XML prescan: DOCTYPE, references and characters.
#include "wire/xml_prescan.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "wire/test_util.h"

namespace facesync::wire {
namespace {

using testutil::code_of;

struct PrescanCase {
  const char* name;
  std::string xml;
  bool accepted;
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const PrescanCase& c, std::ostream* os) {
  *os << c.name;
}

class PrescanTest : public ::testing::TestWithParam<PrescanCase> {};

TEST_P(PrescanTest, Judges) {
  EXPECT_EQ(code_of(prescan_xml(GetParam().xml)),
            GetParam().accepted ? ErrorCode::kOk : ErrorCode::kMalformedBody);
}

INSTANTIATE_TEST_SUITE_P(
    Table, PrescanTest,
    ::testing::Values(
        PrescanCase{"plain", "<a>text</a>", true},
        PrescanCase{"seed_sample", std::string(testutil::kSeedXmlRequest),
                    true},
        PrescanCase{"predefined_entities",
                    "<a b=\"&quot;&apos;\">&amp;&lt;&gt;</a>", true},
        PrescanCase{"char_references", "<a>&#48;&#x31;&#X32;&#x10FFFF;</a>",
                    false},  // "&#X" is not XML: only a lower-case x
        PrescanCase{"char_references_ok", "<a>&#48;&#x31;&#x10FFFF;&#9;</a>",
                    true},
        PrescanCase{"declaration", "<?xml version=\"1.0\"?><a/>", true},
        PrescanCase{"comment_with_markup", "<a><!-- <!DOCTYPE x> & --></a>",
                    true},
        PrescanCase{"cdata_with_markup", "<a><![CDATA[<!DOCTYPE & &x;]]></a>",
                    true},
        PrescanCase{"pi_with_ampersand", "<a><?pi a & b?></a>", true},
        PrescanCase{"tab_newline_cr", "<a>\t\n\r</a>", true},
        PrescanCase{"non_ascii", "<a>\xE9\x97\xB8</a>", true},
        PrescanCase{"doctype", "<!DOCTYPE a><a/>", false},
        PrescanCase{"doctype_internal_subset",
                    "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", false},
        PrescanCase{"doctype_after_comment", "<!-- c --><!DOCTYPE a><a/>",
                    false},
        PrescanCase{"lower_case_doctype", "<!doctype a><a/>", false},
        PrescanCase{"entity_declaration", "<!ENTITY e \"x\"><a/>", false},
        PrescanCase{"undeclared_entity", "<a>&e;</a>", false},
        PrescanCase{"entity_in_attribute", "<a b=\"&e;\"/>", false},
        PrescanCase{"bare_ampersand", "<a>a & b</a>", false},
        PrescanCase{"unterminated_reference", "<a>&amp</a>", false},
        PrescanCase{"empty_reference", "<a>&;</a>", false},
        PrescanCase{"nul_reference", "<a>&#0;</a>", false},
        PrescanCase{"control_reference", "<a>&#x1;</a>", false},
        PrescanCase{"surrogate_reference", "<a>&#xD800;</a>", false},
        PrescanCase{"fffe_reference", "<a>&#xFFFE;</a>", false},
        PrescanCase{"above_unicode_reference", "<a>&#x110000;</a>", false},
        PrescanCase{"huge_reference", "<a>&#99999999999999999999;</a>", false},
        PrescanCase{"empty_hex_reference", "<a>&#x;</a>", false},
        PrescanCase{"bad_digit_reference", "<a>&#1a;</a>", false},
        PrescanCase{"raw_nul", std::string("<a>\0</a>", 8), false},
        PrescanCase{"raw_control", "<a>\x01</a>", false},
        PrescanCase{"raw_fffe", "<a>\xEF\xBF\xBE</a>", false},
        PrescanCase{"invalid_utf8", "<a>\xFF</a>", false},
        PrescanCase{"truncated_utf8", "<a>\xE9\x97</a>", false},
        PrescanCase{"unclosed_comment", "<a><!-- x</a>", false},
        PrescanCase{"unclosed_cdata", "<a><![CDATA[x</a>", false},
        PrescanCase{"unclosed_pi", "<a><?pi x</a>", false}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(XmlCharTest, FollowsXml10) {
  EXPECT_TRUE(is_xml_char(U'\t'));
  EXPECT_TRUE(is_xml_char(U'\n'));
  EXPECT_TRUE(is_xml_char(U'\r'));
  EXPECT_TRUE(is_xml_char(U' '));
  EXPECT_TRUE(is_xml_char(U'\x7F'));
  EXPECT_TRUE(is_xml_char(U'\uFFFD'));
  EXPECT_TRUE(is_xml_char(U'\U0010FFFF'));
  EXPECT_FALSE(is_xml_char(U'\0'));
  EXPECT_FALSE(is_xml_char(U'\x0B'));
  EXPECT_FALSE(is_xml_char(0xD800));
  EXPECT_FALSE(is_xml_char(0xFFFE));
  EXPECT_FALSE(is_xml_char(0x110000));
}

TEST(PrescanTest, NamesTheFault) {
  EXPECT_EQ(prescan_xml("<!DOCTYPE a><a/>").detail(),
            "XML holds a DOCTYPE or other declaration");
  EXPECT_EQ(prescan_xml("<a>&e;</a>").detail(),
            "XML refers to an undeclared entity");
}

}  // namespace
}  // namespace facesync::wire
