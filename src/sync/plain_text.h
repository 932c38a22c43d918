// A text rule the sync layer shares between its files: operator-set names
// are well-formed UTF-8 without control characters.
#ifndef FACESYNC_SYNC_PLAIN_TEXT_H_
#define FACESYNC_SYNC_PLAIN_TEXT_H_

#include <cstddef>
#include <optional>
#include <string_view>

namespace facesync::sync {

// The number of code points in `text`, or nullopt when it is not
// well-formed UTF-8 or holds a control character (C0, DEL, C1).
std::optional<size_t> count_plain_code_points(std::string_view text);

}  // namespace facesync::sync

#endif  // FACESYNC_SYNC_PLAIN_TEXT_H_
