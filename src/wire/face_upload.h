// The body of PUT /v2/faces/{ticketcode}.
#ifndef FACESYNC_WIRE_FACE_UPLOAD_H_
#define FACESYNC_WIRE_FACE_UPLOAD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace facesync::wire {

// {"image": base64, "gate": "0001", "effdatebegin": "20261201",
//  "effdateend": "20261231", "additionaltemplateinfo": 0}; gate and
// additionaltemplateinfo are optional ("" and 0; null counts as absent),
// names are exact, unknown names are ignored, a repeated name overwrites.
struct FaceUpload {
  std::string image;  // decoded bytes
  std::string gate;
  std::string effdatebegin;
  std::string effdateend;
  int64_t additionaltemplateinfo = 0;
  std::vector<std::string> sites;  // "sites": ["A", "B"]; absent: none
};

// Decodes a JSON upload. kBodyTooLarge for a body too long to hold an
// image of `max_image_bytes` (judged before parsing); kMalformedBody for
// text that is not a JSON object; kBadImage (missing, not a string, not
// strict base64), kImageTooLarge (over `max_image_bytes`, judged before
// decoding), kBadGateNum (not a string), kBadDates (missing or not a
// string), kBadTemplateInfo (not an integer literal) and kBadSite (not an
// array of strings) name the field at fault, checked in that order. Field
// values are checked further by FaceLog.
Result<FaceUpload> decode_face_upload(std::string_view json,
                                      size_t max_image_bytes);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_FACE_UPLOAD_H_
