// GET /v2/sync?gate=G&after=N&limit=L&wait=S: the legacy sync in batches,
// for gates that can be updated, with a long poll when caught up.
#ifndef FACESYNC_API_V2_SYNC_H_
#define FACESYNC_API_V2_SYNC_H_

#include "api/api_options.h"
#include "api/services.h"
#include "http/handler.h"

namespace facesync::api {

// Answers with up to L events (1 to 1000, default 100) after N (default
// 0) for gate G, by the rules of the legacy endpoint (the same admission,
// order, own-face skipping and op letters and dates):
//   {"errcode":0,"errmsg":"","gatenum":G,"after":N,"last":M,"more":B,
//    "records":[{"recordindex":..,"ticketcode":..,"op":..,
//                "effdatebegin":..,"effdateend":..,"faceimage":"<base64>"
//                or null for a removal,"additionaltemplateinfo":..},..]}
// `last` is the cursor to send next (N when no record came); `more` says
// the batch stopped at its limit or its byte budget. With nothing to send
// and S > 0 (at most options.max_wait_seconds), the answer waits up to S
// seconds for a record through `deferral` and services.long_poll.
void serve_v2_sync(const http::Request& request, const http::Peer& peer,
                   const Services& services, const ApiOptions& options,
                   http::Deferral& deferral, http::Response& response);

}  // namespace facesync::api

#endif  // FACESYNC_API_V2_SYNC_H_
