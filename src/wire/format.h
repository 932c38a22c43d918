// The body formats of the legacy protocol and how HTTP headers name them.
#ifndef FACESYNC_WIRE_FORMAT_H_
#define FACESYNC_WIRE_FORMAT_H_

#include <string_view>

#include "base/status.h"

namespace facesync::wire {

enum class Format { kJson, kXml, kForm, kBson };

// The format of a request body from its Content-Type header value:
// application/json, text/json, application/xml, text/xml,
// application/x-www-form-urlencoded, application/bson; matched without
// regard to case, parameters allowed. A charset parameter other than utf-8
// or us-ascii, another type, or an empty value: kUnsupportedMediaType.
Result<Format> request_format(std::string_view content_type);

// The media type of a Content-Type value that request_format accepts, in
// lower case without parameters ("text/json"), as negotiate_response wants
// it; empty when request_format would refuse the value.
std::string_view request_media_type(std::string_view content_type);

// The format and Content-Type of a response.
struct ResponseType {
  Format format = Format::kJson;  // never kForm
  std::string_view media_type;    // "application/json", "text/xml", ...
};

// Chooses the response type as ASP.NET Web API did: the Accept header first
// (q-values honoured; at equal q a literal type beats type/*, which beats
// */*; at equal rank JSON, then XML, then BSON), then the request's own
// format (a form request is answered in JSON), else JSON. A literal match
// answers with the accepted media type itself (text/json stays text/json);
// a range match with the format's first type inside the range, in the
// order application/json, text/json, application/xml, text/xml,
// application/bson (so */* and application/* give the main type, text/*
// gives text/json). Accept entries with q=0 never match, and Accept
// parameters other than q are ignored, as in Web API; entries that cannot
// be read are skipped. `request` is the request's format when its
// Content-Type was read, else nullptr; `request_media_type` is its type
// without parameters, lower case.
ResponseType negotiate_response(std::string_view accept, const Format* request,
                                std::string_view request_media_type);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_FORMAT_H_
