// Tests of the BSON codec: requests built with libbson or by hand, and
// replies read back byte by byte.
#include "wire/bson_codec.h"

#include <bson/bson.h>
#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <string>

#include "wire/sync_fields.h"
#include "wire/test_util.h"

namespace facesync::wire {
namespace {

using testutil::code_of;
using testutil::DecodeCase;
using testutil::expect_decoded;
using testutil::kGate;
using testutil::kIndex;
using testutil::kMalformed;
using testutil::kOk;
using testutil::ScanCase;

// A document built in a test, owned.
class Document {
 public:
  Document() { bson_init(&document_); }
  ~Document() { bson_destroy(&document_); }
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  bson_t* get() { return &document_; }
  std::string bytes() const {
    return std::string(reinterpret_cast<const char*>(bson_get_data(&document_)),
                       document_.len);
  }

 private:
  bson_t document_;
};

// The bytes of a document that `builder(bson_t*)` fills.
template <typename Builder>
std::string build(Builder builder) {
  Document document;
  builder(document.get());
  return document.bytes();
}

void utf8(bson_t* b, const char* key, std::string_view value) {
  bson_append_utf8(b, key, -1, value.data(), static_cast<int>(value.size()));
}

void int32(bson_t* b, const char* key, int32_t value) {
  bson_append_int32(b, key, -1, value);
}

// gatenum "1" and lastsuccessindex as `index(bson_t*)` adds it.
template <typename Builder>
auto with_index(Builder index) {
  return [index](bson_t* b) {
    utf8(b, "gatenum", "1");
    index(b);
  };
}

// lastsuccessindex 1 and gatenum as `gate(bson_t*)` adds it.
template <typename Builder>
auto with_gate(Builder gate) {
  return [gate](bson_t* b) {
    gate(b);
    int32(b, "lastsuccessindex", 1);
  };
}

// ----- Decoding.

class BsonDecodeTest : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(BsonDecodeTest, Decodes) {
  expect_decoded(GetParam(), decode_bson_sync_request(GetParam().body));
}

std::string plain_request() {
  return build([](bson_t* b) {
    utf8(b, "gatenum", "0001");
    int32(b, "lastsuccessindex", 2);
  });
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, BsonDecodeTest,
    ::testing::Values(
        DecodeCase{"plain", plain_request(), kOk, "0001", 2},
        DecodeCase{"int64_index", build(with_index([](bson_t* b) {
                     bson_append_int64(b, "lastsuccessindex", -1, 2147483647);
                   })),
                   kOk, "1", 2147483647},
        DecodeCase{"integral_double_index", build(with_index([](bson_t* b) {
                     bson_append_double(b, "lastsuccessindex", -1, 7.0);
                   })),
                   kOk, "1", 7},
        DecodeCase{"string_index", build(with_index([](bson_t* b) {
                     utf8(b, "lastsuccessindex", " 5 ");
                   })),
                   kOk, "1", 5},
        DecodeCase{"names_ignore_case", build([](bson_t* b) {
                     utf8(b, "GateNum", "9");
                     int32(b, "LASTSUCCESSINDEX", 8);
                   }),
                   kOk, "9", 8},
        DecodeCase{"unknown_fields_skipped", build([](bson_t* b) {
                     bson_t child;
                     bson_append_document_begin(b, "x", -1, &child);
                     utf8(&child, "gatenum", "bad");
                     bson_append_document_end(b, &child);
                     bson_append_array_begin(b, "y", -1, &child);
                     int32(&child, "0", 1);
                     bson_append_array_end(b, &child);
                     bson_append_binary(b, "z", -1, BSON_SUBTYPE_BINARY,
                                        reinterpret_cast<const uint8_t*>("ab"),
                                        2);
                     bson_append_null(b, "w", -1);
                     utf8(b, "gatenum", "3");
                     int32(b, "lastsuccessindex", 4);
                   }),
                   kOk, "3", 4},
        DecodeCase{"last_duplicate_wins", build([](bson_t* b) {
                     utf8(b, "gatenum", "1");
                     int32(b, "lastsuccessindex", 1);
                     utf8(b, "gatenum", "2");
                     bson_append_null(b, "x", -1);
                     int32(b, "LastSuccessIndex", 6);
                   }),
                   kOk, "2", 6},
        DecodeCase{"int32_gatenum",
                   build(with_gate([](bson_t* b) { int32(b, "gatenum", 12); })),
                   kOk, "12", 1},
        DecodeCase{"int64_gatenum", build(with_gate([](bson_t* b) {
                     bson_append_int64(b, "gatenum", -1, -7);
                   })),
                   kOk, "-7", 1},
        DecodeCase{"cjk_gatenum", build(with_gate([](bson_t* b) {
                     utf8(b, "gatenum", "\xE9\x97\xB8\xE6\x9C\xBA");
                   })),
                   kOk, "\xE9\x97\xB8\xE6\x9C\xBA", 1}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    BadFields, BsonDecodeTest,
    ::testing::Values(
        DecodeCase{"empty_document", build([](bson_t*) {}), kGate},
        DecodeCase{"gatenum_missing",
                   build([](bson_t* b) { int32(b, "lastsuccessindex", 1); }),
                   kGate},
        DecodeCase{"gatenum_null", build(with_gate([](bson_t* b) {
                     bson_append_null(b, "gatenum", -1);
                   })),
                   kGate},
        DecodeCase{"gatenum_empty",
                   build(with_gate([](bson_t* b) { utf8(b, "gatenum", ""); })),
                   kGate},
        DecodeCase{"gatenum_five", build(with_gate([](bson_t* b) {
                     utf8(b, "gatenum", "00001");
                   })),
                   kGate},
        DecodeCase{"gatenum_control", build(with_gate([](bson_t* b) {
                     utf8(b, "gatenum", "0\x1B");
                   })),
                   kGate},
        DecodeCase{"gatenum_double", build(with_gate([](bson_t* b) {
                     bson_append_double(b, "gatenum", -1, 1.0);
                   })),
                   kGate},
        DecodeCase{"gatenum_bool", build(with_gate([](bson_t* b) {
                     bson_append_bool(b, "gatenum", -1, true);
                   })),
                   kGate},
        DecodeCase{"gatenum_binary", build(with_gate([](bson_t* b) {
                     bson_append_binary(b, "gatenum", -1, BSON_SUBTYPE_BINARY,
                                        reinterpret_cast<const uint8_t*>("1"),
                                        1);
                   })),
                   kGate},
        DecodeCase{"gatenum_document", build(with_gate([](bson_t* b) {
                     bson_t child;
                     bson_append_document_begin(b, "gatenum", -1, &child);
                     bson_append_document_end(b, &child);
                   })),
                   kGate},
        DecodeCase{"gatenum_big_int64", build(with_gate([](bson_t* b) {
                     bson_append_int64(b, "gatenum", -1, 123456);
                   })),
                   kGate},
        DecodeCase{"gatenum_checked_first", build([](bson_t* b) {
                     utf8(b, "gatenum", "");
                     int32(b, "lastsuccessindex", -1);
                   }),
                   kGate},
        DecodeCase{"index_missing",
                   build([](bson_t* b) { utf8(b, "gatenum", "1"); }), kIndex},
        DecodeCase{"index_null", build(with_index([](bson_t* b) {
                     bson_append_null(b, "lastsuccessindex", -1);
                   })),
                   kIndex},
        DecodeCase{"index_negative", build(with_index([](bson_t* b) {
                     int32(b, "lastsuccessindex", -1);
                   })),
                   kIndex},
        DecodeCase{"index_int64_above", build(with_index([](bson_t* b) {
                     bson_append_int64(b, "lastsuccessindex", -1,
                                       int64_t{1} << 31);
                   })),
                   kIndex},
        DecodeCase{"index_fraction", build(with_index([](bson_t* b) {
                     bson_append_double(b, "lastsuccessindex", -1, 1.5);
                   })),
                   kIndex},
        DecodeCase{"index_nan", build(with_index([](bson_t* b) {
                     bson_append_double(b, "lastsuccessindex", -1, NAN);
                   })),
                   kIndex},
        DecodeCase{"index_word", build(with_index([](bson_t* b) {
                     utf8(b, "lastsuccessindex", "two");
                   })),
                   kIndex},
        DecodeCase{"index_bool", build(with_index([](bson_t* b) {
                     bson_append_bool(b, "lastsuccessindex", -1, true);
                   })),
                   kIndex},
        DecodeCase{"index_array", build(with_index([](bson_t* b) {
                     bson_t child;
                     bson_append_array_begin(b, "lastsuccessindex", -1, &child);
                     int32(&child, "0", 1);
                     bson_append_array_end(b, &child);
                   })),
                   kIndex},
        DecodeCase{"index_datetime", build(with_index([](bson_t* b) {
                     bson_append_date_time(b, "lastsuccessindex", -1, 5);
                   })),
                   kIndex}),
    [](const auto& info) { return std::string(info.param.name); });

// `bytes` with its first four bytes set to `length`, little-endian.
std::string with_prefix(std::string bytes, uint32_t length) {
  for (int i = 0; i < 4; ++i) {
    bytes[i] = static_cast<char>(length >> (8 * i));
  }
  return bytes;
}

std::string nested_documents(size_t levels) {
  // Hand-built: each level is {"d": <next>}, the innermost {}.
  std::string document = std::string("\x05\0\0\0\0", 5);
  for (size_t i = 1; i < levels; ++i) {
    std::string outer = std::string(
                            "\0\0\0\0\x03"
                            "d\0",
                            7) +
                        document + '\0';
    document = with_prefix(outer, static_cast<uint32_t>(outer.size()));
  }
  return document;
}

// A request whose unknown field "x" nests `levels` documents, so that the
// body nests levels + 1 in all.
std::string request_nesting(size_t levels) {
  const std::string inner = nested_documents(levels);
  std::string body = std::string("\0\0\0\0", 4) +
                     std::string(
                         "\x02gatenum\0\x02\0\0\0"
                         "1\0",
                         15) +
                     std::string("\x10lastsuccessindex\0\x01\0\0\0", 22) +
                     std::string("\x03x\0", 3) + inner + '\0';
  return with_prefix(body, static_cast<uint32_t>(body.size()));
}

std::string truncated_string_length() {
  // {"gatenum": "1"} with the string's length claiming 100 bytes.
  std::string body = plain_request();
  body[4 + 1 + 8] = 100;
  return body;
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, BsonDecodeTest,
    ::testing::Values(
        DecodeCase{"empty", "", kMalformed},
        DecodeCase{"four_bytes", std::string("\x04\0\0\0", 4), kMalformed},
        DecodeCase{"prefix_too_big",
                   with_prefix(plain_request(), plain_request().size() + 1),
                   kMalformed},
        DecodeCase{"prefix_too_small",
                   with_prefix(plain_request(), plain_request().size() - 1),
                   kMalformed},
        DecodeCase{"prefix_negative", with_prefix(plain_request(), 0xFFFFFFFF),
                   kMalformed},
        DecodeCase{"trailing_bytes", plain_request() + "x", kMalformed},
        DecodeCase{"truncated", with_prefix(plain_request().substr(0, 20), 20),
                   kMalformed},
        DecodeCase{
            "no_terminator",
            with_prefix(plain_request().substr(0, plain_request().size() - 1) +
                            "x",
                        plain_request().size()),
            kMalformed},
        DecodeCase{"string_length_beyond", truncated_string_length(),
                   kMalformed},
        DecodeCase{"unknown_type",
                   with_prefix(std::string("\0\0\0\0\x7Ex\0\0", 8) + '\0', 9),
                   kMalformed},
        DecodeCase{"invalid_utf8_value", build(with_gate([](bson_t* b) {
                     utf8(b, "gatenum", "\xFF");
                   })),
                   kMalformed},
        DecodeCase{"invalid_utf8_in_unknown", build([](bson_t* b) {
                     utf8(b, "x", "\xC0\xAF");
                     utf8(b, "gatenum", "1");
                     int32(b, "lastsuccessindex", 1);
                   }),
                   kMalformed},
        DecodeCase{"surrogate_in_unknown", build([](bson_t* b) {
                     utf8(b, "x", "\xED\xA0\x80");
                     utf8(b, "gatenum", "1");
                     int32(b, "lastsuccessindex", 1);
                   }),
                   kMalformed},
        DecodeCase{"invalid_utf8_in_nested_key", build([](bson_t* b) {
                     bson_t child;
                     bson_append_document_begin(b, "x", -1, &child);
                     int32(&child, "\xC3", 1);
                     bson_append_document_end(b, &child);
                     utf8(b, "gatenum", "1");
                     int32(b, "lastsuccessindex", 1);
                   }),
                   kMalformed},
        DecodeCase{"invalid_utf8_key", build([](bson_t* b) {
                     int32(b, "\xFF", 1);
                     utf8(b, "gatenum", "1");
                     int32(b, "lastsuccessindex", 1);
                   }),
                   kMalformed},
        DecodeCase{"nul_in_string", build(with_gate([](bson_t* b) {
                     utf8(b, "gatenum",
                          std::string_view("0\0"
                                           "1",
                                           3));
                   })),
                   kMalformed},
        DecodeCase{"empty_key", build([](bson_t* b) {
                     int32(b, "", 1);
                     utf8(b, "gatenum", "1");
                     int32(b, "lastsuccessindex", 1);
                   }),
                   kMalformed},
        DecodeCase{"code_with_scope", build([](bson_t* b) {
                     Document scope;
                     int32(scope.get(), "a", 1);
                     bson_append_code_with_scope(b, "x", -1, "f()",
                                                 scope.get());
                     utf8(b, "gatenum", "1");
                     int32(b, "lastsuccessindex", 1);
                   }),
                   kMalformed},
        DecodeCase{"json_text", R"({"gatenum":"1","lastsuccessindex":1})",
                   kMalformed},
        DecodeCase{"too_deep", request_nesting(kMaxBsonDepth), kMalformed},
        DecodeCase{"very_deep", request_nesting(5000), kMalformed}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(BsonDecodeLimitsTest, AcceptsNestingUpToTheCap) {
  const Result<SyncRequest> request =
      decode_bson_sync_request(request_nesting(kMaxBsonDepth - 1));
  ASSERT_TRUE(request.is_ok()) << request.status().to_string();
  EXPECT_EQ(request->gatenum, "1");
  EXPECT_EQ(request->lastsuccessindex, 1);
}

// A valid request padded by an unknown string to exactly `size` bytes:
// 50 bytes of fields and framing around the padding.
std::string request_of_size(size_t size) {
  return build([size](bson_t* b) {
    utf8(b, "p", std::string(size - 50, 'a'));
    utf8(b, "gatenum", "1");
    int32(b, "lastsuccessindex", 1);
  });
}

TEST(BsonDecodeLimitsTest, CapsTheBodySize) {
  const std::string fits = request_of_size(kMaxSyncBodyBytes);
  ASSERT_EQ(fits.size(), kMaxSyncBodyBytes);
  EXPECT_EQ(code_of(decode_bson_sync_request(fits)), kOk);
  EXPECT_EQ(
      code_of(decode_bson_sync_request(request_of_size(kMaxSyncBodyBytes + 1))),
      ErrorCode::kBodyTooLarge);
}

TEST(BsonDecodeDetailTest, SaysWhatIsWrong) {
  EXPECT_EQ(decode_bson_sync_request(plain_request() + "x").status().detail(),
            "BSON length prefix is not the body's size");
  EXPECT_EQ(decode_bson_sync_request("").status().detail(),
            "body is shorter than a BSON document");
}

// ----- Encoding.

std::string encode(const SyncReply& reply) {
  std::string out;
  encode_bson_sync_reply(reply, &out);
  return out;
}

TEST(BsonEncodeTest, WritesTheExactBytesOfANullTagReply) {
  const std::string expected(
      "\x26\0\0\0"  // 38 bytes
      "\x10"
      "errcode\0"
      "\0\0\0\0"  // int32 0
      "\x02"
      "errmsg\0"
      "\x03\0\0\0"
      "ok\0"  // string "ok"
      "\x0A"
      "tag\0"  // null
      "\0",
      38);
  EXPECT_EQ(encode(SyncReply{0, "ok", std::nullopt}), expected);
}

TEST(BsonEncodeTest, MatchesTheSeedReplyBuiltByHand) {
  const std::string expected = build([](bson_t* b) {
    int32(b, "errcode", 1);
    utf8(b, "errmsg", "sample string 2");
    bson_t tag;
    bson_append_document_begin(b, "tag", -1, &tag);
    utf8(&tag, "gatenum", "sample string 1");
    int32(&tag, "recordindex", 2);
    utf8(&tag, "hasdata", "sample string 3");
    utf8(&tag, "ticketcode", "sample string 4");
    utf8(&tag, "op", "sample string 5");
    utf8(&tag, "effdatebegin", "sample string 6");
    utf8(&tag, "effdateend", "sample string 7");
    bson_append_binary(&tag, "faceimage", -1, BSON_SUBTYPE_BINARY,
                       reinterpret_cast<const uint8_t*>("\x40\x40"), 2);
    int32(&tag, "additionaltemplateinfo", 64);
    bson_append_document_end(b, &tag);
  });
  EXPECT_EQ(encode(testutil::seed_reply()), expected);
}

// "key:type " for each field of the document or of its "tag", in order.
std::string types_of(const std::string& bytes, bool in_tag) {
  bson_t document;
  EXPECT_TRUE(bson_init_static(
      &document, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  bson_iter_t iter;
  bson_iter_init(&iter, &document);
  if (in_tag) {
    bson_iter_t tag;
    EXPECT_TRUE(bson_iter_init_find(&tag, &document, "tag"));
    EXPECT_TRUE(bson_iter_recurse(&tag, &iter));
  }

  std::string out;
  while (bson_iter_next(&iter)) {
    out += std::string(bson_iter_key(&iter)) + ":" +
           std::to_string(static_cast<int>(bson_iter_type(&iter))) + " ";
  }
  return out;
}

TEST(BsonEncodeTest, WritesUnsetOptionalsAsNull) {
  SyncTag tag;
  tag.gatenum = "0001";
  tag.hasdata = "0";
  EXPECT_EQ(types_of(encode(SyncReply{0, "", tag}), true),
            "gatenum:2 recordindex:16 hasdata:2 ticketcode:10 op:10 "
            "effdatebegin:10 effdateend:10 faceimage:10 "
            "additionaltemplateinfo:10 ");
  EXPECT_EQ(types_of(encode(testutil::seed_reply()), false),
            "errcode:16 errmsg:2 tag:3 ");
}

TEST(BsonEncodeTest, AppendsToTheCallersString) {
  std::string out = "prefix";
  encode_bson_sync_reply(SyncReply{0, "ok", std::nullopt}, &out);
  ASSERT_EQ(out.substr(0, 6), "prefix");
  EXPECT_EQ(out.substr(6), encode(SyncReply{0, "ok", std::nullopt}));
}

TEST(BsonEncodeTest, GrowsPastItsSizeHint) {
  // Each bad byte becomes a three-byte U+FFFD, well past the estimate.
  const std::string bad(600, '\xFF');
  const std::string out = encode(SyncReply{7, bad, std::nullopt});

  bson_t document;
  ASSERT_TRUE(bson_init_static(
      &document, reinterpret_cast<const uint8_t*>(out.data()), out.size()));
  EXPECT_TRUE(bson_validate(&document, BSON_VALIDATE_UTF8, nullptr));
  bson_iter_t iter;
  ASSERT_TRUE(bson_iter_init_find(&iter, &document, "errmsg"));
  uint32_t length = 0;
  bson_iter_utf8(&iter, &length);
  EXPECT_EQ(length, 1800u);
}

TEST(BsonEncodeTest, CarriesALargeImage) {
  std::string image(1 << 20, '\0');
  for (size_t i = 0; i < image.size(); ++i) {
    image[i] = static_cast<char>(i);
  }
  SyncReply reply = testutil::seed_reply();
  reply.tag->faceimage = image;
  const std::string out = encode(reply);

  bson_t document;
  ASSERT_TRUE(bson_init_static(
      &document, reinterpret_cast<const uint8_t*>(out.data()), out.size()));
  bson_iter_t iter;
  ASSERT_TRUE(bson_iter_init(&iter, &document));
  bson_iter_t image_iter;
  ASSERT_TRUE(bson_iter_find_descendant(&iter, "tag.faceimage", &image_iter));
  bson_subtype_t subtype;
  uint32_t length = 0;
  const uint8_t* data = nullptr;
  bson_iter_binary(&image_iter, &subtype, &length, &data);
  EXPECT_EQ(subtype, BSON_SUBTYPE_BINARY);
  ASSERT_EQ(length, image.size());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(data), length), image);
}

// ----- TotalScan: decoding.

constexpr ErrorCode kTicket = ErrorCode::kBadTicketCode;
using testutil::kTicket32;
using testutil::kTicket33;
using testutil::repeat;

// A request with gatenum "0001" and firstlbsbh as `ticket(bson_t*)` adds it.
template <typename Builder>
std::string scan_with_ticket(Builder ticket) {
  return build([ticket](bson_t* b) {
    utf8(b, "gatenum", "0001");
    ticket(b);
  });
}

// A request with firstlbsbh "T1" and gatenum as `gate(bson_t*)` adds it.
template <typename Builder>
std::string scan_with_gate(Builder gate) {
  return build([gate](bson_t* b) {
    utf8(b, "firstlbsbh", "T1");
    gate(b);
  });
}

// A request with both fields as strings.
std::string scan_request(std::string gatenum, std::string firstlbsbh) {
  return build([&](bson_t* b) {
    utf8(b, "gatenum", gatenum);
    utf8(b, "firstlbsbh", firstlbsbh);
  });
}

class BsonTotalScanDecodeTest : public ::testing::TestWithParam<ScanCase> {};

TEST_P(BsonTotalScanDecodeTest, Decodes) {
  expect_decoded(GetParam(), decode_bson_total_scan_request(GetParam().body));
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, BsonTotalScanDecodeTest,
    ::testing::Values(
        ScanCase{"plain", scan_request("0001", "T0050"), kOk, "0001", "T0050"},
        ScanCase{"names_ignore_case", build([](bson_t* b) {
                   utf8(b, "GATENUM", "0001");
                   utf8(b, "FirstLbsbh", "T1");
                 }),
                 kOk, "0001", "T1"},
        ScanCase{"firstlbsbh_absent",
                 build([](bson_t* b) { utf8(b, "gatenum", "0001"); }), kOk,
                 "0001", ""},
        ScanCase{"firstlbsbh_null", scan_with_ticket([](bson_t* b) {
                   bson_append_null(b, "firstlbsbh", -1);
                 }),
                 kOk, "0001", ""},
        ScanCase{"firstlbsbh_empty", scan_request("0001", ""), kOk, "0001", ""},
        ScanCase{"firstlbsbh_32", scan_request("0001", kTicket32), kOk, "0001",
                 kTicket32},
        ScanCase{"firstlbsbh_32_cjk",
                 scan_request("0001", repeat("\xE9\x97\xB8", 32)), kOk, "0001",
                 repeat("\xE9\x97\xB8", 32)},
        ScanCase{"gatenum_four_cjk",
                 scan_request(repeat("\xE9\x97\xB8", 4), ""), kOk,
                 repeat("\xE9\x97\xB8", 4), ""},
        ScanCase{"gatenum_int32",
                 scan_with_gate([](bson_t* b) { int32(b, "gatenum", 1234); }),
                 kOk, "1234", "T1"},
        ScanCase{"gatenum_int64", scan_with_gate([](bson_t* b) {
                   bson_append_int64(b, "gatenum", -1, -123);
                 }),
                 kOk, "-123", "T1"},
        ScanCase{"last_duplicate_wins", build([](bson_t* b) {
                   utf8(b, "gatenum", "0001");
                   int32(b, "firstlbsbh", 5);
                   utf8(b, "firstlbsbh", "T2");
                 }),
                 kOk, "0001", "T2"},
        ScanCase{"unknown_fields_skipped", build([](bson_t* b) {
                   bson_t child;
                   bson_append_document_begin(b, "x", -1, &child);
                   utf8(&child, "firstlbsbh", kTicket33);
                   bson_append_document_end(b, &child);
                   int32(b, "lastsuccessindex", 1);
                   utf8(b, "gatenum", "0001");
                 }),
                 kOk, "0001", ""}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    BadFields, BsonTotalScanDecodeTest,
    ::testing::Values(
        ScanCase{"empty_document", build([](bson_t*) {}), kGate},
        ScanCase{"gatenum_three", scan_request("001", ""), kGate},
        ScanCase{"gatenum_five", scan_request("00001", ""), kGate},
        ScanCase{"gatenum_three_cjk",
                 scan_request(repeat("\xE9\x97\xB8", 3), ""), kGate},
        ScanCase{"gatenum_five_cjk",
                 scan_request(repeat("\xE9\x97\xB8", 5), ""), kGate},
        ScanCase{"gatenum_int32_three",
                 scan_with_gate([](bson_t* b) { int32(b, "gatenum", 123); }),
                 kGate},
        ScanCase{"gatenum_null", scan_with_gate([](bson_t* b) {
                   bson_append_null(b, "gatenum", -1);
                 }),
                 kGate},
        ScanCase{"gatenum_double", scan_with_gate([](bson_t* b) {
                   bson_append_double(b, "gatenum", -1, 1234.0);
                 }),
                 kGate},
        ScanCase{"gatenum_missing",
                 build([](bson_t* b) { utf8(b, "firstlbsbh", "T1"); }), kGate},
        ScanCase{"gatenum_checked_first", build([](bson_t* b) {
                   utf8(b, "gatenum", "001");
                   int32(b, "firstlbsbh", 1);
                 }),
                 kGate},
        ScanCase{"firstlbsbh_33", scan_request("0001", kTicket33), kTicket},
        ScanCase{"firstlbsbh_33_cjk",
                 scan_request("0001", repeat("\xE9\x97\xB8", 33)), kTicket},
        ScanCase{"firstlbsbh_control", scan_request("0001", "T\t1"), kTicket},
        ScanCase{"firstlbsbh_int32", scan_with_ticket([](bson_t* b) {
                   int32(b, "firstlbsbh", 50);
                 }),
                 kTicket},
        ScanCase{"firstlbsbh_bool", scan_with_ticket([](bson_t* b) {
                   bson_append_bool(b, "firstlbsbh", -1, true);
                 }),
                 kTicket},
        ScanCase{"firstlbsbh_binary", scan_with_ticket([](bson_t* b) {
                   bson_append_binary(b, "firstlbsbh", -1, BSON_SUBTYPE_BINARY,
                                      reinterpret_cast<const uint8_t*>("T1"),
                                      2);
                 }),
                 kTicket},
        ScanCase{"firstlbsbh_document", scan_with_ticket([](bson_t* b) {
                   bson_t child;
                   bson_append_document_begin(b, "firstlbsbh", -1, &child);
                   bson_append_document_end(b, &child);
                 }),
                 kTicket},
        ScanCase{"firstlbsbh_undefined", scan_with_ticket([](bson_t* b) {
                   bson_append_undefined(b, "firstlbsbh", -1);
                 }),
                 kTicket}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Malformed, BsonTotalScanDecodeTest,
    ::testing::Values(
        ScanCase{"empty", "", kMalformed},
        ScanCase{"json", R"({"gatenum":"0001","firstlbsbh":"T1"})", kMalformed},
        ScanCase{"length_prefix_short",
                 with_prefix(scan_request("0001", "T1"), 5), kMalformed},
        ScanCase{"trailing_byte", scan_request("0001", "T1") + "x", kMalformed},
        ScanCase{"invalid_utf8_firstlbsbh", scan_request("0001", "T\xFF"),
                 kMalformed},
        ScanCase{"overlong_utf8_gatenum",
                 scan_request("\xC0\xB1"
                              "001",
                              ""),
                 kMalformed}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(BsonTotalScanLimitsTest, CapsTheBodySize) {
  const std::string huge =
      scan_request("0001", std::string(kMaxSyncBodyBytes, 'x'));
  EXPECT_EQ(code_of(decode_bson_total_scan_request(huge)),
            ErrorCode::kBodyTooLarge);
}

TEST(BsonTotalScanDetailTest, SaysWhatIsWrong) {
  EXPECT_EQ(decode_bson_total_scan_request(
                scan_with_ticket([](bson_t* b) { int32(b, "firstlbsbh", 50); }))
                .status()
                .detail(),
            "firstlbsbh is not a string");
  EXPECT_EQ(decode_bson_total_scan_request(scan_request("0001", kTicket33))
                .status()
                .detail(),
            "firstlbsbh is longer than 32 characters");
}

TEST(BsonTotalScanRoundTripTest, RoundTripsWhatLibbsonWrites) {
  const std::string gates[] = {"0001", "\"\\/x",
                               "\xE9\x97\xB8 \xF0\x9F\x98\x80"
                               "A"};
  const std::string tickets[] = {"", kTicket32, "T\"1\\2",
                                 repeat("\xE9\x97\xB8", 32)};
  for (const std::string& gate : gates) {
    for (const std::string& ticket : tickets) {
      const Result<TotalScanRequest> request =
          decode_bson_total_scan_request(scan_request(gate, ticket));
      ASSERT_TRUE(request.is_ok()) << request.status().to_string();
      EXPECT_EQ(request->gatenum, gate);
      EXPECT_EQ(request->firstlbsbh, ticket);
    }
  }
}

// ----- TotalScan: encoding.

std::string encode(const TotalScanReply& reply) {
  std::string out;
  encode_bson_total_scan_reply(reply, &out);
  return out;
}

TEST(BsonTotalScanEncodeTest, WritesTheExactBytes) {
  const std::string expected(
      "\x53\0\0\0"  // 83 bytes
      "\x10"
      "errcode\0"
      "\0\0\0\0"  // int32 0
      "\x02"
      "errmsg\0"
      "\x03\0\0\0"
      "ok\0"  // string "ok"
      "\x03"
      "tag\0"
      "\x2D\0\0\0"  // a 45-byte document
      "\x02"
      "hasmorepage\0"
      "\x02\0\0\0"
      "1\0"
      "\x02"
      "lastlbsbh\0"
      "\x06\0\0\0"
      "T0050\0"
      "\0"  // end of tag
      "\0",
      83);
  EXPECT_EQ(encode(TotalScanReply{0, "ok", TotalScanTag{"1", "T0050"}}),
            expected);
}

TEST(BsonTotalScanEncodeTest, WritesTheExactBytesOfANullTagReply) {
  const std::string expected(
      "\x26\0\0\0"  // 38 bytes
      "\x10"
      "errcode\0"
      "\x05\0\0\0"  // int32 5
      "\x02"
      "errmsg\0"
      "\x03\0\0\0"
      "no\0"
      "\x0A"
      "tag\0"  // null
      "\0",
      38);
  EXPECT_EQ(encode(TotalScanReply{5, "no", std::nullopt}), expected);
}

TEST(BsonTotalScanEncodeTest, WritesUnsetFieldsAsNull) {
  EXPECT_EQ(types_of(encode(TotalScanReply{0, "", TotalScanTag{}}), true),
            "hasmorepage:10 lastlbsbh:10 ");
  EXPECT_EQ(
      types_of(encode(TotalScanReply{0, "", TotalScanTag{"0", ""}}), true),
      "hasmorepage:2 lastlbsbh:2 ");
  EXPECT_EQ(types_of(encode(TotalScanReply{0, "", TotalScanTag{}}), false),
            "errcode:16 errmsg:2 tag:3 ");
}

TEST(BsonTotalScanEncodeTest, ReadsBackWithLibbson) {
  const TotalScanReply reply{-4, "\xE9\x97\xB8",
                             TotalScanTag{"1", repeat("\xE9\x97\xB8", 32)}};
  const std::string out = encode(reply);

  bson_t document;
  ASSERT_TRUE(bson_init_static(
      &document, reinterpret_cast<const uint8_t*>(out.data()), out.size()));
  EXPECT_TRUE(bson_validate(&document, BSON_VALIDATE_UTF8, nullptr));
  bson_iter_t iter;
  ASSERT_TRUE(bson_iter_init_find(&iter, &document, "errcode"));
  EXPECT_EQ(bson_iter_int32(&iter), -4);
  ASSERT_TRUE(bson_iter_init(&iter, &document));
  bson_iter_t field;
  ASSERT_TRUE(bson_iter_find_descendant(&iter, "tag.lastlbsbh", &field));
  EXPECT_EQ(std::string(bson_iter_utf8(&field, nullptr)),
            *reply.tag->lastlbsbh);
  ASSERT_TRUE(bson_iter_init(&iter, &document));
  ASSERT_TRUE(bson_iter_find_descendant(&iter, "tag.hasmorepage", &field));
  EXPECT_EQ(std::string(bson_iter_utf8(&field, nullptr)), "1");
}

TEST(BsonTotalScanEncodeTest, ReplacesIllFormedText) {
  const std::string out =
      encode(TotalScanReply{0, "", TotalScanTag{"1", "T\xFF"}});
  bson_t document;
  ASSERT_TRUE(bson_init_static(
      &document, reinterpret_cast<const uint8_t*>(out.data()), out.size()));
  bson_iter_t iter;
  bson_iter_t field;
  ASSERT_TRUE(bson_iter_init(&iter, &document));
  ASSERT_TRUE(bson_iter_find_descendant(&iter, "tag.lastlbsbh", &field));
  EXPECT_EQ(std::string(bson_iter_utf8(&field, nullptr)), "T\xEF\xBF\xBD");
}

TEST(BsonTotalScanEncodeTest, AppendsToTheCallersString) {
  std::string out = "prefix";
  encode_bson_total_scan_reply(TotalScanReply{0, "ok", std::nullopt}, &out);
  ASSERT_EQ(out.substr(0, 6), "prefix");
  EXPECT_EQ(out.substr(6), encode(TotalScanReply{0, "ok", std::nullopt}));
}

}  // namespace
}  // namespace facesync::wire
