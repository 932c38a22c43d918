// Simulated gates syncing in batches over GET /v2/sync: against the real
// server on loopback they end where legacy gates end, in far fewer
// requests, and a waiting gate receives what is enrolled meanwhile. A
// canned server stands in for the real one only to answer what the real
// one never does.
#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/test_server.h"
#include "base/temp_dir.h"
#include "gatesim/face_api_client.h"
#include "gatesim/gate_sim.h"
#include "gatesim/test_faces.h"
#include "http/server.h"

namespace facesync::gatesim {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

class GateSimV2Test : public ::testing::Test {
 protected:
  GateSimV2Test() : api_(*http::parse_url(server_.url())) {}

  // Enrolls through the v2 API; gives the record index.
  int64_t enroll(const std::string& ticket, const std::string& gate,
                 const std::string& payload,
                 const std::vector<std::string>& sites = {},
                 int64_t template_info = 0) {
    FaceToEnroll face{ticket,     testing::fake_jpeg(payload),
                      gate,       "20260101",
                      "20261231", template_info,
                      sites};
    auto change = api_.enroll(face);
    EXPECT_TRUE(change.is_ok()) << change.status().to_string();
    return change.is_ok() ? change->recordindex : 0;
  }

  void revoke(const std::string& ticket) {
    auto change = api_.revoke(ticket);
    ASSERT_TRUE(change.is_ok()) << change.status().to_string();
  }

  void set_site(const std::string& gate, const std::string& site) {
    GateSettings settings;
    settings.gatenum = gate;
    settings.site = site;
    ASSERT_TRUE(api_.put_gate(settings).is_ok());
  }

  // Gates from `gate` on, legacy JSON or v2, each kind in its own state
  // directory.
  GateSimOptions options(const std::string& gate, int gates, bool v2,
                         int batch = 500) {
    GateSimOptions out;
    out.server = server_.url();
    out.first_gate = gate;
    out.gates = gates;
    out.v2 = v2;
    out.batch = batch;
    out.state_dir = (v2 ? v2_dir_ : legacy_dir_).path().string();
    out.attempts = 3;
    out.backoff = milliseconds(5);
    out.timeout = seconds(10);
    return out;
  }

  RunReport run(const GateSimOptions& options) {
    auto report = GateSim(options).run();
    EXPECT_TRUE(report.is_ok()) << report.status().to_string();
    if (!report.is_ok()) return RunReport();
    for (const GateResult& gate : report->gates) {
      EXPECT_TRUE(gate.status.is_ok()) << summary_line(gate);
    }
    return std::move(report).value();
  }

  // Runs gates 0001 to 0003 both ways and expects the same ends: cursor,
  // faces, records applied; and the v2 run verified against the server.
  void expect_same_as_legacy(int batch) {
    RunReport legacy = run(options("0001", 3, false));
    GateSim v2_sim(options("0001", 3, true, batch));
    auto v2 = v2_sim.run();
    ASSERT_TRUE(v2.is_ok() && v2->all_ok());
    ASSERT_EQ(legacy.gates.size(), 3u);

    for (size_t i = 0; i < 3; ++i) {
      const GateResult& old_way = legacy.gates[i];
      const GateResult& new_way = v2->gates[i];
      SCOPED_TRACE("gate " + new_way.state.gate);
      EXPECT_TRUE(new_way.caught_up);
      EXPECT_EQ(new_way.state.cursor, old_way.state.cursor);
      EXPECT_EQ(new_way.state.faces, old_way.state.faces);
      EXPECT_EQ(new_way.applied, old_way.applied);
      EXPECT_LT(new_way.requests, old_way.requests);
    }
    auto verified = v2_sim.verify(*v2);
    ASSERT_TRUE(verified.is_ok()) << verified.status().to_string();
    EXPECT_TRUE(verified->ok());
    for (const GateDifferences& gate : verified->gates) {
      for (const std::string& line : gate.details)
        ADD_FAILURE() << gate.gate << ": " << line;
    }
  }

