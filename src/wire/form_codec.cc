// The form-urlencoded request decoders (see form_codec.h): one reading of
// the pairs, with each message's fields on top.
#include "wire/form_codec.h"

#include <iterator>
#include <optional>
#include <span>

#include "wire/sync_fields.h"
#include "wire/total_scan_fields.h"

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

// Reads the pairs of a form body: `values[i]` gets the decoded value of the
// first pair whose decoded name matches `names[i]` ignoring ASCII case
// (model binding took the first value), nullopt when there is none.
Status read_fields(std::string_view body,
                   std::span<const std::string_view> names,
                   std::span<std::optional<std::string>> values) {
  if (body.size() > kMaxSyncBodyBytes) {
    return Status(ErrorCode::kBodyTooLarge, "body is over 64 KiB");
  }
  body = skip_utf8_bom(body);

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
    std::string* value = &skipped;
    for (size_t i = 0; i < names.size(); ++i) {
      if (ascii_iequals(name, names[i]) && !values[i].has_value()) {
        value = &values[i].emplace();
        break;
      }
    }
    value->clear();
    if (!form_unescape(raw_value, value)) return bad_escape();
  }
  return Status::ok();
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
  constexpr std::string_view kNames[] = {"gatenum", "lastsuccessindex"};
  std::optional<std::string> values[std::size(kNames)];
  Status read = read_fields(body, kNames, values);
  if (!read.is_ok()) return read;

  Result<std::string_view> gatenum = bad_gatenum("gatenum is missing");
  if (values[0].has_value()) gatenum = std::string_view(*values[0]);
  Result<int32_t> index = bad_index("lastsuccessindex is missing");
  if (values[1].has_value()) index = parse_index_text(*values[1]);
  return make_sync_request(gatenum, index);
}

Result<TotalScanRequest> decode_form_total_scan_request(std::string_view body) {
  constexpr std::string_view kNames[] = {"gatenum", "firstlbsbh"};
  std::optional<std::string> values[std::size(kNames)];
  Status read = read_fields(body, kNames, values);
  if (!read.is_ok()) return read;

  Result<std::string_view> gatenum = bad_gatenum("gatenum is missing");
  if (values[0].has_value()) gatenum = std::string_view(*values[0]);
  std::string_view firstlbsbh;  // absent: the first page
  if (values[1].has_value()) firstlbsbh = *values[1];
  return make_total_scan_request(gatenum, firstlbsbh);
}

}  // namespace facesync::wire
