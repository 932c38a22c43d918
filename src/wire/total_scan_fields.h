// The field rules of BiometricTotalScanParm, shared by the four request
// decoders so that every format checks gatenum and firstlbsbh alike.
#ifndef FACESYNC_WIRE_TOTAL_SCAN_FIELDS_H_
#define FACESYNC_WIRE_TOTAL_SCAN_FIELDS_H_

#include <string_view>

#include "base/status.h"
#include "wire/total_scan_message.h"

namespace facesync::wire {

// kBadGateNum unless `gatenum` is well-formed UTF-8 of exactly 4 code
// points (the original's Min 4 / Max 4), none of them a control character.
Status check_scan_gatenum(std::string_view gatenum);

// kBadTicketCode unless `firstlbsbh` is well-formed UTF-8 of at most 32
// code points, none of them a control character. Empty is the first page.
Status check_firstlbsbh(std::string_view firstlbsbh);

// The failure of firstlbsbh, with its detail.
Status bad_ticket_code(const char* detail);

// Builds the request from a decoder's findings, checking gatenum first:
// `gatenum` as for make_sync_request; `firstlbsbh` the field's text (empty
// when it is absent or null) or why it is not text.
Result<TotalScanRequest> make_total_scan_request(
    const Result<std::string_view>& gatenum,
    const Result<std::string_view>& firstlbsbh);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_TOTAL_SCAN_FIELDS_H_
