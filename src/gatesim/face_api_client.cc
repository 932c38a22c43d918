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

std::string gate_target(std::string_view gatenum) {
  return "/v2/gates/" + percent_encoded(gatenum);
}

// The Status for an answer with an error status: the server's errmsg and
// errcode when the body carries them. A 404 gets `not_found`.
Status answer_error(const http::Response& response,
                    ErrorCode not_found = ErrorCode::kFaceNotFound) {
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
  ErrorCode code =
      response.result_int() == 404 ? not_found : ErrorCode::kUnavailable;
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

// Reads an array of strings into `out`; an absent or null field leaves it
// empty. False when the field is something else.
bool read_strings(simdjson::dom::object object, const char* name,
                  std::vector<std::string>& out) {
  simdjson::dom::element field;
  if (object[name].get(field) || field.is_null()) return true;
  simdjson::dom::array array;
  if (field.get_array().get(array)) return false;
  for (simdjson::dom::element item : array) {
    std::string_view text;
    if (item.get_string().get(text)) return false;
    out.emplace_back(text);
  }
  return true;
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
  // A server without sites sends none: every gate receives the face.
  if (!read_strings(object, "sites", face.sites)) {
    return malformed("ticket " + face.ticketcode + ": sites is not a list");
  }
  return face;
}

// Reads "last_seen": a time, or null for a gate that never synced.
bool read_last_seen(simdjson::dom::object object,
                    std::optional<std::string>& out) {
  simdjson::dom::element field;
  if (object["last_seen"].get(field) || field.is_null()) return true;
  std::string_view text;
  if (field.get_string().get(text)) return false;
  out = std::string(text);
  return true;
}

Result<RegisteredGate> read_gate(simdjson::dom::object object) {
  RegisteredGate gate;
  GateSettings& settings = gate.settings;
  std::string_view text;
  auto string_field = [&](const char* name, std::string& out) {
    if (object[name].get_string().get(text)) return false;
    out = text;
    return true;
  };

  bool complete = string_field("gatenum", settings.gatenum) &&
                  string_field("name", settings.name) &&
                  string_field("site", settings.site) &&
                  !object["enabled"].get_bool().get(settings.enabled) &&
                  read_strings(object, "addresses", settings.addresses) &&
                  !object["cursor"].get_int64().get(gate.cursor) &&
                  !object["requests"].get_int64().get(gate.requests) &&
                  read_last_seen(object, gate.last_seen) &&
                  !object["needs_resync"].get_bool().get(gate.needs_resync);
  if (!complete) return malformed("a gate in the answer lacks a field");

  // Informative fields; lag is null when the server could not count it.
  int64_t lag = 0;
  if (!object["lag"].get_int64().get(lag)) gate.lag = lag;
  string_field("created", gate.created);
  string_field("last_address", gate.last_address);
  string_field("resync_reason", gate.resync_reason);
  return gate;
}

Result<RegisteredGate> read_gate_answer(const http::Response& response) {
  auto object = parse_object(response.body());
  if (!object.is_ok()) return object.status();
  return read_gate(*object);
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
  if (!face.sites.empty()) {
    json.key("sites").begin_array();
    for (const std::string& site : face.sites)
      json.string(site);
    json.end_array();
  }
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

Result<std::vector<RegisteredGate>> FaceApiClient::gates() {
  auto answer = request(Verb::get, "/v2/gates");
  if (!answer.is_ok()) return answer.status();
  if (answer->result_int() != 200) return answer_error(*answer);

  auto object = parse_object(answer->body());
  if (!object.is_ok()) return object.status();
  simdjson::dom::array gates;
  if ((*object)["gates"].get_array().get(gates)) {
    return malformed("answer has no gates array");
  }

  std::vector<RegisteredGate> out;
  for (simdjson::dom::element element : gates) {
    simdjson::dom::object gate_object;
    if (element.get_object().get(gate_object)) {
      return malformed("a gate in the answer is not an object");
    }
    auto gate = read_gate(gate_object);
    if (!gate.is_ok()) return gate.status();
    out.push_back(std::move(gate).value());
  }
  return out;
}

Result<std::optional<RegisteredGate>> FaceApiClient::gate(
    std::string_view gatenum) {
  auto answer = request(Verb::get, gate_target(gatenum));
  if (!answer.is_ok()) return answer.status();
  if (answer->result_int() == 404) return std::optional<RegisteredGate>();
  if (answer->result_int() != 200) {
    return answer_error(*answer, ErrorCode::kUnknownGate);
  }

  auto gate = read_gate_answer(*answer);
  if (!gate.is_ok()) return gate.status();
  return std::optional<RegisteredGate>(std::move(gate).value());
}

Result<GatePut> FaceApiClient::put_gate(const GateSettings& settings) {
  std::string body;
  wire::JsonWriter json(&body);
  json.begin_object();
  json.key("name").string(settings.name);
  json.key("site").string(settings.site);
  json.key("enabled").boolean(settings.enabled);
  json.key("addresses").begin_array();
  for (const std::string& address : settings.addresses)
    json.string(address);
  json.end_array();
  json.end_object();

  auto answer =
      request(Verb::put, gate_target(settings.gatenum), std::move(body));
  if (!answer.is_ok()) return answer.status();
  int status = answer->result_int();
  if (status != 200 && status != 201) {
    return answer_error(*answer, ErrorCode::kUnknownGate);
  }

  auto gate = read_gate_answer(*answer);
  if (!gate.is_ok()) return gate.status();
  return GatePut{std::move(gate).value(), status == 201};
}

Result<SweepResult> FaceApiClient::sweep(std::optional<std::string_view> asof) {
  std::string target = "/v2/sweep";
  if (asof) target += "?asof=" + percent_encoded(*asof);
  auto answer = request(Verb::post, target);
  if (!answer.is_ok()) return answer.status();
  if (answer->result_int() != 200) return answer_error(*answer);

  auto object = parse_object(answer->body());
  if (!object.is_ok()) return object.status();
  SweepResult result;
  std::string_view day;
  if ((*object)["asof"].get_string().get(day) ||
      (*object)["expired"].get_int64().get(result.expired)) {
    return malformed("answer lacks asof or expired");
  }
  result.asof = day;
  return result;
}

}  // namespace facesync::gatesim
