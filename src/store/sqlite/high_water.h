// The record index high-water mark, kept in a small file beside the
// database (its path + ".highwater"). SQLite's own memory of the largest
// index issued lives in the database file, so a file restored from an
// older copy would issue again indexes that gates have already seen; the
// high-water file survives such a restore and raises the counter at open.
#ifndef FACESYNC_STORE_SQLITE_HIGH_WATER_H_
#define FACESYNC_STORE_SQLITE_HIGH_WATER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "base/status.h"

namespace facesync::store::sqlite {

// The high-water file itself: one decimal number. Replaced atomically and
// durably, never edited in place. A value; any thread.
class HighWaterFile {
 public:
  explicit HighWaterFile(std::string path) : path_(std::move(path)) {}

  // The value in the file, 0 when there is no file. kStorage when it
  // cannot be read or holds anything but a number in 0..2^31-1.
  Result<int32_t> read() const;

  // Replaces the value: writes a temporary file, syncs it, renames it over
  // the old one and syncs the directory, so that after a crash the file
  // holds the old value or the new one.
  Status write(int32_t value) const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Keeps the high-water file at or above every index the store issues. It
// reserves blocks of kBlock indexes, so the file is rewritten once per
// block, not per append; a clean close writes the exact last index, so a
// crash costs at most one block of unused indexes. Owned by the SQLite
// store; used only under its writer mutex, while the writer holds the
// database's write lock (which also orders other processes' stores).
class IndexReservation {
 public:
  static constexpr int32_t kBlock = 1024;

  explicit IndexReservation(std::string path) : file_(std::move(path)) {}

  // Forgets what the file held: another store on the same database may
  // have rewritten it since. Called when a write transaction starts.
  void forget() { reserved_.reset(); }

  // Makes the file's value at least `index`, reserving up to the end of
  // the block after it. Called before the transaction that issued `index`
  // commits, so no committed index is ever above the file's value.
  Status cover(int32_t index);

  // At a clean close: records `last_index`, the largest index issued.
  Status settle(int32_t last_index);

  // The value recorded, 0 when none.
  Result<int32_t> recorded() const { return file_.read(); }

 private:
  HighWaterFile file_;
  std::optional<int32_t> reserved_;  // the file's value, when known
};

}  // namespace facesync::store::sqlite

#endif  // FACESYNC_STORE_SQLITE_HIGH_WATER_H_
