#include "gatesim/legacy_client.h"

#include <bson/bson.h>

#include <charconv>
#include <memory>
#include <sstream>
#include <utility>

#include <simdjson.h>
#include <pugixml.hpp>

#include "gatesim/percent_encode.h"
#include "wire/base64.h"
#include "wire/json_writer.h"

namespace facesync::gatesim {
namespace {

// The largest face image a gate accepts from the server.
constexpr size_t kMaxImageBytes = 64 * 1024 * 1024;

constexpr const char* kXmlInstanceNs =
    "http://www.w3.org/2001/XMLSchema-instance";
constexpr const char* kParmNs =
    "http://schemas.datacontract.org/2004/07/"
    "DigitalScience.DataTransfer.Tour.V5.Parm";
constexpr std::string_view kReplyRoot =
    "CommonOperationResultWithTagOfGateSyncFaceInfoResultldpHZqFJ";

Status malformed(std::string detail) {
  return Status(ErrorCode::kMalformedBody, std::move(detail));
}

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

// The fields of a tag that are optional strings, by name.
std::optional<std::string>* optional_string_field(LegacyTag& tag,
                                                  std::string_view name) {
  if (name == "ticketcode") return &tag.ticketcode;
  if (name == "op") return &tag.op;
  if (name == "effdatebegin") return &tag.effdatebegin;
  if (name == "effdateend") return &tag.effdateend;
  return nullptr;
}

// Stores a decoded base64 faceimage, or says why it cannot.
Status set_base64_image(std::string_view text, LegacyTag& tag) {
  auto decoded = wire::base64_decode(text, kMaxImageBytes);
  if (!decoded.is_ok()) {
    return malformed("tag.faceimage: " + decoded.status().detail());
  }
  tag.faceimage = std::move(decoded).value();
  return Status::ok();
}

// ---- requests ----

std::string encode_json(const wire::SyncRequest& request) {
  std::string out;
  wire::JsonWriter(&out)
      .begin_object()
      .key("gatenum")
      .string(request.gatenum)
      .key("lastsuccessindex")
      .number(request.lastsuccessindex)
      .end_object();
  return out;
}

std::string encode_xml(const wire::SyncRequest& request) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("GateSyncFaceInfoParm");
  root.append_attribute("xmlns:i") = kXmlInstanceNs;
  root.append_attribute("xmlns") = kParmNs;
  root.append_child("gatenum").text().set(request.gatenum.c_str());
  root.append_child("lastsuccessindex")
      .text()
      .set(std::to_string(request.lastsuccessindex).c_str());

  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration,
           pugi::encoding_utf8);
  return out.str();
}

std::string encode_form(const wire::SyncRequest& request) {
  std::string out = "gatenum=";
  append_percent_encoded(request.gatenum, &out);
  out += "&lastsuccessindex=" + std::to_string(request.lastsuccessindex);
  return out;
}

std::string encode_bson(const wire::SyncRequest& request) {
  bson_t doc;
  bson_init(&doc);
  bson_append_utf8(&doc, "gatenum", -1, request.gatenum.data(),
                   static_cast<int>(request.gatenum.size()));
  bson_append_int32(&doc, "lastsuccessindex", -1, request.lastsuccessindex);
  std::string out(reinterpret_cast<const char*>(bson_get_data(&doc)), doc.len);
  bson_destroy(&doc);
  return out;
}

// ---- JSON replies ----

Status read_json_tag(simdjson::dom::object object, LegacyTag& tag) {
  for (auto [key, value] : object) {
    bool is_null = value.is_null();
    std::string_view text;
    int64_t number = 0;

    if (key == "recordindex" || key == "additionaltemplateinfo") {
      if (is_null && key == "additionaltemplateinfo") continue;
      if (value.get_int64().get(number)) {
        return malformed("tag." + std::string(key) + " is not an integer");
      }
      if (key == "recordindex") {
        tag.recordindex = number;
      } else {
        tag.additionaltemplateinfo = number;
      }
      continue;
    }
    if (is_null) continue;
    if (value.get_string().get(text)) {
      return malformed("tag." + std::string(key) + " is not a string");
    }

    if (key == "gatenum") {
      tag.gatenum = std::string(text);
    } else if (key == "hasdata") {
      tag.hasdata = std::string(text);
    } else if (key == "faceimage") {
      Status stored = set_base64_image(text, tag);
      if (!stored.is_ok()) return stored;
    } else if (auto* field = optional_string_field(tag, key)) {
      *field = std::string(text);
    }
  }
  return Status::ok();
}

