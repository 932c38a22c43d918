// The settings of the endpoints, as the configuration file and flags give
// them.
#ifndef FACESYNC_API_API_OPTIONS_H_
#define FACESYNC_API_API_OPTIONS_H_

#include <cstddef>
#include <string>

namespace facesync::api {

// How the legacy wire spells values no page of the original documents.
struct LegacyValues {
  std::string op_new = "I";
  std::string op_replaced = "U";
  std::string op_removed = "D";
  std::string hasdata_yes = "1";
  std::string hasdata_no = "0";
  // yyyy, MM and dd are replaced; every other character is kept.
  std::string date_format = "yyyyMMdd";
};

struct ApiOptions {
  LegacyValues legacy;
  size_t sync_body_limit = 4 * 1024;          // a sync request is tiny
  size_t max_image_bytes = 2 * 1024 * 1024;   // decoded image
  size_t admin_body_limit = 3 * 1024 * 1024;  // base64 image plus fields
  // GET /v2/sync: a batch ends at its limit or once its images reach this
  // many bytes; a long poll waits at most max_wait_seconds.
  size_t sync_batch_image_bytes = 4 * 1024 * 1024;
  int max_wait_seconds = 60;
};

}  // namespace facesync::api

#endif  // FACESYNC_API_API_OPTIONS_H_