  api::TestServer server_;
  FaceApiClient api_;
  TempDir legacy_dir_;
  TempDir v2_dir_;
};

TEST_F(GateSimV2Test, EndsWhereLegacyGatesEnd) {
  set_site("0001", "north");
  set_site("0002", "south");  // 0003 has no site
  const char* collectors[] = {"0001", "0002", "0003", "0009", ""};
  const std::vector<std::string> scopes[] = {
      {}, {"north"}, {"south"}, {"north", "south"}};
  for (int i = 0; i < 24; ++i) {
    enroll("T" + std::to_string(i), collectors[i % 5],
           "face-" + std::to_string(i), scopes[i % 4], i % 7);
  }
  revoke("T3");
  revoke("T10");
  enroll("T4", "0009", "replaced-4");         // a new image
  enroll("T5", "0009", "face-5", {"south"});  // moved south
  expect_same_as_legacy(4);

  // From the saved cursors on: more replacements, removals, site moves,
  // and faces the gates collect themselves.
  enroll("T6", "0009", "replaced-6", {"north"});
  enroll("T9", "", "face-9", {}, 2);  // from north only to every gate
  revoke("T0");
  revoke("T13");
  enroll("OWN1", "0001", "own-1");
  enroll("OWN3", "0003", "own-3");
  enroll("NEW", "", "new", {"north"});
  expect_same_as_legacy(3);

  // The changes reached the gates: a removal, a move and a replacement.
  RunReport after = run(options("0001", 3, true, 3));
  const GateState& north = after.gates[0].state;
  const GateState& none = after.gates[2].state;
  EXPECT_EQ(north.faces.count("T0"), 0u);
  EXPECT_EQ(north.faces.count("T6"), 1u);
  EXPECT_EQ(north.faces.count("NEW"), 1u);
  EXPECT_EQ(north.faces.count("OWN1"), 0u);
  EXPECT_EQ(none.faces.count("T9"), 1u);
  EXPECT_EQ(none.faces.count("NEW"), 0u);
  EXPECT_EQ(none.faces.at("T4").sha256,
            sha256_hex(testing::fake_jpeg("replaced-4")));
}

TEST_F(GateSimV2Test, BatchesCarryManyRecordsARequest) {
  for (int i = 0; i < 60; ++i)
    enroll("B" + std::to_string(i), "0001", "b" + std::to_string(i));

  // 60 records in batches of 7: eight full ones and one of four, which
  // says there is no more.
  RunReport v2 = run(options("0002", 1, true, 7));
  EXPECT_EQ(v2.gates[0].applied, 60);
  EXPECT_EQ(v2.gates[0].requests, 9);
  EXPECT_TRUE(v2.gates[0].caught_up);
  EXPECT_EQ(v2.gates[0].state.cursor, *server_.store().last_index());

  RunReport legacy = run(options("0002", 1, false));
  EXPECT_EQ(legacy.gates[0].requests, 61);
  EXPECT_EQ(v2.gates[0].state.faces, legacy.gates[0].state.faces);

  // Resumed from its saved cursor, one request finds nothing more.
  RunReport again = run(options("0002", 1, true, 7));
  EXPECT_EQ(again.gates[0].applied, 0);
  EXPECT_EQ(again.gates[0].requests, 1);
  EXPECT_EQ(again.gates[0].state.faces, v2.gates[0].state.faces);
}

TEST_F(GateSimV2Test, RecordLimitStopsAndTheNextRunContinues) {
  for (int i = 0; i < 7; ++i)
    enroll("L" + std::to_string(i), "0001", "l" + std::to_string(i));

  GateSimOptions limited = options("0004", 1, true, 2);
  limited.max_records = 3;
  RunReport first = run(limited);
  EXPECT_FALSE(first.gates[0].caught_up);
  EXPECT_EQ(first.gates[0].applied, 3);
  EXPECT_EQ(first.gates[0].requests, 2);  // two, then one
  EXPECT_EQ(first.gates[0].state.faces.size(), 3u);
  auto saved = load_state(state_path(v2_dir_.path().string(), "0004"));
  ASSERT_TRUE(saved.is_ok() && *saved);
  EXPECT_EQ((*saved)->cursor, first.gates[0].state.cursor);

  RunReport rest = run(options("0004", 1, true, 2));
  EXPECT_TRUE(rest.gates[0].caught_up);
  EXPECT_EQ(rest.gates[0].applied, 4);
  RunReport legacy = run(options("0004", 1, false));
  EXPECT_EQ(rest.gates[0].state.faces, legacy.gates[0].state.faces);
  EXPECT_EQ(rest.gates[0].state.cursor, legacy.gates[0].state.cursor);
}

TEST_F(GateSimV2Test, ACursorBeyondTheLogFailsTheGateAsLegacyGatesFail) {
  enroll("X0", "0001", "x0");
  enroll("X1", "0001", "x1");

  // Each run raises the server's index floor to the cursor it reported,
  // so the second one reports a higher cursor, from another gate.
  const std::pair<std::string, int32_t> gates[] = {{"0005", 500},
                                                   {"0006", 900}};
  for (bool v2 : {true, false}) {
    const auto& [name, cursor] = gates[v2 ? 0 : 1];
    GateState ahead;
    ahead.gate = name;
    ahead.cursor = cursor;  // from another server, say
    std::string dir = options(name, 1, v2).state_dir;
    ASSERT_TRUE(save_state(ahead, state_path(dir, name)).is_ok());

    // The server restarts the gate from 0; a gate that did not wipe its
    // faces must not take records below its cursor.
    auto report = GateSim(options(name, 1, v2)).run();
    ASSERT_TRUE(report.is_ok());
    const GateResult& gate = report->gates[0];
    EXPECT_EQ(gate.status.code(), ErrorCode::kMalformedBody) << v2;
    EXPECT_EQ(gate.applied, 0) << v2;
    EXPECT_EQ(gate.state.cursor, cursor) << v2;
    if (v2) {
      EXPECT_NE(gate.status.detail().find("not after the cursor 500"),
                std::string::npos)
          << gate.status.detail();
    }
  }
}

// ---- waiting ----

TEST_F(GateSimV2Test, AWaitingGateReceivesAFaceEnrolledMeanwhile) {
  enroll("W0", "0001", "w0");
  enroll("W1", "0001", "w1");
  GateSimOptions waiting = options("0002", 1, true);
  waiting.wait = seconds(20);

  auto started = steady_clock::now();
  auto report =
      std::async(std::launch::async, [&] { return GateSim(waiting).run(); });
  for (int i = 0; i < 1000 && server_.long_poll().parked() == 0; ++i)
    std::this_thread::sleep_for(milliseconds(5));
  ASSERT_EQ(server_.long_poll().parked(), 1u) << "the gate never waited";
  const int64_t late = enroll("LATE", "0003", "late");

  auto done = report.get();
  ASSERT_TRUE(done.is_ok()) << done.status().to_string();
  const GateResult& gate = done->gates[0];
  EXPECT_LT(steady_clock::now() - started, seconds(10))
      << "answered by the enrollment, not by the 20 s deadline";
  EXPECT_TRUE(gate.status.is_ok()) << summary_line(gate);
  EXPECT_TRUE(gate.caught_up);
  EXPECT_EQ(gate.applied, 3);
  EXPECT_EQ(gate.requests, 2);
  ASSERT_EQ(gate.state.faces.count("LATE"), 1u);
  EXPECT_EQ(gate.state.faces.at("LATE").recordindex, late);
  EXPECT_EQ(gate.state.cursor, late);
}

TEST_F(GateSimV2Test, AWaitWithNothingNewEndsAtItsDeadline) {
  enroll("W0", "0001", "w0");
  GateSimOptions waiting = options("0002", 1, true);
  waiting.wait = seconds(1);

  RunReport report = run(waiting);
  const GateResult& gate = report.gates[0];
  EXPECT_GE(gate.seconds, 0.9);
  EXPECT_TRUE(gate.caught_up);
  EXPECT_EQ(gate.applied, 1);
  EXPECT_EQ(gate.requests, 2);
}

TEST_F(GateSimV2Test, RefusesBatchAndWaitOutOfRange) {
  auto bad = [this](int batch, int wait, bool v2) {
    GateSimOptions o = options("0001", 1, v2, batch);
    o.wait = seconds(wait);
    auto report = GateSim(o).run();
    return report.is_ok() ? ErrorCode::kOk : report.status().code();
  };
  EXPECT_EQ(bad(0, 0, true), ErrorCode::kBadQuery);
  EXPECT_EQ(bad(1001, 0, true), ErrorCode::kBadQuery);
  EXPECT_EQ(bad(10, 61, true), ErrorCode::kBadQuery);
  EXPECT_EQ(bad(10, -1, true), ErrorCode::kBadQuery);
  EXPECT_EQ(bad(10, 1, false), ErrorCode::kBadQuery);  // legacy cannot wait
  EXPECT_EQ(bad(1000, 0, true), ErrorCode::kOk);
}

// ---- faults the real server does not make ----

// Answers every request with one canned status and body, counting them.
// Called from the server's threads.
class CannedHandler : public http::Handler {
 public:
  CannedHandler(int status, std::string body)
      : status_(status), body_(std::move(body)) {}

