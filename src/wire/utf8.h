// UTF-8 reading for the wire codecs: stepping through code points, telling
// well-formed text from ill-formed, and appending text with every
// ill-formed sequence replaced by U+FFFD.
#ifndef FACESYNC_WIRE_UTF8_H_
#define FACESYNC_WIRE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace facesync::wire {

// One step through UTF-8 text. When `valid`, `length` bytes encode
// `code_point`. Otherwise `length` is the maximal subpart of an ill-formed
// sequence (Unicode 15, section 3.9): the bytes one U+FFFD replaces.
struct Utf8Step {
  char32_t code_point = 0;
  size_t length = 1;
  bool valid = false;
};

// Reads the code point starting at `text[pos]`; `pos` < text.size().
Utf8Step utf8_step(std::string_view text, size_t pos);

// True when `text` is well-formed UTF-8 (no surrogates, no overlongs).
bool is_valid_utf8(std::string_view text);

// C0 controls, DEL and C1 controls: what .NET's char.IsControl calls one.
inline bool is_control(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

// Appends the UTF-8 encoding of `code_point` (at most U+10FFFF).
void append_utf8(char32_t code_point, std::string* out);

// Appends `text`, each ill-formed sequence replaced by U+FFFD.
void append_utf8_replacing(std::string_view text, std::string* out);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_UTF8_H_
