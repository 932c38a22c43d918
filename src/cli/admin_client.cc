#include "cli/admin_client.h"

#include <iostream>

#include <CLI/CLI.hpp>

namespace facesync::cli {

void fail(const std::string& command, const std::string& what) {
  std::cerr << "facesync " << command << ": " << what << "\n";
  throw CLI::RuntimeError(1);
}

gatesim::FaceApiClient connect(const std::string& command,
                               const std::string& server) {
  auto url = http::parse_url(server);
  if (!url.is_ok()) fail(command, url.status().detail());
  return gatesim::FaceApiClient(*url);
}

}  // namespace facesync::cli
