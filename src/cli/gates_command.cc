// facesync gates: the gate registry as a table, and `gates set` to
// register a gate or change its settings (GET and PUT /v2/gates).
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_client.h"
#include "cli/commands.h"
#include "gatesim/face_api_client.h"

namespace facesync::cli {
namespace {

struct GatesArgs {
  std::string server = kDefaultServer;
};

// The flags of `gates set`; a field whose option was not given keeps the
// gate's current value.
struct GateSetArgs {
  std::string gatenum;
  std::string name;
  std::string site;
  std::string enabled;  // "true" or "false"
  std::vector<std::string> addresses;
  bool no_addresses = false;
  CLI::Option* name_option = nullptr;
  CLI::Option* site_option = nullptr;
  CLI::Option* enabled_option = nullptr;
  CLI::Option* address_option = nullptr;
};

std::string or_dash(const std::string& text) {
  return text.empty() ? "-" : text;
}

// The table's headings; table_row() fills the columns in this order.
const std::vector<std::string> kHeadings = {"GATENUM",   "NAME",        "SITE",
                                            "ENABLED",   "CURSOR",      "LAG",
                                            "LAST_SEEN", "NEEDS_RESYNC"};

// One row of the table, under kHeadings.
std::vector<std::string> table_row(const gatesim::RegisteredGate& gate) {
  const gatesim::GateSettings& settings = gate.settings;
  std::string resync = "no";
  if (gate.needs_resync) {
    resync = "yes";
    if (!gate.resync_reason.empty()) resync += ": " + gate.resync_reason;
  }
  return {settings.gatenum,
          or_dash(settings.name),
          or_dash(settings.site),
          settings.enabled ? "yes" : "no",
          std::to_string(gate.cursor),
          gate.lag ? std::to_string(*gate.lag) : "?",
          gate.last_seen.value_or("never"),
          resync};
}

// Prints rows in columns two spaces apart, each as wide as its widest
// cell; the last column is not padded.
void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }

  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - row[i].size() + 2, ' ');
    }
    std::cout << line << "\n";
  }
}

void run_gates(const GatesArgs& args) {
  auto client = connect("gates", args.server);
  auto gates = client.gates();
  if (!gates.is_ok()) fail("gates", gates.status().detail());
  if (gates->empty()) {
    std::cout << "no gates registered\n";
    return;
  }

  std::vector<std::vector<std::string>> rows = {kHeadings};
  for (const gatesim::RegisteredGate& gate : *gates) {
    rows.push_back(table_row(gate));
  }
  print_table(rows);
}

// The settings to send: the gate's current ones with the given flags
// applied, or the defaults for a gate not registered yet.
gatesim::GateSettings settings_to_put(const GateSetArgs& args,
                                      gatesim::FaceApiClient& client) {
  auto current = client.gate(args.gatenum);
  if (!current.is_ok()) fail("gates set", current.status().detail());
  gatesim::GateSettings settings;
  if (*current) settings = (*current)->settings;
  settings.gatenum = args.gatenum;

  if (args.name_option->count() > 0) settings.name = args.name;
  if (args.site_option->count() > 0) settings.site = args.site;
  if (args.enabled_option->count() > 0) {
    settings.enabled = args.enabled == "true";
  }
  if (args.address_option->count() > 0) settings.addresses = args.addresses;
  if (args.no_addresses) settings.addresses.clear();
  return settings;
}

void run_gate_set(const GatesArgs& gates_args, const GateSetArgs& args) {
  auto client = connect("gates set", gates_args.server);
  gatesim::GateSettings settings = settings_to_put(args, client);
  auto put = client.put_gate(settings);
  if (!put.is_ok()) fail("gates set", put.status().detail());

  const gatesim::GateSettings& now = put->gate.settings;
  std::string addresses;
  for (const std::string& address : now.addresses) {
    addresses += (addresses.empty() ? "" : ",") + address;
  }
  std::cout << "gate " << now.gatenum
            << (put->created ? " registered" : " updated") << ": name "
            << or_dash(now.name) << ", site " << or_dash(now.site) << ", "
            << (now.enabled ? "enabled" : "disabled") << ", addresses "
            << (addresses.empty() ? "none" : addresses) << "\n";
}

void add_gate_set_command(CLI::App& gates, std::shared_ptr<GatesArgs> common) {
  auto args = std::make_shared<GateSetArgs>();
  CLI::App* command = gates.add_subcommand(
      "set",
      "Register a gate or change its settings (PUT /v2/gates/N); "
      "settings not given keep their current values");

  command->add_option("gatenum", args->gatenum, "The gate's number")
      ->required();
  command->add_option("--server", common->server, "Base URL of the server")
      ->capture_default_str();
  args->name_option =
      command->add_option("--name", args->name, "Name for operators");
  args->site_option = command->add_option("--site", args->site,
                                          "The gate's site (\"\" for none)");
  args->enabled_option =
      command->add_option("--enabled", args->enabled, "May the gate sync")
          ->check(CLI::IsMember({"true", "false"}));
  args->address_option = command->add_option(
      "--address", args->addresses,
      "An address the gate may call from; repeat for more; replaces the "
      "current list");
  command
      ->add_flag("--no-addresses", args->no_addresses,
                 "Clear the gate's list of addresses")
      ->excludes(args->address_option);

  command->callback([common, args] { run_gate_set(*common, *args); });
}

}  // namespace

void add_gates_command(CLI::App& app) {
  auto args = std::make_shared<GatesArgs>();
  CLI::App* command = app.add_subcommand(
      "gates", "List the registered gates and their progress (GET /v2/gates)");
  command->require_subcommand(0, 1);

  command->add_option("--server", args->server, "Base URL of the server")
      ->capture_default_str();
  add_gate_set_command(*command, args);

  // With `set`, only the subcommand runs.
  command->callback([command, args] {
    if (command->get_subcommands().empty()) run_gates(*args);
  });
}

}  // namespace facesync::cli
