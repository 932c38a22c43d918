// facesync: the whole program is the library; this only hands over argv.
#include "cli/commands.h"

int main(int argc, char** argv) {
  return facesync::cli::run_cli(argc, argv);
}
