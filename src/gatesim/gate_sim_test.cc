// Simulated gates against the real server on loopback: convergence in
// every format while faces change, own-gate faces, removals, resuming from
// the saved cursor, sites, verification and many gates at once.
#include "gatesim/gate_sim.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "api/test_server.h"
#include "base/temp_dir.h"
#include "gatesim/face_api_client.h"
#include "gatesim/test_faces.h"

namespace facesync::wire {

// Names formats in gtest's messages.
void PrintTo(Format format, std::ostream* out) {
  static const char* const kNames[] = {"json", "xml", "form", "bson"};
  *out << kNames[static_cast<int>(format)];
}

}  // namespace facesync::wire

namespace facesync::gatesim {
namespace {

using wire::Format;

// A live face as the test itself believes the server holds it.
struct ModelFace {
  std::string gate;
  HeldFace held;
  std::vector<std::string> sites;  // empty: every gate
};
using Model = std::map<std::string, ModelFace>;

http::Url url_of(const api::TestServer& server) {
  return *http::parse_url(server.url());
}

// Enrolls through the v2 API and records the outcome in `model`.
void enroll(FaceApiClient& api, Model& model, const std::string& ticket,
            const std::string& gate, const std::string& payload,
            int64_t template_info = 0, const std::string& end = "20261231",
            const std::vector<std::string>& sites = {}) {
  FaceToEnroll face{
      ticket, testing::fake_jpeg(payload), gate, "20260101", end, template_info,
      sites};
  auto change = api.enroll(face);
  ASSERT_TRUE(change.is_ok()) << change.status().to_string();
  model[ticket] = {gate,
                   HeldFace{change->recordindex, sha256_hex(face.image),
                            face.effdatebegin, face.effdateend, template_info},
                   sites};
}

// Enrolls a face meant for the gates of `sites` only.
void enroll_for(FaceApiClient& api, Model& model, const std::string& ticket,
                const std::string& gate, const std::string& payload,
                const std::vector<std::string>& sites) {
  enroll(api, model, ticket, gate, payload, 0, "20261231", sites);
}

void revoke(FaceApiClient& api, Model& model, const std::string& ticket) {
  auto change = api.revoke(ticket);
  ASSERT_TRUE(change.is_ok()) << change.status().to_string();
  EXPECT_EQ(change->op, "D");
  model.erase(ticket);
}

// True when gates of `site` ("" for none) receive the face.
bool reaches(const ModelFace& face, const std::string& site) {
  return face.sites.empty() || std::find(face.sites.begin(), face.sites.end(),
                                         site) != face.sites.end();
}

// What `gate` of `site` must hold by the test's own reckoning: every live
// face collected elsewhere that reaches its site.
std::map<std::string, HeldFace> expected_for(const Model& model,
                                             const std::string& gate,
                                             const std::string& site = "") {
  std::map<std::string, HeldFace> out;
  for (const auto& [ticket, face] : model) {
    if (face.gate != gate && reaches(face, site)) out[ticket] = face.held;
  }
  return out;
}

// What a gate of `site` holds right after rebuilding from 0 with no write
// since: every live face that reaches its site, its own ones included.
std::map<std::string, HeldFace> rebuilt_for(const Model& model,
                                            const std::string& site = "") {
  std::map<std::string, HeldFace> out;
  for (const auto& [ticket, face] : model) {
    if (reaches(face, site)) out[ticket] = face.held;
  }
  return out;
}

// The gate's faces without the tickets whose live face it collected
// itself (it receives those while it rebuilds from 0, and may hold an
// older copy of them; either is fine).
std::map<std::string, HeldFace> held_from_elsewhere(const Model& model,
                                                    const GateState& state) {
  std::map<std::string, HeldFace> out;
  for (const auto& [ticket, face] : state.faces) {
    auto live = model.find(ticket);
    if (live == model.end() || live->second.gate != state.gate) {
      out[ticket] = face;
    }
  }
  return out;
}

class GateSimTest : public ::testing::Test {
 protected:
  GateSimTest() : api_(url_of(server_)) {}

