// The form-urlencoded request decoder (see form_codec.h).
#include "wire/form_codec.h"

#include <optional>

#include "wire/sync_fields.h"

namespace facesync::wire {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status bad_escape() {
  return Status(ErrorCode::kMalformedBody, "form body has a bad % escape");
}

// Splits "name=value" at its first '='; a pair without one has value "".
void split_pair(std::string_view pair, std::string_view* name,
                std::string_view* value) {
  const size_t equals = pair.find('=');
  *name = pair.substr(0, equals);
  *value = equals == std::string_view::npos ? std::string_view()
                                            : pair.substr(equals + 1);
}

}  // namespace

bool form_unescape(std::string_view text, std::string* out) {
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '+') {
      out->push_back(' ');
    } else if (c != '%') {
      out->push_back(c);
    } else {
      if (pos + 2 >= text.size()) return false;
      const int high = hex_value(text[pos + 1]);
      const int low = hex_value(text[pos + 2]);
      if (high < 0 || low < 0) return false;
      out->push_back(static_cast<char>(high * 16 + low));
      pos += 2;
    }
  }
  return true;
}

Result<SyncRequest> decode_form_sync_request(std::string_view body) {
  if (body.size() > kMaxSyncBodyBytes) {
    return Status(ErrorCode::kBodyTooLarge, "body is over 64 KiB");
  }
  body = skip_utf8_bom(body);

  std::optional<std::string> gatenum;
  std::optional<std::string> index;
  std::string name;
  std::string skipped;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body.remove_prefix(amp == std::string_view::npos ? body.size() : amp + 1);
    if (pair.empty()) continue;

    std::string_view raw_name, raw_value;
    split_pair(pair, &raw_name, &raw_value);
    name.clear();
    if (!form_unescape(raw_name, &name)) return bad_escape();

    // Decode every value, wanted or not, so that any bad escape counts.
    std::optional<std::string>* field = nullptr;
    if (ascii_iequals(name, "gatenum")) field = &gatenum;
    if (ascii_iequals(name, "lastsuccessindex")) field = &index;
    std::string* value = &skipped;
    if (field != nullptr && !field->has_value()) value = &field->emplace();
    value->clear();
    if (!form_unescape(raw_value, value)) return bad_escape();
  }

  Result<std::string_view> gatenum_text = bad_gatenum("gatenum is missing");
  if (gatenum.has_value()) gatenum_text = std::string_view(*gatenum);
  Result<int32_t> index_value = bad_index("lastsuccessindex is missing");
  if (index.has_value()) index_value = parse_index_text(*index);
  return make_sync_request(gatenum_text, index_value);
}

}  // namespace facesync::wire
