#include "store/image_digest.h"

#include <sodium.h>

namespace facesync::store {

namespace {

// sodium_init() picks the fastest implementations for this CPU. It runs
// once (a function-local static is initialised exactly once, even with
// threads racing); SHA-256 is correct whatever it returns.
void init_sodium_once() {
  static const int result = sodium_init();
  (void)result;
}

}  // namespace

std::string image_sha256(std::string_view bytes) {
  init_sodium_once();

  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return digest;
}

}  // namespace facesync::store
