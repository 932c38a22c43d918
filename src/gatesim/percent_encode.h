// Percent-encoding for URL path segments, query values and form bodies.
#ifndef FACESYNC_GATESIM_PERCENT_ENCODE_H_
#define FACESYNC_GATESIM_PERCENT_ENCODE_H_

#include <string>
#include <string_view>

namespace facesync::gatesim {

// Appends `text` to `out` with every byte other than A-Z a-z 0-9 - _ . ~
// written as %XX (upper-case hex). Safe in a path segment, a query value
// and an application/x-www-form-urlencoded value alike.
void append_percent_encoded(std::string_view text, std::string* out);

inline std::string percent_encoded(std::string_view text) {
  std::string out;
  append_percent_encoded(text, &out);
  return out;
}

}  // namespace facesync::gatesim

#endif  // FACESYNC_GATESIM_PERCENT_ENCODE_H_