  size_t body_limit(const http::RequestHead&) override { return 1024; }

  void handle(const http::Request&, const http::Peer&,
              http::Response& response) override {
    ++requests;
    response.result(status_);
    response.set(http::beast_http::field::content_type, "application/json");
    response.body() = body_;
  }

  void reject(const Status&, const http::RequestHead&,
              http::Response& response) override {
    response.result(http::beast_http::status::bad_request);
  }

  std::atomic<int> requests{0};

 private:
  const int status_;
  const std::string body_;
};

// A loopback server that gives `body` with `status` to every request.
class CannedServer {
 public:
  CannedServer(int status, std::string body)
      : handler_(status, std::move(body)), server_(server_options(), handler_) {
    Status started = server_.start();
    EXPECT_TRUE(started.is_ok()) << started.to_string();
  }
  ~CannedServer() { server_.stop(milliseconds(200)); }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_.port());
  }
  int requests() const { return handler_.requests; }

 private:
  static http::ServerOptions server_options() {
    http::ServerOptions options;
    options.port = 0;
    options.threads = 1;
    return options;
  }

  CannedHandler handler_;
  http::Server server_;
};

// Runs gate 0001 over v2 against `canned`, three attempts, and gives its
// result.
GateResult run_against(const CannedServer& canned, const TempDir& dir) {
  GateSimOptions options;
  options.server = canned.url();
  options.first_gate = "0001";
  options.v2 = true;
  options.state_dir = dir.path().string();
  options.attempts = 3;
  options.backoff = milliseconds(1);
  auto report = GateSim(options).run();
  EXPECT_TRUE(report.is_ok());
  return report.is_ok() ? report->gates[0] : GateResult();
}

