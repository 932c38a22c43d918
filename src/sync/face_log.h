// FaceLog: the rules of the sync log on top of a Store. What a valid face
// is, which kind of event an enrollment appends, when an enrollment is a
// repeat that appends nothing, and which event a gate receives next.
#ifndef FACESYNC_SYNC_FACE_LOG_H_
#define FACESYNC_SYNC_FACE_LOG_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/face_event.h"
#include "store/store.h"

namespace facesync::sync {

// A face to enroll, as the API received it (image already base64-decoded).
struct Enrollment {
  std::string ticket_code;
  std::string image;        // JPEG or PNG bytes
  std::string source_gate;  // "" when not collected at a gate
  std::string valid_from;   // "yyyyMMdd"
  std::string valid_until;  // "yyyyMMdd"
  int64_t template_info = 0;
};

// What an enrollment or revocation did.
struct Appended {
  int32_t index = 0;  // the new event's index, or the existing one's
  store::EventKind kind = store::EventKind::kNew;
  bool appended = false;  // false when the request repeated the live state
};

struct FaceLogLimits {
  size_t max_image_bytes = 2 * 1024 * 1024;
};

// The log's rules. Holds a reference to the Store, which must outlive it.
// Thread-safe: every method may be called from any thread.
class FaceLog {
 public:
  FaceLog(store::Store& store, FaceLogLimits limits);
  FaceLog(const FaceLog&) = delete;
  FaceLog& operator=(const FaceLog&) = delete;

  // Appends a new face (kNew) or a replacement of the live one (kReplaced),
  // durably, after checking every field (ticket, gate, dates, template
  // info, image; the first failing one is reported). An enrollment equal
  // to the live face (same image bytes, gate, dates and template info)
  // appends nothing and returns the live event's index with appended ==
  // false. The older events of the ticket are deleted in the same
  // transaction.
  Result<Appended> enroll(const Enrollment& enrollment);

  // Appends a removal of the ticket's live face and deletes its image
  // bytes. The removal carries the removed face's ticket, dates and template
  // info, but no gate (every gate receives it) and no image.
  // kBadTicketCode for an invalid code; kFaceNotFound when the ticket has
  // no live face (also when it was revoked already).
  Result<Appended> revoke(std::string_view ticket_code);

  // The ticket's live face, without image bytes; kBadTicketCode for an
  // invalid code, kFaceNotFound when the ticket has no live face.
  Result<store::Event> face(std::string_view ticket_code);

  // The event gate `gate` receives after `after`: the first event above it
  // that is a removal or was collected elsewhere. Checks gate (1 to 4
  // characters) and after (0 to 2^31-1).
  Result<std::optional<store::Event>> next_for_gate(std::string_view gate,
                                                    int64_t after);

  // Live faces after `after_ticket` in ticket order, at most `limit`.
  Result<std::vector<store::Event>> live_faces(std::string_view after_ticket,
                                               size_t limit);

 private:
  store::Store& store_;
  FaceLogLimits limits_;
};

// Field rules, shared with the API layer for early answers.

// 1 to 32 characters from A-Z a-z 0-9 - _ .
Status check_ticket_code(std::string_view ticket_code);
// 1 to 4 characters (UTF-8 code points), none of them a control character.
Status check_gate(std::string_view gate);
// "yyyyMMdd" naming a real calendar date, year 1900 to 9999 -> 20261231.
Result<int32_t> parse_date(std::string_view yyyymmdd);
// JPEG (FF D8 FF) or PNG (89 50 4E 47 0D 0A 1A 0A) by signature, not empty,
// at most `max_bytes`.
Status check_image(std::string_view image, size_t max_bytes);

}  // namespace facesync::sync

#endif  // FACESYNC_SYNC_FACE_LOG_H_
