// Strict base64 (RFC 4648, standard alphabet, padded). Decoding is
// libsodium's; encoding, on every sync reply's image, is a table-driven
// encoder of this project's, about ten times faster than libsodium's
// constant-time one (faces are not secrets to their own gates).
#ifndef FACESYNC_WIRE_BASE64_H_
#define FACESYNC_WIRE_BASE64_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"

namespace facesync::wire {

// Appends the base64 of `bytes` to `out`, padded.
void base64_append(std::string_view bytes, std::string* out);

// Decodes `text`: only the alphabet, '=' only as one or two final padding
// characters, length a multiple of 4, no whitespace. The decoded size is
// computed before anything is allocated; over `max_bytes` gives
// kImageTooLarge, any other fault kBadImage.
Result<std::string> base64_decode(std::string_view text, size_t max_bytes);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_BASE64_H_
