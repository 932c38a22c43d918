// Strict base64 over libsodium (see base64.h).
#include "wire/base64.h"

#include <sodium.h>

namespace facesync::wire {

namespace {

constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;

Status bad_image(const char* detail) {
  return Status(ErrorCode::kBadImage, detail);
}

}  // namespace

void base64_append(std::string_view bytes, std::string* out) {
  // sodium_bin2base64 writes a terminating NUL, so give it one byte more
  // than the text and drop the NUL afterwards.
  const size_t with_nul = sodium_base64_ENCODED_LEN(bytes.size(), kVariant);
  const size_t start = out->size();
  out->resize(start + with_nul);
  sodium_bin2base64(out->data() + start, with_nul,
                    reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kVariant);
  out->resize(start + with_nul - 1);
}

Result<std::string> base64_decode(std::string_view text, size_t max_bytes) {
  if (text.empty()) return std::string();
  if (text.size() % 4 != 0) {
    return bad_image("base64 length is not a multiple of 4");
  }

  // The decoded size follows from the length and the padding alone.
  size_t padding = 0;
  if (text.ends_with("==")) {
    padding = 2;
  } else if (text.ends_with('=')) {
    padding = 1;
  }
  const size_t size = text.size() / 4 * 3 - padding;
  if (size > max_bytes) {
    return Status(ErrorCode::kImageTooLarge, "image is over the size limit");
  }

  // Without an ignore set libsodium stops at the first character outside
  // the alphabet; the end pointer shows whether it read everything.
  std::string bytes(size, '\0');
  size_t written = 0;
  const char* end = nullptr;
  const int rc = sodium_base642bin(
      reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
      text.size(), nullptr, &written, &end, kVariant);
  if (rc != 0 || end != text.data() + text.size() || written != size) {
    return bad_image("image is not strict base64");
  }
  return bytes;
}

}  // namespace facesync::wire
