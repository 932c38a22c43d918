#include "sync/face_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
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

// Faces removed per transaction by expire(): small enough that a sweep
// never holds the writer for long, large enough that a night with many
// expired tickets needs few syncs.
constexpr size_t kExpireBatch = 500;

// The largest page expire_page() takes; the original scanned 50 a call.
constexpr size_t kMaxScanPage = 1000;

// Checks both dates and their order, and refuses an end date before today
// when the options know today.
Status check_dates(const Enrollment& enrollment, const FaceLogOptions& options,
                   Event* event) {
  Result<int32_t> from = parse_date(enrollment.valid_from);
  if (!from.is_ok()) return from.status();
  Result<int32_t> until = parse_date(enrollment.valid_until);
  if (!until.is_ok()) return until.status();
  if (*from > *until) {
    return Status(ErrorCode::kBadDates, "begin date is after end date");
  }

  if (options.today) {
    const int32_t today = options.today();
    if (*until < today) {
      return Status(ErrorCode::kBadDates, "end date " + std::to_string(*until) +
                                              " is before today " +
                                              std::to_string(today));
    }
  }

  event->valid_from = *from;
  event->valid_until = *until;
  return Status::ok();
}

// Checks each site and returns them sorted without repeats, as the store
// keeps them.
Result<std::vector<std::string>> checked_sites(
    const std::vector<std::string>& sites) {
  for (const std::string& site : sites) {
    Status status = check_site(site);
    if (!status.is_ok()) return status;
  }

  std::vector<std::string> sorted = sites;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return sorted;
}

// The event an enrollment would append, after checking every field in the
// order the fields arrive: ticket, gate, dates, template info, image, and
// then the sites.
Result<Event> checked_event(const Enrollment& enrollment,
                            const FaceLogOptions& options) {
  Status status = check_ticket_code(enrollment.ticket_code);
  if (status.is_ok() && !enrollment.source_gate.empty()) {
    status = check_gate(enrollment.source_gate);
  }
  if (!status.is_ok()) return status;

  Event event;
  status = check_dates(enrollment, options, &event);
  if (!status.is_ok()) return status;

  if (enrollment.template_info < 0 ||
      enrollment.template_info > kMaxTemplateInfo) {
    return Status(ErrorCode::kBadTemplateInfo,
                  "additional template info must be 0 to 255");
  }
  status = check_image(enrollment.image, options.max_image_bytes);
  if (!status.is_ok()) return status;

  Result<std::vector<std::string>> sites = checked_sites(enrollment.sites);
  if (!sites.is_ok()) return sites.status();

  event.ticket_code = enrollment.ticket_code;
  event.source_gate = enrollment.source_gate;
  event.template_info = static_cast<uint8_t>(enrollment.template_info);
  event.image = enrollment.image;
  // Hashed here, before the write lock, so the store need not hash it.
  event.image_sha256 = store::image_sha256(event.image);
  event.sites = std::move(sites).value();
  return event;
}

// Whether `face` repeats the live event `live`: the same image and the same
// data around it. The kind does not matter.
bool same_face(const Event& live, const Event& face) {
  return live.image_sha256 == face.image_sha256 &&
         live.source_gate == face.source_gate &&
         live.valid_from == face.valid_from &&
         live.valid_until == face.valid_until &&
         live.template_info == face.template_info && live.sites == face.sites;
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

// The body of enroll's write transaction, also one step of enroll_batch's.
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

// The removal of the live face `face`: its ticket, dates, template info and
// sites, but no gate (every gate receives it) and no image. The store
// routes it to every audience the ticket was delivered to.
Event removal_of(const Event& face) {
  Event removal = face;
  removal.kind = EventKind::kRemoved;
  removal.source_gate.clear();
  removal.image.clear();
  removal.image_sha256.clear();
  return removal;
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

  Result<int32_t> index = append_compacted(tx, removal_of(*current));
  if (!index.is_ok()) return index.status();

  *result = {*index, EventKind::kRemoved, true};
  return Status::ok();
}

// The body of an expiry transaction: removes each of `faces` whose ticket
// still has a live face ending before `today`. Each is read again inside
// the transaction, since an enrollment may have replaced it (with a later
// end date, say) since the faces were listed.
Status expire_in(Transaction& tx, const std::vector<Event>& faces,
                 int32_t today, size_t* removed) {
  *removed = 0;
  for (const Event& face : faces) {
    Result<std::optional<Event>> latest = tx.latest(face.ticket_code);
    if (!latest.is_ok()) return latest.status();

    const std::optional<Event>& current = *latest;
    if (!current.has_value() || !store::is_live(current->kind)) continue;
    if (current->valid_until >= today) continue;

    Result<int32_t> index = append_compacted(tx, removal_of(*current));
    if (!index.is_ok()) return index.status();
    spdlog::debug("face log: ticket {} expired (end {}) as record {}",
                  current->ticket_code, current->valid_until, *index);
    ++*removed;
  }
  return Status::ok();
}

}  // namespace

