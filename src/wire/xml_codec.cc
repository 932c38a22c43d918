// The DataContract XML codec of the legacy endpoints, over pugixml (see
// xml_codec.h): one reading of a request's root and fields and one
// envelope writer, with each message's fields on top.
#include "wire/xml_codec.h"

#include <pugixml.hpp>

#include <charconv>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>

#include "wire/base64.h"
#include "wire/sync_fields.h"
#include "wire/total_scan_fields.h"
#include "wire/utf8.h"
#include "wire/xml_prescan.h"

namespace facesync::wire {

namespace {

// Character data kept as written (white space too, as DataContract read
// it), fragments allowed so that stray top-level text shows up as nodes.
constexpr unsigned kParseOptions = pugi::parse_cdata | pugi::parse_escapes |
                                   pugi::parse_eol | pugi::parse_ws_pcdata |
                                   pugi::parse_fragment | pugi::parse_doctype;

constexpr std::string_view kXmlNamespace =
    "http://www.w3.org/XML/1998/namespace";

Status malformed(std::string detail) {
  return Status(ErrorCode::kMalformedBody, std::move(detail));
}

bool is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_blank(std::string_view text) {
  for (char c : text) {
    if (!is_xml_space(c)) return false;
  }
  return true;
}

// ----- Reading names: pugixml has no namespaces, so resolve them here.

struct QualifiedName {
  std::string_view prefix;  // "" when there is none
  std::string_view local;
};

QualifiedName split_name(std::string_view name) {
  const size_t colon = name.find(':');
  if (colon == std::string_view::npos) return {{}, name};
  return {name.substr(0, colon), name.substr(colon + 1)};
}

// The namespace `prefix` ("" for the default) stands for at `element`, from
// the nearest declaration on it or an ancestor; nullopt when unbound.
std::optional<std::string_view> lookup_namespace(pugi::xml_node element,
                                                 std::string_view prefix) {
  if (prefix == "xml") return kXmlNamespace;
  for (pugi::xml_node node = element; node.type() == pugi::node_element;
       node = node.parent()) {
    for (pugi::xml_attribute attribute : node.attributes()) {
      const QualifiedName name = split_name(attribute.name());
      const bool declares =
          prefix.empty() ? name.prefix.empty() && name.local == "xmlns"
                         : name.prefix == "xmlns" && name.local == prefix;
      if (!declares) continue;
      const std::string_view uri = attribute.value();
      if (uri.empty() && !prefix.empty()) return std::nullopt;
      return uri;
    }
  }
  if (prefix.empty()) return std::string_view();
  return std::nullopt;
}

// An element's namespace and local name; nullopt if its prefix is unbound.
struct ExpandedName {
  std::string_view space;
  std::string_view local;
};

std::optional<ExpandedName> expand_name(pugi::xml_node element) {
  const QualifiedName name = split_name(element.name());
  const std::optional<std::string_view> space =
      lookup_namespace(element, name.prefix);
  if (!space.has_value()) return std::nullopt;
  return ExpandedName{*space, name.local};
}

// ----- Checking the tree.

Result<pugi::xml_node> document_element(const pugi::xml_document& document) {
  pugi::xml_node root;
  for (pugi::xml_node node : document.children()) {
    if (node.type() == pugi::node_element) {
      if (root) return malformed("XML has more than one root element");
      root = node;
    } else if (node.type() != pugi::node_pcdata || !is_blank(node.value())) {
      return malformed("XML has content outside its root element");
    }
  }
  if (!root) return malformed("XML has no root element");
  return root;
}

// Walks the tree in document order without recursion, counting elements,
// attributes and depth.
Status check_caps(pugi::xml_node root) {
  size_t elements = 0;
  size_t attributes = 0;
  size_t depth = 1;
  pugi::xml_node node = root;
  while (true) {
    if (node.type() == pugi::node_element) {
      if (++elements > kMaxXmlElements) {
        return malformed("XML has too many elements");
      }
      if (depth > kMaxXmlDepth) return malformed("XML is nested too deeply");
      for (pugi::xml_attribute attribute : node.attributes()) {
        static_cast<void>(attribute);
        if (++attributes > kMaxXmlAttributes) {
          return malformed("XML has too many attributes");
        }
      }
    }

    // Next: the first child, else the next sibling of the nearest node
    // that has one, climbing no higher than the root.
    if (node.first_child()) {
      node = node.first_child();
      ++depth;
      continue;
    }
    while (node != root && !node.next_sibling()) {
      node = node.parent();
      --depth;
    }
    if (node == root) return Status::ok();
    node = node.next_sibling();
  }
}

// xsi:nil on `element`: its xs:boolean value, false when absent.
Result<bool> read_nil(pugi::xml_node element) {
  for (pugi::xml_attribute attribute : element.attributes()) {
    const QualifiedName name = split_name(attribute.name());
    if (name.prefix.empty() || name.prefix == "xmlns" || name.local != "nil") {
      continue;
    }
    if (lookup_namespace(element, name.prefix) != kInstanceNamespace) continue;

    std::string_view value = attribute.value();
    while (!value.empty() && is_xml_space(value.front())) {
      value.remove_prefix(1);
    }
    while (!value.empty() && is_xml_space(value.back())) {
      value.remove_suffix(1);
    }
    if (value == "true" || value == "1") return true;
    if (value == "false" || value == "0") return false;
    return malformed("xsi:nil is not a boolean");
  }
  return false;
}

// The root must be `root_name` in kParmNamespace and not nil.
Status check_root(pugi::xml_node root, std::string_view root_name) {
  const std::optional<ExpandedName> name = expand_name(root);
  if (!name.has_value() || name->local != root_name ||
      name->space != kParmNamespace) {
    return malformed("XML root is not " + std::string(root_name) + " of " +
                     std::string(kParmNamespace));
  }
  const Result<bool> nil = read_nil(root);
  if (!nil.is_ok()) return nil.status();
  if (*nil) return malformed("XML request is nil");
  return Status::ok();
}

// Parses a request body into `document` and gives its checked root
// element, which must be `root_name`.
Result<pugi::xml_node> read_root(std::string_view body,
                                 std::string_view root_name,
                                 pugi::xml_document* document) {
  if (body.size() > kMaxSyncBodyBytes) {
    return Status(ErrorCode::kBodyTooLarge, "body is over 64 KiB");
  }
  body = skip_utf8_bom(body);
  Status scanned = prescan_xml(body);
  if (!scanned.is_ok()) return scanned;

  const pugi::xml_parse_result parsed = document->load_buffer(
      body.data(), body.size(), kParseOptions, pugi::encoding_utf8);
  if (!parsed) {
    return malformed(std::string("body is not XML: ") + parsed.description());
  }

  Result<pugi::xml_node> root = document_element(*document);
  if (!root.is_ok()) return root;
  Status checked = check_caps(*root);
  if (checked.is_ok()) checked = check_root(*root, root_name);
  if (!checked.is_ok()) return checked;
  return root;
}

// ----- Reading the fields.

// Finds the root's children called `names` in the Parm namespace:
// `nodes[i]` gets the first child named `names[i]` (DataContract read a
// member once), a null node when there is none.
Status find_fields(pugi::xml_node root, std::span<const std::string_view> names,
                   std::span<pugi::xml_node> nodes) {
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::optional<ExpandedName> name = expand_name(child);
    if (!name.has_value()) return malformed("XML uses an undeclared prefix");
    if (name->space != kParmNamespace) continue;
    for (size_t i = 0; i < names.size(); ++i) {
      if (name->local == names[i] && !nodes[i]) nodes[i] = child;
    }
  }
  return Status::ok();
}

enum class FieldState { kMissing, kNil, kNotText, kText };

struct FieldText {
  FieldState state = FieldState::kMissing;
  std::string_view text;
};

bool is_character_data(pugi::xml_node node) {
  return node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata;
}

// A field's text: its character data joined (comments fall away, as with
// XmlReader), nil, or not text when it has child elements or a bad nil.
// Joined text lives in `joined`.
FieldText read_field(pugi::xml_node field, std::string* joined) {
  if (!field) return {};
  const Result<bool> nil = read_nil(field);
  if (!nil.is_ok()) return {FieldState::kNotText, {}};
  if (*nil) return {FieldState::kNil, {}};

  const pugi::xml_node first = field.first_child();
  if (!first) return {FieldState::kText, {}};
  if (!first.next_sibling() && is_character_data(first)) {
    return {FieldState::kText, first.value()};
  }
  for (pugi::xml_node child : field.children()) {
    if (!is_character_data(child)) return {FieldState::kNotText, {}};
    joined->append(child.value());
  }
  return {FieldState::kText, *joined};
}

Result<std::string_view> gatenum_from(const FieldText& field) {
  switch (field.state) {
    case FieldState::kMissing:
      return bad_gatenum("gatenum is missing");
    case FieldState::kNil:
      return bad_gatenum("gatenum is nil");
    case FieldState::kNotText:
      return bad_gatenum("gatenum is not text");
    case FieldState::kText:
      break;
  }
  return field.text;
}

// firstlbsbh: missing or nil is the first page, like an empty string.
Result<std::string_view> firstlbsbh_from(const FieldText& field) {
  switch (field.state) {
    case FieldState::kMissing:
    case FieldState::kNil:
      return std::string_view();
    case FieldState::kNotText:
      return bad_ticket_code("firstlbsbh is not text");
    case FieldState::kText:
      break;
  }
  return field.text;
}

Result<int32_t> index_from(const FieldText& field) {
  switch (field.state) {
    case FieldState::kMissing:
      return bad_index("lastsuccessindex is missing");
    case FieldState::kNil:
      return bad_index("lastsuccessindex is nil");
    case FieldState::kNotText:
      return bad_index("lastsuccessindex is not text");
    case FieldState::kText:
      break;
  }
  return parse_index_text(field.text);
}

// ----- Writing.

// The root element of each reply, and the namespaces every root declares.
constexpr std::string_view kSyncReplyRoot =
    "CommonOperationResultWithTagOfGateSyncFaceInfoResultldpHZqFJ";
constexpr std::string_view kTotalScanReplyRoot =
    "CommonOperationResultWithTagOfGateFaceInfoTotalScanResultldpHZqFJ";
constexpr std::string_view kReplyNamespaces =
    " xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\""
    " xmlns=\"http://schemas.datacontract.org/2004/07/"
    "DigitalScience.DataTransfer\"";
constexpr std::string_view kTagOpen =
    "<tag xmlns:d2p1=\"http://schemas.datacontract.org/2004/07/"
    "DigitalScience.DataTransfer.Tour.V5.Result\">";
constexpr std::string_view kTagClose = "</tag>";
constexpr std::string_view kNilTag = "<tag i:nil=\"true\"/>";

// Appends `text` as element content (see encode_xml_sync_reply).
void append_xml_text(std::string_view text, std::string* out) {
  size_t run_start = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const auto c = static_cast<unsigned char>(text[pos]);
    const bool plain =
        (c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>') ||
        c == '\t' || c == '\n';
    if (plain) {
      ++pos;
      continue;
    }
    out->append(text.substr(run_start, pos - run_start));

    if (c >= 0x80) {
      const Utf8Step step = utf8_step(text, pos);
      if (step.valid && is_xml_char(step.code_point)) {
        out->append(text.substr(pos, step.length));
      } else {
        append_utf8(0xFFFD, out);
      }
      pos += step.length;
    } else {
      switch (c) {
        case '&':
          out->append("&amp;");
          break;
        case '<':
          out->append("&lt;");
          break;
        case '>':
          out->append("&gt;");
          break;
        case '\r':
          out->append("&#xD;");
          break;
        default:
          append_utf8(0xFFFD, out);
          break;
      }
      ++pos;
    }
    run_start = pos;
  }
  out->append(text.substr(run_start));
}

void append_open(std::string_view name, std::string* out) {
  out->push_back('<');
  out->append(name);
  out->push_back('>');
}

void append_close(std::string_view name, std::string* out) {
  out->append("</");
  out->append(name);
  out->push_back('>');
}

void append_nil(std::string_view name, std::string* out) {
  out->push_back('<');
  out->append(name);
  out->append(" i:nil=\"true\"/>");
}

void append_text(std::string_view name, std::string_view text,
                 std::string* out) {
  append_open(name, out);
  append_xml_text(text, out);
  append_close(name, out);
}

void append_optional_text(std::string_view name,
                          std::optional<std::string_view> text,
                          std::string* out) {
  if (text.has_value()) {
    append_text(name, *text, out);
  } else {
    append_nil(name, out);
  }
}

void append_integer(std::string_view name, int64_t value, std::string* out) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  append_open(name, out);
  out->append(digits, result.ptr);
  append_close(name, out);
}

