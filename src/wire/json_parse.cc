// simdjson DOM parsing with the layer's caps (see json_parse.h).
#include "wire/json_parse.h"

#include <string>

#include "wire/sync_fields.h"

namespace facesync::wire {

namespace {

Status malformed(std::string detail) {
  return Status(ErrorCode::kMalformedBody, std::move(detail));
}

}  // namespace

Status prepare_json_parser(simdjson::dom::parser* parser, size_t capacity) {
  if (parser->max_depth() == kMaxJsonDepth && parser->capacity() >= capacity) {
    return Status::ok();
  }
  if (parser->allocate(capacity, kMaxJsonDepth) != simdjson::SUCCESS) {
    return Status(ErrorCode::kUnavailable, "out of memory for the JSON parser");
  }
  return Status::ok();
}

Result<simdjson::dom::object> parse_json_object(simdjson::dom::parser* parser,
                                                std::string_view text) {
  text = skip_utf8_bom(text);
  if (text.empty()) return malformed("body is empty");

  simdjson::dom::element root;
  const simdjson::error_code error =
      parser->parse(text.data(), text.size()).get(root);
  if (error == simdjson::MEMALLOC) {
    return Status(ErrorCode::kUnavailable, "out of memory for the JSON parser");
  }
  if (error != simdjson::SUCCESS) {
    return malformed(std::string("body is not JSON: ") +
                     simdjson::error_message(error));
  }

  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return malformed("body is not a JSON object");
  }
  return object;
}

}  // namespace facesync::wire
