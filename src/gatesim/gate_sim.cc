#include "gatesim/gate_sim.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <system_error>
#include <thread>

#include "gatesim/v2_client.h"

namespace facesync::gatesim {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxGateLength = 4;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool is_gate_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

std::string format_rate(int64_t records, double seconds) {
  char text[64];
  double rate = seconds > 0 ? static_cast<double>(records) / seconds : 0;
  std::snprintf(text, sizeof text, "%.2f s, %.1f records/s", seconds, rate);
  return text;
}

// A short form of a digest for difference lines.
std::string short_digest(std::string_view hex) {
  return std::string(hex.substr(0, 12)) + (hex.size() > 12 ? "..." : "");
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(c));
  return out;
}

// The fields in which a held face differs from the live one, "" if none.
std::string field_differences(const HeldFace& held, const LiveFace& live) {
  std::string out;
  auto differ = [&out](const std::string& field, const std::string& mine,
                       const std::string& theirs) {
    if (mine == theirs) return;
    out += out.empty() ? "" : ", ";
    out += field + " held " + mine + " server " + theirs;
  };

  differ("recordindex", std::to_string(held.recordindex),
         std::to_string(live.recordindex));
  if (lower(held.sha256) != lower(live.image_sha256)) {
    differ("sha256", short_digest(held.sha256),
           short_digest(live.image_sha256));
  }
  differ("effdatebegin", held.effdatebegin, live.effdatebegin);
  differ("effdateend", held.effdateend, live.effdateend);
  differ("additionaltemplateinfo", std::to_string(held.additionaltemplateinfo),
         std::to_string(live.additionaltemplateinfo));
  return out;
}

// "sites north, south", for difference lines.
std::string sites_text(const LiveFace& face) {
  std::string out = face.sites.size() == 1 ? "site " : "sites ";
  for (size_t i = 0; i < face.sites.size(); ++i) {
    out += (i > 0 ? ", " : "") + face.sites[i];
  }
  return out;
}

// The gate's site as its record at the server says; "" for a gate that
// is not registered (it never synced, or was removed).
Result<std::string> site_of(FaceApiClient& api, const std::string& gate) {
  auto record = api.gate(gate);
  if (!record.is_ok()) {
    return Status(record.status().code(),
                  "cannot read gate " + gate + ": " + record.status().detail());
  }
  return *record ? (*record)->settings.site : std::string();
}

// The largest batch and the longest wait GET /v2/sync takes.
constexpr int kMaxBatch = 1000;
constexpr std::chrono::seconds kMaxWait{60};

// kBadQuery when the v2 settings are out of range, or a wait is asked of
// the legacy loop, which cannot wait.
Status check_sync_options(const GateSimOptions& options) {
  if (options.batch < 1 || options.batch > kMaxBatch) {
    return Status(ErrorCode::kBadQuery, "the batch size must be 1 to 1000");
  }
  if (options.wait.count() < 0 || options.wait > kMaxWait) {
    return Status(ErrorCode::kBadQuery, "the wait must be 0 to 60 seconds");
  }
  if (options.wait.count() > 0 && !options.v2) {
    return Status(ErrorCode::kBadQuery, "only a v2 gate can wait");
  }
  return Status::ok();
}

// Reads a gate's saved state into `state`, which stays as it is when
// there is no file. Fails when the file cannot be read or is another
// gate's.
Status load_gate_state(const std::string& path, GateState* state) {
  auto loaded = load_state(path);
  if (!loaded.is_ok()) return loaded.status();
  if (!*loaded) return Status::ok();
  if ((*loaded)->gate != state->gate) {
    return Status(ErrorCode::kMalformedBody,
                  path + " belongs to gate " + (*loaded)->gate);
  }
  *state = std::move(**loaded);
  return Status::ok();
}

// Writes one gate's state to its file: at the end of a run, and while it
// runs at most once every `interval`. Without a path it does nothing.
// Owned by the gate's thread.
class StateSaver {
 public:
  StateSaver(std::string path, std::chrono::milliseconds interval)
      : path_(std::move(path)), interval_(interval), last_(Clock::now()) {}

