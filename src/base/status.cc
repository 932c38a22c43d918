#include "base/status.h"

namespace facesync {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kMalformedBody:
      return "malformed_body";
    case ErrorCode::kUnsupportedMediaType:
      return "unsupported_media_type";
    case ErrorCode::kBodyTooLarge:
      return "body_too_large";
    case ErrorCode::kMethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::kNoSuchEndpoint:
      return "no_such_endpoint";
    case ErrorCode::kBadQuery:
      return "bad_query";
    case ErrorCode::kBadGateNum:
      return "bad_gatenum";
    case ErrorCode::kBadLastSuccessIndex:
      return "bad_lastsuccessindex";
    case ErrorCode::kBadTicketCode:
      return "bad_ticketcode";
    case ErrorCode::kBadImage:
      return "bad_image";
    case ErrorCode::kImageTooLarge:
      return "image_too_large";
    case ErrorCode::kBadDates:
      return "bad_dates";
    case ErrorCode::kBadTemplateInfo:
      return "bad_additionaltemplateinfo";
    case ErrorCode::kFaceNotFound:
      return "face_not_found";
    case ErrorCode::kBadSite:
      return "bad_site";
    case ErrorCode::kUnknownGate:
      return "unknown_gate";
    case ErrorCode::kGateDisabled:
      return "gate_disabled";
    case ErrorCode::kBadGate:
      return "bad_gate";
    case ErrorCode::kStorage:
      return "storage";
    case ErrorCode::kUnavailable:
      return "unavailable";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  std::string out = error_code_name(code_);
  if (!detail_.empty()) out += ": " + detail_;
  return out;
}

}  // namespace facesync
