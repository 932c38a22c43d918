// The v2 gate API: GET /v2/gates, and GET, PUT and DELETE
// /v2/gates/{gatenum}. JSON in and out.
#ifndef FACESYNC_API_V2_GATES_H_
#define FACESYNC_API_V2_GATES_H_

#include <string_view>

#include "http/handler.h"
#include "store/store.h"
#include "sync/gate_registry.h"

namespace facesync::api {

// GET /v2/gates: {"gates": [gate, ...]} by gate number.
void serve_gate_list(const http::Request& request, sync::GateRegistry& registry,
                     store::Store& store, http::Response& response);

// One gate; `gatenum` is the percent-decoded path segment.
void serve_gate(const http::Request& request, std::string_view gatenum,
                sync::GateRegistry& registry, store::Store& store,
                http::Response& response);

}  // namespace facesync::api

#endif  // FACESYNC_API_V2_GATES_H_
