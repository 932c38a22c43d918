// The one place where a failure becomes an answer: HTTP status, errcode and
// errmsg. The errcode numbers are part of the public contract (README).
#ifndef FACESYNC_API_ERRORS_H_
#define FACESYNC_API_ERRORS_H_

#include <ostream>  // boost/beast/http/status.hpp needs it first
#include <string>

#include <boost/beast/http/status.hpp>

#include "base/status.h"

namespace facesync::api {

// Who asks. Legacy gates expect HTTP 200 for a request that was read but
// is invalid, with the fault in errcode; the v2 API answers 4xx for it.
enum class Audience { kLegacy, kV2 };

struct ErrorAnswer {
  boost::beast::http::status status = boost::beast::http::status::ok;
  int errcode = 0;
  std::string errmsg;  // Chinese, then English, then the detail
};

ErrorAnswer describe_error(const Status& status, Audience audience);

}  // namespace facesync::api

#endif  // FACESYNC_API_ERRORS_H_
