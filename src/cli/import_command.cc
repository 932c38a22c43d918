// facesync import: bulk-loads faces from a CSV file and a folder of images
// straight into DATA/facesync.db, through the rules of the API.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "sync/face_log.h"
#include "sync/importer.h"
#include "sync/site_clock.h"

namespace facesync::cli {
namespace {

struct ImportArgs {
  sync::ImportOptions options;
  std::string today;  // "" for the real date
};

[[noreturn]] void fail_import(const std::string& message, int code) {
  std::cerr << "facesync import: " << message << "\n";
  throw CLI::RuntimeError(code);
}

void print_progress(const sync::ImportProgress& progress) {
  const size_t faces =
      progress.enrolled + progress.unchanged + progress.refused;
  const double rate = progress.seconds > 0 ? faces / progress.seconds : 0;
  std::fprintf(stderr,
               "facesync import: %zu lines done, %zu enrolled, %zu "
               "unchanged, %zu refused, %.0f faces/s\n",
               progress.lines_done, progress.enrolled, progress.unchanged,
               progress.refused, rate);
}

void run_import(ImportArgs& args) {
  if (args.today.empty()) {
    args.options.today = [] { return sync::site_today(); };
  } else {
    Result<int32_t> today = sync::parse_date(args.today);
    if (!today.is_ok()) fail_import("--today: " + today.status().detail(), 2);
    args.options.today = [day = *today] { return day; };
  }

  auto done = sync::import_faces(args.options, print_progress);
  if (!done.is_ok()) fail_import(done.status().to_string(), 1);
  if (done->enrolled + done->unchanged + done->refused == 0) {
    print_progress(*done);  // nothing was left to do: say so once
  }
  if (done->refused > 0) {
    std::cerr << "facesync import: refused lines are listed in "
              << sync::import_rejects_path(args.options) << "\n";
  }
}

}  // namespace

void add_import_command(CLI::App& app) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* command = app.add_subcommand(
      "import",
      "Bulk-load faces from a CSV file and images into DATA/facesync.db");

  command
      ->add_option("--data", args->options.data_dir,
                   "Directory of the database (DATA/facesync.db)")
      ->required();
  command
      ->add_option("--csv", args->options.csv_path,
                   "CSV: ticketcode,gate,effdatebegin,effdateend,"
                   "additionaltemplateinfo,sites (sites split by ;)")
      ->required();
  command
      ->add_option("--images", args->options.images_dir,
                   "Folder of IMAGES/<ticketcode>.jpg or .png")
      ->required();
  command->add_option("--batch", args->options.batch, "Faces a transaction")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_option("--today", args->today,
                      "Date for the end-date check, yyyyMMdd "
                      "(default: today)");
  command
      ->add_option("--limit", args->options.limit,
                   "Stop after this many more lines (0: all)")
      ->capture_default_str();

  command->callback([args] { run_import(*args); });
}

}  // namespace facesync::cli
