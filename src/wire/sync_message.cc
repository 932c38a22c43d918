// Dispatch of the sync endpoint's codecs by body format.
#include "wire/sync_message.h"

#include "wire/bson_codec.h"
#include "wire/form_codec.h"
#include "wire/json_codec.h"
#include "wire/xml_codec.h"

namespace facesync::wire {

Result<SyncRequest> decode_sync_request(Format format, std::string_view body) {
  switch (format) {
    case Format::kJson:
      return decode_json_sync_request(body);
    case Format::kXml:
      return decode_xml_sync_request(body);
    case Format::kForm:
      return decode_form_sync_request(body);
    case Format::kBson:
      return decode_bson_sync_request(body);
  }
  return Status(ErrorCode::kUnsupportedMediaType, "unknown body format");
}

void encode_sync_reply(Format format, const SyncReply& reply,
                       std::string* out) {
  switch (format) {
    case Format::kXml:
      encode_xml_sync_reply(reply, out);
      return;
    case Format::kBson:
      encode_bson_sync_reply(reply, out);
      return;
    case Format::kJson:
    case Format::kForm:  // Web API answered form requests in JSON
      encode_json_sync_reply(reply, out);
      return;
  }
}

}  // namespace facesync::wire
