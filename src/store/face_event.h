// The records of the sync log, as every layer above the store sees them.
#ifndef FACESYNC_STORE_FACE_EVENT_H_
#define FACESYNC_STORE_FACE_EVENT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace facesync::store {

// What an event does to a ticket's face. The legacy wire spells these with
// configurable letters (I, U, D by default); the store keeps the kind.
enum class EventKind : uint8_t {
  kNew = 1,       // the ticket had no live face
  kReplaced = 2,  // the ticket's live face was replaced
  kRemoved = 3,   // the ticket's face was revoked, refunded or expired
};

// One change of one ticket's face. Dates are yyyymmdd integers (20261231).
// For kRemoved the face fields describe the face that was removed and
// `image` is empty. `image_sha256` is the 32-byte SHA-256 of the image
// (empty for removals); reads that skip the image bytes still fill it.
struct Event {
  int32_t index = 0;  // the record index; 0 until appended
  EventKind kind = EventKind::kNew;
  std::string ticket_code;
  std::string source_gate;  // the collecting gate, "" when none
  int32_t valid_from = 0;
  int32_t valid_until = 0;
  uint8_t template_info = 0;
  std::string image;
  std::string image_sha256;
  // The sites whose gates receive the face; empty: every gate. Sorted, no
  // repeats.
  std::vector<std::string> sites;
};

inline bool is_live(EventKind kind) {
  return kind != EventKind::kRemoved;
}

}  // namespace facesync::store

#endif  // FACESYNC_STORE_FACE_EVENT_H_
