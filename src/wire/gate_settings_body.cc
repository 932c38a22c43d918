// Decoding the v2 gate settings body with simdjson.
#include "wire/gate_settings_body.h"

#include <simdjson.h>

#include "wire/json_parse.h"

namespace facesync::wire {

namespace {

using simdjson::dom::element;

constexpr size_t kMaxBodyBytes = 64 * 1024;

Status read_string(element value, ErrorCode code, const char* what,
                   std::string* out) {
  if (value.is_null()) return Status::ok();
  if (!value.is_string())
    return Status(code, std::string(what) + " is not a string");
  *out = value.get_string().value_unsafe();
  return Status::ok();
}

Status read_enabled(element value, bool* out) {
  if (value.is_null()) return Status::ok();
  if (!value.is_bool()) {
    return Status(ErrorCode::kBadGate, "enabled is not true or false");
  }
  *out = value.get_bool().value_unsafe();
  return Status::ok();
}

Status read_addresses(element value, std::vector<std::string>* out) {
  if (value.is_null()) return Status::ok();
  if (!value.is_array()) {
    return Status(ErrorCode::kBadGate, "addresses is not an array");
  }
  // A named array: the result object of get_array() dies with the
  // statement, so iterating its value_unsafe() directly would dangle.
  simdjson::dom::array items = value.get_array().value_unsafe();
  for (element address : items) {
    if (!address.is_string()) {
      return Status(ErrorCode::kBadGate, "an address is not a string");
    }
    out->emplace_back(address.get_string().value_unsafe());
  }
  return Status::ok();
}

Status read_field(std::string_view key, element value, GateSettingsBody* body) {
  if (key == "name") {
    return read_string(value, ErrorCode::kBadGate, "name", &body->name);
  }
  if (key == "site") {
    return read_string(value, ErrorCode::kBadSite, "site", &body->site);
  }
  if (key == "enabled") return read_enabled(value, &body->enabled);
  if (key == "addresses") {
    body->addresses.clear();
    return read_addresses(value, &body->addresses);
  }
  return Status::ok();
}

}  // namespace

Result<GateSettingsBody> decode_gate_settings(std::string_view json) {
  if (json.size() > kMaxBodyBytes) {
    return Status(ErrorCode::kBodyTooLarge, "gate settings body too large");
  }
  simdjson::dom::parser parser;
  Status ready = prepare_json_parser(&parser, kMaxBodyBytes);
  if (!ready.is_ok()) return ready;
  Result<simdjson::dom::object> root = parse_json_object(&parser, json);
  if (!root.is_ok()) return root.status();

  GateSettingsBody body;
  for (simdjson::dom::key_value_pair field : *root) {
    Status read = read_field(field.key, field.value, &body);
    if (!read.is_ok()) return read;
  }
  return body;
}

}  // namespace facesync::wire
