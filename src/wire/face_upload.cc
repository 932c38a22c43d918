// Decoding the v2 upload body with simdjson (see face_upload.h).
#include "wire/face_upload.h"

#include <simdjson.h>

#include <algorithm>
#include <limits>
#include <optional>

#include "wire/base64.h"
#include "wire/json_parse.h"

namespace facesync::wire {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Room for everything but the image, and for an image whose every '/' a
// client escaped as "\/" (which doubles its length at worst).
constexpr size_t kBodyOverhead = 64 * 1024;

size_t body_limit(size_t max_image_bytes) {
  constexpr size_t kMax = std::numeric_limits<size_t>::max();
  if (max_image_bytes > (kMax - kBodyOverhead) / 3) return kMax;
  const size_t base64_size = (max_image_bytes + 2) / 3 * 4;
  return 2 * base64_size + kBodyOverhead;
}

// The upload's fields as found in the object, the last of a repeated name.
struct UploadFields {
  std::optional<element> image;
  std::optional<element> gate;
  std::optional<element> effdatebegin;
  std::optional<element> effdateend;
  std::optional<element> additionaltemplateinfo;
  std::optional<element> sites;
};

UploadFields find_fields(simdjson::dom::object object) {
  UploadFields fields;
  for (simdjson::dom::key_value_pair field : object) {
    if (field.key == "image") fields.image = field.value;
    if (field.key == "gate") fields.gate = field.value;
    if (field.key == "effdatebegin") fields.effdatebegin = field.value;
    if (field.key == "effdateend") fields.effdateend = field.value;
    if (field.key == "additionaltemplateinfo") {
      fields.additionaltemplateinfo = field.value;
    }
    if (field.key == "sites") fields.sites = field.value;
  }
  return fields;
}

bool is_absent(const std::optional<element>& value) {
  return !value.has_value() || value->is_null();
}

Status read_image(const std::optional<element>& value, size_t max_bytes,
                  std::string* image) {
  if (!value.has_value())
    return Status(ErrorCode::kBadImage, "image is missing");
  if (!value->is_string()) {
    return Status(ErrorCode::kBadImage, "image is not a string");
  }
  Result<std::string> bytes =
      base64_decode(value->get_string().value_unsafe(), max_bytes);
  if (!bytes.is_ok()) return bytes.status();
  *image = std::move(bytes).value();
  return Status::ok();
}

// An optional string: absent or null leaves `text` empty.
Status read_gate(const std::optional<element>& value, std::string* text) {
  if (is_absent(value)) return Status::ok();
  if (!value->is_string()) {
    return Status(ErrorCode::kBadGateNum, "gate is not a string");
  }
  *text = value->get_string().value_unsafe();
  return Status::ok();
}

Status read_date(const std::optional<element>& value, const char* missing,
                 const char* not_string, std::string* text) {
  if (!value.has_value()) return Status(ErrorCode::kBadDates, missing);
  if (!value->is_string()) return Status(ErrorCode::kBadDates, not_string);
  *text = value->get_string().value_unsafe();
  return Status::ok();
}

// An optional integer: absent or null leaves `number` 0.
Status read_template_info(const std::optional<element>& value,
                          int64_t* number) {
  if (is_absent(value)) return Status::ok();
  if (value->type() != element_type::INT64) {
    return Status(ErrorCode::kBadTemplateInfo,
                  "additionaltemplateinfo is not an integer");
  }
  *number = value->get_int64().value_unsafe();
  return Status::ok();
}

// An optional array of strings: absent or null leaves `sites` empty.
Status read_sites(const std::optional<element>& value,
                  std::vector<std::string>* sites) {
  if (is_absent(value)) return Status::ok();
  if (!value->is_array()) {
    return Status(ErrorCode::kBadSite, "sites is not an array");
  }
  // A named array: the result object of get_array() dies with the
  // statement, so iterating its value_unsafe() directly would dangle.
  simdjson::dom::array items = value->get_array().value_unsafe();
  for (element site : items) {
    if (!site.is_string()) {
      return Status(ErrorCode::kBadSite, "a site is not a string");
    }
    sites->emplace_back(site.get_string().value_unsafe());
  }
  return Status::ok();
}

}  // namespace

Result<FaceUpload> decode_face_upload(std::string_view json,
                                      size_t max_image_bytes) {
  if (json.size() > body_limit(max_image_bytes)) {
    return Status(ErrorCode::kBodyTooLarge, "upload body is too large");
  }

  // A parser of its own, sized to this body: uploads are rare and large,
  // and a parser kept per thread would keep their memory.
  simdjson::dom::parser parser(
      std::max(json.size(), simdjson::dom::MINIMAL_DOCUMENT_CAPACITY));
  Status ready = prepare_json_parser(&parser, json.size());
  if (!ready.is_ok()) return ready;
  Result<simdjson::dom::object> root = parse_json_object(&parser, json);
  if (!root.is_ok()) return root.status();

  // The fields in the order their errors take precedence.
  const UploadFields fields = find_fields(*root);
  FaceUpload upload;
  Status status = read_image(fields.image, max_image_bytes, &upload.image);
  if (status.is_ok()) status = read_gate(fields.gate, &upload.gate);
  if (status.is_ok()) {
    status = read_date(fields.effdatebegin, "effdatebegin is missing",
                       "effdatebegin is not a string", &upload.effdatebegin);
  }
  if (status.is_ok()) {
    status = read_date(fields.effdateend, "effdateend is missing",
                       "effdateend is not a string", &upload.effdateend);
  }
  if (status.is_ok()) {
    status = read_template_info(fields.additionaltemplateinfo,
                                &upload.additionaltemplateinfo);
  }
  if (status.is_ok()) status = read_sites(fields.sites, &upload.sites);
  if (!status.is_ok()) return status;
  return upload;
}

}  // namespace facesync::wire
