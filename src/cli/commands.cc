#include "cli/commands.h"

namespace facesync::cli {

int run_cli(int argc, char** argv) {
  CLI::App app("facesync: keeps the face data of ticket gates in sync",
               "facesync");
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");

  add_serve_command(app);
  add_enroll_command(app);
  add_revoke_command(app);
  add_gate_sim_command(app);

  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace facesync::cli