  GateSimOptions options(const std::string& gate, int gates = 1,
                         Format format = Format::kJson) {
    GateSimOptions out;
    out.server = server_.url();
    out.first_gate = gate;
    out.gates = gates;
    out.format = format;
    out.state_dir = state_dir_.path().string();
    out.attempts = 3;
    out.backoff = std::chrono::milliseconds(5);
    out.timeout = std::chrono::seconds(10);
    return out;
  }

  RunReport run(const GateSimOptions& options) {
    auto report = GateSim(options).run();
    EXPECT_TRUE(report.is_ok()) << report.status().to_string();
    return report.is_ok() ? std::move(report).value() : RunReport();
  }

  // Registers `gate` in `site` (or moves it there) through the v2 API.
  void set_site(const std::string& gate, const std::string& site) {
    GateSettings settings;
    settings.gatenum = gate;
    settings.site = site;
    auto put = api_.put_gate(settings);
    ASSERT_TRUE(put.is_ok()) << put.status().to_string();
    EXPECT_EQ(put->gate.settings.site, site);
  }

  api::TestServer server_;
  FaceApiClient api_;
  TempDir state_dir_;
  Model model_;
};

// ---- every format converges while faces change ----

class GateSimFormatTest : public GateSimTest,
                          public ::testing::WithParamInterface<Format> {};

// Enrolls, replaces, repeats and revokes faces from several gates on its
// own connection, keeping its own model; the caller reads the model after
// joining.
void churn(const http::Url& url, Model& model, int operations) {
  FaceApiClient api(url);
  std::mt19937 random(42);
  const std::string gates[] = {"0001", "0002", "0003", ""};
  std::vector<std::string> tickets;
  std::map<std::string, std::string> payloads;  // of the live faces

  for (int i = 0; i < operations; ++i) {
    std::string gate = gates[random() % 4];
    std::string payload = "churn-" + std::to_string(i);
    if (tickets.empty() || i % 4 == 0) {
      tickets.push_back("C" + std::to_string(i));
      enroll(api, model, tickets.back(), gate, payload);
      payloads[tickets.back()] = payload;
      continue;
    }

    const std::string& ticket = tickets[random() % tickets.size()];
    auto live = model.find(ticket);
    if (live == model.end() || i % 4 == 1) {
      // A new face for the ticket, or a replacement of its face.
      enroll(api, model, ticket, gate, payload, i % 256);
      payloads[ticket] = payload;
    } else if (i % 4 == 2) {
      revoke(api, model, ticket);
    } else {
      // The same face again: the server appends nothing.
      ModelFace same = live->second;
      enroll(api, model, ticket, same.gate, payloads[ticket],
             same.held.additionaltemplateinfo, same.held.effdateend);
      EXPECT_EQ(model[ticket].held.recordindex, same.held.recordindex);
    }
  }
}

TEST_P(GateSimFormatTest, ConvergesWhileFacesChange) {
  for (int i = 0; i < 12; ++i) {
    const char* gates[] = {"0001", "0002", "0003", ""};
    enroll(api_, model_, "S" + std::to_string(i), gates[i % 4],
           "seed-" + std::to_string(i));
  }

  // Sync over and over while another thread writes.
  std::atomic<bool> writing = true;
  Model churned = model_;
  std::thread writer([&] {
    churn(url_of(server_), churned, 60);
    writing = false;
  });
  int runs = 0;
  int32_t last_cursor = 0;
  do {
    RunReport report = run(options("0002", 1, GetParam()));
    ASSERT_EQ(report.gates.size(), 1u);
    EXPECT_TRUE(report.all_ok()) << summary_line(report.gates[0]);
    EXPECT_GE(report.gates[0].state.cursor, last_cursor);
    last_cursor = report.gates[0].state.cursor;
    ++runs;
  } while (writing);
  writer.join();
  model_ = churned;
  RecordProperty("runs_while_writing", runs);

  // Once the writes stop, one more run catches up completely.
  GateSim sim(options("0002", 1, GetParam()));
  auto final_run = sim.run();
  ASSERT_TRUE(final_run.is_ok());
  const GateResult& gate = final_run->gates[0];
  ASSERT_TRUE(gate.status.is_ok()) << gate.status.to_string();
  EXPECT_TRUE(gate.caught_up);
  EXPECT_GE(runs, 1);
  EXPECT_EQ(gate.state.cursor, *server_.store().last_index());
  EXPECT_EQ(held_from_elsewhere(model_, gate.state),
            expected_for(model_, "0002"));

  auto verified = sim.verify(*final_run);
  ASSERT_TRUE(verified.is_ok()) << verified.status().to_string();
  EXPECT_TRUE(verified->ok());
  ASSERT_EQ(verified->gates.size(), 1u);
  EXPECT_EQ(verified->gates[0].count, 0u);
  for (const std::string& line : verified->gates[0].details) {
    ADD_FAILURE() << line;
  }
}

std::string format_test_name(const ::testing::TestParamInfo<Format>& info) {
  static const char* const kNames[] = {"Json", "Xml", "Form", "Bson"};
  return kNames[static_cast<int>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(AllFormats, GateSimFormatTest,
                         ::testing::Values(Format::kJson, Format::kXml,
                                           Format::kForm, Format::kBson),
                         format_test_name);

// ---- single behaviours ----

TEST_F(GateSimTest, OwnGateFacesComeOnlyWhileRebuilding) {
  for (int i = 0; i < 3; ++i) {
    enroll(api_, model_, "OWN" + std::to_string(i), "0002",
           "own" + std::to_string(i));
    enroll(api_, model_, "OTHER" + std::to_string(i), "0005",
           "other" + std::to_string(i));
  }
  enroll(api_, model_, "NONE", "", "none");

  // Asking from 0, the gate rebuilds: it gets its own faces so far too.
  RunReport report = run(options("0002"));
  ASSERT_TRUE(report.all_ok());
  EXPECT_EQ(report.gates[0].applied, 7);
  EXPECT_EQ(report.gates[0].state.faces.size(), 7u);
  EXPECT_EQ(report.gates[0].state.faces.count("OWN0"), 1u);
  EXPECT_EQ(held_from_elsewhere(model_, report.gates[0].state),
            expected_for(model_, "0002"));

  // Once past 0, the faces it collects itself are not sent back to it.
  enroll(api_, model_, "OWN3", "0002", "own3");
  enroll(api_, model_, "OTHER3", "0005", "other3");
  RunReport later = run(options("0002"));
  ASSERT_TRUE(later.all_ok());
  EXPECT_EQ(later.gates[0].applied, 1);
  EXPECT_EQ(later.gates[0].state.faces.count("OWN3"), 0u);
  EXPECT_EQ(later.gates[0].state.faces.count("OTHER3"), 1u);
  EXPECT_EQ(later.gates[0].state.cursor, *server_.store().last_index());

  // A gate new to the server rebuilds with all of its own faces.
  RunReport other = run(options("0005"));
  EXPECT_EQ(other.gates[0].applied, 9);
  EXPECT_EQ(other.gates[0].state.faces.count("OTHER3"), 1u);
  EXPECT_EQ(held_from_elsewhere(model_, other.gates[0].state),
            expected_for(model_, "0005"));
}

TEST_F(GateSimTest, RemovalsAreApplied) {
  enroll(api_, model_, "A", "0001", "a");
  enroll(api_, model_, "B", "0001", "b");
  enroll(api_, model_, "C", "0001", "c");
  RunReport first = run(options("0002"));
  ASSERT_EQ(first.gates[0].state.faces.size(), 3u);

  revoke(api_, model_, "B");
  // A face enrolled and revoked between two runs reaches the gate only as
  // a removal of a ticket it never held.
  enroll(api_, model_, "D", "0003", "d");
  revoke(api_, model_, "D");

  RunReport second = run(options("0002"));
  ASSERT_TRUE(second.all_ok());
  EXPECT_EQ(second.gates[0].state.faces, expected_for(model_, "0002"));
  EXPECT_EQ(second.gates[0].state.faces.count("B"), 0u);
  EXPECT_EQ(second.gates[0].state.cursor, *server_.store().last_index());
}

TEST_F(GateSimTest, SavedCursorResumesWithoutRefetching) {
  for (int i = 0; i < 10; ++i) {
    enroll(api_, model_, "R" + std::to_string(i), "0001",
           "r" + std::to_string(i));
  }
  RunReport first = run(options("0002"));
  EXPECT_EQ(first.gates[0].applied, 10);
  EXPECT_EQ(first.gates[0].requests, 11);  // ten records and "no more"

  RunReport again = run(options("0002"));
  EXPECT_EQ(again.gates[0].applied, 0);
  EXPECT_EQ(again.gates[0].requests, 1);
  EXPECT_EQ(again.gates[0].state.faces, first.gates[0].state.faces);

  enroll(api_, model_, "R10", "0001", "r10");
  enroll(api_, model_, "R11", "0001", "r11");
  RunReport later = run(options("0002"));
  EXPECT_EQ(later.gates[0].applied, 2);
  EXPECT_EQ(later.gates[0].requests, 3);
  EXPECT_EQ(later.gates[0].state.faces, expected_for(model_, "0002"));
}

TEST_F(GateSimTest, RecordLimitStopsAndTheNextRunContinues) {
  for (int i = 0; i < 7; ++i) {
    enroll(api_, model_, "L" + std::to_string(i), "0001",
           "l" + std::to_string(i));
  }
  GateSimOptions limited = options("0004");
  limited.max_records = 3;
  RunReport first = run(limited);
  ASSERT_TRUE(first.all_ok());
  EXPECT_FALSE(first.gates[0].caught_up);
  EXPECT_EQ(first.gates[0].applied, 3);
  EXPECT_EQ(first.gates[0].state.faces.size(), 3u);

  auto saved = load_state(state_path(state_dir_.path().string(), "0004"));
  ASSERT_TRUE(saved.is_ok() && *saved);
  EXPECT_EQ((*saved)->cursor, first.gates[0].state.cursor);

  RunReport rest = run(options("0004"));
  EXPECT_TRUE(rest.gates[0].caught_up);
  EXPECT_EQ(rest.gates[0].applied, 4);
  EXPECT_EQ(rest.gates[0].state.faces, expected_for(model_, "0004"));
}

TEST_F(GateSimTest, VerifyDetectsATamperedFaceSet) {
  enroll(api_, model_, "V1", "0001", "v1");
  enroll(api_, model_, "V2", "0001", "v2");
  enroll(api_, model_, "V3", "0003", "v3");
  enroll(api_, model_, "OWN", "0002", "own");
  GateSim sim(options("0002"));
  auto report = sim.run();
  ASSERT_TRUE(report.is_ok() && report->all_ok());
  auto clean = sim.verify(*report);
  ASSERT_TRUE(clean.is_ok()) << clean.status().to_string();
  EXPECT_TRUE(clean->ok());

  // Tickets the gate collected itself are ignored, whatever it holds.
  RunReport own = *report;
  own.gates[0].state.faces["OWN"] = {1, "00", "x", "y", 9};
  auto ignored = sim.verify(own);
  ASSERT_TRUE(ignored.is_ok());
  EXPECT_TRUE(ignored->ok());

  struct Tamper {
    const char* what;
    void (*change)(GateState&);
  };
  const Tamper tampers[] = {
      {"sha256", [](GateState& s) { s.faces["V1"].sha256 = sha256_hex("z"); }},
      {"missing", [](GateState& s) { s.faces.erase("V2"); }},
      {"not live", [](GateState& s) { s.faces["GHOST"] = s.faces["V1"]; }},
      {"effdateend",
       [](GateState& s) { s.faces["V3"].effdateend = "20300101"; }},
      {"additionaltemplateinfo",
       [](GateState& s) { s.faces["V3"].additionaltemplateinfo = 4; }},
      {"recordindex", [](GateState& s) { s.faces["V3"].recordindex = 1; }},
  };
  for (const Tamper& tamper : tampers) {
    RunReport tampered = *report;
    tamper.change(tampered.gates[0].state);
    auto verified = sim.verify(tampered);
    ASSERT_TRUE(verified.is_ok());
    EXPECT_FALSE(verified->ok()) << tamper.what;
    ASSERT_EQ(verified->gates[0].count, 1u) << tamper.what;
    EXPECT_NE(verified->gates[0].details[0].find(tamper.what),
              std::string::npos)
        << verified->gates[0].details[0];
  }
}

TEST_F(GateSimTest, VerifyFailsAfterTheStateFileWasTamperedWith) {
  enroll(api_, model_, "F1", "0001", "f1");
  enroll(api_, model_, "F2", "0001", "f2");
  ASSERT_TRUE(run(options("0002")).all_ok());

  std::string path = state_path(state_dir_.path().string(), "0002");
  auto saved = load_state(path);
  ASSERT_TRUE(saved.is_ok() && *saved);
  (*saved)->faces.erase("F1");
  ASSERT_TRUE(save_state(**saved, path).is_ok());

  // The cursor says F1 was applied, so the server does not send it again;
  // only verification can notice.
  GateSim sim(options("0002"));
  auto report = sim.run();
  ASSERT_TRUE(report.is_ok() && report->all_ok());
  EXPECT_EQ(report->gates[0].applied, 0);
  auto verified = sim.verify(*report);
  ASSERT_TRUE(verified.is_ok());
  EXPECT_FALSE(verified->ok());
  EXPECT_EQ(verified->gates[0].count, 1u);
}

// ---- sites ----

TEST_F(GateSimTest, SiteGatesConvergeOnUnscopedAndTheirSitesFaces) {
  set_site("0001", "north");
  set_site("0002", "south");  // 0003 stays unregistered until it syncs
  enroll(api_, model_, "U1", "0009", "u1");
  enroll_for(api_, model_, "N1", "0009", "n1", {"north"});
  enroll_for(api_, model_, "N2", "", "n2", {"north"});
  enroll_for(api_, model_, "S1", "0009", "s1", {"south"});
  enroll_for(api_, model_, "NS", "0009", "ns", {"north", "south"});
  enroll_for(api_, model_, "OWNN", "0001", "ownn", {"north"});

  GateSim sim(options("0001", 3));
  auto report = sim.run();
  ASSERT_TRUE(report.is_ok() && report->all_ok());
  const GateState& north = report->gates[0].state;
  const GateState& south = report->gates[1].state;
  const GateState& none = report->gates[2].state;
  EXPECT_EQ(held_from_elsewhere(model_, north),
            expected_for(model_, "0001", "north"));
  EXPECT_EQ(north.faces.count("S1"), 0u);
  EXPECT_EQ(north.faces.count("N2"), 1u);
  EXPECT_EQ(south.faces, expected_for(model_, "0002", "south"));
  EXPECT_EQ(south.faces.size(), 3u);  // U1, S1, NS
  EXPECT_EQ(none.faces, expected_for(model_, "0003"));
  EXPECT_EQ(none.faces.size(), 1u);  // U1

  auto verified = sim.verify(*report);
  ASSERT_TRUE(verified.is_ok()) << verified.status().to_string();
  EXPECT_TRUE(verified->ok());
  ASSERT_EQ(verified->gates.size(), 3u);
  EXPECT_EQ(verified->gates[0].site, "north");
  EXPECT_EQ(verified->gates[0].faces_checked, 4u);  // U1, N1, N2, NS
  EXPECT_EQ(verified->gates[1].site, "south");
  EXPECT_EQ(verified->gates[1].faces_checked, 3u);
  EXPECT_EQ(verified->gates[2].site, "");
  EXPECT_EQ(verified->gates[2].faces_checked, 1u);
}

TEST_F(GateSimTest, RescopedAndRevokedFacesLeaveTheGatesOfASite) {
  set_site("0001", "north");
  set_site("0002", "south");
  enroll(api_, model_, "U1", "0009", "u1");
  enroll_for(api_, model_, "N1", "0009", "n1", {"north"});
  enroll_for(api_, model_, "S1", "0009", "s1", {"south"});
  enroll_for(api_, model_, "NS", "0009", "ns", {"north", "south"});
  ASSERT_TRUE(run(options("0001", 3)).all_ok());

  // The same images, other sites: N1 moves south, S1 goes to every gate.
  enroll_for(api_, model_, "N1", "0009", "n1", {"south"});
  enroll_for(api_, model_, "S1", "0009", "s1", {});
  revoke(api_, model_, "NS");
  enroll_for(api_, model_, "N3", "0002", "n3", {"north"});

  GateSim sim(options("0001", 3));
  auto report = sim.run();
  ASSERT_TRUE(report.is_ok() && report->all_ok());
  const char* sites[] = {"north", "south", ""};
  for (size_t i = 0; i < 3; ++i) {
    const GateState& state = report->gates[i].state;
    EXPECT_EQ(state.faces, expected_for(model_, state.gate, sites[i]))
        << state.gate;
    EXPECT_EQ(state.faces.count("NS"), 0u) << state.gate;
  }
  EXPECT_EQ(report->gates[0].state.faces.count("N1"), 0u);
  EXPECT_EQ(report->gates[0].state.faces.count("N3"), 1u);
  EXPECT_EQ(report->gates[1].state.faces.count("N1"), 1u);
  EXPECT_EQ(report->gates[2].state.faces.count("S1"), 1u);

  auto verified = sim.verify(*report);
  ASSERT_TRUE(verified.is_ok());
  EXPECT_TRUE(verified->ok());
}

TEST_F(GateSimTest, VerifyFailsWhenAGateHoldsAnotherSitesFace) {
  set_site("0001", "north");
  enroll(api_, model_, "U1", "0009", "u1");
  enroll_for(api_, model_, "N1", "0009", "n1", {"north"});
  enroll_for(api_, model_, "S1", "0009", "s1", {"south"});
  GateSim sim(options("0001"));
  auto report = sim.run();
  ASSERT_TRUE(report.is_ok() && report->all_ok());
  auto clean = sim.verify(*report);
  ASSERT_TRUE(clean.is_ok());
  EXPECT_TRUE(clean->ok());

  RunReport south_face = *report;
  south_face.gates[0].state.faces["S1"] = model_["S1"].held;
  auto verified = sim.verify(south_face);
  ASSERT_TRUE(verified.is_ok());
  EXPECT_FALSE(verified->ok());
  ASSERT_EQ(verified->gates[0].count, 1u);
  EXPECT_NE(verified->gates[0].details[0].find(
                "ticket S1: held (recordindex " +
                std::to_string(model_["S1"].held.recordindex) +
                ") but live only for site south"),
            std::string::npos)
      << verified->gates[0].details[0];

  RunReport missing = *report;
  missing.gates[0].state.faces.erase("N1");
  auto without = sim.verify(missing);
  ASSERT_TRUE(without.is_ok());
  ASSERT_EQ(without->gates[0].count, 1u);
  EXPECT_NE(without->gates[0].details[0].find("ticket N1: missing"),
            std::string::npos);
}

TEST_F(GateSimTest, VerifyReadsTheSiteFromTheGatesRecord) {
  set_site("0001", "north");
  enroll_for(api_, model_, "N1", "0009", "n1", {"north"});
  enroll_for(api_, model_, "S1", "0009", "s1", {"south"});
  GateSim sim(options("0001"));
  auto report = sim.run();
  ASSERT_TRUE(report.is_ok() && report->all_ok());

  // Moved south after it synced: it holds N1, which it should not, and
  // lacks S1.
  set_site("0001", "south");
  auto moved = sim.verify(*report);
  ASSERT_TRUE(moved.is_ok());
  EXPECT_EQ(moved->gates[0].site, "south");
  EXPECT_EQ(moved->gates[0].count, 2u);

  // A gate the server never saw counts as one of no site.
  RunReport unknown;
  unknown.gates.emplace_back();
  unknown.gates[0].state.gate = "0077";
  auto empty = sim.verify(unknown);
  ASSERT_TRUE(empty.is_ok()) << empty.status().to_string();
  EXPECT_TRUE(empty->ok());
  EXPECT_EQ(empty->gates[0].site, "");
  EXPECT_EQ(empty->gates[0].faces_checked, 0u);
  unknown.gates[0].state.faces["N1"] = model_["N1"].held;
  auto holding = sim.verify(unknown);
  ASSERT_TRUE(holding.is_ok());
  EXPECT_FALSE(holding->ok());
  EXPECT_EQ(holding->gates[0].count, 1u);
}

TEST_F(GateSimTest, ManyGatesInParallel) {
  const char* collectors[] = {"0009", "0012", "", "0013", "0100"};
  for (int i = 0; i < 25; ++i) {
    enroll(api_, model_, "P" + std::to_string(i), collectors[i % 5],
           "p" + std::to_string(i), i);
  }
  revoke(api_, model_, "P3");

  GateSim sim(options("0008", 6, Format::kBson));
  auto report = sim.run();
  ASSERT_TRUE(report.is_ok());
  ASSERT_EQ(report->gates.size(), 6u);
  const char* names[] = {"0008", "0009", "0010", "0011", "0012", "0013"};
  for (size_t i = 0; i < 6; ++i) {
    const GateResult& gate = report->gates[i];
    EXPECT_EQ(gate.state.gate, names[i]);
    EXPECT_TRUE(gate.status.is_ok()) << summary_line(gate);
    EXPECT_TRUE(gate.caught_up);
    // Every gate asked from 0 after the last write: it rebuilt, so it
    // holds its own faces as well.
    EXPECT_EQ(gate.state.faces, rebuilt_for(model_)) << names[i];
  }
  auto verified = sim.verify(*report);
  ASSERT_TRUE(verified.is_ok());
  EXPECT_TRUE(verified->ok());
}

TEST_F(GateSimTest, UnreachableServerFailsTheGateAfterRetries) {
  std::string dead_url;
  {
    api::TestServer gone;
    dead_url = gone.url();
  }
  GateSimOptions dead = options("0001", 2);
  dead.server = dead_url;
  GateSim sim(dead);
  auto report = sim.run();
  ASSERT_TRUE(report.is_ok());
  EXPECT_FALSE(report->all_ok());
  for (const GateResult& gate : report->gates) {
    EXPECT_EQ(gate.status.code(), ErrorCode::kUnavailable);
    EXPECT_EQ(gate.requests, 3);
    EXPECT_EQ(gate.retries, 2);
    EXPECT_NE(summary_line(gate).find("FAILED"), std::string::npos);
  }
  EXPECT_NE(total_line(*report).find("2 failed"), std::string::npos);
}

TEST_F(GateSimTest, ErrorAnswersAreFailures) {
  LegacyClient client(url_of(server_), Format::kJson, std::chrono::seconds(5));
  auto reply = client.next("12345", 0);  // gatenum over 4 characters
  EXPECT_TRUE(!reply.is_ok() || reply->errcode != 0);

  auto bad_index = client.next("0001", -1);
  EXPECT_TRUE(!bad_index.is_ok() || bad_index->errcode != 0);
}

TEST(GateNamesTest, CountsUpwardKeepingTheWidth) {
  auto names = gate_names("0009", 3);
  ASSERT_TRUE(names.is_ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"0009", "0010", "0011"}));
  EXPECT_EQ(*gate_names("9", 2), (std::vector<std::string>{"9", "10"}));
  EXPECT_EQ(*gate_names("A-1", 1), (std::vector<std::string>{"A-1"}));
}

TEST(GateNamesTest, RejectsBadNames) {
  for (auto [first, count] : {std::pair<const char*, int>{"", 1},
                              {"12345", 1},
                              {"a/b", 1},
                              {"A1", 2},
                              {"9999", 2},
                              {"0001", 0}}) {
    auto names = gate_names(first, count);
    EXPECT_FALSE(names.is_ok()) << first << " x" << count;
    if (!names.is_ok()) {
      EXPECT_EQ(names.status().code(), ErrorCode::kBadGateNum);
    }
  }
}

TEST(ParseFormatNameTest, KnowsTheFourFormats) {
  EXPECT_EQ(*parse_format_name("json"), Format::kJson);
  EXPECT_EQ(*parse_format_name("xml"), Format::kXml);
  EXPECT_EQ(*parse_format_name("form"), Format::kForm);
  EXPECT_EQ(*parse_format_name("bson"), Format::kBson);
  EXPECT_FALSE(parse_format_name("yaml").is_ok());
}

}  // namespace
}  // namespace facesync::gatesim
