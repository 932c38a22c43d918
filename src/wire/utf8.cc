// UTF-8 stepping, validation and replacement (see utf8.h).
#include "wire/utf8.h"

#include <simdjson.h>

namespace facesync::wire {

namespace {

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// The allowed range of the second byte after lead byte `lead` (Unicode
// table 3-7); later bytes are always 80..BF.
void second_byte_range(unsigned char lead, unsigned char* low,
                       unsigned char* high) {
  *low = 0x80;
  *high = 0xBF;
  if (lead == 0xE0) *low = 0xA0;
  if (lead == 0xED) *high = 0x9F;
  if (lead == 0xF0) *low = 0x90;
  if (lead == 0xF4) *high = 0x8F;
}

// The length of the sequence lead byte `lead` starts; 0 when it starts none.
size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

}  // namespace

Utf8Step utf8_step(std::string_view text, size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  const size_t length = sequence_length(lead);
  if (length == 1) return {lead, 1, true};
  if (length == 0) return {0xFFFD, 1, false};

  // Take continuation bytes while they fit the table; stop at the first
  // that does not, which ends the maximal subpart.
  unsigned char low, high;
  second_byte_range(lead, &low, &high);
  char32_t code_point = lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if (pos + i >= text.size()) return {0xFFFD, i, false};
    const auto c = static_cast<unsigned char>(text[pos + i]);
    const bool fits = i == 1 ? (c >= low && c <= high) : is_continuation(c);
    if (!fits) return {0xFFFD, i, false};
    code_point = (code_point << 6) | (c & 0x3F);
  }
  return {code_point, length, true};
}

bool is_valid_utf8(std::string_view text) {
  return simdjson::validate_utf8(text.data(), text.size());
}

void append_utf8(char32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

void append_utf8_replacing(std::string_view text, std::string* out) {
  if (is_valid_utf8(text)) {
    out->append(text);
    return;
  }
  size_t pos = 0;
  while (pos < text.size()) {
    const Utf8Step step = utf8_step(text, pos);
    if (step.valid) {
      out->append(text.substr(pos, step.length));
    } else {
      append_utf8(0xFFFD, out);
    }
    pos += step.length;
  }
}

}  // namespace facesync::wire
