#include "gatesim/gate_state.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace facesync::gatesim {
namespace {

// The first line of every state file; the number is the layout's version.
constexpr std::string_view kMagic = "facesync-gate-state 1";

Status malformed(std::string detail) {
  return Status(ErrorCode::kMalformedBody, std::move(detail));
}

Status io_error(const std::string& what, const std::string& path) {
  return Status(ErrorCode::kStorage,
                what + " " + path + ": " + std::strerror(errno));
}

// State files are lines of tab-separated fields; '%', tab, newline and the
// other control characters inside a field are written as %XX.
void append_field(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('\t');
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F || c == '%') {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
}

std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) return std::nullopt;
    auto [ptr, ec] =
        std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc() || ptr != text.data() + i + 3) return std::nullopt;
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view line, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    auto at = line.find(separator);
    parts.push_back(line.substr(0, at));
    if (at == std::string_view::npos) return parts;
    line.remove_prefix(at + 1);
  }
}

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::string serialize(const GateState& state) {
  std::string out(kMagic);
  out += "\ngate";
  append_field(state.gate, &out);
  out += "\ncursor\t" + std::to_string(state.cursor) + "\n";
  for (const auto& [ticket, face] : state.faces) {
    out += "face";
    append_field(ticket, &out);
    append_field(std::to_string(face.recordindex), &out);
    append_field(face.sha256, &out);
    append_field(face.effdatebegin, &out);
    append_field(face.effdateend, &out);
    append_field(std::to_string(face.additionaltemplateinfo), &out);
    out += "\n";
  }
  return out;
}

// Reads one "face" line's fields (after the keyword) into `state`.
Status parse_face(const std::vector<std::string_view>& parts,
                  GateState* state) {
  if (parts.size() != 7) return malformed("a face line has a wrong length");
  std::vector<std::string> fields;
  for (size_t i = 1; i < parts.size(); ++i) {
    auto field = unescape(parts[i]);
    if (!field) return malformed("bad escape in a face line");
    fields.push_back(std::move(*field));
  }

  HeldFace face;
  auto index = parse_int(fields[1]);
  auto template_info = parse_int(fields[5]);
  if (!index || !template_info) return malformed("bad number in a face line");
  face.recordindex = *index;
  face.sha256 = fields[2];
  face.effdatebegin = fields[3];
  face.effdateend = fields[4];
  face.additionaltemplateinfo = *template_info;
  state->faces[fields[0]] = std::move(face);
  return Status::ok();
}

Result<GateState> parse(std::string_view text) {
  auto lines = split(text, '\n');
  if (lines.empty() || lines[0] != kMagic) {
    return malformed("not a gate state file");
  }

  GateState state;
  bool have_gate = false, have_cursor = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    auto parts = split(lines[i], '\t');
    if (parts[0] == "gate" && parts.size() == 2) {
      auto gate = unescape(parts[1]);
      if (!gate) return malformed("bad gate line");
      state.gate = std::move(*gate);
      have_gate = true;
    } else if (parts[0] == "cursor" && parts.size() == 2) {
      auto cursor = parse_int(parts[1]);
      if (!cursor || *cursor < 0 ||
          *cursor > std::numeric_limits<int32_t>::max()) {
        return malformed("bad cursor line");
      }
      state.cursor = static_cast<int32_t>(*cursor);
      have_cursor = true;
    } else if (parts[0] == "face") {
      Status read = parse_face(parts, &state);
      if (!read.is_ok()) return read;
    } else {
      return malformed("unknown line " + std::to_string(i + 1));
    }
  }
  if (!have_gate || !have_cursor) return malformed("no gate or cursor line");
  return state;
}

Status write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return Status(ErrorCode::kStorage, "");
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return Status::ok();
}

}  // namespace

Status apply_record(const LegacyTag& record, std::string_view op_removed,
                    GateState* state) {
  // Check everything first, so that a bad record changes nothing.
  if (record.recordindex <= state->cursor ||
      record.recordindex > std::numeric_limits<int32_t>::max()) {
    return malformed("record index " + std::to_string(record.recordindex) +
                     " does not follow the cursor " +
                     std::to_string(state->cursor));
  }
  if (!record.ticketcode || record.ticketcode->empty() || !record.op) {
    return malformed("record " + std::to_string(record.recordindex) +
                     " has no ticketcode or op");
  }
  bool removal = *record.op == op_removed;
  if (!removal &&
      (!record.faceimage || !record.effdatebegin || !record.effdateend)) {
    return malformed("record " + std::to_string(record.recordindex) +
                     " has no faceimage or dates");
  }

  if (removal) {
    state->faces.erase(*record.ticketcode);
  } else {
    HeldFace& face = state->faces[*record.ticketcode];
    face.recordindex = record.recordindex;
    face.sha256 = sha256_hex(*record.faceimage);
    face.effdatebegin = *record.effdatebegin;
    face.effdateend = *record.effdateend;
    face.additionaltemplateinfo = record.additionaltemplateinfo.value_or(0);
  }

  // The contract of a gate: the cursor moves only once the record is in.
  state->cursor = static_cast<int32_t>(record.recordindex);
  return Status::ok();
}

// OpenSSL's SHA-256 uses the CPU's SHA extensions where there are some:
// about five times libsodium's portable one on a 16 KiB face, which a gate
// hashes for every record it applies.
std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(),
                 nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");  // out of memory
  }
  char hex[EVP_MAX_MD_SIZE * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, size);
  return hex;
}

std::string state_path(std::string_view dir, std::string_view gate) {
  std::string path(dir);
  if (!path.empty() && path.back() != '/') path += '/';
  return path + "gate-" + std::string(gate) + ".state";
}

Status save_state(const GateState& state, const std::string& path) {
  std::string temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create", temp);

  Status written = write_all(fd, serialize(state));
  bool synced = written.is_ok() && ::fsync(fd) == 0;
  if (::close(fd) != 0 || !synced) {
    Status failed = io_error("cannot write", temp);
    ::unlink(temp.c_str());
    return failed;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    Status failed = io_error("cannot rename over", path);
    ::unlink(temp.c_str());
    return failed;
  }
  return Status::ok();
}

Result<std::optional<GateState>> load_state(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) {
    return std::optional<GateState>();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open", path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return io_error("cannot read", path);

  auto state = parse(text.str());
  if (!state.is_ok()) {
    return malformed(path + ": " + state.status().detail());
  }
  return std::optional<GateState>(std::move(state).value());
}

}  // namespace facesync::gatesim
