#include "api/legacy_sync.h"

#include <cstdio>

#include <spdlog/spdlog.h>

#include "api/errors.h"
#include "api/legacy_exchange.h"
#include "wire/format.h"
#include "wire/sync_message.h"

namespace facesync::api {

namespace beast_http = boost::beast::http;

namespace {

void write_reply(const wire::SyncReply& reply, wire::ResponseType type,
                 beast_http::status status, http::Response& response) {
  write_legacy_reply(reply, type, status, response, &wire::encode_sync_reply);
}

void write_error(const Status& why, wire::ResponseType type,
                 http::Response& response) {
  write_legacy_error(why, type, response, &wire::encode_sync_reply);
}

}  // namespace

std::string format_date(int32_t yyyymmdd, std::string_view pattern) {
  char year[8], month[4], day[4];
  std::snprintf(year, sizeof year, "%04d", yyyymmdd / 10000);
  std::snprintf(month, sizeof month, "%02d", yyyymmdd / 100 % 100);
  std::snprintf(day, sizeof day, "%02d", yyyymmdd % 100);

  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    std::string_view rest = pattern.substr(i);
    if (rest.starts_with("yyyy")) {
      out += year;
      i += 4;
    } else if (rest.starts_with("MM")) {
      out += month;
      i += 2;
    } else if (rest.starts_with("dd")) {
      out += day;
      i += 2;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

const std::string& op_letter(store::EventKind kind,
                             const LegacyValues& values) {
  switch (kind) {
    case store::EventKind::kNew:
      return values.op_new;
    case store::EventKind::kReplaced:
      return values.op_replaced;
    case store::EventKind::kRemoved:
      return values.op_removed;
  }
  return values.op_new;
}

void serve_legacy_sync(const http::Request& request, const http::Peer& peer,
                       sync::FaceLog& log, sync::GateRegistry& registry,
                       const ApiOptions& options, http::Response& response) {
  LegacyExchange exchange = negotiate_legacy(request.base());
  wire::ResponseType type = exchange.answer;
  if (!exchange.request.is_ok()) {
    return write_error(exchange.request.status(), type, response);
  }

  auto asked = wire::decode_sync_request(*exchange.request, request.body());
  if (!asked.is_ok()) return write_error(asked.status(), type, response);

  auto admitted =
      registry.admit(asked->gatenum, peer.address, asked->lastsuccessindex);
  if (!admitted.is_ok()) return write_error(admitted.status(), type, response);

  auto next = log.next_for_gate(admitted->view(), admitted->cursor);
  if (!next.is_ok()) {
    spdlog::error("legacy sync: gate {} after {}: {}", asked->gatenum,
                  admitted->cursor, next.status().to_string());
    return write_error(next.status(), type, response);
  }

  // Caught up: the cursor is echoed and the face fields stay unset.
  const LegacyValues& values = options.legacy;
  wire::SyncReply reply;
  wire::SyncTag& tag = reply.tag.emplace();
  tag.gatenum = asked->gatenum;
  tag.additionaltemplateinfo = 0;
  if (!next->has_value()) {
    tag.recordindex = admitted->cursor;
    tag.hasdata = values.hasdata_no;
    return write_reply(reply, type, beast_http::status::ok, response);
  }

  const store::Event& event = **next;
  std::string begin = format_date(event.valid_from, values.date_format);
  std::string end = format_date(event.valid_until, values.date_format);
  tag.recordindex = event.index;
  tag.hasdata = values.hasdata_yes;
  tag.ticketcode = event.ticket_code;
  tag.op = op_letter(event.kind, values);
  tag.effdatebegin = begin;
  tag.effdateend = end;
  if (store::is_live(event.kind)) tag.faceimage = event.image;
  tag.additionaltemplateinfo = event.template_info;
  write_reply(reply, type, beast_http::status::ok, response);
}

void reject_legacy_sync(const Status& why, const http::RequestHead& head,
                        http::Response& response) {
  write_error(why, negotiate_legacy(head).answer, response);
}

}  // namespace facesync::api
