// The field rules of BiometricTotalScanParm (see total_scan_fields.h).
#include "wire/total_scan_fields.h"

#include <string>

#include "wire/sync_fields.h"

namespace facesync::wire {

namespace {

constexpr size_t kGateCodePoints = 4;
constexpr size_t kMaxTicketCodePoints = 32;

}  // namespace

Status bad_ticket_code(const char* detail) {
  return Status(ErrorCode::kBadTicketCode, detail);
}

Status check_scan_gatenum(std::string_view gatenum) {
  switch (check_text(gatenum, kGateCodePoints, kGateCodePoints)) {
    case TextFault::kNone:
      return Status::ok();
    case TextFault::kNotUtf8:
      return bad_gatenum("gatenum is not valid UTF-8");
    case TextFault::kControl:
      return bad_gatenum("gatenum holds a control character");
    case TextFault::kTooShort:
      return bad_gatenum("gatenum is shorter than 4 characters");
    case TextFault::kTooLong:
      return bad_gatenum("gatenum is longer than 4 characters");
  }
  return bad_gatenum("gatenum is invalid");
}

Status check_firstlbsbh(std::string_view firstlbsbh) {
  switch (check_text(firstlbsbh, 0, kMaxTicketCodePoints)) {
    case TextFault::kNone:
    case TextFault::kTooShort:  // cannot happen with a minimum of 0
      return Status::ok();
    case TextFault::kNotUtf8:
      return bad_ticket_code("firstlbsbh is not valid UTF-8");
    case TextFault::kControl:
      return bad_ticket_code("firstlbsbh holds a control character");
    case TextFault::kTooLong:
      return bad_ticket_code("firstlbsbh is longer than 32 characters");
  }
  return bad_ticket_code("firstlbsbh is invalid");
}

Result<TotalScanRequest> make_total_scan_request(
    const Result<std::string_view>& gatenum,
    const Result<std::string_view>& firstlbsbh) {
  if (!gatenum.is_ok()) return gatenum.status();
  Status gate_status = check_scan_gatenum(*gatenum);
  if (!gate_status.is_ok()) return gate_status;

  if (!firstlbsbh.is_ok()) return firstlbsbh.status();
  Status ticket_status = check_firstlbsbh(*firstlbsbh);
  if (!ticket_status.is_ok()) return ticket_status;
  return TotalScanRequest{std::string(*gatenum), std::string(*firstlbsbh)};
}

}  // namespace facesync::wire
