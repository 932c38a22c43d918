// The JSON codec of the legacy endpoints (see json_codec.h): one reading
// of the body and one envelope writer, with each message's fields on top.
#include "wire/json_codec.h"

#include <simdjson.h>

#include <charconv>
#include <iterator>
#include <optional>
#include <span>

#include "wire/json_parse.h"
#include "wire/json_writer.h"
#include "wire/sync_fields.h"
#include "wire/total_scan_fields.h"

namespace facesync::wire {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Room for the decimal text of any 64-bit integer.
using IntegerText = char[24];

// One parser per thread, reused: parsing a request allocates nothing once
// the parser has grown to the largest body seen (at most
// kMaxSyncBodyBytes).
simdjson::dom::parser* thread_parser() {
  thread_local simdjson::dom::parser parser(kMaxSyncBodyBytes);
  return &parser;
}

// Parses a request body and finds the top-level members called `names`:
// `values[i]` gets the value of the last member whose name matches
// `names[i]` ignoring ASCII case (Json.NET matched names so and let a later
// value overwrite), nullopt when there is none. The values live in the
// thread's parser until its next parse.
Status read_fields(std::string_view body,
                   std::span<const std::string_view> names,
                   std::span<std::optional<element>> values) {
  if (body.size() > kMaxSyncBodyBytes) {
    return Status(ErrorCode::kBodyTooLarge, "body is over 64 KiB");
  }
  simdjson::dom::parser* parser = thread_parser();
  Status ready = prepare_json_parser(parser, 4096);
  if (!ready.is_ok()) return ready;
  Result<simdjson::dom::object> root = parse_json_object(parser, body);
  if (!root.is_ok()) return root.status();

  for (simdjson::dom::key_value_pair field : *root) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (ascii_iequals(field.key, names[i])) values[i] = field.value;
    }
  }
  return Status::ok();
}

template <typename Integer>
std::string_view integer_text(Integer value, IntegerText& buffer) {
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string_view(buffer, result.ptr - buffer);
}

// gatenum as Json.NET read it into a string property: a string as it is,
// an integer as its text (written into `buffer`).
Result<std::string_view> read_gatenum(const std::optional<element>& value,
                                      IntegerText& buffer) {
  if (!value.has_value()) return bad_gatenum("gatenum is missing");
  switch (value->type()) {
    case element_type::STRING:
      return std::string_view(value->get_string().value_unsafe());
    case element_type::INT64:
      return integer_text(value->get_int64().value_unsafe(), buffer);
    case element_type::UINT64:
      return integer_text(value->get_uint64().value_unsafe(), buffer);
    case element_type::NULL_VALUE:
      return bad_gatenum("gatenum is null");
    default:
      return bad_gatenum("gatenum is not a string");
  }
}

Result<int32_t> read_index(const std::optional<element>& value) {
  if (!value.has_value()) return bad_index("lastsuccessindex is missing");
  switch (value->type()) {
    case element_type::INT64:
      return index_from_integer(value->get_int64().value_unsafe());
    case element_type::UINT64:
      return bad_index("lastsuccessindex is above 2147483647");
    case element_type::DOUBLE:
      return index_from_double(value->get_double().value_unsafe());
    case element_type::STRING:
      return parse_index_text(value->get_string().value_unsafe());
    case element_type::NULL_VALUE:
      return bad_index("lastsuccessindex is null");
    default:
      return bad_index("lastsuccessindex is not a number");
  }
}

// firstlbsbh: a string; absent or null is the first page, as Json.NET left
// a string property it did not read null.
Result<std::string_view> read_firstlbsbh(const std::optional<element>& value) {
  if (!value.has_value()) return std::string_view();
  switch (value->type()) {
    case element_type::STRING:
      return std::string_view(value->get_string().value_unsafe());
    case element_type::NULL_VALUE:
      return std::string_view();
    default:
      return bad_ticket_code("firstlbsbh is not a string");
  }
}

// ----- Writing.

