// The field rules declared at the end of face_log.h: what a valid ticket
// code, gate, site, date and image look like; and the plain-text rule of
// plain_text.h.
#include <array>
#include <cstdint>
#include <string>

#include "sync/face_log.h"
#include "sync/plain_text.h"

namespace facesync::sync {

namespace {

constexpr size_t kMaxTicketCode = 32;
constexpr size_t kMaxSite = 32;
constexpr size_t kMaxGateCodePoints = 4;

bool is_ticket_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

// What a UTF-8 lead byte announces: the sequence length, the value bits it
// carries, and the smallest code point that needs this length (anything
// below is an overlong form). Length 0 for a byte that cannot lead.
struct Lead {
  size_t length;
  char32_t bits;
  char32_t min;
};

Lead read_lead(unsigned char c) {
  if (c < 0x80) return {1, c, 0};
  if (c >= 0xC2 && c <= 0xDF) return {2, c & 0x1Fu, 0x80};
  if (c >= 0xE0 && c <= 0xEF) return {3, c & 0x0Fu, 0x800};
  if (c >= 0xF0 && c <= 0xF4) return {4, c & 0x07u, 0x10000};
  return {0, 0, 0};
}

// Decodes the UTF-8 code point at `text[*pos]` and moves past it. False for
// anything that is not well-formed UTF-8: a stray continuation byte, a
// truncated sequence, an overlong form, a surrogate or a value above
// U+10FFFF.
bool next_code_point(std::string_view text, size_t* pos, char32_t* out) {
  const Lead lead = read_lead(static_cast<unsigned char>(text[*pos]));
  if (lead.length == 0 || text.size() - *pos < lead.length) return false;

  char32_t value = lead.bits;
  for (size_t i = 1; i < lead.length; ++i) {
    const auto c = static_cast<unsigned char>(text[*pos + i]);
    if ((c & 0xC0) != 0x80) return false;
    value = (value << 6) | (c & 0x3F);
  }
  if (value < lead.min || value > 0x10FFFF) return false;
  if (value >= 0xD800 && value <= 0xDFFF) return false;

  *pos += lead.length;
  *out = value;
  return true;
}

// C0 controls, DEL and the C1 controls.
bool is_control(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

// The decimal value of text[begin, begin + count), all digits.
int digits_value(std::string_view text, size_t begin, size_t count) {
  int value = 0;
  for (size_t i = begin; i < begin + count; ++i) {
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool has_prefix(std::string_view bytes, std::string_view prefix) {
  return bytes.substr(0, prefix.size()) == prefix;
}

}  // namespace

Status check_ticket_code(std::string_view ticket_code) {
  bool valid = !ticket_code.empty() && ticket_code.size() <= kMaxTicketCode;
  for (char c : ticket_code)
    valid = valid && is_ticket_char(c);

  if (valid) return Status::ok();
  return Status(ErrorCode::kBadTicketCode,
                "ticket code must be 1 to 32 characters of A-Z a-z 0-9 - _ .");
}

Status check_site(std::string_view site) {
  bool valid = !site.empty() && site.size() <= kMaxSite;
  for (char c : site)
    valid = valid && is_ticket_char(c);

  if (valid) return Status::ok();
  return Status(ErrorCode::kBadSite,
                "site must be 1 to 32 characters of A-Z a-z 0-9 - _ .");
}

std::optional<size_t> count_plain_code_points(std::string_view text) {
  size_t count = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t c = 0;
    if (!next_code_point(text, &pos, &c) || is_control(c)) {
      return std::nullopt;
    }
    ++count;
  }
  return count;
}

Status check_gate(std::string_view gate) {
  const Status bad(ErrorCode::kBadGateNum,
                   "gate must be 1 to 4 characters, none of them a control "
                   "character");
  size_t count = 0;
  size_t pos = 0;
  while (pos < gate.size()) {
    char32_t c = 0;
    if (!next_code_point(gate, &pos, &c)) {
      return Status(ErrorCode::kBadGateNum, "gate is not valid UTF-8");
    }
    if (is_control(c) || ++count > kMaxGateCodePoints) return bad;
  }

  if (count == 0) return bad;
  return Status::ok();
}

Result<int32_t> parse_date(std::string_view yyyymmdd) {
  const Status bad(ErrorCode::kBadDates,
                   "date must be yyyyMMdd, a calendar date in 1900 to 9999");
  if (yyyymmdd.size() != 8) return bad;
  for (char c : yyyymmdd) {
    if (c < '0' || c > '9') return bad;
  }

  const int year = digits_value(yyyymmdd, 0, 4);
  const int month = digits_value(yyyymmdd, 4, 2);
  const int day = digits_value(yyyymmdd, 6, 2);
  if (year < 1900 || month < 1 || month > 12) return bad;
  if (day < 1 || day > days_in_month(year, month)) return bad;

  return year * 10000 + month * 100 + day;
}

Status check_image(std::string_view image, size_t max_bytes) {
  static constexpr std::string_view kJpeg("\xFF\xD8\xFF", 3);
  static constexpr std::string_view kPng("\x89PNG\r\n\x1A\n", 8);

  if (image.empty()) return Status(ErrorCode::kBadImage, "image is empty");
  if (image.size() > max_bytes) {
    return Status(ErrorCode::kImageTooLarge,
                  "image is " + std::to_string(image.size()) +
                      " bytes, more than the limit of " +
                      std::to_string(max_bytes));
  }
  if (!has_prefix(image, kJpeg) && !has_prefix(image, kPng)) {
    return Status(ErrorCode::kBadImage, "image is neither JPEG nor PNG");
  }
  return Status::ok();
}

}  // namespace facesync::sync
