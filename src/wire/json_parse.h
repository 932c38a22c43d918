// Reading JSON bodies with simdjson's DOM parser, which validates the whole
// text (syntax, UTF-8, numbers, one value) before anything is read from it.
#ifndef FACESYNC_WIRE_JSON_PARSE_H_
#define FACESYNC_WIRE_JSON_PARSE_H_

#include <simdjson.h>

#include <cstddef>
#include <string_view>

#include "base/status.h"

namespace facesync::wire {

// The deepest value accepted: the root is at depth 1, a member or element
// of a container at depth d is at depth d + 1 (so 31 containers can hold
// scalars, 32 the last one being empty).
inline constexpr size_t kMaxJsonDepth = 32;

// Readies `parser` for texts of up to `capacity` bytes, capping their
// nesting at kMaxJsonDepth. The parser keeps the cap when it grows later.
// kUnavailable if memory runs out.
Status prepare_json_parser(simdjson::dom::parser* parser, size_t capacity);

// Parses `text` (after a UTF-8 byte order mark, if any) with a prepared
// parser and gives the root object, valid until the parser's next parse.
// kMalformedBody when the text is not JSON or its root is not an object.
Result<simdjson::dom::object> parse_json_object(simdjson::dom::parser* parser,
                                                std::string_view text);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_JSON_PARSE_H_
