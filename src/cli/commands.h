// The subcommands of the facesync binary. Each add_*_command registers one
// subcommand on the app (its options, help and callback); run_cli parses
// and runs. A callback reports failure by throwing CLI::RuntimeError with
// the exit code, after printing what went wrong to stderr.
#ifndef FACESYNC_CLI_COMMANDS_H_
#define FACESYNC_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace facesync::cli {

void add_serve_command(CLI::App& app);     // serve.cc
void add_enroll_command(CLI::App& app);    // enroll.cc
void add_revoke_command(CLI::App& app);    // enroll.cc
void add_gate_sim_command(CLI::App& app);  // gate_sim_command.cc
void add_gates_command(CLI::App& app);     // gates_command.cc
void add_sweep_command(CLI::App& app);     // enroll.cc
void add_import_command(CLI::App& app);    // import_command.cc

// Parses argv and runs the chosen subcommand; returns the exit code.
int run_cli(int argc, char** argv);

}  // namespace facesync::cli

#endif  // FACESYNC_CLI_COMMANDS_H_
