// Dispatch of the total scan endpoint's codecs by body format.
#include "wire/total_scan_message.h"

#include "wire/bson_codec.h"
#include "wire/form_codec.h"
#include "wire/json_codec.h"
#include "wire/xml_codec.h"

namespace facesync::wire {

Result<TotalScanRequest> decode_total_scan_request(Format format,
                                                   std::string_view body) {
  switch (format) {
    case Format::kJson:
      return decode_json_total_scan_request(body);
    case Format::kXml:
      return decode_xml_total_scan_request(body);
    case Format::kForm:
      return decode_form_total_scan_request(body);
    case Format::kBson:
      return decode_bson_total_scan_request(body);
  }
  return Status(ErrorCode::kUnsupportedMediaType, "unknown body format");
}

void encode_total_scan_reply(Format format, const TotalScanReply& reply,
                             std::string* out) {
  switch (format) {
    case Format::kXml:
      encode_xml_total_scan_reply(reply, out);
      return;
    case Format::kBson:
      encode_bson_total_scan_reply(reply, out);
      return;
    case Format::kJson:
    case Format::kForm:  // Web API answered form requests in JSON
      encode_json_total_scan_reply(reply, out);
      return;
  }
}

}  // namespace facesync::wire
