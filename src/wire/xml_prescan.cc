// The pass over XML bodies before parsing (see xml_prescan.h).
#include "wire/xml_prescan.h"

#include <array>

#include "wire/utf8.h"

namespace facesync::wire {

namespace {

Status malformed(const char* detail) {
  return Status(ErrorCode::kMalformedBody, detail);
}

Status check_characters(std::string_view xml) {
  if (!is_valid_utf8(xml)) return malformed("XML is not valid UTF-8");

  size_t pos = 0;
  while (pos < xml.size()) {
    const Utf8Step step = utf8_step(xml, pos);
    if (!is_xml_char(step.code_point)) {
      return malformed("XML holds a character XML 1.0 does not allow");
    }
    pos += step.length;
  }
  return Status::ok();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Checks "&#...;" or "&#x...;" given the text between "&#" and ";".
bool is_valid_char_reference(std::string_view digits) {
  int base = 10;
  if (digits.starts_with('x')) {
    base = 16;
    digits.remove_prefix(1);
  }
  if (digits.empty()) return false;

  // Stop accumulating above the last code point; more digits stay invalid.
  char32_t value = 0;
  for (char c : digits) {
    const int digit = hex_value(c);
    if (digit < 0 || digit >= base) return false;
    value = value * base + digit;
    if (value > 0x10FFFF) return false;
  }
  return is_xml_char(value);
}

// Checks the reference starting at xml[pos] == '&' and gives its length.
Status check_reference(std::string_view xml, size_t pos, size_t* length) {
  static constexpr std::array<std::string_view, 5> kPredefined = {
      "amp", "lt", "gt", "quot", "apos"};

  const size_t semicolon = xml.find(';', pos);
  if (semicolon == std::string_view::npos) {
    return malformed("XML holds a bare '&'");
  }
  const std::string_view name = xml.substr(pos + 1, semicolon - pos - 1);
  *length = semicolon - pos + 1;

  if (name.starts_with('#')) {
    if (is_valid_char_reference(name.substr(1))) return Status::ok();
    return malformed("XML holds an invalid character reference");
  }
  for (std::string_view known : kPredefined) {
    if (name == known) return Status::ok();
  }
  return malformed("XML refers to an undeclared entity");
}

// The length of the markup at xml[pos] that '&' and "<!" mean nothing
// in (comment, CDATA section, processing instruction), 0 if there is none
// there, or npos when it is not closed.
size_t opaque_markup_length(std::string_view xml, size_t pos) {
  struct Opaque {
    std::string_view open;
    std::string_view close;
  };
  static constexpr std::array<Opaque, 3> kOpaque = {{
      {"<!--", "-->"},
      {"<![CDATA[", "]]>"},
      {"<?", "?>"},
  }};

  const std::string_view rest = xml.substr(pos);
  for (const Opaque& markup : kOpaque) {
    if (!rest.starts_with(markup.open)) continue;
    const size_t close = rest.find(markup.close, markup.open.size());
    if (close == std::string_view::npos) return std::string_view::npos;
    return close + markup.close.size();
  }
  return 0;
}

}  // namespace

bool is_xml_char(char32_t c) {
  if (c < 0x20) return c == '\t' || c == '\n' || c == '\r';
  if (c <= 0xD7FF) return true;
  if (c >= 0xE000 && c <= 0xFFFD) return true;
  return c >= 0x10000 && c <= 0x10FFFF;
}

Status prescan_xml(std::string_view xml) {
  Status characters = check_characters(xml);
  if (!characters.is_ok()) return characters;

  size_t pos = 0;
  while (pos < xml.size()) {
    const char c = xml[pos];
    if (c == '<') {
      const size_t opaque = opaque_markup_length(xml, pos);
      if (opaque == std::string_view::npos) {
        return malformed("XML holds an unclosed comment, CDATA or PI");
      }
      if (opaque == 0 && xml.substr(pos).starts_with("<!")) {
        return malformed("XML holds a DOCTYPE or other declaration");
      }
      pos += opaque > 0 ? opaque : 1;
    } else if (c == '&') {
      size_t length = 0;
      Status reference = check_reference(xml, pos, &length);
      if (!reference.is_ok()) return reference;
      pos += length;
    } else {
      ++pos;
    }
  }
  return Status::ok();
}

}  // namespace facesync::wire
