// POST api/Servo/Face/Buffer/TotalScan: the original's nightly expiry
// scan, one page of tickets per call, for tools that still drive it.
#ifndef FACESYNC_API_TOTAL_SCAN_H_
#define FACESYNC_API_TOTAL_SCAN_H_

#include <cstddef>
#include <cstdint>

#include "http/handler.h"
#include "sync/face_log.h"

namespace facesync::api {

// Tickets handled per call, as the original did.
inline constexpr size_t kTotalScanPage = 50;

// Scans the page after `firstlbsbh` as of `today` (yyyymmdd), removing
// the faces past their end date, and answers hasmorepage "1"/"0" and
// lastlbsbh in the negotiated format.
void serve_total_scan(const http::Request& request, sync::FaceLog& log,
                      int32_t today, http::Response& response);

// Answers a request the edge refused, as reject_legacy_sync does.
void reject_total_scan(const Status& why, const http::RequestHead& head,
                       http::Response& response);

}  // namespace facesync::api

#endif  // FACESYNC_API_TOTAL_SCAN_H_
