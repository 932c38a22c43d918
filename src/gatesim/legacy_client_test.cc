// The gate's side of the legacy codecs: requests the server can read,
// replies as the seed document and the server's encoders write them.
#include "gatesim/legacy_client.h"

#include <bson/bson.h>

#include <string>

#include <gtest/gtest.h>

#include "wire/sync_message.h"

namespace facesync::gatesim {
namespace {

using wire::Format;

constexpr Format kAllFormats[] = {Format::kJson, Format::kXml, Format::kForm,
                                  Format::kBson};
constexpr Format kReplyFormats[] = {Format::kJson, Format::kXml, Format::kBson};

TEST(LegacyRequestTest, JsonAndFormLookAsDocumented) {
  wire::SyncRequest request{"0002", 5};
  EXPECT_EQ(encode_sync_request(Format::kJson, request),
            R"({"gatenum":"0002","lastsuccessindex":5})");
  EXPECT_EQ(encode_sync_request(Format::kForm, request),
            "gatenum=0002&lastsuccessindex=5");
  EXPECT_EQ(encode_sync_request(Format::kForm, {"a b&", 0}),
            "gatenum=a%20b%26&lastsuccessindex=0");
}

TEST(LegacyRequestTest, XmlFollowsTheSeedSample) {
  std::string xml = encode_sync_request(Format::kXml, {"0002", 5});
  EXPECT_EQ(xml,
            "<GateSyncFaceInfoParm "
            "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" "
            "xmlns=\"http://schemas.datacontract.org/2004/07/"
            "DigitalScience.DataTransfer.Tour.V5.Parm\">"
            "<gatenum>0002</gatenum>"
            "<lastsuccessindex>5</lastsuccessindex>"
            "</GateSyncFaceInfoParm>");
}

TEST(LegacyRequestTest, BsonHoldsAStringAndAnInt32) {
  std::string body = encode_sync_request(Format::kBson, {"0002", 7});
  bson_t doc;
  ASSERT_TRUE(bson_init_static(
      &doc, reinterpret_cast<const uint8_t*>(body.data()), body.size()));
  bson_iter_t iter;
  ASSERT_TRUE(bson_iter_init_find(&iter, &doc, "gatenum"));
  ASSERT_TRUE(BSON_ITER_HOLDS_UTF8(&iter));
  EXPECT_STREQ(bson_iter_utf8(&iter, nullptr), "0002");
  ASSERT_TRUE(bson_iter_init_find(&iter, &doc, "lastsuccessindex"));
  ASSERT_TRUE(BSON_ITER_HOLDS_INT32(&iter));
  EXPECT_EQ(bson_iter_int32(&iter), 7);
}

// Every request the gate writes, the server's decoder reads back as sent.
TEST(LegacyRequestTest, ServerDecodesEveryFormat) {
  for (Format format : kAllFormats) {
    for (const wire::SyncRequest& sent :
         {wire::SyncRequest{"0002", 5}, wire::SyncRequest{"a<&", 2147483647},
          wire::SyncRequest{"9", 0}}) {
      auto decoded =
          wire::decode_sync_request(format, encode_sync_request(format, sent));
      ASSERT_TRUE(decoded.is_ok())
          << static_cast<int>(format) << ": " << decoded.status().to_string();
      EXPECT_EQ(decoded->gatenum, sent.gatenum);
      EXPECT_EQ(decoded->lastsuccessindex, sent.lastsuccessindex);
    }
  }
}

TEST(LegacyReplyTest, ReadsTheSeedJsonSample) {
  auto reply = decode_sync_reply(
      Format::kJson,
      R"({ "errcode": 1, "errmsg": "sample string 2", "tag": { "gatenum": )"
      R"("sample string 1", "recordindex": 2, "hasdata": "sample string 3", )"
      R"("ticketcode": "sample string 4", "op": "sample string 5", )"
      R"("effdatebegin": "sample string 6", "effdateend": "sample string 7", )"
      R"("faceimage": "QEA=", "additionaltemplateinfo": 64 } })");
  ASSERT_TRUE(reply.is_ok()) << reply.status().to_string();
  EXPECT_EQ(reply->errcode, 1);
  EXPECT_EQ(reply->errmsg, "sample string 2");
  ASSERT_TRUE(reply->tag);
  EXPECT_EQ(reply->tag->gatenum, "sample string 1");
  EXPECT_EQ(reply->tag->recordindex, 2);
  EXPECT_EQ(reply->tag->hasdata, "sample string 3");
  EXPECT_EQ(reply->tag->ticketcode, "sample string 4");
  EXPECT_EQ(reply->tag->op, "sample string 5");
  EXPECT_EQ(reply->tag->effdatebegin, "sample string 6");
  EXPECT_EQ(reply->tag->effdateend, "sample string 7");
  EXPECT_EQ(reply->tag->faceimage, "@@");
  EXPECT_EQ(reply->tag->additionaltemplateinfo, 64);
}

TEST(LegacyReplyTest, ReadsTheSeedXmlSample) {
  auto reply = decode_sync_reply(
      Format::kXml,
      "<CommonOperationResultWithTagOfGateSyncFaceInfoResultldpHZqFJ "
      "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xmlns=\"http://schemas.datacontract.org/2004/07/"
      "DigitalScience.DataTransfer\"> <errcode>1</errcode> <errmsg>sample "
      "string 2</errmsg> <tag xmlns:d2p1=\"http://schemas.datacontract.org/"
      "2004/07/DigitalScience.DataTransfer.Tour.V5.Result\"> "
      "<d2p1:additionaltemplateinfo>64</d2p1:additionaltemplateinfo> "
      "<d2p1:effdatebegin>sample string 6</d2p1:effdatebegin> "
      "<d2p1:effdateend>sample string 7</d2p1:effdateend> "
      "<d2p1:faceimage>QEA=</d2p1:faceimage> <d2p1:gatenum>sample string "
      "1</d2p1:gatenum> <d2p1:hasdata>sample string 3</d2p1:hasdata> "
      "<d2p1:op>sample string 5</d2p1:op> "
      "<d2p1:recordindex>2</d2p1:recordindex> <d2p1:ticketcode>sample "
      "string 4</d2p1:ticketcode> </tag> "
      "</CommonOperationResultWithTagOfGateSyncFaceInfoResultldpHZqFJ>");
  ASSERT_TRUE(reply.is_ok()) << reply.status().to_string();
  EXPECT_EQ(reply->errcode, 1);
  EXPECT_EQ(reply->errmsg, "sample string 2");
  ASSERT_TRUE(reply->tag);
  EXPECT_EQ(reply->tag->recordindex, 2);
  EXPECT_EQ(reply->tag->ticketcode, "sample string 4");
  EXPECT_EQ(reply->tag->faceimage, "@@");
  EXPECT_EQ(reply->tag->additionaltemplateinfo, 64);
}

TEST(LegacyReplyTest, XmlNilIsNull) {
  auto reply = decode_sync_reply(
      Format::kXml,
      "<CommonOperationResultWithTagOfGateSyncFaceInfoResultldpHZqFJ "
      "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">"
      "<errcode>0</errcode><errmsg i:nil=\"true\"/><tag xmlns:d2p1=\"x\">"
      "<d2p1:faceimage i:nil=\"true\"/><d2p1:hasdata>0</d2p1:hasdata>"
      "<d2p1:recordindex>9</d2p1:recordindex>"
      "<d2p1:ticketcode i:nil=\"true\"/></tag>"
      "</CommonOperationResultWithTagOfGateSyncFaceInfoResultldpHZqFJ>");
  ASSERT_TRUE(reply.is_ok()) << reply.status().to_string();
  ASSERT_TRUE(reply->tag);
  EXPECT_EQ(reply->tag->hasdata, "0");
  EXPECT_EQ(reply->tag->recordindex, 9);
  EXPECT_FALSE(reply->tag->ticketcode);
  EXPECT_FALSE(reply->tag->faceimage);
}

// What the server's encoders write, the gate reads back unchanged: a record
// with binary image bytes, and the caught-up answer with its nulls.
TEST(LegacyReplyTest, ReadsWhatTheServerWrites) {
  const std::string image("\xFF\xD8\xFF\xE0\x00\x01\xFF\xD9", 8);
  wire::SyncReply record;
  record.tag.emplace();
  record.tag->gatenum = "0002";
  record.tag->recordindex = 41;
  record.tag->hasdata = "1";
  record.tag->ticketcode = "T-1";
  record.tag->op = "U";
  record.tag->effdatebegin = "20260101";
  record.tag->effdateend = "20261231";
  record.tag->faceimage = image;
  record.tag->additionaltemplateinfo = 200;

  wire::SyncReply caught_up;
  caught_up.tag.emplace();
  caught_up.tag->gatenum = "0002";
  caught_up.tag->recordindex = 41;
  caught_up.tag->hasdata = "0";

  for (Format format : kReplyFormats) {
    std::string body;
    wire::encode_sync_reply(format, record, &body);
    auto reply = decode_sync_reply(format, body);
    ASSERT_TRUE(reply.is_ok()) << reply.status().to_string();
    ASSERT_TRUE(reply->tag);
    EXPECT_EQ(reply->errcode, 0);
    EXPECT_EQ(reply->tag->recordindex, 41);
    EXPECT_EQ(reply->tag->hasdata, "1");
    EXPECT_EQ(reply->tag->ticketcode, "T-1");
    EXPECT_EQ(reply->tag->op, "U");
    EXPECT_EQ(reply->tag->effdatebegin, "20260101");
    EXPECT_EQ(reply->tag->effdateend, "20261231");
    EXPECT_EQ(reply->tag->faceimage, image);
    EXPECT_EQ(reply->tag->additionaltemplateinfo, 200);

    body.clear();
    wire::encode_sync_reply(format, caught_up, &body);
    reply = decode_sync_reply(format, body);
    ASSERT_TRUE(reply.is_ok()) << reply.status().to_string();
    ASSERT_TRUE(reply->tag);
    EXPECT_EQ(reply->tag->hasdata, "0");
    EXPECT_EQ(reply->tag->recordindex, 41);
    EXPECT_FALSE(reply->tag->ticketcode);
    EXPECT_FALSE(reply->tag->faceimage);
    EXPECT_FALSE(reply->tag->additionaltemplateinfo);
  }
}

TEST(LegacyReplyTest, RejectsWhatItCannotRead) {
  const std::pair<Format, std::string> cases[] = {
      {Format::kJson, "not json"},
      {Format::kJson, R"({"errmsg":"no errcode"})"},
      {Format::kJson, R"({"errcode":"zero"})"},
      {Format::kJson, R"({"errcode":0,"tag":{"faceimage":"QE"}})"},
      {Format::kJson, R"({"errcode":0,"tag":{"recordindex":"1"}})"},
      {Format::kXml, "<other><errcode>0</errcode></other>"},
      {Format::kXml, "<unclosed"},
      {Format::kBson, std::string("\x05\x00\x00", 3)},
      {Format::kForm, "errcode=0"},
  };
  for (const auto& [format, body] : cases) {
    auto reply = decode_sync_reply(format, body);
    ASSERT_FALSE(reply.is_ok()) << body;
    EXPECT_EQ(reply.status().code(), ErrorCode::kMalformedBody) << body;
  }
}

}  // namespace
}  // namespace facesync::gatesim
