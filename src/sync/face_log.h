// FaceLog: the rules of the sync log on top of a Store. What a valid face
// is, which kind of event an enrollment appends, when an enrollment is a
// repeat that appends nothing, and which event a gate receives next.
#ifndef FACESYNC_SYNC_FACE_LOG_H_
#define FACESYNC_SYNC_FACE_LOG_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/face_event.h"
#include "store/gate_record.h"
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
  // The sites whose gates receive the face; empty: every gate. Order and
  // repeats do not matter.
  std::vector<std::string> sites;
};

// What an enrollment or revocation did.
struct Appended {
  int32_t index = 0;  // the new event's index, or the existing one's
  store::EventKind kind = store::EventKind::kNew;
  bool appended = false;  // false when the request repeated the live state
};

struct FaceLogOptions {
  size_t max_image_bytes = 2 * 1024 * 1024;
  // Today in the site's time zone, yyyymmdd: enrollments whose end date is
  // before it are refused (kBadDates). Unset: never refused.
  std::function<int32_t()> today;
  // Called after every committed write, on the writing thread, so that
  // waiting readers look again (long polls). Must be quick.
  std::function<void()> on_write;
};

// One page of the original's nightly expiry scan.
struct ScanPage {
  size_t scanned = 0;       // live faces looked at
  size_t expired = 0;       // of them, removed as past their end date
  std::string last_ticket;  // the page's last ticket ("" when empty)
  bool has_more = false;    // more live faces follow last_ticket
};

// The log's rules. Holds a reference to the Store, which must outlive it.
// Thread-safe: every method may be called from any thread.
class FaceLog {
 public:
  FaceLog(store::Store& store, FaceLogOptions options);
  FaceLog(const FaceLog&) = delete;
  FaceLog& operator=(const FaceLog&) = delete;

  // Appends a new face (kNew) or a replacement of the live one (kReplaced),
  // durably, after checking every field (ticket, gate, dates, template
  // info, image, sites; the first failing one is reported). An end date
  // before options.today() is kBadDates. An enrollment equal to the live
  // face (same image bytes, gate, dates, template info and set of sites)
  // appends nothing and returns the live event's index with appended ==
  // false. The older events of the ticket are deleted in the same
  // transaction.
  Result<Appended> enroll(const Enrollment& enrollment);

  // Enrolls each face as enroll() would, all in one durable transaction;
  // the outcome of each (an Appended, or why it was refused) goes to
  // `outcomes`, in order. A storage failure fails the whole batch and
  // nothing of it remains (and `outcomes`, which must not be null, is left
  // empty). Faces of one ticket in a batch apply in order. For bulk
  // imports.
  Status enroll_batch(std::span<const Enrollment> batch,
                      std::vector<Result<Appended>>* outcomes);

  // Appends a removal of the ticket's live face and deletes its image
  // bytes. The removal carries the removed face's ticket, dates and template
  // info, but no gate (every gate receives it) and no image.
  // kBadTicketCode for an invalid code; kFaceNotFound when the ticket has
  // no live face (also when it was revoked already).
  Result<Appended> revoke(std::string_view ticket_code);

  // The ticket's live face, without image bytes; kBadTicketCode for an
  // invalid code, kFaceNotFound when the ticket has no live face.
  Result<store::Event> face(std::string_view ticket_code);

  // The event gate `gate` receives after `after` (Store::next_for_gate).
  // Checks the gate number (1 to 4 characters) and after (0 to 2^31-1).
  Result<std::optional<store::Event>> next_for_gate(const store::GateView& gate,
                                                    int64_t after);

  // The events gate `gate` receives after `after`, in order, as repeated
  // next_for_gate calls would give them: at most `max_events`, and no more
  // once their images reach `max_image_bytes` (the event that crosses it
  // is included, so a batch holds at least one event when any is due).
  Result<std::vector<store::Event>> next_batch_for_gate(
      const store::GateView& gate, int64_t after, size_t max_events,
      size_t max_image_bytes);

  // Removes every live face whose end date is before `today` (yyyymmdd),
  // in transactions of a few hundred faces, deleting their image bytes;
  // returns how many it removed. Each removal is a revocation (kRemoved,
  // older events erased). A failure ends the sweep; the transactions
  // before it stay.
  Result<size_t> expire(int32_t today);

  // One page of the nightly scan: the first `page_size` live faces in
  // ticket order after `after_ticket` ("" = from the start); those whose
  // end date is before `today` are removed, in one transaction.
  // kBadTicketCode for an invalid after_ticket, kBadQuery for a page size
  // outside 1 to 1000.
  Result<ScanPage> expire_page(std::string_view after_ticket, size_t page_size,
                               int32_t today);

  // Live faces after `after_ticket` in ticket order, at most `limit`.
  Result<std::vector<store::Event>> live_faces(std::string_view after_ticket,
                                               size_t limit);

 private:
  // store_.write, then options_.on_write when it committed.
  Status write(const std::function<Status(store::Transaction&)>& fn);

  store::Store& store_;
  FaceLogOptions options_;
};

// Field rules, shared with the API layer for early answers.

// 1 to 32 characters from A-Z a-z 0-9 - _ .
Status check_ticket_code(std::string_view ticket_code);
// 1 to 4 characters (UTF-8 code points), none of them a control character.
Status check_gate(std::string_view gate);
// 1 to 32 characters from A-Z a-z 0-9 - _ . (kBadSite).
Status check_site(std::string_view site);
// "yyyyMMdd" naming a real calendar date, year 1900 to 9999 -> 20261231.
Result<int32_t> parse_date(std::string_view yyyymmdd);
// JPEG (FF D8 FF) or PNG (89 50 4E 47 0D 0A 1A 0A) by signature, not empty,
// at most `max_bytes`.
Status check_image(std::string_view image, size_t max_bytes);

}  // namespace facesync::sync

#endif  // FACESYNC_SYNC_FACE_LOG_H_
