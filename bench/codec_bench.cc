// How fast the legacy wire codecs of POST api/CheckTicket/FaceInfo/Sync
// run, one call at a time: decoding a gate's request in each of the four
// body formats, encoding a reply that carries a face image, choosing the
// response format, and base64 alone. Bodies are built once, before timing;
// replies are appended to one reused string, cleared between iterations,
// as the server does.
#include <benchmark/benchmark.h>
#include <bson/bson.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "wire/base64.h"
#include "wire/format.h"
#include "wire/sync_message.h"
#include "wire/xml_codec.h"

namespace facesync::wire {
namespace {

// The request a gate sends: gate 0002, cursor 12345, in `format`.
std::string request_body(Format format) {
  switch (format) {
    case Format::kJson:
      return R"({"gatenum":"0002","lastsuccessindex":12345})";
    case Format::kXml:
      return "<GateSyncFaceInfoParm xmlns:i=\"" +
             std::string(kInstanceNamespace) + "\" xmlns=\"" +
             std::string(kParmNamespace) +
             "\"><gatenum>0002</gatenum>"
             "<lastsuccessindex>12345</lastsuccessindex>"
             "</GateSyncFaceInfoParm>";
    case Format::kForm:
      return "gatenum=0002&lastsuccessindex=12345";
    case Format::kBson: {
      bson_t document;
      bson_init(&document);
      bson_append_utf8(&document, "gatenum", -1, "0002", -1);
      bson_append_int32(&document, "lastsuccessindex", -1, 12345);
      std::string out(reinterpret_cast<const char*>(bson_get_data(&document)),
                      document.len);
      bson_destroy(&document);
      return out;
    }
  }
  return "";
}

// `size` random bytes, the same on every run.
std::string random_bytes(size_t size) {
  std::mt19937 engine(42);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string out(size, '\0');
  for (char& c : out)
    c = static_cast<char>(byte(engine));
  return out;
}

void BM_DecodeSyncRequest(benchmark::State& state, Format format) {
  const std::string body = request_body(format);
  if (!decode_sync_request(format, body).is_ok()) {
    state.SkipWithError("the body does not decode");
    return;
  }

  for (auto _ : state) {
    auto request = decode_sync_request(format, body);
    benchmark::DoNotOptimize(request);
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(body.size()));
}

// A reply carrying one face of `image_bytes`, encoded in `format`; bytes
// counted are those written.
void BM_EncodeSyncReply(benchmark::State& state, Format format) {
  const std::string image = random_bytes(static_cast<size_t>(state.range(0)));
  SyncReply reply;
  reply.errmsg = "ok";
  reply.tag.emplace();
  reply.tag->gatenum = "0002";
  reply.tag->recordindex = 12346;
  reply.tag->hasdata = "1";
  reply.tag->ticketcode = "T0000000000000001";
  reply.tag->op = "add";
  reply.tag->effdatebegin = "20271201";
  reply.tag->effdateend = "20271231";
  reply.tag->faceimage = image;
  reply.tag->additionaltemplateinfo = 0;

  std::string out;
  for (auto _ : state) {
    out.clear();
    encode_sync_reply(format, reply, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(out.size()));
}

void BM_NegotiateResponse(benchmark::State& state, std::string_view accept) {
  const Format request = Format::kJson;
  for (auto _ : state) {
    ResponseType type =
        negotiate_response(accept, &request, "application/json");
    benchmark::DoNotOptimize(type);
  }
}

void BM_Base64Append(benchmark::State& state) {
  const std::string bytes = random_bytes(16 * 1024);
  std::string out;
  for (auto _ : state) {
    out.clear();
    base64_append(bytes, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(bytes.size()));
}

BENCHMARK_CAPTURE(BM_DecodeSyncRequest, json, Format::kJson);
BENCHMARK_CAPTURE(BM_DecodeSyncRequest, xml, Format::kXml);
BENCHMARK_CAPTURE(BM_DecodeSyncRequest, form, Format::kForm);
BENCHMARK_CAPTURE(BM_DecodeSyncRequest, bson, Format::kBson);

BENCHMARK_CAPTURE(BM_EncodeSyncReply, json, Format::kJson)
    ->Arg(4 * 1024)
    ->Arg(16 * 1024);
BENCHMARK_CAPTURE(BM_EncodeSyncReply, xml, Format::kXml)
    ->Arg(4 * 1024)
    ->Arg(16 * 1024);
BENCHMARK_CAPTURE(BM_EncodeSyncReply, bson, Format::kBson)
    ->Arg(4 * 1024)
    ->Arg(16 * 1024);

BENCHMARK_CAPTURE(BM_NegotiateResponse, typical_accept,
                  std::string_view("application/json, text/plain, */*"));
BENCHMARK_CAPTURE(BM_NegotiateResponse, no_accept, std::string_view());

BENCHMARK(BM_Base64Append);

}  // namespace
}  // namespace facesync::wire
