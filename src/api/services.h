// Services: what the endpoints work on.
#ifndef FACESYNC_API_SERVICES_H_
#define FACESYNC_API_SERVICES_H_

#include <cstdint>
#include <functional>

#include "api/long_poll.h"
#include "base/work_pool.h"
#include "store/store.h"
#include "sync/face_log.h"
#include "sync/gate_registry.h"

namespace facesync::api {

// The referenced objects must outlive the endpoints that use them.
struct Services {
  sync::FaceLog& log;
  sync::GateRegistry& registry;
  store::Store& store;
  std::function<int32_t()> today;  // the site's date, yyyymmdd
  // Where GET /v2/sync waits for news; null: it never waits.
  LongPoll* long_poll = nullptr;
  // Where face writes and sweeps run, off the I/O threads, while they wait
  // for the disk; null: on the I/O thread.
  WorkPool* writes = nullptr;
};

}  // namespace facesync::api

#endif  // FACESYNC_API_SERVICES_H_
