// A gate's face set: applying records, and keeping it in a file.
#include "gatesim/gate_state.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "base/temp_dir.h"
#include "gatesim/test_faces.h"

namespace facesync::gatesim {
namespace {

LegacyTag record(int64_t index, std::string ticket, std::string op,
                 std::string image = testing::fake_jpeg("x")) {
  LegacyTag tag;
  tag.recordindex = index;
  tag.hasdata = "1";
  tag.ticketcode = std::move(ticket);
  tag.op = std::move(op);
  tag.effdatebegin = "20260101";
  tag.effdateend = "20261231";
  if (tag.op != "D") tag.faceimage = std::move(image);
  tag.additionaltemplateinfo = 7;
  return tag;
}

TEST(ApplyRecordTest, UpsertsErasesAndMovesTheCursor) {
  GateState state;
  ASSERT_TRUE(apply_record(record(3, "A", "I"), "D", &state).is_ok());
  ASSERT_TRUE(apply_record(record(5, "B", "I"), "D", &state).is_ok());
  ASSERT_TRUE(
      apply_record(record(8, "A", "U", testing::fake_jpeg("y")), "D", &state)
          .is_ok());
  ASSERT_TRUE(apply_record(record(9, "B", "D"), "D", &state).is_ok());

  EXPECT_EQ(state.cursor, 9);
  ASSERT_EQ(state.faces.size(), 1u);
  const HeldFace& a = state.faces.at("A");
  EXPECT_EQ(a.recordindex, 8);
  EXPECT_EQ(a.sha256, sha256_hex(testing::fake_jpeg("y")));
  EXPECT_EQ(a.effdatebegin, "20260101");
  EXPECT_EQ(a.effdateend, "20261231");
  EXPECT_EQ(a.additionaltemplateinfo, 7);
}

TEST(ApplyRecordTest, RemovalOfAnUnknownTicketOnlyMovesTheCursor) {
  GateState state;
  ASSERT_TRUE(apply_record(record(4, "Z", "D"), "D", &state).is_ok());
  EXPECT_TRUE(state.faces.empty());
  EXPECT_EQ(state.cursor, 4);
}

TEST(ApplyRecordTest, TheRemovalLetterIsConfigurable) {
  GateState state;
  ASSERT_TRUE(apply_record(record(1, "A", "I"), "X", &state).is_ok());
  LegacyTag removal = record(2, "A", "X");
  ASSERT_TRUE(apply_record(removal, "X", &state).is_ok());
  EXPECT_TRUE(state.faces.empty());
}

TEST(ApplyRecordTest, ABadRecordChangesNothing) {
  GateState state;
  ASSERT_TRUE(apply_record(record(5, "A", "I"), "D", &state).is_ok());
  GateState before = state;

  LegacyTag no_image = record(6, "B", "I");
  no_image.faceimage.reset();
  LegacyTag no_ticket = record(6, "B", "I");
  no_ticket.ticketcode.reset();
  for (const LegacyTag& bad :
       {record(5, "B", "I"), record(2, "A", "D"), no_image, no_ticket}) {
    Status applied = apply_record(bad, "D", &state);
    EXPECT_EQ(applied.code(), ErrorCode::kMalformedBody);
    EXPECT_EQ(state.cursor, before.cursor);
    EXPECT_EQ(state.faces, before.faces);
  }
}

TEST(ApplyRecordTest, Sha256IsTheKnownDigest) {
  EXPECT_EQ(sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(StateFileTest, SavesAndLoadsEveryField) {
  TempDir dir;
  GateState state;
  state.gate = "0002";
  state.cursor = 2147483647;
  state.faces["T-1"] = {12, sha256_hex("a"), "20260101", "20261231", 255};
  state.faces["odd\t%\nname"] = {13, sha256_hex("b"), "", "x y", 0};

  std::string path = state_path(dir.path().string(), "0002");
  EXPECT_EQ(path, (dir.path() / "gate-0002.state").string());
  ASSERT_TRUE(save_state(state, path).is_ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

  auto loaded = load_state(path);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  ASSERT_TRUE(*loaded);
  EXPECT_EQ((*loaded)->gate, "0002");
  EXPECT_EQ((*loaded)->cursor, 2147483647);
  EXPECT_EQ((*loaded)->faces, state.faces);
}

TEST(StateFileTest, SavingReplacesTheOldState) {
  TempDir dir;
  std::string path = dir.file("gate-0001.state");
  GateState state;
  state.gate = "0001";
  state.faces["A"] = {1, "aa", "20260101", "20260102", 0};
  ASSERT_TRUE(save_state(state, path).is_ok());
  state.faces.clear();
  state.cursor = 3;
  ASSERT_TRUE(save_state(state, path).is_ok());

  auto loaded = load_state(path);
  ASSERT_TRUE(loaded.is_ok() && *loaded);
  EXPECT_EQ((*loaded)->cursor, 3);
  EXPECT_TRUE((*loaded)->faces.empty());
}

TEST(StateFileTest, MissingFileIsNoState) {
  TempDir dir;
  auto loaded = load_state(dir.file("gate-0001.state"));
  ASSERT_TRUE(loaded.is_ok());
  EXPECT_FALSE(*loaded);
}

TEST(StateFileTest, RejectsWhatIsNotAStateFile) {
  TempDir dir;
  const std::string bodies[] = {
      "hello\n",
      "facesync-gate-state 1\ngate\t0001\n",
      "facesync-gate-state 1\ngate\t0001\ncursor\t-1\n",
      "facesync-gate-state 1\ngate\t0001\ncursor\t1\nface\tA\t1\n",
      "facesync-gate-state "
      "1\ngate\t0001\ncursor\t1\nface\tA%G\t1\ts\ta\tb\t0\n",
  };
  for (const std::string& body : bodies) {
    std::ofstream(dir.file("s")) << body;
    auto loaded = load_state(dir.file("s"));
    ASSERT_FALSE(loaded.is_ok()) << body;
    EXPECT_EQ(loaded.status().code(), ErrorCode::kMalformedBody) << body;
  }
}

TEST(StateFileTest, UnwritableDirectoryIsAStorageError) {
  GateState state;
  state.gate = "0001";
  Status saved = save_state(state, "/nonexistent-dir/gate-0001.state");
  EXPECT_EQ(saved.code(), ErrorCode::kStorage);
}

}  // namespace
}  // namespace facesync::gatesim