// The members of GateSyncFaceInfoResult, alphabetical as DataContract
// orders members without an explicit Order.
void append_tag(const SyncTag& tag, std::string* out) {
  out->append(kTagOpen);
  if (tag.additionaltemplateinfo.has_value()) {
    append_integer("d2p1:additionaltemplateinfo", *tag.additionaltemplateinfo,
                   out);
  } else {
    append_nil("d2p1:additionaltemplateinfo", out);
  }
  append_optional_text("d2p1:effdatebegin", tag.effdatebegin, out);
  append_optional_text("d2p1:effdateend", tag.effdateend, out);
  if (tag.faceimage.has_value()) {
    append_open("d2p1:faceimage", out);
    base64_append(*tag.faceimage, out);
    append_close("d2p1:faceimage", out);
  } else {
    append_nil("d2p1:faceimage", out);
  }
  append_text("d2p1:gatenum", tag.gatenum, out);
  append_text("d2p1:hasdata", tag.hasdata, out);
  append_optional_text("d2p1:op", tag.op, out);
  append_integer("d2p1:recordindex", tag.recordindex, out);
  append_optional_text("d2p1:ticketcode", tag.ticketcode, out);
  out->append(kTagClose);
}

// The members of GateFaceInfoTotalScanResult, alphabetical.
void append_tag(const TotalScanTag& tag, std::string* out) {
  out->append(kTagOpen);
  append_optional_text("d2p1:hasmorepage", tag.hasmorepage, out);
  append_optional_text("d2p1:lastlbsbh", tag.lastlbsbh, out);
  out->append(kTagClose);
}

