#include "api/v2_gates.h"

#include <ctime>

#include <spdlog/spdlog.h>

#include "api/v2_faces.h"
#include "http/target.h"
#include "wire/gate_settings_body.h"
#include "wire/json_writer.h"

namespace facesync::api {

namespace beast_http = boost::beast::http;

namespace {

// Unix seconds as UTC ISO 8601 ("2026-12-03T08:00:00Z"); 0 is null.
void write_time(int64_t seconds, wire::JsonWriter& json) {
  if (seconds == 0) {
    json.null();
    return;
  }
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  json.string(text);
}

// The events still meant for the gate; null in JSON when the store fails.
void write_lag(const store::GateRecord& gate, store::Store& store,
               wire::JsonWriter& json) {
  store::GateView view{gate.gatenum, gate.site, gate.own_until};
  auto lag = store.count_for_gate(view, gate.cursor);
  if (lag.is_ok()) {
    json.number(*lag);
  } else {
    json.null();
  }
}

void write_gate(const store::GateRecord& gate, store::Store& store,
                wire::JsonWriter& json) {
  json.begin_object();
  json.key("gatenum").string(gate.gatenum);
  json.key("name").string(gate.name);
  json.key("site").string(gate.site);
  json.key("enabled").boolean(gate.enabled);
  json.key("addresses").begin_array();
  for (const std::string& address : gate.addresses)
    json.string(address);
  json.end_array();
  json.key("cursor").number(gate.cursor);
  json.key("lag");
  write_lag(gate, store, json);
  json.key("requests").number(gate.requests);
  json.key("created");
  write_time(gate.created_at, json);
  json.key("last_seen");
  write_time(gate.last_seen, json);
  json.key("last_address").string(gate.last_address);
  json.key("needs_resync").boolean(gate.needs_resync);
  json.key("resync_reason").string(gate.resync_reason);
  json.end_object();
}

void answer_gate(beast_http::status status, const store::GateRecord& gate,
                 store::Store& store, http::Response& response) {
  std::string body;
  wire::JsonWriter json(&body);
  write_gate(gate, store, json);
  write_json(status, std::move(body), response);
}

void put_gate(const http::Request& request, std::string_view gatenum,
              sync::GateRegistry& registry, store::Store& store,
              http::Response& response) {
  if (!http::media_type_is(
          http::to_std(request[beast_http::field::content_type]),
          "application/json")) {
    return write_v2_error(
        Status(ErrorCode::kUnsupportedMediaType, "send application/json"),
        response);
  }
  auto body = wire::decode_gate_settings(request.body());
  if (!body.is_ok()) return write_v2_error(body.status(), response);

  sync::GateSettings settings;
  settings.gatenum = std::string(gatenum);
  settings.name = std::move(body->name);
  settings.site = std::move(body->site);
  settings.enabled = body->enabled;
  settings.addresses = std::move(body->addresses);
  bool existed = registry.get(gatenum).is_ok();
  auto gate = registry.put(settings);
  if (!gate.is_ok()) return write_v2_error(gate.status(), response);

  spdlog::info("gates: gate {} {} (site '{}', {})", gatenum,
               existed ? "updated" : "registered", gate->site,
               gate->enabled ? "enabled" : "disabled");
  answer_gate(existed ? beast_http::status::ok : beast_http::status::created,
              *gate, store, response);
}

void delete_gate(std::string_view gatenum, sync::GateRegistry& registry,
                 http::Response& response) {
  Status removed = registry.remove(gatenum);
  if (!removed.is_ok()) return write_v2_error(removed, response);
  spdlog::info("gates: gate {} removed from the registry", gatenum);
  response.result(beast_http::status::no_content);
}

}  // namespace

void serve_gate_list(const http::Request& request, sync::GateRegistry& registry,
                     store::Store& store, http::Response& response) {
  if (request.method() != beast_http::verb::get) {
    response.set(beast_http::field::allow, "GET");
    return write_v2_error(Status(ErrorCode::kMethodNotAllowed, "use GET"),
                          response);
  }
  std::string body;
  wire::JsonWriter json(&body);
  json.begin_object().key("gates").begin_array();
  for (const store::GateRecord& gate : registry.list()) {
    write_gate(gate, store, json);
  }
  json.end_array().end_object();
  write_json(beast_http::status::ok, std::move(body), response);
}

void serve_gate(const http::Request& request, std::string_view gatenum,
                sync::GateRegistry& registry, store::Store& store,
                http::Response& response) {
  switch (request.method()) {
    case beast_http::verb::get: {
      auto gate = registry.get(gatenum);
      if (!gate.is_ok()) return write_v2_error(gate.status(), response);
      return answer_gate(beast_http::status::ok, *gate, store, response);
    }
    case beast_http::verb::put:
      return put_gate(request, gatenum, registry, store, response);
    case beast_http::verb::delete_:
      return delete_gate(gatenum, registry, response);
    default:
      response.set(beast_http::field::allow, "GET, PUT, DELETE");
      return write_v2_error(
          Status(ErrorCode::kMethodNotAllowed, "use GET, PUT or DELETE"),
          response);
  }
}

}  // namespace facesync::api
