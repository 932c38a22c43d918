#include "gatesim/face_api_client.h"

#include <utility>

#include <simdjson.h>

#include "gatesim/percent_encode.h"
#include "wire/base64.h"
#include "wire/json_writer.h"

namespace facesync::gatesim {
namespace {

using Verb = http::beast_http::verb;

Status malformed(std::string detail) {
  return Status(ErrorCode::kMalformedBody, std::move(detail));
}

std::string face_target(std::string_view ticketcode) {
  return "/v2/faces/" + percent_encoded(ticketcode);
}

// Parses a JSON object answer; the element lives until the thread's next
// parse.
Result<simdjson::dom::object> parse_object(const std::string& body) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(body).get_object().get(object)) {
    return malformed("answer is not a JSON object: " + body.substr(0, 80));
  }
  return object;
}

// The Status for an answer with an error status: the server's errmsg and
// errcode when the body carries them.
Status answer_error(const http::Response& response) {
  std::string errmsg =
      "the server answered HTTP " + std::to_string(response.result_int());
  std::string where = "(HTTP " + std::to_string(response.result_int());

  auto object = parse_object(response.body());
  if (object.is_ok()) {
    std::string_view text;
    int64_t errcode = 0;
    if (!(*object)["errmsg"].get_string().get(text)) errmsg = text;
    if (!(*object)["errcode"].get_int64().get(errcode)) {
      where += ", errcode " + std::to_string(errcode);
    }
  }
  ErrorCode code = response.result_int() == 404 ? ErrorCode::kFaceNotFound
                                                : ErrorCode::kUnavailable;
  return Status(code, errmsg + " " + where + ")");
}

Result<FaceChange> read_change(const http::Response& response) {
  auto object = parse_object(response.body());
  if (!object.is_ok()) return object.status();

  FaceChange change;
  if ((*object)["recordindex"].get_int64().get(change.recordindex)) {
    return malformed("answer has no recordindex");
  }
  std::string_view op;
  if (!(*object)["op"].get_string().get(op)) change.op = op;
  return change;
}

Result<LiveFace> read_face(simdjson::dom::object object) {
  LiveFace face;
  std::string_view text;
  auto string_field = [&](const char* name, std::string& out) {
    if (object[name].get_string().get(text)) return false;
    out = text;
    return true;
  };

  bool complete = string_field("ticketcode", face.ticketcode) &&
                  !object["recordindex"].get_int64().get(face.recordindex) &&
                  string_field("effdatebegin", face.effdatebegin) &&
                  string_field("effdateend", face.effdateend) &&
                  !object["additionaltemplateinfo"].get_int64().get(
                      face.additionaltemplateinfo) &&
                  string_field("image_sha256", face.image_sha256);
  if (!complete) return malformed("a face in the answer lacks a field");

  // op and gate are informative; an absent or null gate means none.
  string_field("op", face.op);
  string_field("gate", face.gate);
  return face;
}

}  // namespace

FaceApiClient::FaceApiClient(http::Url url, std::chrono::milliseconds timeout)
    : client_(std::move(url), timeout) {}

Result<http::Response> FaceApiClient::request(http::beast_http::verb method,
                                              std::string_view target,
                                              std::string body) {
  std::string_view content_type = body.empty() ? "" : "application/json";
  return client_.send(method, target, std::move(body), content_type);
}

Result<FaceChange> FaceApiClient::enroll(const FaceToEnroll& face) {
  std::string body;
  wire::JsonWriter json(&body);
  json.begin_object().key("image").base64(face.image);
  if (!face.gate.empty()) json.key("gate").string(face.gate);
  json.key("effdatebegin").string(face.effdatebegin);
  json.key("effdateend").string(face.effdateend);
  json.key("additionaltemplateinfo").number(face.additionaltemplateinfo);
  json.end_object();

  auto answer =
      request(Verb::put, face_target(face.ticketcode), std::move(body));
  if (!answer.is_ok()) return answer.status();
  int status = answer->result_int();
  if (status != 200 && status != 201) return answer_error(*answer);

  auto change = read_change(*answer);
  if (change.is_ok()) change->appended = status == 201;
  return change;
}

Result<FaceChange> FaceApiClient::revoke(std::string_view ticketcode) {
  auto answer = request(Verb::delete_, face_target(ticketcode));
  if (!answer.is_ok()) return answer.status();
  if (answer->result_int() != 200) return answer_error(*answer);
  return read_change(*answer);
}

Result<std::optional<LiveFace>> FaceApiClient::face(
    std::string_view ticketcode) {
  auto answer = request(Verb::get, face_target(ticketcode));
  if (!answer.is_ok()) return answer.status();
  if (answer->result_int() == 404) return std::optional<LiveFace>();
  if (answer->result_int() != 200) return answer_error(*answer);

  auto object = parse_object(answer->body());
  if (!object.is_ok()) return object.status();
  auto face = read_face(*object);
  if (!face.is_ok()) return face.status();
  return std::optional<LiveFace>(std::move(face).value());
}

Result<LiveFacePage> FaceApiClient::live_faces(std::string_view after,
                                               int limit) {
  std::string target = "/v2/faces?limit=" + std::to_string(limit);
  if (!after.empty()) target += "&after=" + percent_encoded(after);
  auto answer = request(Verb::get, target);
  if (!answer.is_ok()) return answer.status();
  if (answer->result_int() != 200) return answer_error(*answer);

  auto object = parse_object(answer->body());
  if (!object.is_ok()) return object.status();
  simdjson::dom::array faces;
  if ((*object)["faces"].get_array().get(faces)) {
    return malformed("answer has no faces array");
  }

  LiveFacePage page;
  for (simdjson::dom::element element : faces) {
    simdjson::dom::object face_object;
    if (element.get_object().get(face_object)) {
      return malformed("a face in the answer is not an object");
    }
    auto face = read_face(face_object);
    if (!face.is_ok()) return face.status();
    page.faces.push_back(std::move(face).value());
  }
  std::string_view next;
  if (!(*object)["next"].get_string().get(next)) page.next = std::string(next);
  return page;
}

Result<std::vector<LiveFace>> FaceApiClient::all_live_faces() {
  std::vector<LiveFace> faces;
  std::string after;
  while (true) {
    auto page = live_faces(after);
    if (!page.is_ok()) return page.status();
    for (LiveFace& face : page->faces)
      faces.push_back(std::move(face));
    if (!page->next) return faces;

    // A cursor that does not move would page forever.
    if (*page->next <= after || page->faces.empty()) {
      return malformed("GET /v2/faces paged back to '" + *page->next + "'");
    }
    after = *page->next;
  }
}

}  // namespace facesync::gatesim
