// Pieces of a request target and of header values that endpoints read.
#ifndef FACESYNC_HTTP_TARGET_H_
#define FACESYNC_HTTP_TARGET_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace facesync::http {

// The path of a target, without the query ("/a/b?c=d" -> "/a/b").
std::string_view target_path(std::string_view target);

// Decodes %XX escapes (and '+' as a space when `plus_is_space`); nullopt
// when an escape is malformed.
std::optional<std::string> percent_decode(std::string_view text,
                                          bool plus_is_space);

// ASCII case-insensitive equality.
bool equals_ignoring_case(std::string_view a, std::string_view b);

// True when the media type of a Content-Type value is `type`, ignoring case,
// parameters and surrounding white space.
bool media_type_is(std::string_view content_type, std::string_view type);

// The parameters of a target's query string, decoded. A parameter that
// fails to decode is dropped. Not thread-safe; cheap to copy.
class QueryParams {
 public:
  explicit QueryParams(std::string_view target);

  // The first value of `name`, or "" when absent.
  std::string get(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace facesync::http

#endif  // FACESYNC_HTTP_TARGET_H_