  Status save(const GateState& state) {
    if (path_.empty()) return Status::ok();
    Status saved = save_state(state, path_);
    last_ = Clock::now();
    return saved;
  }

  Status save_if_due(const GateState& state) {
    if (Clock::now() - last_ < interval_) return Status::ok();
    return save(state);
  }

 private:
  const std::string path_;
  const std::chrono::milliseconds interval_;
  Clock::time_point last_;
};

// Sends `request()` until it succeeds, `attempts` times in all, waiting
// `backoff` after the first failure and twice as long after each further
// one; counts requests and retries in `result`.
template <typename Request>
auto with_retries(const GateSimOptions& options, GateResult& result,
                  Request request) -> decltype(request()) {
  Status last_failure;
  auto backoff = options.backoff;
  for (int attempt = 1; attempt <= std::max(options.attempts, 1); ++attempt) {
    if (attempt > 1) {
      ++result.retries;
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }

    ++result.requests;
    auto reply = request();
    if (reply.is_ok()) return reply;
    last_failure = reply.status();
  }
  return Status(last_failure.code(), "after " +
                                         std::to_string(options.attempts) +
                                         " attempts: " + last_failure.detail());
}

bool limit_reached(const GateSimOptions& options, const GateResult& result) {
  return options.max_records && result.applied >= *options.max_records;
}

// One legacy request; an error answer, or one without a tag, is a failure.
Result<LegacyReply> legacy_next(LegacyClient& client, const GateState& state) {
  auto reply = client.next(state.gate, state.cursor);
  if (!reply.is_ok()) return reply;
  if (reply->errcode != 0) {
    return Status(
        ErrorCode::kUnavailable,
        "errcode " + std::to_string(reply->errcode) + ": " + reply->errmsg);
  }
  if (!reply->tag) {
    return Status(ErrorCode::kUnavailable, "errcode 0 without tag");
  }
  return reply;
}

// The documented legacy loop: ask for the record after the cursor, apply
// it, then move the cursor; stop when the server has nothing more.
Status sync_legacy(const GateSimOptions& options, const http::Url& url,
                   GateResult& result, StateSaver& saver) {
  LegacyClient client(url, options.format, options.timeout);
  while (!limit_reached(options, result)) {
    auto reply = with_retries(
        options, result, [&] { return legacy_next(client, result.state); });
    if (!reply.is_ok()) return reply.status();
    const LegacyTag& tag = *reply->tag;
    if (tag.hasdata == options.hasdata_no) {
      result.caught_up = true;
      return Status::ok();
    }

    Status applied = apply_record(tag, options.op_removed, &result.state);
    if (!applied.is_ok()) return applied;
    ++result.applied;

    Status saved = saver.save_if_due(result.state);
    if (!saved.is_ok()) return saved;
  }
  return Status::ok();
}

// The batch loop: ask for up to `batch` records after the cursor (fewer
// near the record limit), check the batch whole, apply its records in
// order through the legacy path, and stop at a batch that says there is
// no more. With a wait, the first
// such batch is followed by one waiting request, and the loop stops at
// the next batch without more.
Status sync_v2(const GateSimOptions& options, const http::Url& url,
               GateResult& result, StateSaver& saver) {
  V2Client client(url, options.timeout + options.wait);
  bool waited = options.wait.count() == 0;
  while (!limit_reached(options, result)) {
    V2Query query{result.state.gate, result.state.cursor, options.batch, 0};
    if (options.max_records) {
      query.limit = static_cast<int>(std::min<int64_t>(
          query.limit, *options.max_records - result.applied));
    }
    if (result.caught_up && !waited) {
      query.wait_seconds = static_cast<int>(options.wait.count());
      waited = true;
    }
    auto batch =
        with_retries(options, result, [&] { return client.next(query); });
    if (!batch.is_ok()) return batch.status();

    // A batch that breaks the rules fails the gate at once, as a legacy
    // record below the cursor does: asking again would not mend it, and
    // after a restart from 0 (a cursor beyond the server's log) the next
    // answer would look caught up.
    Status checked = check_v2_batch(*batch, query);
    if (!checked.is_ok()) return checked;

    for (const LegacyTag& record : batch->records) {
      Status applied = apply_record(record, options.op_removed, &result.state);
      if (!applied.is_ok()) return applied;
      ++result.applied;
    }
    Status saved = saver.save_if_due(result.state);
    if (!saved.is_ok()) return saved;

    result.caught_up = !batch->more;
    if (result.caught_up && waited) break;
  }
  return Status::ok();
}

}  // namespace

