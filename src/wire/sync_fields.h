// The field rules of GateSyncFaceInfoParm, shared by the four request
// decoders so that every format checks gatenum and lastsuccessindex alike,
// and the helpers that the request decoders of both endpoints share (the
// body cap, the BOM, name matching, the check of a text field).
#ifndef FACESYNC_WIRE_SYNC_FIELDS_H_
#define FACESYNC_WIRE_SYNC_FIELDS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "wire/sync_message.h"

namespace facesync::wire {

// Bodies above this are refused before parsing (kBodyTooLarge). A real
// request is under 100 bytes; the HTTP edge enforces a tighter limit.
inline constexpr size_t kMaxSyncBodyBytes = 64 * 1024;

// Removes a leading UTF-8 byte order mark.
std::string_view skip_utf8_bom(std::string_view body);

// True when `a` and `b` are equal ignoring ASCII case (non-ASCII bytes must
// match exactly).
bool ascii_iequals(std::string_view a, std::string_view b);

// What check_text found wrong with a text field, if anything.
enum class TextFault { kNone, kNotUtf8, kControl, kTooShort, kTooLong };

// Checks that `text` is well-formed UTF-8 of `min_code_points` to
// `max_code_points` code points, none of them a control character. Faults
// are reported in the order the text is read: a bad sequence or a control
// character before the code point that makes the text too long wins.
TextFault check_text(std::string_view text, size_t min_code_points,
                     size_t max_code_points);

// kBadGateNum unless `gatenum` is well-formed UTF-8 of 1 to 4 code points,
// none of them a control character.
Status check_gatenum(std::string_view gatenum);

// Reads lastsuccessindex from text as .NET's int.Parse with
// NumberStyles.Integer did: optional white space around, an optional sign,
// decimal digits. The value must be 0 to 2^31-1 (so "-0" is 0).
Result<int32_t> parse_index_text(std::string_view text);

// lastsuccessindex from an integer or a floating-point number (integral
// values only).
Result<int32_t> index_from_integer(int64_t value);
Result<int32_t> index_from_double(double value);

// The failures of the two fields, with their details.
Status bad_gatenum(const char* detail);
Status bad_index(const char* detail);

// Builds the request from a decoder's findings, checking gatenum first:
// `gatenum` is the field's text or why there is none (missing, null, a type
// that is not text); `index` is the decoder's reading of lastsuccessindex.
Result<SyncRequest> make_sync_request(const Result<std::string_view>& gatenum,
                                      const Result<int32_t>& index);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_SYNC_FIELDS_H_
