// Strict base64 (RFC 4648, standard alphabet, padded), written for speed:
// table-driven, with AVX2 for encoding where the CPU has it. libsodium's
// constant-time codec, the reference in the tests, took half the CPU of a
// sync reply; the images are not secrets that timing could leak.
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
