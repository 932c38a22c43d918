// The v2 face API: PUT, GET and DELETE /v2/faces/{ticketcode}, and
// GET /v2/faces to page through the live faces. JSON in and out.
#ifndef FACESYNC_API_V2_FACES_H_
#define FACESYNC_API_V2_FACES_H_

#include <string_view>

#include "api/api_options.h"
#include "http/handler.h"
#include "sync/face_log.h"

namespace facesync::api {

// `ticket` is the percent-decoded path segment after /v2/faces/.
void serve_face(const http::Request& request, std::string_view ticket,
                sync::FaceLog& log, const ApiOptions& options,
                http::Response& response);

// GET /v2/faces?after=T&limit=L.
void serve_face_list(const http::Request& request, sync::FaceLog& log,
                     http::Response& response);

// Writes the v2 error envelope {"errcode":N,"errmsg":"..."}.
void write_v2_error(const Status& why, http::Response& response);

// Writes `json` with status `status` as application/json.
void write_json(boost::beast::http::status status, std::string json,
                http::Response& response);

}  // namespace facesync::api

#endif  // FACESYNC_API_V2_FACES_H_