void write_optional(JsonWriter& json, std::optional<std::string_view> value) {
  if (value.has_value()) {
    json.string(*value);
  } else {
    json.null();
  }
}

void write_tag(const SyncTag& tag, JsonWriter& json) {
  json.begin_object();
  json.key("gatenum").string(tag.gatenum);
  json.key("recordindex").number(tag.recordindex);
  json.key("hasdata").string(tag.hasdata);
  json.key("ticketcode");
  write_optional(json, tag.ticketcode);
  json.key("op");
  write_optional(json, tag.op);
  json.key("effdatebegin");
  write_optional(json, tag.effdatebegin);
  json.key("effdateend");
  write_optional(json, tag.effdateend);
  json.key("faceimage");
  if (tag.faceimage.has_value()) {
    json.base64(*tag.faceimage);
  } else {
    json.null();
  }
  json.key("additionaltemplateinfo");
  if (tag.additionaltemplateinfo.has_value()) {
    json.number(*tag.additionaltemplateinfo);
  } else {
    json.null();
  }
  json.end_object();
}

void write_tag(const TotalScanTag& tag, JsonWriter& json) {
  json.begin_object();
  json.key("hasmorepage");
  write_optional(json, tag.hasmorepage);
  json.key("lastlbsbh");
  write_optional(json, tag.lastlbsbh);
  json.end_object();
}

// About the size of the reply's text, so that the output grows once.
size_t size_hint(const SyncReply& reply) {
  size_t size = 256 + reply.errmsg.size();
  if (!reply.tag.has_value()) return size;

  const SyncTag& tag = *reply.tag;
  size += tag.gatenum.size() + tag.hasdata.size();
  for (const auto& text :
       {tag.ticketcode, tag.op, tag.effdatebegin, tag.effdateend}) {
    size += text.value_or("").size();
  }
  return size + (tag.faceimage.value_or("").size() + 2) / 3 * 4;
}

size_t size_hint(const TotalScanReply& reply) {
  size_t size = 128 + reply.errmsg.size();
  if (!reply.tag.has_value()) return size;
  return size + reply.tag->hasmorepage.value_or("").size() +
         reply.tag->lastlbsbh.value_or("").size();
}

// CommonOperationResult<T>: errcode, errmsg, then the tag, written by the
// write_tag of the reply's tag type, or null.
template <typename Reply>
void write_reply(const Reply& reply, std::string* out) {
  out->reserve(out->size() + size_hint(reply));

  JsonWriter json(out);
  json.begin_object();
  json.key("errcode").number(reply.errcode);
  json.key("errmsg").string(reply.errmsg);
  json.key("tag");
  if (reply.tag.has_value()) {
    write_tag(*reply.tag, json);
  } else {
    json.null();
  }
  json.end_object();
}

}  // namespace

Result<SyncRequest> decode_json_sync_request(std::string_view body) {
  constexpr std::string_view kNames[] = {"gatenum", "lastsuccessindex"};
  std::optional<element> values[std::size(kNames)];
  Status read = read_fields(body, kNames, values);
  if (!read.is_ok()) return read;

  IntegerText buffer;
  return make_sync_request(read_gatenum(values[0], buffer),
                           read_index(values[1]));
}

Result<TotalScanRequest> decode_json_total_scan_request(std::string_view body) {
  constexpr std::string_view kNames[] = {"gatenum", "firstlbsbh"};
  std::optional<element> values[std::size(kNames)];
  Status read = read_fields(body, kNames, values);
  if (!read.is_ok()) return read;

  IntegerText buffer;
  return make_total_scan_request(read_gatenum(values[0], buffer),
                                 read_firstlbsbh(values[1]));
}

void encode_json_sync_reply(const SyncReply& reply, std::string* out) {
  write_reply(reply, out);
}

void encode_json_total_scan_reply(const TotalScanReply& reply,
                                  std::string* out) {
  write_reply(reply, out);
}

}  // namespace facesync::wire