bool RunReport::all_ok() const {
  return std::all_of(gates.begin(), gates.end(), [](const GateResult& gate) {
    return gate.status.is_ok();
  });
}

bool VerifyReport::ok() const {
  return skipped.empty() && std::all_of(gates.begin(), gates.end(),
                                        [](const GateDifferences& gate) {
                                          return gate.count == 0;
                                        });
}

GateSim::GateSim(GateSimOptions options) : options_(std::move(options)) {}

Result<RunReport> GateSim::run() {
  auto names = gate_names(options_.first_gate, options_.gates);
  if (!names.is_ok()) return names.status();
  Status checked = check_sync_options(options_);
  if (!checked.is_ok()) return checked;
  auto url = http::parse_url(options_.server);
  if (!url.is_ok()) return url.status();
  if (!options_.state_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options_.state_dir, ec);
    if (ec) {
      return Status(ErrorCode::kStorage, "cannot create " + options_.state_dir +
                                             ": " + ec.message());
    }
  }

  // One thread per gate; each writes only its own slot of `report`.
  RunReport report;
  report.gates.resize(names->size());
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (size_t i = 0; i < names->size(); ++i) {
    threads.emplace_back([this, &report, &url, &names, i] {
      report.gates[i] = run_gate(*url, (*names)[i]);
    });
  }
  for (std::thread& thread : threads)
    thread.join();

  report.seconds = seconds_since(start);
  return report;
}

GateResult GateSim::run_gate(const http::Url& url,
                             const std::string& gate) const {
  GateResult result;
  result.state.gate = gate;
  auto start = Clock::now();

  try {
    // Resume from the saved state, if there is one.
    std::string path;
    if (!options_.state_dir.empty()) {
      path = state_path(options_.state_dir, gate);
      Status loaded = load_gate_state(path, &result.state);
      if (!loaded.is_ok()) {
        result.status = loaded;
        return result;
      }
    }

    StateSaver saver(path, options_.save_interval);
    result.status = options_.v2 ? sync_v2(options_, url, result, saver)
                                : sync_legacy(options_, url, result, saver);

    // What was applied stays applied, also when the gate failed later.
    Status saved = saver.save(result.state);
    if (result.status.is_ok()) result.status = saved;
  } catch (const std::exception& e) {
    result.status = Status(ErrorCode::kUnavailable,
                           std::string("unexpected exception: ") + e.what());
  }

  result.seconds = seconds_since(start);
  return result;
}

Result<VerifyReport> GateSim::verify(const RunReport& run) {
  auto url = http::parse_url(options_.server);
  if (!url.is_ok()) return url.status();
  FaceApiClient api(*url, options_.timeout);
  auto faces = api.all_live_faces();
  if (!faces.is_ok()) return faces.status();

  std::map<std::string, LiveFace> live;
  for (LiveFace& face : *faces)
    live[face.ticketcode] = std::move(face);

  VerifyReport report;
  report.live_faces = live.size();
  for (const GateResult& gate : run.gates) {
    if (!gate.status.is_ok()) {
      report.skipped.push_back(gate.state.gate);
      continue;
    }
    auto site = site_of(api, gate.state.gate);
    if (!site.is_ok()) return site.status();
    report.gates.push_back(compare_with_server(gate.state, *site, live));
  }
  return report;
}

