// The bulk import of faces from a CSV file and a folder of images, straight
// into the database file, through the rules of FaceLog. Resumable: the
// number of CSV data lines done is kept in a progress file beside the
// database, rewritten after each committed batch.
#ifndef FACESYNC_SYNC_IMPORTER_H_
#define FACESYNC_SYNC_IMPORTER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "sync/face_log.h"

namespace facesync::sync {

// The first line an import CSV must have.
inline constexpr std::string_view kImportHeader =
    "ticketcode,gate,effdatebegin,effdateend,additionaltemplateinfo,sites";

struct ImportOptions {
  std::string data_dir;    // holds facesync.db and the progress files
  std::string csv_path;    // header kImportHeader, then one face a line
  std::string images_dir;  // IMAGES/<ticketcode>.jpg or .png
  size_t batch = 2000;     // faces per transaction, at least 1
  size_t limit = 0;        // stop after this many more lines; 0: no limit
  size_t max_image_bytes = 2 * 1024 * 1024;
  std::function<int32_t()> today;  // for the end-date check; unset: none
};

// Counts of an import so far. lines_done counts every data line done, also
// those of earlier runs; the others count this run only.
struct ImportProgress {
  size_t lines_done = 0;
  size_t enrolled = 0;   // appended an event
  size_t unchanged = 0;  // repeated the live face, appended nothing
  size_t refused = 0;    // listed in the rejects file
  double seconds = 0;    // since this run started
};

// Called after each committed batch.
using ImportObserver = std::function<void(const ImportProgress&)>;

// Where the import of `csv_path` keeps its state:
// DATA/import-<basename of csv>.progress and .rejects.
std::string import_progress_path(const ImportOptions& options);
std::string import_rejects_path(const ImportOptions& options);

// One CSV data line, without its image: kMalformedBody for a wrong number
// of fields, kBadTemplateInfo for a template info that is not a number.
// The other fields are checked by FaceLog.
Result<Enrollment> parse_import_line(std::string_view line);

// Runs (or resumes) the import. Refused lines go to the rejects file and
// are counted; a storage or I/O failure, or a CSV without the header, ends
// the import with its Status (the batches before it stay, and a new run
// resumes after them).
Result<ImportProgress> import_faces(const ImportOptions& options,
                                    const ImportObserver& observer);

}  // namespace facesync::sync

#endif  // FACESYNC_SYNC_IMPORTER_H_
