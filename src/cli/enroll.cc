// facesync enroll and facesync revoke: one face change through the v2 API.
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "gatesim/face_api_client.h"

namespace facesync::cli {
namespace {

constexpr const char* kDefaultServer = "http://127.0.0.1:8080";

struct EnrollArgs {
  std::string server = kDefaultServer;
  std::string image_path;
  gatesim::FaceToEnroll face;
};

struct RevokeArgs {
  std::string server = kDefaultServer;
  std::string ticket;
};

[[noreturn]] void fail(const std::string& command, const std::string& what) {
  std::cerr << "facesync " << command << ": " << what << "\n";
  throw CLI::RuntimeError(1);
}

// The client for --server; exits with a message when the URL is bad.
gatesim::FaceApiClient connect(const std::string& command,
                               const std::string& server) {
  auto url = http::parse_url(server);
  if (!url.is_ok()) fail(command, url.status().detail());
  return gatesim::FaceApiClient(*url);
}

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

}  // namespace facesync::cli