FaceLog::FaceLog(store::Store& store, FaceLogOptions options)
    : store_(store), options_(std::move(options)) {}

Result<Appended> FaceLog::enroll(const Enrollment& enrollment) {
  Result<Event> face = checked_event(enrollment, options_);
  if (!face.is_ok()) return face.status();

  Appended result;
  Status status =
      write([&](Transaction& tx) { return enroll_in(tx, *face, &result); });
  if (!status.is_ok()) return status;
  return result;
}

Status FaceLog::enroll_batch(std::span<const Enrollment> batch,
                             std::vector<Result<Appended>>* outcomes) {
  outcomes->clear();

  // Every face is checked (and hashed) before the write lock is taken.
  std::vector<Result<Event>> faces;
  faces.reserve(batch.size());
  for (const Enrollment& enrollment : batch) {
    faces.push_back(checked_event(enrollment, options_));
  }

  std::vector<Result<Appended>> results;
  Status status = write([&](Transaction& tx) {
    results.clear();
    for (Result<Event>& face : faces) {
      if (!face.is_ok()) {
        results.push_back(face.status());
        continue;
      }
      Appended appended;
      Status step = enroll_in(tx, *face, &appended);
      if (!step.is_ok()) return step;  // the store failed: all goes
      results.push_back(appended);
    }
    return Status::ok();
  });
  if (!status.is_ok()) return status;

  *outcomes = std::move(results);
  return Status::ok();
}

Result<Appended> FaceLog::revoke(std::string_view ticket_code) {
  Status status = check_ticket_code(ticket_code);
  if (!status.is_ok()) return status;

  Appended result;
  status = write(
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

Result<std::optional<Event>> FaceLog::next_for_gate(const store::GateView& gate,
                                                    int64_t after) {
  Status status = check_gate(gate.gatenum);
  if (!status.is_ok()) return status;
  if (after < 0 || after > kMaxIndex) {
    return Status(ErrorCode::kBadLastSuccessIndex,
                  "last success index must be 0 to 2147483647");
  }

  return store_.next_for_gate(gate, static_cast<int32_t>(after));
}

Result<size_t> FaceLog::expire(int32_t today) {
  size_t total = 0;
  for (;;) {
    Result<std::vector<Event>> expired =
        store_.expired_faces(today, kExpireBatch);
    if (!expired.is_ok()) return expired.status();
    if (expired->empty()) break;

    size_t removed = 0;
    Status status = write([&](Transaction& tx) {
      return expire_in(tx, *expired, today, &removed);
    });
    if (!status.is_ok()) return status;
    total += removed;

    // A short list was the last; a list of which nothing could be removed
    // would come back unchanged.
    if (expired->size() < kExpireBatch || removed == 0) break;
  }
  return total;
}

Result<ScanPage> FaceLog::expire_page(std::string_view after_ticket,
                                      size_t page_size, int32_t today) {
  if (!after_ticket.empty()) {
    Status status = check_ticket_code(after_ticket);
    if (!status.is_ok()) return status;
  }
  if (page_size == 0 || page_size > kMaxScanPage) {
    return Status(ErrorCode::kBadQuery,
                  "page size must be 1 to " + std::to_string(kMaxScanPage));
  }

  // One face more than the page tells whether another page follows.
  Result<std::vector<Event>> faces =
      store_.live_faces(after_ticket, page_size + 1);
  if (!faces.is_ok()) return faces.status();

  ScanPage page;
  page.has_more = faces->size() > page_size;
  if (page.has_more) faces->pop_back();
  page.scanned = faces->size();
  if (!faces->empty()) page.last_ticket = faces->back().ticket_code;

  std::vector<Event> expired;
  std::copy_if(faces->begin(), faces->end(), std::back_inserter(expired),
               [&](const Event& face) { return face.valid_until < today; });
  if (expired.empty()) return page;

  Status status = write([&](Transaction& tx) {
    return expire_in(tx, expired, today, &page.expired);
  });
  if (!status.is_ok()) return status;
  return page;
}

Result<std::vector<Event>> FaceLog::next_batch_for_gate(
    const store::GateView& gate, int64_t after, size_t max_events,
    size_t max_image_bytes) {
  std::vector<Event> batch;
  size_t image_bytes = 0;
  while (batch.size() < max_events && image_bytes < max_image_bytes) {
    Result<std::optional<Event>> next = next_for_gate(gate, after);
    if (!next.is_ok()) return next.status();
    if (!next->has_value()) break;
    after = (*next)->index;
    image_bytes += (*next)->image.size();
    batch.push_back(std::move(**next));
  }
  return batch;
}

Status FaceLog::write(const std::function<Status(Transaction&)>& fn) {
  Status status = store_.write(fn);
  if (status.is_ok() && options_.on_write) options_.on_write();
  return status;
}

Result<std::vector<Event>> FaceLog::live_faces(std::string_view after_ticket,
                                               size_t limit) {
  return store_.live_faces(after_ticket, limit);
}

}  // namespace facesync::sync
