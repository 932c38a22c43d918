// A small appender of JSON text, for answers whose shape is fixed.
#ifndef FACESYNC_WIRE_JSON_WRITER_H_
#define FACESYNC_WIRE_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace facesync::wire {

// Writes JSON into a caller-owned string. The caller gives the structure
// (begin/end, keys, values in order); commas are placed automatically.
// Strings are escaped per RFC 8259 (control characters as \u00XX); invalid
// UTF-8 is replaced by U+FFFD. Not thread-safe; one writer per string.
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& string(std::string_view value);
  JsonWriter& number(int64_t value);
  JsonWriter& boolean(bool value);
  JsonWriter& null();
  // A string value holding the base64 of `bytes`.
  JsonWriter& base64(std::string_view bytes);

 private:
  void separate();

  std::string* out_;
  bool need_comma_ = false;
};

// Appends `value` as a quoted, escaped JSON string.
void append_json_string(std::string_view value, std::string* out);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_JSON_WRITER_H_
