#include "api/total_scan.h"

#include <spdlog/spdlog.h>

#include "api/errors.h"
#include "api/legacy_exchange.h"
#include "wire/total_scan_message.h"

namespace facesync::api {

namespace beast_http = boost::beast::http;

namespace {

void write_reply(const wire::TotalScanReply& reply, wire::ResponseType type,
                 beast_http::status status, http::Response& response) {
  write_legacy_reply(reply, type, status, response,
                     &wire::encode_total_scan_reply);
}

void write_error(const Status& why, wire::ResponseType type,
                 http::Response& response) {
  write_legacy_error(why, type, response, &wire::encode_total_scan_reply);
}

}  // namespace

void serve_total_scan(const http::Request& request, sync::FaceLog& log,
                      int32_t today, http::Response& response) {
  LegacyExchange exchange = negotiate_legacy(request.base());
  wire::ResponseType type = exchange.answer;
  if (!exchange.request.is_ok()) {
    return write_error(exchange.request.status(), type, response);
  }
  auto asked =
      wire::decode_total_scan_request(*exchange.request, request.body());
  if (!asked.is_ok()) return write_error(asked.status(), type, response);

  auto page = log.expire_page(asked->firstlbsbh, kTotalScanPage, today);
  if (!page.is_ok()) {
    spdlog::error("total scan: gate {} after '{}': {}", asked->gatenum,
                  asked->firstlbsbh, page.status().to_string());
    return write_error(page.status(), type, response);
  }
  if (page->expired > 0) {
    spdlog::info("total scan: gate {} expired {} of {} faces after '{}'",
                 asked->gatenum, page->expired, page->scanned,
                 asked->firstlbsbh);
  }

  wire::TotalScanReply reply;
  wire::TotalScanTag& tag = reply.tag.emplace();
  tag.hasmorepage = page->has_more ? "1" : "0";
  tag.lastlbsbh = page->last_ticket;
  write_reply(reply, type, beast_http::status::ok, response);
}

void reject_total_scan(const Status& why, const http::RequestHead& head,
                       http::Response& response) {
  write_error(why, negotiate_legacy(head).answer, response);
}

}  // namespace facesync::api
