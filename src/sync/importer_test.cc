// The bulk import against a real SQLite file in a temporary directory.
#include "sync/importer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "store/sqlite/sqlite_store.h"
#include "sync/face_log.h"

namespace facesync::sync {
namespace {

constexpr int32_t kToday = 20300101;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string ticket(int i) {
  return "T" + std::to_string(100000 + i);
}

// A CSV line for ticket(i) valid in 2030, collected at gate 0001.
std::string line_of(int i) {
  return ticket(i) + ",0001,20300101,20301231,0,";
}

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(dir_.file("images"));
    options_.data_dir = dir_.path().string();
    options_.csv_path = dir_.file("faces.csv");
    options_.images_dir = dir_.file("images");
    options_.batch = 64;
    options_.today = [] { return kToday; };
  }

  // A tiny JPEG, unique to the ticket.
  void write_image(const std::string& code, const char* extension = ".jpg") {
    write_file(dir_.file("images/" + code + extension),
               "\xFF\xD8\xFF\xE0" + code);
  }

  void write_csv(const std::vector<std::string>& lines) {
    std::string text(kImportHeader);
    text += "\n";
    for (const std::string& line : lines)
      text += line + "\n";
    write_file(options_.csv_path, text);
  }

  // Writes `count` good lines and their images.
  void write_faces(int count) {
    std::vector<std::string> lines;
    for (int i = 0; i < count; ++i) {
      lines.push_back(line_of(i));
      write_image(ticket(i));
    }
    write_csv(lines);
  }

  ImportProgress import() {
    Result<ImportProgress> done = import_faces(options_, {});
    EXPECT_TRUE(done.is_ok()) << done.status().to_string();
    return done.is_ok() ? *done : ImportProgress{};
  }

  // Opens the database the import wrote, with a FaceLog on it.
  FaceLog& log() {
    if (!log_) {
      auto opened = store::open_sqlite_store(dir_.file("facesync.db"));
      EXPECT_TRUE(opened.is_ok()) << opened.status().to_string();
      store_ = std::move(*opened);
      log_ = std::make_unique<FaceLog>(*store_, FaceLogOptions{});
    }
    return *log_;
  }

  size_t live_count() {
    auto faces = log().live_faces("", 100000);
    EXPECT_TRUE(faces.is_ok()) << faces.status().to_string();
    return faces.is_ok() ? faces->size() : 0;
  }

  TempDir dir_;
  ImportOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<FaceLog> log_;
};

TEST_F(ImporterTest, ImportsHundredsOfFaces) {
  write_faces(300);
  size_t batches = 0;
  auto done = import_faces(options_, [&](const ImportProgress&) { ++batches; });
  ASSERT_TRUE(done.is_ok()) << done.status().to_string();

  EXPECT_EQ(done->lines_done, 300u);
  EXPECT_EQ(done->enrolled, 300u);
  EXPECT_EQ(done->refused, 0u);
  EXPECT_EQ(batches, 5u);  // 300 lines in batches of 64
  EXPECT_EQ(live_count(), 300u);
  auto face = log().face(ticket(299));
  ASSERT_TRUE(face.is_ok()) << face.status().to_string();
  EXPECT_EQ(face->source_gate, "0001");
  EXPECT_EQ(face->valid_until, 20301231);
  EXPECT_EQ(read_file(import_progress_path(options_)), "300\n");
}

TEST_F(ImporterTest, CreatesAMissingDataDirectory) {
  write_faces(3);
  options_.data_dir = dir_.file("new/data");

  ImportProgress done = import();
  EXPECT_EQ(done.enrolled, 3u);
  EXPECT_TRUE(std::filesystem::exists(dir_.file("new/data/facesync.db")));
}

TEST_F(ImporterTest, ReimportAppendsNothing) {
  write_faces(50);
  import();
  std::filesystem::remove(import_progress_path(options_));

  ImportProgress again = import();
  EXPECT_EQ(again.enrolled, 0u);
  EXPECT_EQ(again.unchanged, 50u);
  EXPECT_EQ(live_count(), 50u);
}

