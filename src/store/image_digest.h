// The SHA-256 digest that identifies a face image in the log. The store
// keeps it beside each image, and the sync rules compare it to tell a
// repeated enrollment from a new face.
#ifndef FACESYNC_STORE_IMAGE_DIGEST_H_
#define FACESYNC_STORE_IMAGE_DIGEST_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace facesync::store {

inline constexpr size_t kImageDigestBytes = 32;

// The 32-byte SHA-256 of `bytes`. Thread-safe; initialises libsodium on
// first use.
std::string image_sha256(std::string_view bytes);

}  // namespace facesync::store

#endif  // FACESYNC_STORE_IMAGE_DIGEST_H_
