// POST api/CheckTicket/FaceInfo/Sync: a gate asks for the next face record
// after the last one it applied.
#ifndef FACESYNC_API_LEGACY_SYNC_H_
#define FACESYNC_API_LEGACY_SYNC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "api/api_options.h"
#include "http/handler.h"
#include "store/face_event.h"
#include "sync/face_log.h"
#include "sync/gate_registry.h"

namespace facesync::api {

// Answers one sync request in the format content negotiation picks: admits
// the gate to the registry (which may refuse it, or restart its cursor),
// then sends the next event meant for it.
void serve_legacy_sync(const http::Request& request, const http::Peer& peer,
                       sync::FaceLog& log, sync::GateRegistry& registry,
                       const ApiOptions& options, http::Response& response);

// Answers a request the legacy endpoint refused (bad framing, size, method,
// content type) with an errcode envelope in the negotiated format.
void reject_legacy_sync(const Status& why, const http::RequestHead& head,
                        http::Response& response);

// 20261231 written with `pattern` ("yyyyMMdd" -> "20261231",
// "yyyy-MM-dd" -> "2026-12-31").
std::string format_date(int32_t yyyymmdd, std::string_view pattern);

// The configured letter for an event kind.
const std::string& op_letter(store::EventKind kind, const LegacyValues& values);

}  // namespace facesync::api

#endif  // FACESYNC_API_LEGACY_SYNC_H_
