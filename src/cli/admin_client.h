// What the subcommands that talk to a running server share: the default
// server, how they fail, and how they reach the v2 admin API.
#ifndef FACESYNC_CLI_ADMIN_CLIENT_H_
#define FACESYNC_CLI_ADMIN_CLIENT_H_

#include <string>

#include "gatesim/face_api_client.h"

namespace facesync::cli {

inline constexpr const char* kDefaultServer = "http://127.0.0.1:8080";

// Prints "facesync COMMAND: WHAT" to stderr and exits with status 1
// (throws CLI::RuntimeError, which run_cli turns into the exit status).
[[noreturn]] void fail(const std::string& command, const std::string& what);

// The client for --server; fails with a message when the URL is bad.
gatesim::FaceApiClient connect(const std::string& command,
                               const std::string& server);

}  // namespace facesync::cli

#endif  // FACESYNC_CLI_ADMIN_CLIENT_H_
