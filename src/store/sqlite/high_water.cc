#include "store/sqlite/high_water.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string_view>
#include <system_error>

namespace facesync::store::sqlite {

namespace {

constexpr int32_t kMaxIndex = std::numeric_limits<int32_t>::max();

// The longest file a valid value makes: ten digits and a newline.
constexpr size_t kMaxFileBytes = 16;

Status file_error(const std::string& what, const std::string& path, int error) {
  return Status(ErrorCode::kStorage, "high-water file: " + what + " " + path +
                                         ": " + std::strerror(error));
}

// Owns a file descriptor and closes it when the scope ends; one thread.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }

 private:
  int fd_;
};

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return file_error("write", path, errno);
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return Status::ok();
}

Status sync_directory_of(const std::string& path) {
  const std::filesystem::path parent =
      std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return file_error("open directory", dir, errno);
  if (::fsync(fd.get()) != 0) return file_error("sync directory", dir, errno);
  return Status::ok();
}

Result<int32_t> parse_value(std::string_view text, const std::string& path) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  int64_t value = -1;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() ||
      end != text.data() + text.size() || value < 0 || value > kMaxIndex) {
    return Status(ErrorCode::kStorage,
                  "high-water file " + path + " does not hold an index");
  }
  return static_cast<int32_t>(value);
}

}  // namespace

Result<int32_t> HighWaterFile::read() const {
  Fd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0 && errno == ENOENT) return 0;
  if (fd.get() < 0) return file_error("open", path_, errno);

  char buffer[kMaxFileBytes + 1];
  size_t size = 0;
  while (size < sizeof(buffer)) {
    const ssize_t got = ::read(fd.get(), buffer + size, sizeof(buffer) - size);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return file_error("read", path_, errno);
    if (got == 0) break;
    size += static_cast<size_t>(got);
  }
  return parse_value(std::string_view(buffer, size), path_);
}

Status HighWaterFile::write(int32_t value) const {
  const std::string temporary = path_ + ".tmp";
  {
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                 0600));
    if (fd.get() < 0) return file_error("create", temporary, errno);
    Status status =
        write_all(fd.get(), std::to_string(value) + "\n", temporary);
    if (!status.is_ok()) return status;
    if (::fsync(fd.get()) != 0) return file_error("sync", temporary, errno);
  }

  if (::rename(temporary.c_str(), path_.c_str()) != 0) {
    return file_error("rename to", path_, errno);
  }
  return sync_directory_of(path_);
}

Status IndexReservation::cover(int32_t index) {
  if (!reserved_.has_value()) {
    Result<int32_t> recorded = file_.read();
    if (!recorded.is_ok()) return recorded.status();
    reserved_ = *recorded;
  }
  if (index <= *reserved_) return Status::ok();

  // The end of the block after `index`, short of overflowing int32.
  const int64_t block_end = (int64_t{index} / kBlock + 1) * kBlock;
  const auto reserve =
      static_cast<int32_t>(std::min<int64_t>(block_end, kMaxIndex));
  Status status = file_.write(reserve);
  if (!status.is_ok()) {
    reserved_.reset();  // the file may hold either value now
    return status;
  }
  reserved_ = reserve;
  return Status::ok();
}

Status IndexReservation::settle(int32_t last_index) {
  Result<int32_t> recorded = file_.read();
  if (!recorded.is_ok()) return recorded.status();
  if (*recorded == last_index) return Status::ok();

  reserved_.reset();
  Status status = file_.write(last_index);
  if (status.is_ok()) reserved_ = last_index;
  return status;
}

}  // namespace facesync::store::sqlite
