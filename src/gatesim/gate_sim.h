// GateSim: simulated gates that pull face records from a facesync server,
// one record per request as the legacy devices in the field do or in
// batches over GET /v2/sync, and a check that what they end up holding is
// what the server says they should hold.
#ifndef FACESYNC_GATESIM_GATE_SIM_H_
#define FACESYNC_GATESIM_GATE_SIM_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "gatesim/face_api_client.h"
#include "gatesim/gate_state.h"
#include "wire/format.h"

namespace facesync::gatesim {

// What to simulate and against which server; the flags of gate-sim.
struct GateSimOptions {
  std::string server = "http://127.0.0.1:8080";
  // The first gate's number. With more than one gate it must be decimal;
  // the others count upward from it at the same width (0009, 0010, ...).
  std::string first_gate = "0001";
  int gates = 1;
  wire::Format format = wire::Format::kJson;
  // Where gate-NNNN.state files are read and written; "" keeps no state
  // and starts every gate at 0.
  std::string state_dir;
  // The most records one gate applies in one run; nullopt: no limit.
  std::optional<int64_t> max_records;
  // How the server spells a removal and "no more data".
  std::string op_removed = "D";
  std::string hasdata_no = "0";
  // A failed request is tried `attempts` times in all, waiting `backoff`
  // after the first failure and twice as long after each further one.
  int attempts = 5;
  std::chrono::milliseconds backoff{100};
  std::chrono::milliseconds timeout{10'000};
  // While a gate runs, its state is saved at most this often.
  std::chrono::milliseconds save_interval{2'000};
  // Sync over GET /v2/sync, up to `batch` records (1 to 1000) a request,
  // instead of the legacy endpoint; `format` is then not used.
  bool v2 = false;
  int batch = 500;
  // v2 only, 0 to 60 s: once caught up, a gate asks once more, waiting up
  // to this long for a record, applies what comes (all of it, if more
  // than a batch), then stops. 0: stop once caught up.
  std::chrono::seconds wait{0};
};

// What one gate did in one run.
struct GateResult {
  GateState state;         // the cursor and face set at the end
  int64_t applied = 0;     // records applied in this run
  int64_t requests = 0;    // sync requests sent, retries included
  int64_t retries = 0;     // requests that failed and were tried again
  bool caught_up = false;  // hasdata "0", or (v2) a batch without "more"
  double seconds = 0;
  Status status;  // why the gate failed; ok when it did not
};

// The results of one GateSim::run(), one per gate.
struct RunReport {
  std::vector<GateResult> gates;  // in gate order
  double seconds = 0;             // wall time of the whole run
  bool all_ok() const;
};

// How one gate's face set differs from the server's live faces.
struct GateDifferences {
  std::string gate;
  std::string site;                  // the gate's site; "" for none
  size_t count = 0;                  // all differences found
  std::vector<std::string> details;  // the first few, one line each
  size_t faces_checked = 0;          // live faces this gate must hold
};

// The results of one GateSim::verify(); ok() when every gate matched.
struct VerifyReport {
  size_t live_faces = 0;  // at the server
  std::vector<GateDifferences> gates;
  std::vector<std::string> skipped;  // gates not verified: their sync failed
  bool ok() const;
};

// Runs the gates of one GateSimOptions. The object is used from one
// thread; run() starts one thread per gate, each with its own connection
// and its own GateState, and joins them before it returns.
class GateSim {
 public:
  explicit GateSim(GateSimOptions options);

  // Syncs every gate until the server has nothing more for it (and, with
  // `wait`, once more after waiting), the record limit is reached or its
  // requests keep failing. Fails only when the options are invalid
  // (kBadGateNum, kUnavailable for the URL, kBadQuery for batch or wait).
  Result<RunReport> run();

  // Compares the face set of every gate that finished without failure
  // with the live faces the server lists now (GET /v2/faces) that are
  // meant for it, given its site as its record says (GET /v2/gates/N; an
  // unregistered gate has none). Fails only when the server's faces or a
  // gate's record cannot be read.
  Result<VerifyReport> verify(const RunReport& run);

 private:
  GateResult run_gate(const http::Url& url, const std::string& gate) const;

  GateSimOptions options_;
};

// The names of `count` gates from `first`: 1 to 4 letters, digits, '-' or
// '_'; with more than one gate, decimal and counted upward keeping the
// width. kBadGateNum when a name would be invalid or longer than 4.
Result<std::vector<std::string>> gate_names(std::string_view first, int count);

// "json", "xml", "form", "bson" -> the format; kUnsupportedMediaType else.
Result<wire::Format> parse_format_name(std::string_view name);

// True when a gate of `site` ("" for none) receives `face`: the face has
// no sites, or `site` is among them.
bool face_reaches_site(const LiveFace& face, std::string_view site);

// Compares one gate's face set with the server's live faces by ticket.
// A live face collected at the gate itself is ignored, and so is the
// ticket held under it: the server sends a gate its own faces only while
// it rebuilds from 0, and it may keep older copies of them. Every other
// live face that reaches `site` must be held with the same record index,
// image digest, dates and template info; nothing else may be held. At
// most `max_details` lines are kept.
GateDifferences compare_with_server(const GateState& state,
                                    std::string_view site,
                                    const std::map<std::string, LiveFace>& live,
                                    size_t max_details = 10);

// One line per gate, and one for the whole run, for people to read.
std::string summary_line(const GateResult& gate);
std::string total_line(const RunReport& run);

}  // namespace facesync::gatesim

#endif  // FACESYNC_GATESIM_GATE_SIM_H_