Result<std::vector<std::string>> gate_names(std::string_view first, int count) {
  auto bad = [&](const std::string& why) {
    return Status(ErrorCode::kBadGateNum,
                  "gate '" + std::string(first) + "': " + why);
  };
  if (first.empty() || first.size() > kMaxGateLength ||
      !std::all_of(first.begin(), first.end(), is_gate_char)) {
    return bad("must be 1 to 4 letters, digits, '-' or '_'");
  }
  if (count < 1) return bad("the number of gates must be at least 1");
  if (count == 1) return std::vector<std::string>{std::string(first)};
  if (!all_digits(first)) return bad("must be a number when --gates > 1");

  std::vector<std::string> names;
  int number = std::stoi(std::string(first));
  for (int i = 0; i < count; ++i) {
    std::string name = std::to_string(number + i);
    if (name.size() < first.size()) {
      name.insert(0, first.size() - name.size(), '0');
    }
    if (name.size() > kMaxGateLength) {
      return bad("gate " + name + " would be longer than 4 characters");
    }
    names.push_back(std::move(name));
  }
  return names;
}

Result<wire::Format> parse_format_name(std::string_view name) {
  if (name == "json") return wire::Format::kJson;
  if (name == "xml") return wire::Format::kXml;
  if (name == "form") return wire::Format::kForm;
  if (name == "bson") return wire::Format::kBson;
  return Status(
      ErrorCode::kUnsupportedMediaType,
      "unknown format '" + std::string(name) + "' (json, xml, form or bson)");
}

bool face_reaches_site(const LiveFace& face, std::string_view site) {
  if (face.sites.empty()) return true;
  return std::find(face.sites.begin(), face.sites.end(), site) !=
         face.sites.end();
}

GateDifferences compare_with_server(const GateState& state,
                                    std::string_view site,
                                    const std::map<std::string, LiveFace>& live,
                                    size_t max_details) {
  GateDifferences out;
  out.gate = state.gate;
  out.site = site;
  auto report = [&](const std::string& ticket, const std::string& what) {
    ++out.count;
    if (out.details.size() < max_details) {
      out.details.push_back("ticket " + ticket + ": " + what);
    }
  };

  // Every live face from elsewhere meant for the site must be held as the
  // server has it.
  for (const auto& [ticket, face] : live) {
    if (face.gate == state.gate || !face_reaches_site(face, site)) continue;
    ++out.faces_checked;
    auto held = state.faces.find(ticket);
    if (held == state.faces.end()) {
      report(ticket, "missing (live at the server, recordindex " +
                         std::to_string(face.recordindex) + ")");
      continue;
    }
    std::string differences = field_differences(held->second, face);
    if (!differences.empty()) report(ticket, differences);
  }

  // Nothing may be held that the server no longer has, or has for other
  // sites only.
  for (const auto& [ticket, face] : state.faces) {
    std::string held =
        "held (recordindex " + std::to_string(face.recordindex) + ") but ";
    auto found = live.find(ticket);
    if (found == live.end()) {
      report(ticket, held + "not live at the server");
    } else if (found->second.gate != state.gate &&
               !face_reaches_site(found->second, site)) {
      report(ticket, held + "live only for " + sites_text(found->second));
    }
  }
  return out;
}

std::string summary_line(const GateResult& gate) {
  std::string line =
      "gate " + gate.state.gate + ": " + std::to_string(gate.applied) +
      " records applied, " + std::to_string(gate.state.faces.size()) +
      " faces held, cursor " + std::to_string(gate.state.cursor) + ", " +
      std::to_string(gate.requests) + " requests, " +
      format_rate(gate.applied, gate.seconds);
  if (gate.retries > 0)
    line += ", " + std::to_string(gate.retries) + " retries";
  if (!gate.status.is_ok()) {
    line += " -- FAILED: " + gate.status.to_string();
  } else if (!gate.caught_up) {
    line += " -- stopped at the record limit";
  }
  return line;
}

std::string total_line(const RunReport& run) {
  int64_t applied = 0;
  size_t failed = 0;
  for (const GateResult& gate : run.gates) {
    applied += gate.applied;
    failed += gate.status.is_ok() ? 0 : 1;
  }
  return "total: " + std::to_string(run.gates.size()) + " gates, " +
         std::to_string(applied) + " records applied, " +
         format_rate(applied, run.seconds) + ", " + std::to_string(failed) +
         " failed";
}

}  // namespace facesync::gatesim