Result<LegacyReply> decode_json(std::string_view body) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::object root;
  if (parser.parse(padded).get_object().get(root)) {
    return malformed("reply is not a JSON object");
  }

  LegacyReply reply;
  bool have_errcode = false;
  for (auto [key, value] : root) {
    if (key == "errcode") {
      if (value.get_int64().get(reply.errcode)) {
        return malformed("errcode is not an integer");
      }
      have_errcode = true;
    } else if (key == "errmsg" && !value.is_null()) {
      std::string_view text;
      if (value.get_string().get(text)) {
        return malformed("errmsg is not a string");
      }
      reply.errmsg = std::string(text);
    } else if (key == "tag" && !value.is_null()) {
      simdjson::dom::object tag_object;
      if (value.get_object().get(tag_object)) {
        return malformed("tag is not an object");
      }
      reply.tag.emplace();
      Status read = read_json_tag(tag_object, *reply.tag);
      if (!read.is_ok()) return read;
    }
  }
  if (!have_errcode) return malformed("reply has no errcode");
  return reply;
}

// ---- XML replies ----

std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool is_nil(const pugi::xml_node& node) {
  for (pugi::xml_attribute attribute : node.attributes()) {
    std::string_view name = attribute.name();
    auto colon = name.find(':');
    std::string_view local =
        colon == std::string_view::npos ? name : name.substr(colon + 1);
    if (local == "nil" && std::string_view(attribute.value()) == "true") {
      return true;
    }
  }
  return false;
}

Status read_xml_tag(const pugi::xml_node& node, LegacyTag& tag) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element || is_nil(child)) continue;
    std::string_view name = local_name(child);
    std::string_view text = child.child_value();

    if (name == "recordindex" || name == "additionaltemplateinfo") {
      auto number = parse_int(text);
      if (!number) {
        return malformed("tag." + std::string(name) + " is not an integer");
      }
      if (name == "recordindex") {
        tag.recordindex = *number;
      } else {
        tag.additionaltemplateinfo = *number;
      }
    } else if (name == "gatenum") {
      tag.gatenum = std::string(text);
    } else if (name == "hasdata") {
      tag.hasdata = std::string(text);
    } else if (name == "faceimage") {
      Status stored = set_base64_image(text, tag);
      if (!stored.is_ok()) return stored;
    } else if (auto* field = optional_string_field(tag, name)) {
      *field = std::string(text);
    }
  }
  return Status::ok();
}

Result<LegacyReply> decode_xml(std::string_view body) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(
      body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return malformed(std::string("reply is not XML: ") + parsed.description());
  }
  pugi::xml_node root = doc.document_element();
  if (local_name(root) != kReplyRoot) {
    return malformed("unexpected XML root " + std::string(root.name()));
  }

  LegacyReply reply;
  bool have_errcode = false;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element || is_nil(child)) continue;
    std::string_view name = local_name(child);
    if (name == "errcode") {
      auto number = parse_int(child.child_value());
      if (!number) return malformed("errcode is not an integer");
      reply.errcode = *number;
      have_errcode = true;
    } else if (name == "errmsg") {
      reply.errmsg = child.child_value();
    } else if (name == "tag") {
      reply.tag.emplace();
      Status read = read_xml_tag(child, *reply.tag);
      if (!read.is_ok()) return read;
    }
  }
  if (!have_errcode) return malformed("reply has no errcode");
  return reply;
}

// ---- BSON replies ----

std::optional<int64_t> bson_int(const bson_iter_t& iter) {
  if (BSON_ITER_HOLDS_INT32(&iter)) return bson_iter_int32(&iter);
  if (BSON_ITER_HOLDS_INT64(&iter)) return bson_iter_int64(&iter);
  return std::nullopt;
}

std::optional<std::string> bson_string(const bson_iter_t& iter) {
  if (!BSON_ITER_HOLDS_UTF8(&iter)) return std::nullopt;
  uint32_t length = 0;
  const char* text = bson_iter_utf8(&iter, &length);
  return std::string(text, length);
}

Status read_bson_tag(bson_iter_t& iter, LegacyTag& tag) {
  while (bson_iter_next(&iter)) {
    std::string_view key = bson_iter_key(&iter);
    if (BSON_ITER_HOLDS_NULL(&iter)) continue;

    if (key == "recordindex" || key == "additionaltemplateinfo") {
      auto number = bson_int(iter);
      if (!number) {
        return malformed("tag." + std::string(key) + " is not an integer");
      }
      if (key == "recordindex") {
        tag.recordindex = *number;
      } else {
        tag.additionaltemplateinfo = *number;
      }
      continue;
    }
    if (key == "faceimage") {
      if (!BSON_ITER_HOLDS_BINARY(&iter)) {
        return malformed("tag.faceimage is not binary");
      }
      bson_subtype_t subtype;
      uint32_t length = 0;
      const uint8_t* data = nullptr;
      bson_iter_binary(&iter, &subtype, &length, &data);
      tag.faceimage = std::string(reinterpret_cast<const char*>(data), length);
      continue;
    }

    auto text = bson_string(iter);
    if (!text) return malformed("tag." + std::string(key) + " is not a string");
    if (key == "gatenum") {
      tag.gatenum = std::move(*text);
    } else if (key == "hasdata") {
      tag.hasdata = std::move(*text);
    } else if (auto* field = optional_string_field(tag, key)) {
      *field = std::move(*text);
    }
  }
  return Status::ok();
}

