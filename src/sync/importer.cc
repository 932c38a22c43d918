#include "sync/importer.h"

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#include "store/sqlite/sqlite_store.h"

namespace facesync::sync {
namespace {

namespace fs = std::filesystem;

constexpr size_t kFields = 6;

Status io_error(const std::string& what) {
  return Status(ErrorCode::kStorage, what);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t at = text.find(separator); at != std::string_view::npos;
       at = text.find(separator, start)) {
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

// The state file's path: DATA/import-<basename of csv><suffix>.
std::string state_path(const ImportOptions& options, const char* suffix) {
  std::string name = fs::path(options.csv_path).filename().string();
  return (fs::path(options.data_dir) / ("import-" + name + suffix)).string();
}

// The number of data lines a previous run finished; 0 without a file.
Result<size_t> read_progress(const std::string& path) {
  std::error_code error;
  if (!fs::exists(path, error)) return size_t{0};
  std::ifstream in(path);
  size_t done = 0;
  if (!(in >> done)) return io_error("cannot read progress file " + path);
  return done;
}

// Replaces the progress file atomically: a crash leaves the old or the new.
Status write_progress(const std::string& path, size_t done) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << done << "\n";
    out.flush();
    if (!out) return io_error("cannot write " + temp);
  }
  std::error_code error;
  fs::rename(temp, path, error);
  if (error) return io_error("cannot rename " + temp + ": " + error.message());
  return Status::ok();
}

// The bytes of IMAGES/<ticket>.jpg or .png; nullopt when neither exists.
Result<std::optional<std::string>> read_image(const std::string& dir,
                                              const std::string& ticket) {
  for (const char* extension : {".jpg", ".png"}) {
    fs::path path = fs::path(dir) / (ticket + extension);
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) continue;
    // One read of the whole file: a byte-wise copy costs a tenth of the
    // import's time.
    std::string bytes(static_cast<size_t>(in.tellg()), '\0');
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!in) return io_error("cannot read " + path.string());
    return std::optional<std::string>(std::move(bytes));
  }
  return std::optional<std::string>();
}

// A refused line, for the rejects file.
struct Reject {
  size_t line = 0;
  std::string ticket;
  Status status;
};

// One run of an import: the CSV being read, the log it enrolls into, the
// rejects file. Owned by import_faces, on one thread.
class ImportRun {
 public:
  ImportRun(const ImportOptions& options, FaceLog& log)
      : options_(options), log_(log) {}

  Result<ImportProgress> run(const ImportObserver& observer);

 private:
  Status open_files();
  Status skip_done();
  // Reads up to options_.batch lines into batch_ (and refused ones into
  // rejects_); false when no line was left.
  Result<bool> read_batch();
  Status add_line(std::string_view line);
  Status commit_batch();
  Status write_rejects();

  const ImportOptions& options_;
  FaceLog& log_;
  std::ifstream csv_;
  std::ofstream rejects_file_;
  size_t line_ = 1;  // the CSV line last read; 1 is the header
  size_t read_this_run_ = 0;
  std::vector<Enrollment> batch_;
  std::vector<size_t> batch_lines_;
  std::vector<Reject> rejects_;
  ImportProgress progress_;
};

Status ImportRun::open_files() {
  csv_.open(options_.csv_path, std::ios::binary);
  if (!csv_) return io_error("cannot open " + options_.csv_path);
  std::string header;
  std::getline(csv_, header);
  if (!header.empty() && header.back() == '\r') header.pop_back();
  if (header != kImportHeader) {
    return Status(
        ErrorCode::kMalformedBody,
        options_.csv_path + ": line 1 must be " + std::string(kImportHeader));
  }

  const std::string rejects = import_rejects_path(options_);
  rejects_file_.open(rejects, std::ios::app);
  if (!rejects_file_) return io_error("cannot open " + rejects);
  return Status::ok();
}

Status ImportRun::skip_done() {
  Result<size_t> done = read_progress(import_progress_path(options_));
  if (!done.is_ok()) return done.status();

  std::string skipped;
  while (progress_.lines_done < *done && std::getline(csv_, skipped)) {
    ++progress_.lines_done;
    ++line_;
  }
  return Status::ok();
}

Status ImportRun::add_line(std::string_view line) {
  Result<Enrollment> face = parse_import_line(line);
  if (!face.is_ok()) {
    std::string ticket(line.substr(0, line.find(',')));
    rejects_.push_back({line_, std::move(ticket), face.status()});
    return Status::ok();
  }
  // Checked before it names a file, so that "../x" reads nothing.
  Status ticket = check_ticket_code(face->ticket_code);
  if (!ticket.is_ok()) {
    rejects_.push_back({line_, face->ticket_code, ticket});
    return Status::ok();
  }

  auto image = read_image(options_.images_dir, face->ticket_code);
  if (!image.is_ok()) return image.status();
  if (!image->has_value()) {
    rejects_.push_back({line_, face->ticket_code,
                        Status(ErrorCode::kBadImage,
                               "no " + face->ticket_code + ".jpg or .png")});
    return Status::ok();
  }
  face->image = std::move(**image);
  batch_.push_back(std::move(*face));
  batch_lines_.push_back(line_);
  return Status::ok();
}