// About the size of the reply's text, so that the output grows once.
size_t size_hint(const SyncReply& reply) {
  size_t size = 768 + reply.errmsg.size();
  if (!reply.tag.has_value()) return size;

  const SyncTag& tag = *reply.tag;
  size += tag.gatenum.size() + tag.hasdata.size();
  for (const auto& text :
       {tag.ticketcode, tag.op, tag.effdatebegin, tag.effdateend}) {
    size += text.value_or("").size();
  }
  return size + (tag.faceimage.value_or("").size() + 2) / 3 * 4;
}

size_t size_hint(const TotalScanReply& reply) {
  size_t size = 512 + reply.errmsg.size();
  if (!reply.tag.has_value()) return size;
  return size + reply.tag->hasmorepage.value_or("").size() +
         reply.tag->lastlbsbh.value_or("").size();
}

// CommonOperationResult<T> as DataContract wrote it: the root `root_name`
// with the envelope's namespaces, errcode, errmsg, then the tag, written by
// the append_tag of the reply's tag type, or nil.
template <typename Reply>
void append_reply(std::string_view root_name, const Reply& reply,
                  std::string* out) {
  out->reserve(out->size() + size_hint(reply));

  out->push_back('<');
  out->append(root_name);
  out->append(kReplyNamespaces);
  out->push_back('>');
  append_integer("errcode", reply.errcode, out);
  append_text("errmsg", reply.errmsg, out);
  if (reply.tag.has_value()) {
    append_tag(*reply.tag, out);
  } else {
    out->append(kNilTag);
  }
  append_close(root_name, out);
}

}  // namespace

