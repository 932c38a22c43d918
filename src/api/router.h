// Router: the http::Handler of facesync. Finds the endpoint for a request
// and turns every failure into one answer shape (api/errors.h).
#ifndef FACESYNC_API_ROUTER_H_
#define FACESYNC_API_ROUTER_H_

#include "api/api_options.h"
#include "http/handler.h"
#include "sync/face_log.h"

namespace facesync::api {

// Serves the legacy endpoint, the v2 API and /healthz. Holds references to
// the FaceLog and Store, which must outlive it. Thread-safe, as
// http::Handler requires.
class Router final : public http::Handler {
 public:
  Router(sync::FaceLog& log, store::Store& store, ApiOptions options);

  size_t body_limit(const http::RequestHead& head) override;
  void handle(const http::Request& request, const http::Peer& peer,
              http::Response& response) override;
  void reject(const Status& why, const http::RequestHead& head,
              http::Response& response) override;

 private:
  void serve_health(http::Response& response);

  sync::FaceLog& log_;
  store::Store& store_;
  ApiOptions options_;
};

}  // namespace facesync::api

#endif  // FACESYNC_API_ROUTER_H_
