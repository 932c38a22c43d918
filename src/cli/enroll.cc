// facesync enroll, revoke and sweep: face changes through the v2 API.
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cli/admin_client.h"
#include "cli/commands.h"
#include "gatesim/face_api_client.h"

namespace facesync::cli {
namespace {

struct EnrollArgs {
  std::string server = kDefaultServer;
  std::string image_path;
  gatesim::FaceToEnroll face;
};

struct RevokeArgs {
  std::string server = kDefaultServer;
  std::string ticket;
};

struct SweepArgs {
  std::string server = kDefaultServer;
  std::string asof;  // "" for the server's today
};

void print_change(const std::string& ticket,
                  const gatesim::FaceChange& change) {
  std::cout << "ticket " << ticket << ": recordindex " << change.recordindex
            << ", op " << (change.op.empty() ? "-" : change.op)
            << (change.appended ? "" : " (unchanged: already enrolled)")
            << "\n";
}

void run_enroll(EnrollArgs& args) {
  std::ifstream in(args.image_path, std::ios::binary);
  if (!in) fail("enroll", "cannot open " + args.image_path);
  args.face.image.assign(std::istreambuf_iterator<char>(in), {});
  if (in.bad()) fail("enroll", "cannot read " + args.image_path);

  auto client = connect("enroll", args.server);
  auto change = client.enroll(args.face);
  if (!change.is_ok()) fail("enroll", change.status().detail());
  print_change(args.face.ticketcode, *change);
}

void run_revoke(const RevokeArgs& args) {
  auto client = connect("revoke", args.server);
  auto change = client.revoke(args.ticket);
  if (!change.is_ok()) fail("revoke", change.status().detail());
  print_change(args.ticket, *change);
}

void run_sweep(const SweepArgs& args) {
  auto client = connect("sweep", args.server);
  std::optional<std::string_view> asof;
  if (!args.asof.empty()) asof = args.asof;
  auto swept = client.sweep(asof);
  if (!swept.is_ok()) fail("sweep", swept.status().detail());
  std::cout << "expired " << swept->expired << " faces as of " << swept->asof
            << "\n";
}

}  // namespace

void add_enroll_command(CLI::App& app) {
  auto args = std::make_shared<EnrollArgs>();
  CLI::App* command = app.add_subcommand(
      "enroll", "Enroll or replace a ticket's face (PUT /v2/faces/TICKET)");

  command->add_option("--server", args->server, "Base URL of the server")
      ->capture_default_str();
  command->add_option("--ticket", args->face.ticketcode, "Ticket code")
      ->required();
  command->add_option("--image", args->image_path, "JPEG or PNG file")
      ->required();
  command->add_option("--gate", args->face.gate,
                      "Gate that collected the face (none if omitted)");
  command
      ->add_option("--begin", args->face.effdatebegin,
                   "First valid day, yyyyMMdd")
      ->required();
  command
      ->add_option("--end", args->face.effdateend, "Last valid day, yyyyMMdd")
      ->required();
  command
      ->add_option("--template-info", args->face.additionaltemplateinfo,
                   "additionaltemplateinfo, 0 to 255")
      ->capture_default_str();
  command->add_option("--site", args->face.sites,
                      "A site whose gates receive the face; repeat for "
                      "more (every gate if omitted)");

  command->callback([args] { run_enroll(*args); });
}

void add_revoke_command(CLI::App& app) {
  auto args = std::make_shared<RevokeArgs>();
  CLI::App* command = app.add_subcommand(
      "revoke", "Remove a ticket's face (DELETE /v2/faces/TICKET)");

  command->add_option("--server", args->server, "Base URL of the server")
      ->capture_default_str();
  command->add_option("--ticket", args->ticket, "Ticket code")->required();

  command->callback([args] { run_revoke(*args); });
}

void add_sweep_command(CLI::App& app) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* command = app.add_subcommand(
      "sweep", "Remove the faces past their end date (POST /v2/sweep)");

  command->add_option("--server", args->server, "Base URL of the server")
      ->capture_default_str();
  command->add_option("--as-of", args->asof,
                      "Remove faces ending before this day, yyyyMMdd "
                      "(default: today at the server's site)");

  command->callback([args] { run_sweep(*args); });
}

}  // namespace facesync::cli
