// POST /v2/sweep[?asof=yyyyMMdd]: removes the faces past their end date
// now, as the nightly sweep does.
#ifndef FACESYNC_API_V2_SWEEP_H_
#define FACESYNC_API_V2_SWEEP_H_

#include <cstdint>
#include <functional>

#include "http/handler.h"
#include "sync/face_log.h"

namespace facesync::api {

// `today` gives the site's date when the request names none. Answers
// {"asof":"20261203","expired":N}.
void serve_sweep(const http::Request& request, sync::FaceLog& log,
                 const std::function<int32_t()>& today,
                 http::Response& response);

}  // namespace facesync::api

#endif  // FACESYNC_API_V2_SWEEP_H_
