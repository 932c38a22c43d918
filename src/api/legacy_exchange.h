// What the legacy endpoints share: the request's body format and the
// answer's format, chosen the way the original's ASP.NET Web API chose.
#ifndef FACESYNC_API_LEGACY_EXCHANGE_H_
#define FACESYNC_API_LEGACY_EXCHANGE_H_

#include <boost/beast/http/status.hpp>

#include <string>

#include "api/errors.h"
#include "base/status.h"
#include "http/handler.h"
#include "wire/format.h"

namespace facesync::api {

struct LegacyExchange {
  Result<wire::Format> request;  // kUnsupportedMediaType when unknown
  wire::ResponseType answer;
};

// Reads Content-Type and Accept of `head`.
LegacyExchange negotiate_legacy(const http::RequestHead& head);

// Sets the status and the Content-Type of `answer` on `response` and
// empties its body, ready for an encoder to append to it.
void begin_legacy_answer(wire::ResponseType answer,
                         boost::beast::http::status status,
                         http::Response& response);

// Fills `response` with `reply` encoded in the answer's format by
// `encode` (wire::encode_sync_reply, wire::encode_total_scan_reply).
template <typename Reply>
void write_legacy_reply(const Reply& reply, wire::ResponseType answer,
                        boost::beast::http::status status,
                        http::Response& response,
                        void (*encode)(wire::Format, const Reply&,
                                       std::string*)) {
  begin_legacy_answer(answer, status, response);
  encode(answer.format, reply, &response.body());
}

// Fills `response` with the errcode envelope of `why` (tag null).
template <typename Reply>
void write_legacy_error(const Status& why, wire::ResponseType answer,
                        http::Response& response,
                        void (*encode)(wire::Format, const Reply&,
                                       std::string*)) {
  ErrorAnswer described = describe_error(why, Audience::kLegacy);
  Reply reply;
  reply.errcode = described.errcode;
  reply.errmsg = std::move(described.errmsg);
  write_legacy_reply(reply, answer, described.status, response, encode);
}

}  // namespace facesync::api

#endif  // FACESYNC_API_LEGACY_EXCHANGE_H_