Result<bool> ImportRun::read_batch() {
  batch_.clear();
  batch_lines_.clear();
  rejects_.clear();
  size_t read = 0;
  std::string line;
  while (read < options_.batch &&
         (options_.limit == 0 || read_this_run_ < options_.limit) &&
         std::getline(csv_, line)) {
    ++line_;
    ++read;
    ++read_this_run_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    Status added = add_line(line);
    if (!added.is_ok()) return added;
  }
  if (csv_.bad()) return io_error("cannot read " + options_.csv_path);
  progress_.lines_done += read;
  return read > 0;
}

Status ImportRun::commit_batch() {
  std::vector<Result<Appended>> outcomes;
  Status status = log_.enroll_batch(batch_, &outcomes);
  if (!status.is_ok()) return status;

  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (!outcomes[i].is_ok()) {
      rejects_.push_back(
          {batch_lines_[i], batch_[i].ticket_code, outcomes[i].status()});
    } else if (outcomes[i]->appended) {
      ++progress_.enrolled;
    } else {
      ++progress_.unchanged;
    }
  }
  return Status::ok();
}

Status ImportRun::write_rejects() {
  for (const Reject& reject : rejects_) {
    rejects_file_ << reject.line << '\t' << reject.ticket << '\t'
                  << error_code_name(reject.status.code()) << '\t'
                  << reject.status.detail() << '\n';
  }
  rejects_file_.flush();
  if (!rejects_file_) return io_error("cannot write rejects file");
  progress_.refused += rejects_.size();
  return Status::ok();
}

Result<ImportProgress> ImportRun::run(const ImportObserver& observer) {
  const auto start = std::chrono::steady_clock::now();
  Status status = open_files();
  if (status.is_ok()) status = skip_done();
  if (!status.is_ok()) return status;

  while (true) {
    Result<bool> more = read_batch();
    if (!more.is_ok()) return more.status();
    if (!*more) break;

    status = commit_batch();
    if (status.is_ok()) status = write_rejects();
    if (status.is_ok()) {
      status =
          write_progress(import_progress_path(options_), progress_.lines_done);
    }
    if (!status.is_ok()) return status;

    std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - start;
    progress_.seconds = elapsed.count();
    if (observer) observer(progress_);
  }
  return progress_;
}

}  // namespace

std::string import_progress_path(const ImportOptions& options) {
  return state_path(options, ".progress");
}

std::string import_rejects_path(const ImportOptions& options) {
  return state_path(options, ".rejects");
}

Result<Enrollment> parse_import_line(std::string_view line) {
  std::vector<std::string_view> fields = split(line, ',');
  if (fields.size() != kFields) {
    return Status(ErrorCode::kMalformedBody,
                  std::to_string(fields.size()) + " fields, not 6");
  }

  Enrollment face;
  face.ticket_code = fields[0];
  face.source_gate = fields[1];
  face.valid_from = fields[2];
  face.valid_until = fields[3];
  std::string_view info = fields[4];
  auto [end, error] = std::from_chars(info.data(), info.data() + info.size(),
                                      face.template_info);
  if (info.empty() || error != std::errc() ||
      end != info.data() + info.size()) {
    return Status(ErrorCode::kBadTemplateInfo,
                  "additionaltemplateinfo is not a number");
  }
  if (!fields[5].empty()) {
    for (std::string_view site : split(fields[5], ';')) {
      face.sites.emplace_back(site);
    }
  }
  return face;
}

Result<ImportProgress> import_faces(const ImportOptions& options,
                                    const ImportObserver& observer) {
  if (options.batch == 0) {
    return Status(ErrorCode::kBadQuery, "batch must be at least 1");
  }
  std::error_code ec;
  fs::create_directories(options.data_dir, ec);
  if (ec) {
    return Status(ErrorCode::kStorage,
                  "cannot create " + options.data_dir + ": " + ec.message());
  }
  std::string db_path = (fs::path(options.data_dir) / "facesync.db").string();
  auto store = store::open_sqlite_store(db_path);
  if (!store.is_ok()) return store.status();

  FaceLog log(**store,
              FaceLogOptions{options.max_image_bytes, options.today, {}});
  ImportRun run(options, log);
  return run.run(observer);
}

}  // namespace facesync::sync
