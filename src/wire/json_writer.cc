// JsonWriter and JSON string escaping (see json_writer.h).
#include "wire/json_writer.h"

#include <charconv>

#include "wire/base64.h"
#include "wire/utf8.h"

namespace facesync::wire {

namespace {

// True for the bytes a JSON string cannot hold as they are, or that start
// a multi-byte sequence to be checked.
bool needs_care(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

void append_control_escape(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  out->append(escape, sizeof escape);
}

}  // namespace

void append_json_string(std::string_view value, std::string* out) {
  out->push_back('"');

  // Copy runs of plain bytes at once; stop only where a byte needs care.
  size_t run_start = 0;
  size_t pos = 0;
  while (pos < value.size()) {
    const auto c = static_cast<unsigned char>(value[pos]);
    if (!needs_care(c)) {
      ++pos;
      continue;
    }
    out->append(value.substr(run_start, pos - run_start));

    if (c >= 0x80) {
      const Utf8Step step = utf8_step(value, pos);
      if (step.valid) {
        out->append(value.substr(pos, step.length));
      } else {
        append_utf8(0xFFFD, out);
      }
      pos += step.length;
    } else {
      if (c == '"' || c == '\\') {
        out->push_back('\\');
        out->push_back(static_cast<char>(c));
      } else {
        append_control_escape(c, out);
      }
      ++pos;
    }
    run_start = pos;
  }
  out->append(value.substr(run_start));

  out->push_back('"');
}

void JsonWriter::separate() {
  if (need_comma_) out_->push_back(',');
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_->push_back('{');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_->push_back('}');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  out_->push_back('[');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_->push_back(']');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  append_json_string(name, out_);
  out_->push_back(':');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view value) {
  separate();
  append_json_string(value, out_);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::number(int64_t value) {
  separate();
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out_->append(digits, result.ptr);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  separate();
  out_->append(value ? "true" : "false");
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_->append("null");
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::base64(std::string_view bytes) {
  separate();
  out_->push_back('"');
  base64_append(bytes, out_);
  out_->push_back('"');
  need_comma_ = true;
  return *this;
}

}  // namespace facesync::wire
