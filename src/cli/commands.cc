#include "cli/commands.h"

namespace facesync::cli {

int run_cli(int argc, char** argv) {
  CLI::App app("facesync: keeps the face data of ticket gates in sync",
               "facesync");
  app.require_subcommand(1);

  // `facesync serve --config FILE`: a subcommand passes --config up to the
  // app, which reads FILE's [serve] section for the options not given as
  // flags. Unknown keys are an error, so that a typo is not ignored.
  app.fallthrough();
  app.set_config("--config", "",
                 "TOML file; its [SUBCOMMAND] section sets that "
                 "subcommand's options by long name; flags override it");
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");

  add_serve_command(app);
  add_enroll_command(app);
  add_revoke_command(app);
  add_gate_sim_command(app);
  add_gates_command(app);
  add_sweep_command(app);
  add_import_command(app);

  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace facesync::cli
