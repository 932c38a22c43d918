// Tests of decode_face_upload: the fields, their faults and their order.
#include "wire/face_upload.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "wire/base64.h"
#include "wire/test_util.h"

namespace facesync::wire {
namespace {

using testutil::code_of;

constexpr size_t kMaxImage = 1024;

// A JPEG signature and a few bytes; "/9j/" in base64.
const std::string kJpeg = "\xFF\xD8\xFF\xE0\x00\x10JFIF";

std::string base64(std::string_view bytes) {
  std::string out;
  base64_append(bytes, &out);
  return out;
}

const std::string kImage = "\"image\":\"" + base64(kJpeg) + "\"";
const std::string kDates =
    R"("effdatebegin":"20261201","effdateend":"20261231")";

Result<FaceUpload> decode(const std::string& json) {
  return decode_face_upload(json, kMaxImage);
}

TEST(FaceUploadTest, DecodesEveryField) {
  const Result<FaceUpload> upload =
      decode("{" + kImage + R"(,"gate":"0001",)" + kDates +
             R"(,"additionaltemplateinfo":64})");
  ASSERT_TRUE(upload.is_ok()) << upload.status().to_string();
  EXPECT_EQ(upload->image, kJpeg);
  EXPECT_EQ(upload->gate, "0001");
  EXPECT_EQ(upload->effdatebegin, "20261201");
  EXPECT_EQ(upload->effdateend, "20261231");
  EXPECT_EQ(upload->additionaltemplateinfo, 64);
}

TEST(FaceUploadTest, DecodesSites) {
  const Result<FaceUpload> upload =
      decode("{" + kImage + "," + kDates + R"(,"sites":["B","A"]})");
  ASSERT_TRUE(upload.is_ok()) << upload.status().to_string();
  EXPECT_EQ(upload->sites, (std::vector<std::string>{"B", "A"}));
}

TEST(FaceUploadTest, OptionalFieldsDefault) {
  for (const std::string& optional :
       {std::string(), std::string(R"(,"gate":null,)"
                                   R"("additionaltemplateinfo":null)")}) {
    const Result<FaceUpload> upload =
        decode("{" + kImage + "," + kDates + optional + "}");
    ASSERT_TRUE(upload.is_ok()) << optional;
    EXPECT_TRUE(upload->sites.empty());
    EXPECT_EQ(upload->gate, "");
    EXPECT_EQ(upload->additionaltemplateinfo, 0);
  }
}

TEST(FaceUploadTest, SkipsUnknownNamesAndTakesTheLastRepeat) {
  const Result<FaceUpload> upload = decode(
      R"({"x":{"image":1},"gate":"1","gate":"2",)" + kImage + "," + kDates +
      R"(,"y":[1,2,{"z":null}],"additionaltemplateinfo":1,)"
      R"("additionaltemplateinfo":2})");
  ASSERT_TRUE(upload.is_ok()) << upload.status().to_string();
  EXPECT_EQ(upload->gate, "2");
  EXPECT_EQ(upload->additionaltemplateinfo, 2);
}

TEST(FaceUploadTest, LeavesValuesForFaceLogToJudge) {
  // Range and format checks belong to FaceLog, not to the decoder.
  const Result<FaceUpload> upload =
      decode("{" + kImage +
             R"(,"gate":"too long","effdatebegin":"x",)"
             R"("effdateend":"","additionaltemplateinfo":-300})");
  ASSERT_TRUE(upload.is_ok()) << upload.status().to_string();
  EXPECT_EQ(upload->gate, "too long");
  EXPECT_EQ(upload->effdatebegin, "x");
  EXPECT_EQ(upload->additionaltemplateinfo, -300);
}

TEST(FaceUploadTest, UnescapesTheImageString) {
  // "/9j/" with each '/' escaped, as some JSON writers do.
  std::string escaped = base64(kJpeg);
  for (size_t at = escaped.find('/'); at != std::string::npos;
       at = escaped.find('/', at + 2)) {
    escaped.insert(at, "\\");
  }
  ASSERT_NE(escaped, base64(kJpeg));
  const Result<FaceUpload> upload =
      decode(R"({"image":")" + escaped + "\"," + kDates + "}");
  ASSERT_TRUE(upload.is_ok()) << upload.status().to_string();
  EXPECT_EQ(upload->image, kJpeg);
}

TEST(FaceUploadTest, TakesAnImageOfExactlyTheLimit) {
  const std::string image(kMaxImage, '\x7F');
  const Result<FaceUpload> upload =
      decode(R"({"image":")" + base64(image) + "\"," + kDates + "}");
  ASSERT_TRUE(upload.is_ok());
  EXPECT_EQ(upload->image, image);
}

struct BadCase {
  const char* name;
  std::string json;
  ErrorCode code;
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.name;
}

class FaceUploadRejectTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(FaceUploadRejectTest, NamesTheFieldAtFault) {
  EXPECT_EQ(code_of(decode(GetParam().json)), GetParam().code);
}

const std::string kRest = "," + kDates + "}";

