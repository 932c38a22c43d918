// Helpers of the Store conformance tests: events to append, and short ways
// to write and read them that report failures to GoogleTest. For the test
// files of the suite only (store_test.cc and the other store_*_test.cc).
#ifndef FACESYNC_STORE_STORE_TEST_HELPERS_H_
#define FACESYNC_STORE_STORE_TEST_HELPERS_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/face_event.h"
#include "store/gate_record.h"
#include "store/store.h"

namespace facesync::store::test_helpers {

// A face event; its image is JPEG-like bytes with an embedded zero, unique
// per ticket and gate unless given.
inline Event face(const std::string& ticket, const std::string& gate,
                  std::string image = "") {
  Event event;
  event.kind = EventKind::kNew;
  event.ticket_code = ticket;
  event.source_gate = gate;
  event.valid_from = 20260101;
  event.valid_until = 20261231;
  event.template_info = 7;
  if (image.empty()) {
    image = std::string("\xFF\xD8\xFF\x00", 4) + ticket + "@" + gate;
  }
  event.image = std::move(image);
  return event;
}

inline Event removal(const std::string& ticket, const std::string& gate = "") {
  Event event = face(ticket, gate);
  event.kind = EventKind::kRemoved;
  event.image.clear();
  return event;
}

// Appends one event in a write of its own; 0 (and a test failure) if that
// fails.
inline int32_t append(Store& store, const Event& event) {
  int32_t index = 0;
  Status status = store.write([&](Transaction& tx) {
    Result<int32_t> appended = tx.append(event);
    if (!appended.is_ok()) return appended.status();
    index = *appended;
    return Status::ok();
  });
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  return index;
}

inline Status erase_before(Store& store, const std::string& ticket,
                           int32_t index) {
  return store.write(
      [&](Transaction& tx) { return tx.erase_before(ticket, index); });
}

inline std::optional<Event> latest(Store& store, const std::string& ticket) {
  Result<std::optional<Event>> found = store.latest(ticket);
  EXPECT_TRUE(found.is_ok()) << found.status().to_string();
  return found.is_ok() ? *found : std::nullopt;
}

inline std::optional<Event> next_for_gate(Store& store, const GateView& gate,
                                          int32_t after) {
  Result<std::optional<Event>> next = store.next_for_gate(gate, after);
  EXPECT_TRUE(next.is_ok()) << next.status().to_string();
  return next.is_ok() ? *next : std::nullopt;
}

// A gate of no site that rebuilds nothing.
inline std::optional<Event> next_for_gate(Store& store, const std::string& gate,
                                          int32_t after) {
  return next_for_gate(store, GateView{gate, "", 0}, after);
}

// The indexes `gate` receives, walking the log from `after` to its end.
inline std::vector<int32_t> walk(Store& store, const GateView& gate,
                                 int32_t after = 0) {
  std::vector<int32_t> indexes;
  while (std::optional<Event> next = next_for_gate(store, gate, after)) {
    if (next->index <= after) {
      ADD_FAILURE() << "index " << next->index << " after " << after;
      break;
    }
    indexes.push_back(next->index);
    after = next->index;
  }
  return indexes;
}

inline std::vector<int32_t> walk(Store& store, const std::string& gate,
                                 int32_t after = 0) {
  return walk(store, GateView{gate, "", 0}, after);
}

inline int32_t last_index(Store& store) {
  Result<int32_t> last = store.last_index();
  EXPECT_TRUE(last.is_ok()) << last.status().to_string();
  return last.is_ok() ? *last : -1;
}

inline std::vector<std::string> tickets_of(const std::vector<Event>& events) {
  std::vector<std::string> tickets;
  for (const Event& event : events)
    tickets.push_back(event.ticket_code);
  return tickets;
}

// The event with `sites` instead of its own.
inline Event for_sites(Event event, std::vector<std::string> sites) {
  event.sites = std::move(sites);
  return event;
}

// Appends `event` and deletes the ticket's older events in one write, as
// the sync layer's compaction does; 0 (and a test failure) if that fails.
inline int32_t append_compacting(Store& store, const Event& event) {
  int32_t index = 0;
  Status status = store.write([&](Transaction& tx) {
    Result<int32_t> appended = tx.append(event);
    if (!appended.is_ok()) return appended.status();
    index = *appended;
    return tx.erase_before(event.ticket_code, index);
  });
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  return index;
}

// One delivery as a test compares it: the index and the kind it came as.
using Delivered = std::pair<int32_t, EventKind>;

// What `gate` receives walking the log from `after` to its end.
inline std::vector<Delivered> deliveries(Store& store, const GateView& gate,
                                         int32_t after = 0) {
  std::vector<Delivered> seen;
  while (std::optional<Event> next = next_for_gate(store, gate, after)) {
    if (next->index <= after) {
      ADD_FAILURE() << "index " << next->index << " after " << after;
      break;
    }
    seen.emplace_back(next->index, next->kind);
    after = next->index;
  }
  return seen;
}

inline int64_t count_for_gate(Store& store, const GateView& gate,
                              int32_t after = 0) {
  Result<int64_t> count = store.count_for_gate(gate, after);
  EXPECT_TRUE(count.is_ok()) << count.status().to_string();
  return count.is_ok() ? *count : -1;
}

}  // namespace facesync::store::test_helpers

#endif  // FACESYNC_STORE_STORE_TEST_HELPERS_H_