TEST_F(ImporterTest, RefusedLinesGoToRejectsAndDoNotStop) {
  write_image(ticket(0));
  write_image(ticket(2));
  write_image(ticket(3));
  write_image(ticket(4), ".png");  // PNG name, JPEG bytes: still a JPEG
  write_csv({
      line_of(0),                                // line 2: good
      line_of(1),                                // 3: no image
      ticket(2) + ",0001,20300101",              // 4: 3 fields
      ticket(3) + ",0001,20290101,20291231,0,",  // 5: ended
      line_of(4),                                // 6: good (.png)
      "../etc,0001,20300101,20301231,0,",        // 7: bad ticket
  });

  ImportProgress done = import();

  EXPECT_EQ(done.lines_done, 6u);
  EXPECT_EQ(done.enrolled, 2u);
  EXPECT_EQ(done.refused, 4u);
  EXPECT_TRUE(log().face(ticket(0)).is_ok());
  EXPECT_TRUE(log().face(ticket(4)).is_ok());
  EXPECT_FALSE(log().face(ticket(3)).is_ok());
  std::string rejects = read_file(import_rejects_path(options_));
  EXPECT_NE(rejects.find("3\t" + ticket(1) + "\tbad_image\t"),
            std::string::npos)
      << rejects;
  EXPECT_NE(rejects.find("4\t" + ticket(2) + "\tmalformed_body\t"),
            std::string::npos)
      << rejects;
  EXPECT_NE(rejects.find("5\t" + ticket(3) + "\tbad_dates\t"),
            std::string::npos)
      << rejects;
  EXPECT_NE(rejects.find("7\t../etc\tbad_ticketcode\t"), std::string::npos)
      << rejects;
}

TEST_F(ImporterTest, SecondRunImportsOnlyTheRest) {
  write_faces(250);
  options_.limit = 100;
  ImportProgress first = import();
  EXPECT_EQ(first.lines_done, 100u);
  EXPECT_EQ(read_file(import_progress_path(options_)), "100\n");

  options_.limit = 0;
  ImportProgress second = import();

  EXPECT_EQ(second.lines_done, 250u);
  EXPECT_EQ(second.enrolled, 150u);
  EXPECT_EQ(second.unchanged, 0u);  // the first 100 were skipped
  EXPECT_EQ(live_count(), 250u);
}

TEST_F(ImporterTest, ResumesFromAWrittenProgressFile) {
  write_faces(120);
  write_file(import_progress_path(options_), "100\n");

  ImportProgress done = import();

  EXPECT_EQ(done.enrolled, 20u);
  EXPECT_EQ(live_count(), 20u);
  EXPECT_FALSE(log().face(ticket(99)).is_ok());
  EXPECT_TRUE(log().face(ticket(100)).is_ok());
}

TEST_F(ImporterTest, SitesAndGateParse) {
  write_image(ticket(0));
  write_image(ticket(1));
  write_csv({ticket(0) + ",G7,20300101,20300102,7,north;east",
             ticket(1) + ",,20300101,20300102,0,"});

  ImportProgress done = import();

  ASSERT_EQ(done.enrolled, 2u);
  auto sited = log().face(ticket(0));
  ASSERT_TRUE(sited.is_ok()) << sited.status().to_string();
  EXPECT_EQ(sited->source_gate, "G7");
  EXPECT_EQ(sited->template_info, 7);
  EXPECT_EQ(sited->sites, (std::vector<std::string>{"east", "north"}));
  auto open = log().face(ticket(1));
  ASSERT_TRUE(open.is_ok()) << open.status().to_string();
  EXPECT_EQ(open->source_gate, "");
  EXPECT_TRUE(open->sites.empty());
}

TEST_F(ImporterTest, ParsesALine) {
  auto face = parse_import_line("T1,0002,20300101,20300105,9,a;b;c");
  ASSERT_TRUE(face.is_ok()) << face.status().to_string();
  EXPECT_EQ(face->ticket_code, "T1");
  EXPECT_EQ(face->source_gate, "0002");
  EXPECT_EQ(face->valid_from, "20300101");
  EXPECT_EQ(face->valid_until, "20300105");
  EXPECT_EQ(face->template_info, 9);
  EXPECT_EQ(face->sites, (std::vector<std::string>{"a", "b", "c"}));

  EXPECT_EQ(
      parse_import_line("T1,0002,20300101,20300105,9,a,b").status().code(),
      ErrorCode::kMalformedBody);
  EXPECT_EQ(parse_import_line("T1,0002,20300101,20300105,x9,").status().code(),
            ErrorCode::kBadTemplateInfo);
}

TEST_F(ImporterTest, RefusesACsvWithoutTheHeader) {
  write_file(options_.csv_path, line_of(0) + "\n");
  write_image(ticket(0));

  auto done = import_faces(options_, {});

  ASSERT_FALSE(done.is_ok());
  EXPECT_EQ(done.status().code(), ErrorCode::kMalformedBody);
}

}  // namespace
}  // namespace facesync::sync
