// TempDir: a fresh directory under /tmp, removed with its contents when the
// object goes away. For tests; one owner, not shared between threads.
#ifndef FACESYNC_BASE_TEMP_DIR_H_
#define FACESYNC_BASE_TEMP_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace facesync {

class TempDir {
 public:
  TempDir() {
    // mkdtemp fills in the six trailing X characters.
    std::string tmpl = "/tmp/facesync-test-" + std::string(6, 'X');
    if (mkdtemp(tmpl.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const {
    return (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace facesync

#endif  // FACESYNC_BASE_TEMP_DIR_H_
