#include "sync/face_log.h"

#include <limits>
#include <utility>

#include "store/image_digest.h"

namespace facesync::sync {

namespace {

using store::Event;
using store::EventKind;
using store::Transaction;

constexpr int64_t kMaxTemplateInfo = 255;
constexpr int64_t kMaxIndex = std::numeric_limits<int32_t>::max();

// The event an enrollment would append, after checking every field in the
// order the fields arrive: ticket, gate, dates, template info, image.
Result<Event> checked_event(const Enrollment& enrollment,
                            const FaceLogLimits& limits) {
  Status status = check_ticket_code(enrollment.ticket_code);
  if (status.is_ok() && !enrollment.source_gate.empty()) {
    status = check_gate(enrollment.source_gate);
  }
  if (!status.is_ok()) return status;

  Result<int32_t> from = parse_date(enrollment.valid_from);
  if (!from.is_ok()) return from.status();
  Result<int32_t> until = parse_date(enrollment.valid_until);
  if (!until.is_ok()) return until.status();
  if (*from > *until) {
    return Status(ErrorCode::kBadDates, "begin date is after end date");
  }

  if (enrollment.template_info < 0 ||
      enrollment.template_info > kMaxTemplateInfo) {
    return Status(ErrorCode::kBadTemplateInfo,
                  "additional template info must be 0 to 255");
  }
  status = check_image(enrollment.image, limits.max_image_bytes);
  if (!status.is_ok()) return status;

  Event event;
  event.ticket_code = enrollment.ticket_code;
  event.source_gate = enrollment.source_gate;
  event.valid_from = *from;
  event.valid_until = *until;
  event.template_info = static_cast<uint8_t>(enrollment.template_info);
  event.image = enrollment.image;
  // Hashed here, before the write lock, so the store need not hash it.
  event.image_sha256 = store::image_sha256(event.image);
  return event;
}

// Whether `face` repeats the live event `live`: the same image and the same
// data around it. The kind does not matter.
bool same_face(const Event& live, const Event& face) {
  return live.image_sha256 == face.image_sha256 &&
         live.source_gate == face.source_gate &&
         live.valid_from == face.valid_from &&
         live.valid_until == face.valid_until &&
         live.template_info == face.template_info;
}

Status face_not_found(std::string_view ticket_code) {
  return Status(ErrorCode::kFaceNotFound,
                "no live face for ticket " + std::string(ticket_code));
}

// Appends `event`, then deletes the ticket's older events (compaction: a
// ticket keeps one event, and a replaced or removed face's image goes).
Result<int32_t> append_compacted(Transaction& tx, const Event& event) {
  Result<int32_t> index = tx.append(event);
  if (!index.is_ok()) return index.status();

  Status erased = tx.erase_before(event.ticket_code, *index);
  if (!erased.is_ok()) return erased;
  return *index;
}

// The body of enroll's write transaction.
Status enroll_in(Transaction& tx, Event& face, Appended* result) {
  Result<std::optional<Event>> latest = tx.latest(face.ticket_code);
  if (!latest.is_ok()) return latest.status();

  const std::optional<Event>& current = *latest;
  const bool live = current.has_value() && store::is_live(current->kind);
  if (live && same_face(*current, face)) {
    *result = {current->index, current->kind, false};
    return Status::ok();
  }

  face.kind = live ? EventKind::kReplaced : EventKind::kNew;
  Result<int32_t> index = append_compacted(tx, face);
  if (!index.is_ok()) return index.status();

  *result = {*index, face.kind, true};
  return Status::ok();
}

// The body of revoke's write transaction.
Status revoke_in(Transaction& tx, std::string_view ticket_code,
                 Appended* result) {
  Result<std::optional<Event>> latest = tx.latest(ticket_code);
  if (!latest.is_ok()) return latest.status();

  const std::optional<Event>& current = *latest;
  if (!current.has_value() || !store::is_live(current->kind)) {
    return face_not_found(ticket_code);
  }

  // The removal names the face it removes, but no gate and no image.
  Event removal = *current;
  removal.kind = EventKind::kRemoved;
  removal.source_gate.clear();
  removal.image.clear();
  removal.image_sha256.clear();
  Result<int32_t> index = append_compacted(tx, removal);
  if (!index.is_ok()) return index.status();

  *result = {*index, EventKind::kRemoved, true};
  return Status::ok();
}

}  // namespace

FaceLog::FaceLog(store::Store& store, FaceLogLimits limits)
    : store_(store), limits_(limits) {}

Result<Appended> FaceLog::enroll(const Enrollment& enrollment) {
  Result<Event> face = checked_event(enrollment, limits_);
  if (!face.is_ok()) return face.status();

  Appended result;
  Status status = store_.write(
      [&](Transaction& tx) { return enroll_in(tx, *face, &result); });
  if (!status.is_ok()) return status;
  return result;
}

Result<Appended> FaceLog::revoke(std::string_view ticket_code) {
  Status status = check_ticket_code(ticket_code);
  if (!status.is_ok()) return status;

  Appended result;
  status = store_.write(
      [&](Transaction& tx) { return revoke_in(tx, ticket_code, &result); });
  if (!status.is_ok()) return status;
  return result;
}

Result<Event> FaceLog::face(std::string_view ticket_code) {
  Status status = check_ticket_code(ticket_code);
  if (!status.is_ok()) return status;

  Result<std::optional<Event>> latest = store_.latest(ticket_code);
  if (!latest.is_ok()) return latest.status();
  if (!latest->has_value() || !store::is_live((*latest)->kind)) {
    return face_not_found(ticket_code);
  }
  return std::move(**latest);
}

Result<std::optional<Event>> FaceLog::next_for_gate(std::string_view gate,
                                                    int64_t after) {
  Status status = check_gate(gate);
  if (!status.is_ok()) return status;
  if (after < 0 || after > kMaxIndex) {
    return Status(ErrorCode::kBadLastSuccessIndex,
                  "last success index must be 0 to 2147483647");
  }

  return store_.next_for_gate(gate, static_cast<int32_t>(after));
}

Result<std::vector<Event>> FaceLog::live_faces(std::string_view after_ticket,
                                               size_t limit) {
  return store_.live_faces(after_ticket, limit);
}

}  // namespace facesync::sync
