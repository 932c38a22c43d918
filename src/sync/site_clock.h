// The site's calendar. Expiry and the nightly sweep follow the site's time
// zone, which the process adopts once at start-up (TZ), before it starts
// threads; the logs then show the site's local time too.
#ifndef FACESYNC_SYNC_SITE_CLOCK_H_
#define FACESYNC_SYNC_SITE_CLOCK_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "base/status.h"

namespace facesync::sync {

// Makes `zone` ("Asia/Shanghai") the process's time zone. kUnavailable
// when the system's zone database has no such zone. Not thread-safe: call
// it before starting threads.
Status use_site_time_zone(const std::string& zone);

// The date at `now` in the process's time zone, as yyyymmdd.
int32_t site_today(std::chrono::system_clock::time_point now =
                       std::chrono::system_clock::now());

// How long from `now` until the next hour:minute of local time (never 0: a
// time equal to now is the next day's).
std::chrono::seconds until_local_time(
    int hour, int minute,
    std::chrono::system_clock::time_point now =
        std::chrono::system_clock::now());

}  // namespace facesync::sync

#endif  // FACESYNC_SYNC_SITE_CLOCK_H_