Result<SyncRequest> decode_xml_sync_request(std::string_view body) {
  pugi::xml_document document;
  const Result<pugi::xml_node> root =
      read_root(body, "GateSyncFaceInfoParm", &document);
  if (!root.is_ok()) return root.status();

  constexpr std::string_view kNames[] = {"gatenum", "lastsuccessindex"};
  pugi::xml_node nodes[std::size(kNames)];
  Status found = find_fields(*root, kNames, nodes);
  if (!found.is_ok()) return found;

  std::string joined[std::size(kNames)];
  return make_sync_request(gatenum_from(read_field(nodes[0], &joined[0])),
                           index_from(read_field(nodes[1], &joined[1])));
}

Result<TotalScanRequest> decode_xml_total_scan_request(std::string_view body) {
  pugi::xml_document document;
  const Result<pugi::xml_node> root =
      read_root(body, "BiometricTotalScanParm", &document);
  if (!root.is_ok()) return root.status();

  constexpr std::string_view kNames[] = {"gatenum", "firstlbsbh"};
  pugi::xml_node nodes[std::size(kNames)];
  Status found = find_fields(*root, kNames, nodes);
  if (!found.is_ok()) return found;

  std::string joined[std::size(kNames)];
  return make_total_scan_request(
      gatenum_from(read_field(nodes[0], &joined[0])),
      firstlbsbh_from(read_field(nodes[1], &joined[1])));
}

void encode_xml_sync_reply(const SyncReply& reply, std::string* out) {
  append_reply(kSyncReplyRoot, reply, out);
}

void encode_xml_total_scan_reply(const TotalScanReply& reply,
                                 std::string* out) {
  append_reply(kTotalScanReplyRoot, reply, out);
}

}  // namespace facesync::wire
