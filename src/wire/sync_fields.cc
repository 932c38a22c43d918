// The field rules of GateSyncFaceInfoParm (see sync_fields.h).
#include "wire/sync_fields.h"

#include <cmath>
#include <string>

#include "wire/utf8.h"

namespace facesync::wire {

namespace {

constexpr size_t kMaxGateCodePoints = 4;
constexpr int64_t kMaxIndex = 2147483647;

// The white space .NET's NumberStyles.AllowLeadingWhite and
// AllowTrailingWhite skip: U+0009 to U+000D and U+0020.
bool is_number_white(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string_view skip_utf8_bom(std::string_view body) {
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  return body;
}

bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

Status bad_gatenum(const char* detail) {
  return Status(ErrorCode::kBadGateNum, detail);
}

Status bad_index(const char* detail) {
  return Status(ErrorCode::kBadLastSuccessIndex, detail);
}

TextFault check_text(std::string_view text, size_t min_code_points,
                     size_t max_code_points) {
  size_t count = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const Utf8Step step = utf8_step(text, pos);
    if (!step.valid) return TextFault::kNotUtf8;
    if (is_control(step.code_point)) return TextFault::kControl;
    if (++count > max_code_points) return TextFault::kTooLong;
    pos += step.length;
  }
  if (count < min_code_points) return TextFault::kTooShort;
  return TextFault::kNone;
}

Status check_gatenum(std::string_view gatenum) {
  switch (check_text(gatenum, 1, kMaxGateCodePoints)) {
    case TextFault::kNone:
      return Status::ok();
    case TextFault::kNotUtf8:
      return bad_gatenum("gatenum is not valid UTF-8");
    case TextFault::kControl:
      return bad_gatenum("gatenum holds a control character");
    case TextFault::kTooShort:
      return bad_gatenum("gatenum is empty");
    case TextFault::kTooLong:
      return bad_gatenum("gatenum is longer than 4 characters");
  }
  return bad_gatenum("gatenum is invalid");
}

Result<int32_t> parse_index_text(std::string_view text) {
  while (!text.empty() && is_number_white(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_number_white(text.back())) {
    text.remove_suffix(1);
  }

  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return bad_index("lastsuccessindex is not a number");

  // Accumulate with a ceiling so that any number of digits is safe.
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return bad_index("lastsuccessindex is not a number");
    }
    value = value * 10 + (c - '0');
    if (value > kMaxIndex) {
      return bad_index("lastsuccessindex is above 2147483647");
    }
  }
  if (negative && value != 0) {
    return bad_index("lastsuccessindex is negative");
  }
  return static_cast<int32_t>(value);
}

Result<int32_t> index_from_integer(int64_t value) {
  if (value < 0) return bad_index("lastsuccessindex is negative");
  if (value > kMaxIndex) {
    return bad_index("lastsuccessindex is above 2147483647");
  }
  return static_cast<int32_t>(value);
}

Result<int32_t> index_from_double(double value) {
  if (!std::isfinite(value) || value != std::trunc(value)) {
    return bad_index("lastsuccessindex is not an integer");
  }
  if (value < 0) return bad_index("lastsuccessindex is negative");
  if (value > static_cast<double>(kMaxIndex)) {
    return bad_index("lastsuccessindex is above 2147483647");
  }
  return static_cast<int32_t>(value);
}

Result<SyncRequest> make_sync_request(const Result<std::string_view>& gatenum,
                                      const Result<int32_t>& index) {
  if (!gatenum.is_ok()) return gatenum.status();
  Status gate_status = check_gatenum(*gatenum);
  if (!gate_status.is_ok()) return gate_status;

  if (!index.is_ok()) return index.status();
  return SyncRequest{std::string(*gatenum), index.value()};
}

}  // namespace facesync::wire