// A record of gate 0001 with index `index`, as the server would write it.
std::string canned_record(int index) {
  return R"({"recordindex":)" + std::to_string(index) + R"(,"ticketcode":"T)" +
         std::to_string(index) +
         R"(","op":"I","effdatebegin":"20260101","effdateend":"20261231",)"
         R"("faceimage":"/9j/4A==","additionaltemplateinfo":0})";
}

TEST(GateSimV2FaultTest, AnAnswerThatIsNotJsonFailsTheGate) {
  CannedServer canned(200, "<html>proxy error</html>");
  TempDir dir;
  GateResult gate = run_against(canned, dir);
  EXPECT_EQ(gate.status.code(), ErrorCode::kMalformedBody);
  EXPECT_NE(gate.status.detail().find("after 3 attempts: HTTP 200: answer "
                                      "is not a JSON object"),
            std::string::npos)
      << gate.status.detail();
  EXPECT_EQ(canned.requests(), 3);
  EXPECT_EQ(gate.requests, 3);
  EXPECT_EQ(gate.retries, 2);
  EXPECT_EQ(gate.applied, 0);
  EXPECT_NE(summary_line(gate).find("FAILED"), std::string::npos);
}

TEST(GateSimV2FaultTest, ADecreasingIndexFailsTheGateBeforeAnyRecordIsIn) {
  CannedServer canned(
      200, R"({"errcode":0,"errmsg":"","gatenum":"0001","after":0,"last":3,)"
           R"("more":false,"records":[)" +
               canned_record(5) + "," + canned_record(3) + "]}");
  TempDir dir;
  GateResult gate = run_against(canned, dir);
  EXPECT_EQ(gate.status.code(), ErrorCode::kMalformedBody);
  EXPECT_NE(gate.status.detail().find("record index 3 is not above 5"),
            std::string::npos)
      << gate.status.detail();
  EXPECT_EQ(canned.requests(), 1) << "asking again would not mend it";

  // The batch is refused whole: not even its first record is applied.
  EXPECT_EQ(gate.applied, 0);
  EXPECT_EQ(gate.state.cursor, 0);
  EXPECT_TRUE(gate.state.faces.empty());
  auto saved = load_state(state_path(dir.path().string(), "0001"));
  ASSERT_TRUE(saved.is_ok() && *saved);
  EXPECT_EQ((*saved)->cursor, 0);
}

TEST(GateSimV2FaultTest, AnErrorStatusFailsTheGateWithTheServersMessage) {
  CannedServer canned(503, R"({"errcode":5002,"errmsg":"busy"})");
  TempDir dir;
  GateResult gate = run_against(canned, dir);
  EXPECT_EQ(gate.status.code(), ErrorCode::kUnavailable);
  EXPECT_NE(gate.status.detail().find("HTTP 503, errcode 5002: busy"),
            std::string::npos)
      << gate.status.detail();
  EXPECT_EQ(canned.requests(), 3);
}

TEST(GateSimV2FaultTest, AnErrcodeInA200FailsTheGate) {
  CannedServer canned(200, R"({"errcode":2001,"errmsg":"odd"})");
  TempDir dir;
  GateResult gate = run_against(canned, dir);
  EXPECT_EQ(gate.status.code(), ErrorCode::kUnavailable);
  EXPECT_NE(gate.status.detail().find("errcode 2001: odd"), std::string::npos)
      << gate.status.detail();
}

}  // namespace
}  // namespace facesync::gatesim
