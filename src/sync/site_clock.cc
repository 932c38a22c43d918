#include "sync/site_clock.h"

#include <stdlib.h>  // setenv
#include <time.h>    // localtime_r, mktime, tzset

#include <ctime>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace facesync::sync {

namespace {

constexpr char kZoneInfo[] = "/usr/share/zoneinfo/";

// A zone name as the zone database spells them ("Asia/Shanghai",
// "Etc/GMT+8"): relative, no "..", nothing but letters, digits and _ - + /.
bool is_zone_name(std::string_view zone) {
  if (zone.empty() || zone.front() == '/') return false;
  if (zone.find("..") != std::string_view::npos) return false;
  for (char c : zone) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                       (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                       c == '+' || c == '/';
    if (!plain) return false;
  }
  return true;
}

std::tm local_time(std::chrono::system_clock::time_point when) {
  const time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm local{};
  localtime_r(&seconds, &local);
  return local;
}

// hour:minute local time, `days_ahead` days after the local date of `now`.
// mktime works out the offset (and any daylight saving change) of that
// local time, and carries a day past the month's end into the next.
std::chrono::system_clock::time_point local_at(
    std::chrono::system_clock::time_point now, int days_ahead, int hour,
    int minute) {
  std::tm target = local_time(now);
  target.tm_mday += days_ahead;
  target.tm_hour = hour;
  target.tm_min = minute;
  target.tm_sec = 0;
  target.tm_isdst = -1;
  return std::chrono::system_clock::from_time_t(mktime(&target));
}

}  // namespace

Status use_site_time_zone(const std::string& zone) {
  const Status unknown(ErrorCode::kUnavailable,
                       "no time zone '" + zone + "' in " + kZoneInfo);
  if (!is_zone_name(zone)) return unknown;

  std::error_code error;
  if (!std::filesystem::is_regular_file(kZoneInfo + zone, error)) {
    return unknown;
  }

  if (setenv("TZ", zone.c_str(), 1) != 0) {
    return Status(ErrorCode::kUnavailable, "cannot set TZ to " + zone);
  }
  tzset();
  return Status::ok();
}

int32_t site_today(std::chrono::system_clock::time_point now) {
  const std::tm local = local_time(now);
  return (local.tm_year + 1900) * 10000 + (local.tm_mon + 1) * 100 +
         local.tm_mday;
}

std::chrono::seconds until_local_time(
    int hour, int minute, std::chrono::system_clock::time_point now) {
  std::chrono::system_clock::time_point at = local_at(now, 0, hour, minute);
  if (at <= now) at = local_at(now, 1, hour, minute);

  // Rounded up, so that a wait of part of a second is not 0.
  return std::chrono::ceil<std::chrono::seconds>(at - now);
}

}  // namespace facesync::sync
