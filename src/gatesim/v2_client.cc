#include "gatesim/v2_client.h"

#include <simdjson.h>

#include <optional>
#include <utility>

#include "gatesim/percent_encode.h"
#include "wire/base64.h"

namespace facesync::gatesim {
namespace {

// The largest face image a gate accepts from the server.
constexpr size_t kMaxImageBytes = 64 * 1024 * 1024;

using simdjson::dom::element;
using simdjson::dom::object;

Status malformed(std::string detail) {
  return Status(ErrorCode::kMalformedBody, std::move(detail));
}

// The member `key` of `parent`, which must be there and not null.
Result<element> required(object parent, std::string_view key,
                         std::string_view where) {
  element value;
  if (parent[key].get(value) || value.is_null()) {
    return malformed(std::string(where) + std::string(key) + " is missing");
  }
  return value;
}

Status read_int(object parent, std::string_view key, std::string_view where,
                int64_t* out) {
  auto value = required(parent, key, where);
  if (!value.is_ok()) return value.status();
  if (value->get_int64().get(*out)) {
    return malformed(std::string(where) + std::string(key) +
                     " is not an integer");
  }
  return Status::ok();
}

Status read_string(object parent, std::string_view key, std::string_view where,
                   std::string* out) {
  auto value = required(parent, key, where);
  if (!value.is_ok()) return value.status();
  std::string_view text;
  if (value->get_string().get(text)) {
    return malformed(std::string(where) + std::string(key) +
                     " is not a string");
  }
  *out = std::string(text);
  return Status::ok();
}

// A member that may be absent or null (nullopt) or else a string.
Status read_optional_string(object parent, std::string_view key,
                            std::string_view where,
                            std::optional<std::string>* out) {
  element value;
  if (parent[key].get(value) || value.is_null()) return Status::ok();
  std::string_view text;
  if (value.get_string().get(text)) {
    return malformed(std::string(where) + std::string(key) +
                     " is not a string or null");
  }
  *out = std::string(text);
  return Status::ok();
}

// "records[3]." for messages.
std::string record_where(size_t position) {
  return "records[" + std::to_string(position) + "].";
}

Status read_record(element value, size_t position, LegacyTag* record) {
  const std::string where = record_where(position);
  object fields;
  if (value.get_object().get(fields)) {
    return malformed(where.substr(0, where.size() - 1) + " is not an object");
  }

  std::string ticketcode, op;
  Status read = read_int(fields, "recordindex", where, &record->recordindex);
  if (read.is_ok())
    read = read_string(fields, "ticketcode", where, &ticketcode);
  if (read.is_ok()) read = read_string(fields, "op", where, &op);
  if (read.is_ok()) {
    read = read_optional_string(fields, "effdatebegin", where,
                                &record->effdatebegin);
  }
  if (read.is_ok()) {
    read =
        read_optional_string(fields, "effdateend", where, &record->effdateend);
  }
  if (!read.is_ok()) return read;
  record->ticketcode = std::move(ticketcode);
  record->op = std::move(op);

  element info;
  if (!fields["additionaltemplateinfo"].get(info) && !info.is_null()) {
    int64_t number = 0;
    if (info.get_int64().get(number)) {
      return malformed(where + "additionaltemplateinfo is not an integer");
    }
    record->additionaltemplateinfo = number;
  }

  // The image: null for a removal, else strict base64.
  std::optional<std::string> image;
  read = read_optional_string(fields, "faceimage", where, &image);
  if (!read.is_ok()) return read;
  if (image) {
    auto bytes = wire::base64_decode(*image, kMaxImageBytes);
    if (!bytes.is_ok()) {
      return malformed(where + "faceimage: " + bytes.status().detail());
    }
    record->faceimage = std::move(bytes).value();
  }
  return Status::ok();
}

// The members of an errcode 0 answer.
Status read_batch(object root, V2Batch* batch) {
  Status read = read_string(root, "errmsg", "", &batch->errmsg);
  if (read.is_ok()) read = read_string(root, "gatenum", "", &batch->gatenum);
  if (read.is_ok()) read = read_int(root, "after", "", &batch->after);
  if (read.is_ok()) read = read_int(root, "last", "", &batch->last);
  if (!read.is_ok()) return read;

  auto more = required(root, "more", "");
  if (!more.is_ok()) return more.status();
  if (more->get_bool().get(batch->more)) return malformed("more is not a bool");

  auto records = required(root, "records", "");
  if (!records.is_ok()) return records.status();
  simdjson::dom::array array;
  if (records->get_array().get(array)) {
    return malformed("records is not an array");
  }
  batch->records.reserve(array.size());
  for (element value : array) {
    LegacyTag& record = batch->records.emplace_back();
    record.gatenum = batch->gatenum;
    read = read_record(value, batch->records.size() - 1, &record);
    if (!read.is_ok()) return read;
  }
  return Status::ok();
}

}  // namespace

std::string v2_sync_target(const V2Query& query) {
  std::string target(kV2SyncPath);
  target += "?gate=";
  append_percent_encoded(query.gate, &target);
  target += "&after=" + std::to_string(query.after);
  target += "&limit=" + std::to_string(query.limit);
  if (query.wait_seconds > 0) {
    target += "&wait=" + std::to_string(query.wait_seconds);
  }
  return target;
}

Result<V2Batch> decode_v2_batch(std::string_view body) {
  thread_local simdjson::dom::parser parser;
  object root;
  if (parser.parse(body.data(), body.size()).get_object().get(root)) {
    return malformed("answer is not a JSON object");
  }

  V2Batch batch;
  Status read = read_int(root, "errcode", "", &batch.errcode);
  if (!read.is_ok()) return read;
  if (batch.errcode != 0) {
    // An error answer: its message, when it is readable, and nothing else.
    std::optional<std::string> errmsg;
    if (read_optional_string(root, "errmsg", "", &errmsg).is_ok() && errmsg) {
      batch.errmsg = std::move(*errmsg);
    }
    return batch;
  }

  read = read_batch(root, &batch);
  if (!read.is_ok()) return read;
  return batch;
}

Status check_v2_batch(const V2Batch& batch, const V2Query& query) {
  if (batch.gatenum != query.gate) {
    return malformed("the answer is for gate '" + batch.gatenum +
                     "', not for gate '" + query.gate + "'");
  }
  if (batch.after != query.after) {
    return malformed("the answer starts after " + std::to_string(batch.after) +
                     ", not after the cursor " + std::to_string(query.after) +
                     " (a cursor beyond the server's log restarts the gate "
                     "from 0: wipe the gate's state)");
  }
  if (batch.records.size() > static_cast<size_t>(query.limit)) {
    return malformed(std::to_string(batch.records.size()) +
                     " records, more than the limit " +
                     std::to_string(query.limit));
  }

  // Indexes only grow, within the batch and from the cursor on.
  int64_t previous = query.after;
  for (const LegacyTag& record : batch.records) {
    if (record.recordindex <= previous) {
      return malformed("record index " + std::to_string(record.recordindex) +
                       " is not above " + std::to_string(previous) +
                       ": indexes must increase");
    }
    previous = record.recordindex;
  }

  if (batch.last != previous) {
    return malformed("last is " + std::to_string(batch.last) + ", expected " +
                     std::to_string(previous));
  }
  if (batch.more && batch.records.empty()) {
    return malformed("more is true in an answer without records");
  }
  return Status::ok();
}

V2Client::V2Client(http::Url url, std::chrono::milliseconds timeout)
    : client_(std::move(url), timeout) {}

Result<V2Batch> V2Client::next(const V2Query& query) {
  auto sent = client_.send(http::beast_http::verb::get, v2_sync_target(query));
  if (!sent.is_ok()) return sent.status();
  const http::Response& response = *sent;
  auto batch = decode_v2_batch(response.body());

  std::string where = "HTTP " + std::to_string(response.result_int());
  if (response.result_int() != 200) {
    if (batch.is_ok() && batch->errcode != 0) {
      where +=
          ", errcode " + std::to_string(batch->errcode) + ": " + batch->errmsg;
    }
    return Status(ErrorCode::kUnavailable, where);
  }
  if (!batch.is_ok()) {
    return Status(ErrorCode::kMalformedBody,
                  where + ": " + batch.status().detail());
  }
  if (batch->errcode != 0) {
    return Status(ErrorCode::kUnavailable, where + " with errcode " +
                                               std::to_string(batch->errcode) +
                                               ": " + batch->errmsg);
  }
  return batch;
}

}  // namespace facesync::gatesim
