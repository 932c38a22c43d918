// Router: the http::Handler of facesync. Finds the endpoint for a request
// and turns every failure into one answer shape (api/errors.h).
#ifndef FACESYNC_API_ROUTER_H_
#define FACESYNC_API_ROUTER_H_

#include "api/api_options.h"
#include "api/services.h"
#include "http/handler.h"

namespace facesync::api {

// Serves the legacy endpoints, the v2 API and /healthz. Thread-safe, as
// http::Handler requires.
class Router final : public http::Handler {
 public:
  Router(Services services, ApiOptions options);

  size_t body_limit(const http::RequestHead& head) override;
  void handle(const http::Request& request, const http::Peer& peer,
              http::Response& response) override;
  // GET /v2/sync may wait for news, and face writes and sweeps run on
  // services.writes; every other request is answered now.
  void handle_or_defer(const http::Request& request, const http::Peer& peer,
                       http::Response& response,
                       http::Deferral& deferral) override;
  void reject(const Status& why, const http::RequestHead& head,
              http::Response& response) override;

 private:
  void serve_legacy(const http::Request& request, const http::Peer& peer,
                    http::Response& response);
  void serve_health(http::Response& response);
  // Answers the request on services.writes, or 503 when too many wait.
  void defer_write(const http::Request& request, const http::Peer& peer,
                   http::Deferral& deferral);

  Services services_;
  ApiOptions options_;
};

}  // namespace facesync::api

#endif  // FACESYNC_API_ROUTER_H_