INSTANTIATE_TEST_SUITE_P(
    Table, FaceUploadRejectTest,
    ::testing::Values(
        BadCase{"image_missing", "{" + kDates + "}", ErrorCode::kBadImage},
        BadCase{"image_name_case", R"({"Image":"/9j/")" + kRest,
                ErrorCode::kBadImage},
        BadCase{"image_null", R"({"image":null)" + kRest, ErrorCode::kBadImage},
        BadCase{"image_number", R"({"image":1)" + kRest, ErrorCode::kBadImage},
        BadCase{"image_array", R"({"image":["/9j/"])" + kRest,
                ErrorCode::kBadImage},
        BadCase{"image_not_base64", R"({"image":"/9j*")" + kRest,
                ErrorCode::kBadImage},
        BadCase{"image_unpadded", R"({"image":"/9j/4A")" + kRest,
                ErrorCode::kBadImage},
        BadCase{"image_with_newline", R"({"image":"/9j/\n4AAQ")" + kRest,
                ErrorCode::kBadImage},
        BadCase{"image_url_safe", R"({"image":"_9j_")" + kRest,
                ErrorCode::kBadImage},
        BadCase{"image_too_large",
                R"({"image":")" + base64(std::string(kMaxImage + 1, 'a')) +
                    "\"" + kRest,
                ErrorCode::kImageTooLarge},
        BadCase{"image_first", R"({"image":1,"gate":1)" + kRest,
                ErrorCode::kBadImage},
        BadCase{"gate_number", "{" + kImage + R"(,"gate":1)" + kRest,
                ErrorCode::kBadGateNum},
        BadCase{"gate_bool", "{" + kImage + R"(,"gate":false)" + kRest,
                ErrorCode::kBadGateNum},
        BadCase{"gate_before_dates",
                "{" + kImage + R"(,"gate":{},"effdatebegin":1})",
                ErrorCode::kBadGateNum},
        BadCase{"begin_missing", "{" + kImage + R"(,"effdateend":"20261231"})",
                ErrorCode::kBadDates},
        BadCase{"end_missing", "{" + kImage + R"(,"effdatebegin":"20261231"})",
                ErrorCode::kBadDates},
        BadCase{
            "begin_null",
            "{" + kImage + R"(,"effdatebegin":null,"effdateend":"20261231"})",
            ErrorCode::kBadDates},
        BadCase{"begin_number",
                "{" + kImage +
                    R"(,"effdatebegin":20261201,"effdateend":"20261231"})",
                ErrorCode::kBadDates},
        BadCase{"end_name_case",
                "{" + kImage +
                    R"(,"effdatebegin":"20261201","EffDateEnd":"20261231"})",
                ErrorCode::kBadDates},
        BadCase{
            "template_string",
            "{" + kImage + "," + kDates + R"(,"additionaltemplateinfo":"1"})",
            ErrorCode::kBadTemplateInfo},
        BadCase{
            "template_fraction",
            "{" + kImage + "," + kDates + R"(,"additionaltemplateinfo":1.0})",
            ErrorCode::kBadTemplateInfo},
        BadCase{"template_above_int64",
                "{" + kImage + "," + kDates +
                    R"(,"additionaltemplateinfo":18446744073709551615})",
                ErrorCode::kBadTemplateInfo},
        BadCase{
            "template_bool",
            "{" + kImage + "," + kDates + R"(,"additionaltemplateinfo":true})",
            ErrorCode::kBadTemplateInfo},
        BadCase{"sites_string",
                "{" + kImage + "," + kDates + R"(,"sites":"A"})",
                ErrorCode::kBadSite},
        BadCase{"sites_number_inside",
                "{" + kImage + "," + kDates + R"(,"sites":["A",1]})",
                ErrorCode::kBadSite},
        BadCase{"empty", "", ErrorCode::kMalformedBody},
        BadCase{"array", "[" + kImage.substr(8) + "]",
                ErrorCode::kMalformedBody},
        BadCase{"truncated", "{" + kImage, ErrorCode::kMalformedBody},
        BadCase{"trailing_garbage", "{" + kImage + kRest + "}",
                ErrorCode::kMalformedBody},
        BadCase{"invalid_utf8", "{\"x\":\"\xFF\"," + kImage + kRest,
                ErrorCode::kMalformedBody},
        BadCase{"too_deep",
                "{\"x\":" + std::string(40, '[') + std::string(40, ']') + "," +
                    kImage + kRest,
                ErrorCode::kMalformedBody}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(FaceUploadTest, RefusesABodyTooLongForAnyImageBeforeParsing) {
  // Long enough to be refused whatever it holds: not even JSON.
  const std::string body(2 * 4 + 64 * 1024 + 1, 'x');
  EXPECT_EQ(code_of(decode_face_upload(body, 3)), ErrorCode::kBodyTooLarge);
  EXPECT_EQ(code_of(decode_face_upload(body, 1 << 20)),
            ErrorCode::kMalformedBody);
}

TEST(FaceUploadTest, SkipsAByteOrderMark) {
  EXPECT_TRUE(decode("\xEF\xBB\xBF{" + kImage + kRest).is_ok());
}

TEST(FaceUploadTest, DecodesATwoMebibyteImage) {
  std::string image(2 * 1024 * 1024, '\0');
  for (size_t i = 0; i < image.size(); ++i) {
    image[i] = static_cast<char>(i * 31);
  }
  const Result<FaceUpload> upload = decode_face_upload(
      R"({"image":")" + base64(image) + "\"," + kDates + "}", image.size());
  ASSERT_TRUE(upload.is_ok()) << upload.status().to_string();
  EXPECT_EQ(upload->image, image);
}

}  // namespace
}  // namespace facesync::wire
