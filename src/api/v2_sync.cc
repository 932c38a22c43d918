#include "api/v2_sync.h"

#include <charconv>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "api/legacy_sync.h"
#include "api/v2_faces.h"
#include "http/target.h"
#include "wire/json_writer.h"

namespace facesync::api {

namespace beast_http = boost::beast::http;

namespace {

constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 1000;

// A batch request, as the query gives it.
struct SyncQuery {
  std::string gate;
  int64_t after = 0;
  size_t limit = kDefaultLimit;
  int64_t wait_seconds = 0;
};

// `text` as an integer in [low, high]; `fallback` when empty.
template <typename T>
std::optional<T> parse_in(const std::string& text, T low, T high, T fallback) {
  if (text.empty()) return fallback;
  T value{};
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < low ||
      value > high) {
    return std::nullopt;
  }
  return value;
}

Result<SyncQuery> parse_query(std::string_view target,
                              const ApiOptions& options) {
  http::QueryParams params(target);
  SyncQuery query;
  query.gate = params.get("gate");

  auto after = parse_in<int64_t>(params.get("after"), 0, INT32_MAX, 0);
  if (!after) {
    return Status(ErrorCode::kBadLastSuccessIndex,
                  "after must be 0 to 2147483647");
  }
  auto limit =
      parse_in<size_t>(params.get("limit"), 1, kMaxLimit, kDefaultLimit);
  if (!limit) return Status(ErrorCode::kBadQuery, "limit must be 1 to 1000");
  auto wait =
      parse_in<int64_t>(params.get("wait"), 0, options.max_wait_seconds, 0);
  if (!wait) {
    return Status(ErrorCode::kBadQuery,
                  "wait must be 0 to " +
                      std::to_string(options.max_wait_seconds) + " seconds");
  }
  query.after = *after;
  query.limit = *limit;
  query.wait_seconds = *wait;
  return query;
}

void write_record(const store::Event& event, const LegacyValues& values,
                  wire::JsonWriter& json) {
  json.begin_object();
  json.key("recordindex").number(event.index);
  json.key("ticketcode").string(event.ticket_code);
  json.key("op").string(op_letter(event.kind, values));
  json.key("effdatebegin")
      .string(format_date(event.valid_from, values.date_format));
  json.key("effdateend")
      .string(format_date(event.valid_until, values.date_format));
  json.key("faceimage");
  if (store::is_live(event.kind)) {
    json.base64(event.image);
  } else {
    json.null();
  }
  json.key("additionaltemplateinfo").number(event.template_info);
  json.end_object();
}

std::string encode_batch(std::string_view gate, int64_t after,
                         const std::vector<store::Event>& events, bool more,
                         const LegacyValues& values) {
  std::string body;
  wire::JsonWriter json(&body);
  json.begin_object();
  json.key("errcode").number(0);
  json.key("errmsg").string("");
  json.key("gatenum").string(gate);
  json.key("after").number(after);
  json.key("last").number(events.empty() ? after : events.back().index);
  json.key("more").boolean(more);
  json.key("records").begin_array();
  for (const store::Event& event : events)
    write_record(event, values, json);
  json.end_array();
  json.end_object();
  return body;
}

// One batch for an admitted gate: the events, and whether it was cut.
struct Batch {
  std::vector<store::Event> events;
  bool more = false;
};

Result<Batch> read_batch(const Services& services, const ApiOptions& options,
                         const sync::Admitted& admitted, size_t limit) {
  auto events = services.log.next_batch_for_gate(
      admitted.view(), admitted.cursor, limit, options.sync_batch_image_bytes);
  if (!events.is_ok()) return events.status();
  Batch batch;
  size_t image_bytes = 0;
  for (const store::Event& event : *events)
    image_bytes += event.image.size();
  batch.more =
      events->size() == limit || image_bytes >= options.sync_batch_image_bytes;
  batch.events = std::move(events).value();
  return batch;
}

http::Response json_response(beast_http::status status, std::string body) {
  http::Response response;
  write_json(status, std::move(body), response);
  return response;
}

// Parks the request on the long poll: each check reads the batch again;
// the first that finds events (or fails) answers; the deadline answers
// with an empty batch.
void wait_for_news(const Services& services, const ApiOptions& options,
                   const SyncQuery& query, const sync::Admitted& admitted,
                   uint64_t seen, http::Deferral& deferral) {
  http::LateReply later = deferral.defer();
  auto check = [services, &options, query, admitted, later] {
    Result<Batch> batch = read_batch(services, options, admitted, query.limit);
    if (batch.is_ok() && batch->events.empty()) return false;
    http::Response response;
    if (!batch.is_ok()) {
      write_v2_error(batch.status(), response);
    } else {
      write_json(beast_http::status::ok,
                 encode_batch(query.gate, admitted.cursor, batch->events,
                              batch->more, options.legacy),
                 response);
    }
    later.send(std::move(response));
    return true;
  };
  auto timeout = [&options, query, admitted, later] {
    later.send(json_response(
        beast_http::status::ok,
        encode_batch(query.gate, admitted.cursor, {}, false, options.legacy)));
  };
  auto deadline =
      LongPoll::Clock::now() + std::chrono::seconds(query.wait_seconds);
  services.long_poll->park(std::move(check), std::move(timeout), deadline,
                           seen);
}

}  // namespace

void serve_v2_sync(const http::Request& request, const http::Peer& peer,
                   const Services& services, const ApiOptions& options,
                   http::Deferral& deferral, http::Response& response) {
  if (request.method() != beast_http::verb::get) {
    response.set(beast_http::field::allow, "GET");
    return write_v2_error(Status(ErrorCode::kMethodNotAllowed, "use GET"),
                          response);
  }
  auto query = parse_query(http::to_std(request.target()), options);
  if (!query.is_ok()) return write_v2_error(query.status(), response);

  auto admitted =
      services.registry.admit(query->gate, peer.address, query->after);
  if (!admitted.is_ok()) return write_v2_error(admitted.status(), response);

  // Read news() before the batch, so a commit after the read wakes the
  // poll.
  const bool may_wait = query->wait_seconds > 0 && services.long_poll;
  const uint64_t seen = may_wait ? services.long_poll->news() : 0;
  auto batch = read_batch(services, options, *admitted, query->limit);
  if (!batch.is_ok()) return write_v2_error(batch.status(), response);
  if (batch->events.empty() && may_wait) {
    return wait_for_news(services, options, *query, *admitted, seen, deferral);
  }
  write_json(beast_http::status::ok,
             encode_batch(query->gate, admitted->cursor, batch->events,
                          batch->more, options.legacy),
             response);
}

}  // namespace facesync::api
