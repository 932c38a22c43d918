// The application/x-www-form-urlencoded bodies of the legacy endpoints
// (FaceInfo/Sync and TotalScan), as ASP.NET Web API's model binding read
// them. Requests only: Web API could not write a reply in this format.
#ifndef FACESYNC_WIRE_FORM_CODEC_H_
#define FACESYNC_WIRE_FORM_CODEC_H_

#include <string>
#include <string_view>

#include "base/status.h"
#include "wire/sync_message.h"
#include "wire/total_scan_message.h"

namespace facesync::wire {

// decode_sync_request for Format::kForm: "gatenum=0001&lastsuccessindex=2".
// '+' is a space, %XX a byte; a '%' not followed by two hex digits anywhere
// in the body is kMalformedBody. Names match ignoring ASCII case after
// decoding; the first of a repeated name counts (model binding took the
// first value); a pair without '=' has an empty value; empty pairs are
// skipped.
Result<SyncRequest> decode_form_sync_request(std::string_view body);

// decode_total_scan_request for Format::kForm, with the rules of
// decode_form_sync_request: "gatenum=0001&firstlbsbh=T123". A firstlbsbh
// that is absent or has an empty value is the first page; one whose bytes
// are not UTF-8 is kBadTicketCode.
Result<TotalScanRequest> decode_form_total_scan_request(std::string_view body);

// Decodes one name or value of a form body into `out` (appending). False
// on an invalid percent escape.
bool form_unescape(std::string_view text, std::string* out);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_FORM_CODEC_H_
