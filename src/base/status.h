// Status and Result: how every layer below the HTTP edge reports failure.
//
// A Status is a value: an ErrorCode saying what kind of failure it is and a
// short English detail for logs and for the errmsg that the HTTP edge
// builds. Result<T> holds either a T or a failed Status. Neither throws;
// both are cheap to move and safe to pass between threads.
#ifndef FACESYNC_BASE_STATUS_H_
#define FACESYNC_BASE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace facesync {

// The kinds of failure the project knows. The HTTP edge turns each into an
// HTTP status, an errcode and an errmsg (api/errors.cc); the numbers a gate
// sees are assigned there, not here.
enum class ErrorCode {
  kOk = 0,
  kMalformedBody,         // the body cannot be read in its format
  kUnsupportedMediaType,  // no codec for the request's Content-Type
  kBodyTooLarge,          // over the endpoint's body limit
  kMethodNotAllowed,
  kNoSuchEndpoint,
  kBadQuery,             // a query parameter is not what the endpoint takes
  kBadGateNum,           // gatenum missing, empty or too long
  kBadLastSuccessIndex,  // lastsuccessindex missing, not an integer, out of
                         // range
  kBadTicketCode,
  kBadImage,         // not base64, not JPEG or PNG, empty
  kImageTooLarge,    // decoded image over the limit
  kBadDates,         // not a calendar date, or begin after end
  kBadTemplateInfo,  // additionaltemplateinfo not in 0..255
  kFaceNotFound,     // no live face for the ticket
  kBadSite,          // a site name is not 1 to 32 of A-Z a-z 0-9 - _ .
  kUnknownGate,      // strict mode: the gate is not registered
  kGateDisabled,     // the gate is registered but disabled
  kBadGate,          // gate settings invalid (name, addresses)
  kStorage,          // the store failed (I/O, corruption, full disk)
  kUnavailable,      // the service cannot take the request now
};

// Names the code, for logs and tests ("kBadGateNum" -> "bad_gatenum").
const char* error_code_name(ErrorCode code);

class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string detail)
      : code_(code), detail_(std::move(detail)) {}

  static Status ok() { return Status(); }

  bool is_ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& detail() const { return detail_; }

  // "bad_gatenum: gatenum must be 1 to 4 characters".
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string detail_;
};

// Either a value or a failed Status. Accessing value() of a failed Result is
// a programming error (asserted in debug builds).
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.is_ok());
  }

  bool is_ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(is_ok());
    return *value_;
  }
  const T& value() const& {
    assert(is_ok());
    return *value_;
  }
  T&& value() && {
    assert(is_ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace facesync

#endif  // FACESYNC_BASE_STATUS_H_
