// facesync gate-sim: runs simulated gates (legacy, or in batches over
// GET /v2/sync with --v2) against a server and, on request, checks that
// they hold what the server says they should.
#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "gatesim/gate_sim.h"

namespace facesync::cli {
namespace {

// Exit codes beyond 0 (everything synced and, with --verify, matched).
constexpr int kExitSetup = 1;       // bad options, server lists unreadable
constexpr int kExitGateFailed = 2;  // a gate's requests kept failing
constexpr int kExitMismatch = 3;    // --verify found differences

struct GateSimArgs {
  gatesim::GateSimOptions options;
  std::string format = "json";
  int64_t max_records = 0;
  int wait_seconds = 0;
  bool verify = false;
};

[[noreturn]] void fail(const std::string& what, int code) {
  std::cerr << "facesync gate-sim: " << what << "\n";
  throw CLI::RuntimeError(code);
}

void print_verify(const gatesim::VerifyReport& report) {
  for (const gatesim::GateDifferences& gate : report.gates) {
    std::cout << "verify gate " << gate.gate << " ("
              << (gate.site.empty() ? "no site" : "site " + gate.site) << "): ";
    if (gate.count == 0) {
      std::cout << "ok, " << gate.faces_checked << " faces match\n";
      continue;
    }
    std::cout << gate.count << " differences\n";
    for (const std::string& detail : gate.details) {
      std::cout << "  " << detail << "\n";
    }
    if (gate.count > gate.details.size()) {
      std::cout << "  ... and " << gate.count - gate.details.size()
                << " more\n";
    }
  }
  for (const std::string& gate : report.skipped) {
    std::cout << "verify gate " << gate << ": not verified, its sync failed\n";
  }
  std::cout << "verify: " << report.live_faces << " live faces at the server, "
            << (report.ok() ? "all gates match" : "MISMATCH") << "\n";
}

void run_gate_sim(GateSimArgs& args, bool limited) {
  auto format = gatesim::parse_format_name(args.format);
  if (!format.is_ok()) fail(format.status().detail(), kExitSetup);
  args.options.format = *format;
  args.options.wait = std::chrono::seconds(args.wait_seconds);
  if (limited) args.options.max_records = args.max_records;

  gatesim::GateSim sim(args.options);
  auto run = sim.run();
  if (!run.is_ok()) fail(run.status().detail(), kExitSetup);
  for (const gatesim::GateResult& gate : run->gates) {
    std::cout << gatesim::summary_line(gate) << "\n";
  }
  std::cout << gatesim::total_line(*run) << std::endl;

  bool matched = true;
  if (args.verify) {
    auto report = sim.verify(*run);
    if (!report.is_ok()) {
      fail("cannot read the server's faces or gates: " +
               report.status().to_string(),
           kExitSetup);
    }
    print_verify(*report);
    matched = report->ok();
  }

  if (!run->all_ok()) throw CLI::RuntimeError(kExitGateFailed);
  if (!matched) throw CLI::RuntimeError(kExitMismatch);
}

}  // namespace

void add_gate_sim_command(CLI::App& app) {
  auto args = std::make_shared<GateSimArgs>();
  gatesim::GateSimOptions& options = args->options;
  CLI::App* command = app.add_subcommand(
      "gate-sim", "Simulate gates syncing faces from a server");
  command->footer(
      "Exit status: 0 ok, 1 bad options or unreadable server list, 2 a gate "
      "failed to sync, 3 --verify found differences.");

  command->add_option("--server", options.server, "Base URL of the server")
      ->capture_default_str();
  command
      ->add_option("--gate", options.first_gate, "Number of the (first) gate")
      ->capture_default_str();
  CLI::Option* format =
      command
          ->add_option("--format", args->format,
                       "Body format of the legacy requests")
          ->check(CLI::IsMember({"json", "xml", "form", "bson"}))
          ->capture_default_str();
  command
      ->add_option("--gates", options.gates,
                   "Gates to run, numbered upward from --gate")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  command->add_option("--state-dir", options.state_dir,
                      "Keep each gate's cursor and faces here between runs");
  command->add_flag("--verify", args->verify,
                    "Compare every gate's faces with the live faces meant "
                    "for its site (GET /v2/faces, /v2/gates/N)");
  CLI::Option* max_records =
      command
          ->add_option("--max-records", args->max_records,
                       "Stop each gate after this many records")
          ->check(CLI::PositiveNumber);
  command
      ->add_option("--op-removed", options.op_removed,
                   "The op value the server sends for a removal")
      ->capture_default_str();

  // The batch endpoint instead of the legacy one.
  CLI::Option* v2 =
      command
          ->add_flag("--v2", options.v2,
                     "Sync in batches over GET /v2/sync instead of one "
                     "record per legacy request")
          ->excludes(format);
  command->add_option("--batch", options.batch, "Records per v2 request")
      ->check(CLI::Range(1, 1000))
      ->needs(v2)
      ->capture_default_str();
  command
      ->add_option("--wait", args->wait_seconds,
                   "Once caught up, ask once more, waiting up to this many "
                   "seconds for a record, apply what comes, then stop")
      ->check(CLI::Range(0, 60))
      ->needs(v2);

  command->callback(
      [args, max_records] { run_gate_sim(*args, max_records->count() > 0); });
}

}  // namespace facesync::cli
