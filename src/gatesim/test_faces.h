// Helpers for the gate simulator's tests: tiny valid face images.
#ifndef FACESYNC_GATESIM_TEST_FACES_H_
#define FACESYNC_GATESIM_TEST_FACES_H_

#include <string>
#include <string_view>

namespace facesync::gatesim::testing {

// A few bytes that pass for a JPEG (SOI, APP0 marker, EOI) and differ for
// every `payload`.
inline std::string fake_jpeg(std::string_view payload) {
  return std::string("\xFF\xD8\xFF\xE0", 4) + std::string(payload) +
         std::string("\xFF\xD9", 2);
}

}  // namespace facesync::gatesim::testing

#endif  // FACESYNC_GATESIM_TEST_FACES_H_