Result<LegacyReply> decode_bson(std::string_view body) {
  bson_t doc;
  if (!bson_init_static(&doc, reinterpret_cast<const uint8_t*>(body.data()),
                        body.size())) {
    return malformed("reply is not a BSON document");
  }
  size_t error_offset = 0;
  if (!bson_validate(&doc, BSON_VALIDATE_UTF8, &error_offset)) {
    return malformed("invalid BSON at offset " + std::to_string(error_offset));
  }

  LegacyReply reply;
  bool have_errcode = false;
  bson_iter_t iter;
  bson_iter_init(&iter, &doc);
  while (bson_iter_next(&iter)) {
    std::string_view key = bson_iter_key(&iter);
    if (BSON_ITER_HOLDS_NULL(&iter)) continue;
    if (key == "errcode") {
      auto number = bson_int(iter);
      if (!number) return malformed("errcode is not an integer");
      reply.errcode = *number;
      have_errcode = true;
    } else if (key == "errmsg") {
      auto text = bson_string(iter);
      if (!text) return malformed("errmsg is not a string");
      reply.errmsg = std::move(*text);
    } else if (key == "tag") {
      bson_iter_t child;
      if (!BSON_ITER_HOLDS_DOCUMENT(&iter) ||
          !bson_iter_recurse(&iter, &child)) {
        return malformed("tag is not a document");
      }
      reply.tag.emplace();
      Status read = read_bson_tag(child, *reply.tag);
      if (!read.is_ok()) return read;
    }
  }
  if (!have_errcode) return malformed("reply has no errcode");
  return reply;
}

const char* format_name(wire::Format format) {
  switch (format) {
    case wire::Format::kJson:
      return "JSON";
    case wire::Format::kXml:
      return "XML";
    case wire::Format::kForm:
      return "form";
    case wire::Format::kBson:
      return "BSON";
  }
  return "?";
}

}  // namespace

std::string_view sync_content_type(wire::Format format) {
  switch (format) {
    case wire::Format::kJson:
      return "application/json";
    case wire::Format::kXml:
      return "application/xml";
    case wire::Format::kForm:
      return "application/x-www-form-urlencoded";
    case wire::Format::kBson:
      return "application/bson";
  }
  return "application/json";
}

wire::Format reply_format(wire::Format format) {
  return format == wire::Format::kForm ? wire::Format::kJson : format;
}

std::string encode_sync_request(wire::Format format,
                                const wire::SyncRequest& request) {
  switch (format) {
    case wire::Format::kJson:
      return encode_json(request);
    case wire::Format::kXml:
      return encode_xml(request);
    case wire::Format::kForm:
      return encode_form(request);
    case wire::Format::kBson:
      return encode_bson(request);
  }
  return {};
}

Result<LegacyReply> decode_sync_reply(wire::Format format,
                                      std::string_view body) {
  switch (format) {
    case wire::Format::kJson:
      return decode_json(body);
    case wire::Format::kXml:
      return decode_xml(body);
    case wire::Format::kBson:
      return decode_bson(body);
    case wire::Format::kForm:
      break;
  }
  return malformed("form is not a reply format");
}

LegacyClient::LegacyClient(http::Url url, wire::Format format,
                           std::chrono::milliseconds timeout)
    : client_(std::move(url), timeout), format_(format) {}

Result<LegacyReply> LegacyClient::next(std::string_view gatenum,
                                       int32_t lastsuccessindex) {
  wire::SyncRequest request{std::string(gatenum), lastsuccessindex};
  auto sent = client_.send(http::beast_http::verb::post, kSyncTarget,
                           encode_sync_request(format_, request),
                           sync_content_type(format_));
  if (!sent.is_ok()) return sent.status();
  const http::Response& response = *sent;

  // Read the body in the format its Content-Type names, so that an error
  // answered in another format still yields its errmsg.
  auto content_type = response[http::beast_http::field::content_type];
  auto answered = wire::request_format(
      std::string_view(content_type.data(), content_type.size()));
  Result<LegacyReply> reply =
      answered.is_ok() && *answered != wire::Format::kForm
          ? decode_sync_reply(*answered, response.body())
          : Result<LegacyReply>(malformed("reply Content-Type is '" +
                                          std::string(content_type) + "'"));

  std::string where = "HTTP " + std::to_string(response.result_int());
  if (response.result_int() != 200) {
    std::string detail = where;
    if (reply.is_ok() && !reply->errmsg.empty()) {
      detail +=
          ", errcode " + std::to_string(reply->errcode) + ": " + reply->errmsg;
    }
    return Status(ErrorCode::kUnavailable, detail);
  }
  if (!reply.is_ok()) {
    return Status(ErrorCode::kUnavailable,
                  where + ": " + reply.status().detail());
  }
  if (*answered != reply_format(format_)) {
    return Status(ErrorCode::kUnavailable,
                  where + ": a " + format_name(format_) +
                      " request was answered in " + format_name(*answered));
  }
  return reply;
}

}  // namespace facesync::gatesim
