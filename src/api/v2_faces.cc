#include "api/v2_faces.h"

#include <charconv>

#include <sodium.h>
#include <spdlog/spdlog.h>

#include "api/errors.h"
#include "http/target.h"
#include "wire/face_upload.h"
#include "wire/json_writer.h"

namespace facesync::api {

namespace beast_http = boost::beast::http;

namespace {

constexpr size_t kMaxPage = 1000;

const char* kind_letter(store::EventKind kind) {
  switch (kind) {
    case store::EventKind::kNew:
      return "I";
    case store::EventKind::kReplaced:
      return "U";
    case store::EventKind::kRemoved:
      return "D";
  }
  return "?";
}

std::string hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(),
                 reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

std::string date_text(int32_t yyyymmdd) {
  char text[16];
  std::snprintf(text, sizeof text, "%08d", yyyymmdd);
  return text;
}

void write_face(const store::Event& face, wire::JsonWriter& json) {
  json.begin_object();
  json.key("ticketcode").string(face.ticket_code);
  json.key("recordindex").number(face.index);
  json.key("op").string(kind_letter(face.kind));
  json.key("gate").string(face.source_gate);
  json.key("effdatebegin").string(date_text(face.valid_from));
  json.key("effdateend").string(date_text(face.valid_until));
  json.key("additionaltemplateinfo").number(face.template_info);
  json.key("sites").begin_array();
  for (const std::string& site : face.sites)
    json.string(site);
  json.end_array();
  json.key("image_sha256").string(hex(face.image_sha256));
  json.end_object();
}

void write_appended(const sync::Appended& appended, bool created,
                    http::Response& response) {
  std::string body;
  wire::JsonWriter(&body)
      .begin_object()
      .key("recordindex")
      .number(appended.index)
      .key("op")
      .string(kind_letter(appended.kind))
      .end_object();
  write_json(created ? beast_http::status::created : beast_http::status::ok,
             std::move(body), response);
}

void put_face(const http::Request& request, std::string_view ticket,
              sync::FaceLog& log, const ApiOptions& options,
              http::Response& response) {
  std::string_view type =
      http::to_std(request[beast_http::field::content_type]);
  if (!http::media_type_is(type, "application/json")) {
    return write_v2_error(
        Status(ErrorCode::kUnsupportedMediaType, "send application/json"),
        response);
  }
  auto upload =
      wire::decode_face_upload(request.body(), options.max_image_bytes);
  if (!upload.is_ok()) return write_v2_error(upload.status(), response);

  sync::Enrollment enrollment;
  enrollment.ticket_code = std::string(ticket);
  enrollment.image = std::move(upload->image);
  enrollment.source_gate = std::move(upload->gate);
  enrollment.valid_from = std::move(upload->effdatebegin);
  enrollment.valid_until = std::move(upload->effdateend);
  enrollment.template_info = upload->additionaltemplateinfo;
  enrollment.sites = std::move(upload->sites);
  auto appended = log.enroll(enrollment);
  if (!appended.is_ok()) return write_v2_error(appended.status(), response);

  spdlog::info("faces: ticket {} enrolled as record {} ({}{})", ticket,
               appended->index, kind_letter(appended->kind),
               appended->appended ? "" : ", unchanged");
  write_appended(*appended, appended->appended, response);
}

void delete_face(std::string_view ticket, sync::FaceLog& log,
                 http::Response& response) {
  auto appended = log.revoke(ticket);
  if (!appended.is_ok()) return write_v2_error(appended.status(), response);
  spdlog::info("faces: ticket {} revoked as record {}", ticket,
               appended->index);
  write_appended(*appended, false, response);
}

void get_face(std::string_view ticket, sync::FaceLog& log,
              http::Response& response) {
  auto face = log.face(ticket);
  if (!face.is_ok()) return write_v2_error(face.status(), response);
  std::string body;
  wire::JsonWriter json(&body);
  write_face(*face, json);
  write_json(beast_http::status::ok, std::move(body), response);
}

}  // namespace

void write_json(beast_http::status status, std::string json,
                http::Response& response) {
  response.result(status);
  response.set(beast_http::field::content_type,
               "application/json; charset=utf-8");
  response.body() = std::move(json);
}

void write_v2_error(const Status& why, http::Response& response) {
  if (why.code() == ErrorCode::kStorage) {
    spdlog::error("v2: {}", why.to_string());
  }
  ErrorAnswer answer = describe_error(why, Audience::kV2);
  std::string body;
  wire::JsonWriter(&body)
      .begin_object()
      .key("errcode")
      .number(answer.errcode)
      .key("errmsg")
      .string(answer.errmsg)
      .end_object();
  write_json(answer.status, std::move(body), response);
}

void serve_face(const http::Request& request, std::string_view ticket,
                sync::FaceLog& log, const ApiOptions& options,
                http::Response& response) {
  switch (request.method()) {
    case beast_http::verb::put:
      return put_face(request, ticket, log, options, response);
    case beast_http::verb::delete_:
      return delete_face(ticket, log, response);
    case beast_http::verb::get:
      return get_face(ticket, log, response);
    default:
      response.set(beast_http::field::allow, "GET, PUT, DELETE");
      return write_v2_error(
          Status(ErrorCode::kMethodNotAllowed, "use GET, PUT or DELETE"),
          response);
  }
}

void serve_face_list(const http::Request& request, sync::FaceLog& log,
                     http::Response& response) {
  if (request.method() != beast_http::verb::get) {
    response.set(beast_http::field::allow, "GET");
    return write_v2_error(Status(ErrorCode::kMethodNotAllowed, "use GET"),
                          response);
  }

  auto params = http::QueryParams(http::to_std(request.target()));
  std::string after = params.get("after");
  size_t limit = kMaxPage;
  if (auto text = params.get("limit"); !text.empty()) {
    auto [end, ec] =
        std::from_chars(text.data(), text.data() + text.size(), limit);
    if (ec != std::errc() || end != text.data() + text.size() || limit == 0 ||
        limit > kMaxPage) {
      return write_v2_error(
          Status(ErrorCode::kBadQuery, "limit must be 1 to 1000"), response);
    }
  }

  auto faces = log.live_faces(after, limit);
  if (!faces.is_ok()) return write_v2_error(faces.status(), response);

  std::string body;
  wire::JsonWriter json(&body);
  json.begin_object().key("faces").begin_array();
  for (const store::Event& face : *faces)
    write_face(face, json);
  json.end_array().key("next");
  if (faces->size() == limit) {
    json.string(faces->back().ticket_code);
  } else {
    json.null();
  }
  json.end_object();
  write_json(beast_http::status::ok, std::move(body), response);
}

}  // namespace facesync::api
