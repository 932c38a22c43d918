// The BSON codec of the legacy endpoints, over libbson (see bson_codec.h):
// one reading of the document and one envelope writer, with each message's
// fields on top.
#include "wire/bson_codec.h"

#include <bson/bson.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>

#include "wire/sync_fields.h"
#include "wire/total_scan_fields.h"
#include "wire/utf8.h"

namespace facesync::wire {

namespace {

// Room for the decimal text of any 64-bit integer.
using IntegerText = char[24];

Status malformed(std::string detail) {
  return Status(ErrorCode::kMalformedBody, std::move(detail));
}

uint32_t read_le32(std::string_view bytes) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

// True when the element's key and, for the textual types, its value are
// well-formed UTF-8. libbson 1.23's own check lets some ill-formed
// sequences through (0xFF, overlong forms).
bool has_valid_utf8(const bson_iter_t* iter) {
  const std::string_view key(bson_iter_key(iter), bson_iter_key_len(iter));
  if (!is_valid_utf8(key)) return false;

  uint32_t length = 0;
  const char* text = nullptr;
  switch (bson_iter_type(iter)) {
    case BSON_TYPE_UTF8:
      text = bson_iter_utf8(iter, &length);
      break;
    case BSON_TYPE_CODE:
      text = bson_iter_code(iter, &length);
      break;
    case BSON_TYPE_SYMBOL:
      text = bson_iter_symbol(iter, &length);
      break;
    default:
      return true;
  }
  return is_valid_utf8(std::string_view(text, length));
}

// Walks every element of every nested document and array with an explicit
// stack, so that bson_validate, which recurses, never meets more than
// kMaxBsonDepth levels, and checks the UTF-8 of keys and strings.
// Corruption merely stops the walk; bson_validate reports it.
Status check_structure(const bson_t& document) {
  // bson_iter_t is over-aligned for its size, so it cannot be an array
  // element itself; a struct pads it.
  struct Level {
    bson_iter_t iter;
  };
  std::array<Level, kMaxBsonDepth> stack;
  size_t depth = 0;
  if (!bson_iter_init(&stack[0].iter, &document)) {
    return malformed("BSON document is corrupt");
  }
  while (true) {
    bson_iter_t* iter = &stack[depth].iter;
    if (!bson_iter_next(iter)) {
      if (depth == 0) return Status::ok();
      --depth;
      continue;
    }
    if (!has_valid_utf8(iter)) return malformed("BSON text is not UTF-8");
    if (BSON_ITER_HOLDS_CODEWSCOPE(iter)) {
      return malformed("BSON holds JavaScript with scope");
    }
    if (BSON_ITER_HOLDS_DOCUMENT(iter) || BSON_ITER_HOLDS_ARRAY(iter)) {
      if (depth + 1 >= kMaxBsonDepth) {
        return malformed("BSON is nested too deeply");
      }
      if (!bson_iter_recurse(iter, &stack[depth + 1].iter)) {
        return malformed("BSON document is corrupt");
      }
      ++depth;
    }
  }
}

// Points `document` at `body` (no copy) once the body has passed every
// check: length prefix, depth and UTF-8, then libbson's validation.
Status read_document(std::string_view body, bson_t* document) {
  if (body.size() < 5) return malformed("body is shorter than a BSON document");
  if (read_le32(body) != body.size()) {
    return malformed("BSON length prefix is not the body's size");
  }
  if (!bson_init_static(document, reinterpret_cast<const uint8_t*>(body.data()),
                        body.size())) {
    return malformed("body is not a BSON document");
  }

  Status structure = check_structure(*document);
  if (!structure.is_ok()) return structure;
  bson_error_t error;
  const auto flags = static_cast<bson_validate_flags_t>(
      BSON_VALIDATE_UTF8 | BSON_VALIDATE_EMPTY_KEYS);
  if (!bson_validate_with_error(document, flags, &error)) {
    return malformed(std::string("BSON is invalid: ") + error.message);
  }
  return Status::ok();
}

// Checks a request body and finds its top-level elements called `names`:
// `iters[i]` gets the last element whose key matches `names[i]` ignoring
// ASCII case (as in JSON, a later one overwrites), nullopt when there is
// none. The iterators read `body` itself.
Status read_fields(std::string_view body,
                   std::span<const std::string_view> names,
                   std::span<std::optional<bson_iter_t>> iters) {
  if (body.size() > kMaxSyncBodyBytes) {
    return Status(ErrorCode::kBodyTooLarge, "body is over 64 KiB");
  }
  bson_t document;
  Status checked = read_document(body, &document);
  if (!checked.is_ok()) return checked;

  bson_iter_t iter;
  bson_iter_init(&iter, &document);
  while (bson_iter_next(&iter)) {
    const std::string_view key(bson_iter_key(&iter), bson_iter_key_len(&iter));
    for (size_t i = 0; i < names.size(); ++i) {
      if (ascii_iequals(key, names[i])) iters[i] = iter;
    }
  }
  return Status::ok();
}

Result<std::string_view> read_gatenum(const std::optional<bson_iter_t>& iter,
                                      IntegerText& buffer) {
  if (!iter.has_value()) return bad_gatenum("gatenum is missing");
  uint32_t length = 0;
  switch (bson_iter_type(&*iter)) {
    case BSON_TYPE_UTF8: {
      const char* text = bson_iter_utf8(&*iter, &length);
      return std::string_view(text, length);
    }
    case BSON_TYPE_INT32:
    case BSON_TYPE_INT64: {
      const int64_t value = bson_iter_as_int64(&*iter);
      const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
      return std::string_view(buffer, result.ptr - buffer);
    }
    case BSON_TYPE_NULL:
      return bad_gatenum("gatenum is null");
    default:
      return bad_gatenum("gatenum is not a string");
  }
}

Result<int32_t> read_index(const std::optional<bson_iter_t>& iter) {
  if (!iter.has_value()) return bad_index("lastsuccessindex is missing");
  uint32_t length = 0;
  switch (bson_iter_type(&*iter)) {
    case BSON_TYPE_INT32:
      return index_from_integer(bson_iter_int32(&*iter));
    case BSON_TYPE_INT64:
      return index_from_integer(bson_iter_int64(&*iter));
    case BSON_TYPE_DOUBLE:
      return index_from_double(bson_iter_double(&*iter));
    case BSON_TYPE_UTF8: {
      const char* text = bson_iter_utf8(&*iter, &length);
      return parse_index_text(std::string_view(text, length));
    }
    case BSON_TYPE_NULL:
      return bad_index("lastsuccessindex is null");
    default:
      return bad_index("lastsuccessindex is not a number");
  }
}

// firstlbsbh: a string; absent or null is the first page.
Result<std::string_view> read_firstlbsbh(
    const std::optional<bson_iter_t>& iter) {
  if (!iter.has_value()) return std::string_view();
  uint32_t length = 0;
  switch (bson_iter_type(&*iter)) {
    case BSON_TYPE_UTF8: {
      const char* text = bson_iter_utf8(&*iter, &length);
      return std::string_view(text, length);
    }
    case BSON_TYPE_NULL:
      return std::string_view();
    default:
      return bad_ticket_code("firstlbsbh is not a string");
  }
}

// ----- Writing.

// libbson's realloc hook, growing the caller's string in place of a heap
// buffer of libbson's own.
void* grow_string(void* /*memory*/, size_t size, void* context) {
  auto* out = static_cast<std::string*>(context);
  out->resize(size);
  return out->data();
}

// Appends a string value; ill-formed UTF-8 is replaced (in `scratch`),
// since a BSON string must be UTF-8.
void append_string(bson_t* document, const char* key, std::string_view value,
                   std::string* scratch) {
  if (!is_valid_utf8(value)) {
    scratch->clear();
    append_utf8_replacing(value, scratch);
    value = *scratch;
  }
  bson_append_utf8(document, key, -1, value.data(),
                   static_cast<int>(value.size()));
}

void append_optional_string(bson_t* document, const char* key,
                            std::optional<std::string_view> value,
                            std::string* scratch) {
  if (value.has_value()) {
    append_string(document, key, *value, scratch);
  } else {
    bson_append_null(document, key, -1);
  }
}

void append_tag(bson_t* parent, const SyncTag& tag, std::string* scratch) {
  bson_t child;
  bson_append_document_begin(parent, "tag", -1, &child);
  append_string(&child, "gatenum", tag.gatenum, scratch);
  bson_append_int32(&child, "recordindex", -1, tag.recordindex);
  append_string(&child, "hasdata", tag.hasdata, scratch);
  append_optional_string(&child, "ticketcode", tag.ticketcode, scratch);
  append_optional_string(&child, "op", tag.op, scratch);
  append_optional_string(&child, "effdatebegin", tag.effdatebegin, scratch);
  append_optional_string(&child, "effdateend", tag.effdateend, scratch);
  if (tag.faceimage.has_value()) {
    bson_append_binary(&child, "faceimage", -1, BSON_SUBTYPE_BINARY,
                       reinterpret_cast<const uint8_t*>(tag.faceimage->data()),
                       static_cast<uint32_t>(tag.faceimage->size()));
  } else {
    bson_append_null(&child, "faceimage", -1);
  }
  if (tag.additionaltemplateinfo.has_value()) {
    bson_append_int32(&child, "additionaltemplateinfo", -1,
                      *tag.additionaltemplateinfo);
  } else {
    bson_append_null(&child, "additionaltemplateinfo", -1);
  }
  bson_append_document_end(parent, &child);
}

void append_tag(bson_t* parent, const TotalScanTag& tag, std::string* scratch) {
  bson_t child;
  bson_append_document_begin(parent, "tag", -1, &child);
  append_optional_string(&child, "hasmorepage", tag.hasmorepage, scratch);
  append_optional_string(&child, "lastlbsbh", tag.lastlbsbh, scratch);
  bson_append_document_end(parent, &child);
}

// About the size of the reply's document, so that the output grows once.
size_t size_hint(const SyncReply& reply) {
  size_t size = 256 + reply.errmsg.size();
  if (!reply.tag.has_value()) return size;

  const SyncTag& tag = *reply.tag;
  size += tag.gatenum.size() + tag.hasdata.size();
  for (const auto& text : {tag.ticketcode, tag.op, tag.effdatebegin,
                           tag.effdateend, tag.faceimage}) {
    size += text.value_or("").size();
  }
  return size;
}

size_t size_hint(const TotalScanReply& reply) {
  size_t size = 128 + reply.errmsg.size();
  if (!reply.tag.has_value()) return size;
  return size + reply.tag->hasmorepage.value_or("").size() +
         reply.tag->lastlbsbh.value_or("").size();
}

// CommonOperationResult<T> as one document: errcode, errmsg, then the tag,
// written by the append_tag of the reply's tag type, or null.
template <typename Reply>
void write_reply(const Reply& reply, std::string* out) {
  // libbson writes at `start` in a buffer that is `out` itself, growing it
  // through grow_string; the hint makes growth rare.
  const size_t start = out->size();
  out->resize(start + size_hint(reply));
  auto* buffer = reinterpret_cast<uint8_t*>(out->data());
  size_t buffer_size = out->size();
  bson_writer_t* writer =
      bson_writer_new(&buffer, &buffer_size, start, grow_string, out);

  bson_t* document = nullptr;
  bson_writer_begin(writer, &document);
  std::string scratch;
  bson_append_int32(document, "errcode", -1, reply.errcode);
  append_string(document, "errmsg", reply.errmsg, &scratch);
  if (reply.tag.has_value()) {
    append_tag(document, *reply.tag, &scratch);
  } else {
    bson_append_null(document, "tag", -1);
  }
  bson_writer_end(writer);

  const size_t end = bson_writer_get_length(writer);
  bson_writer_destroy(writer);
  out->resize(end);
}

}  // namespace

Result<SyncRequest> decode_bson_sync_request(std::string_view body) {
  constexpr std::string_view kNames[] = {"gatenum", "lastsuccessindex"};
  std::optional<bson_iter_t> iters[std::size(kNames)];
  Status read = read_fields(body, kNames, iters);
  if (!read.is_ok()) return read;

  IntegerText buffer;
  return make_sync_request(read_gatenum(iters[0], buffer),
                           read_index(iters[1]));
}

Result<TotalScanRequest> decode_bson_total_scan_request(std::string_view body) {
  constexpr std::string_view kNames[] = {"gatenum", "firstlbsbh"};
  std::optional<bson_iter_t> iters[std::size(kNames)];
  Status read = read_fields(body, kNames, iters);
  if (!read.is_ok()) return read;

  IntegerText buffer;
  return make_total_scan_request(read_gatenum(iters[0], buffer),
                                 read_firstlbsbh(iters[1]));
}

void encode_bson_sync_reply(const SyncReply& reply, std::string* out) {
  write_reply(reply, out);
}

void encode_bson_total_scan_reply(const TotalScanReply& reply,
                                  std::string* out) {
  write_reply(reply, out);
}

}  // namespace facesync::wire
