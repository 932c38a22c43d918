// Content-Type and Accept: which body format a request uses and which one
// its answer gets, the way ASP.NET Web API's formatters decided.
#include <algorithm>
#include <array>
#include <string_view>

#include "wire/format.h"
#include "wire/sync_fields.h"

namespace facesync::wire {

namespace {

// A media type or range as a header writes it, split into its parts.
struct MediaType {
  std::string_view type;
  std::string_view subtype;
};

struct NamedType {
  std::string_view name;
  Format format;
};

// The request types, spelled as request_media_type returns them.
constexpr std::array<NamedType, 6> kRequestTypes = {{
    {"application/json", Format::kJson},
    {"text/json", Format::kJson},
    {"application/xml", Format::kXml},
    {"text/xml", Format::kXml},
    {"application/x-www-form-urlencoded", Format::kForm},
    {"application/bson", Format::kBson},
}};

// The response formatters in Web API's order, each with its supported
// media types in order (the first is the format's main type).
constexpr std::array<NamedType, 5> kResponseTypes = {{
    {"application/json", Format::kJson},
    {"text/json", Format::kJson},
    {"application/xml", Format::kXml},
    {"text/xml", Format::kXml},
    {"application/bson", Format::kBson},
}};
constexpr std::array<Format, 3> kResponseFormats = {Format::kJson, Format::kXml,
                                                    Format::kBson};

// How specifically an Accept entry names a type; higher wins at equal q.
enum class Rank { kAllRange = 0, kSubtypeRange = 1, kLiteral = 2 };

// tchar of RFC 9110, section 5.6.2.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  if (c >= '0' && c <= '9') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void skip_ows(std::string_view* text) {
  while (!text->empty() && (text->front() == ' ' || text->front() == '\t')) {
    text->remove_prefix(1);
  }
}

std::string_view take_token(std::string_view* text) {
  size_t n = 0;
  while (n < text->size() && is_tchar((*text)[n])) {
    ++n;
  }
  const std::string_view token = text->substr(0, n);
  text->remove_prefix(n);
  return token;
}

// Takes a quoted-string and gives its content (quoted pairs left as they
// are, which only makes them fail comparisons). False if it is unclosed.
bool take_quoted(std::string_view* text, std::string_view* content) {
  size_t n = 1;
  while (n < text->size() && (*text)[n] != '"') {
    n += (*text)[n] == '\\' ? 2 : 1;
  }
  if (n >= text->size()) return false;
  *content = text->substr(1, n - 1);
  text->remove_prefix(n + 1);
  return true;
}

// Reads "type/subtype *(OWS ";" OWS name=value) OWS" and calls
// on_parameter(name, value) for each parameter. Empty parameters (";;")
// are tolerated. False when the text is not of that shape.
template <typename OnParameter>
bool parse_media_type(std::string_view text, MediaType* media,
                      OnParameter on_parameter) {
  skip_ows(&text);
  media->type = take_token(&text);
  if (media->type.empty() || !text.starts_with('/')) return false;
  text.remove_prefix(1);
  media->subtype = take_token(&text);
  if (media->subtype.empty()) return false;

  while (true) {
    skip_ows(&text);
    if (text.empty()) return true;
    if (text.front() != ';') return false;
    text.remove_prefix(1);
    skip_ows(&text);
    if (text.empty() || text.front() == ';') continue;

    const std::string_view name = take_token(&text);
    if (name.empty() || !text.starts_with('=')) return false;
    text.remove_prefix(1);
    std::string_view value;
    if (text.starts_with('"')) {
      if (!take_quoted(&text, &value)) return false;
    } else {
      value = take_token(&text);
    }
    if (!on_parameter(name, value)) return false;
  }
}

bool is_utf8_charset(std::string_view value) {
  return ascii_iequals(value, "utf-8") || ascii_iequals(value, "us-ascii");
}

// The known request type `media` names, or nullptr.
const NamedType* find_request_type(const MediaType& media) {
  for (const NamedType& known : kRequestTypes) {
    const size_t slash = known.name.find('/');
    if (ascii_iequals(media.type, known.name.substr(0, slash)) &&
        ascii_iequals(media.subtype, known.name.substr(slash + 1))) {
      return &known;
    }
  }
  return nullptr;
}

// The known type of a Content-Type value with an acceptable charset.
const NamedType* read_content_type(std::string_view content_type) {
  MediaType media;
  const bool parsed = parse_media_type(
      content_type, &media, [](std::string_view name, std::string_view value) {
        return !ascii_iequals(name, "charset") || is_utf8_charset(value);
      });
  return parsed ? find_request_type(media) : nullptr;
}

// qvalue of RFC 9110, section 12.4.2, in thousandths; -1 if malformed.
int parse_qvalue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return -1;
  int q = (text[0] - '0') * 1000;
  if (text.size() == 1) return q;
  if (text[1] != '.' || text.size() > 5) return -1;

  int scale = 100;
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9') return -1;
    q += (c - '0') * scale;
    scale /= 10;
  }
  return q <= 1000 ? q : -1;
}

// One readable entry of an Accept header.
struct AcceptEntry {
  MediaType media;
  int q = 1000;
  Rank rank = Rank::kLiteral;
};

// Reads one comma-separated element of Accept; false if unreadable.
bool read_accept_entry(std::string_view text, AcceptEntry* entry) {
  bool q_ok = true;
  const bool parsed = parse_media_type(
      text, &entry->media, [&](std::string_view name, std::string_view value) {
        if (ascii_iequals(name, "q")) {
          entry->q = parse_qvalue(value);
          q_ok = entry->q >= 0;
        }
        return true;
      });
  if (!parsed || !q_ok) return false;

  const bool any_type = entry->media.type == "*";
  const bool any_subtype = entry->media.subtype == "*";
  if (any_type && !any_subtype) return false;  // "*/json" means nothing
  entry->rank = any_type      ? Rank::kAllRange
                : any_subtype ? Rank::kSubtypeRange
                              : Rank::kLiteral;
  return true;
}

// Calls on_entry(entry) for each readable element of `accept`, splitting
// at commas outside quoted strings.
template <typename OnEntry>
void for_each_accept_entry(std::string_view accept, OnEntry on_entry) {
  while (!accept.empty()) {
    size_t end = 0;
    bool quoted = false;
    for (; end < accept.size(); ++end) {
      const char c = accept[end];
      if (quoted && c == '\\') {
        ++end;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        break;
      }
    }
    end = std::min(end, accept.size());

    AcceptEntry entry;
    if (read_accept_entry(accept.substr(0, end), &entry)) on_entry(entry);
    accept.remove_prefix(std::min(end + 1, accept.size()));
  }
}

// The first of `format`'s response types inside `entry`, or nullptr.
const NamedType* first_type_in(Format format, const AcceptEntry& entry) {
  for (const NamedType& known : kResponseTypes) {
    if (known.format != format) continue;
    const size_t slash = known.name.find('/');
    const bool type_ok =
        entry.rank == Rank::kAllRange ||
        ascii_iequals(entry.media.type, known.name.substr(0, slash));
    const bool subtype_ok =
        entry.rank != Rank::kLiteral ||
        ascii_iequals(entry.media.subtype, known.name.substr(slash + 1));
    if (type_ok && subtype_ok) return &known;
  }
  return nullptr;
}

// How one formatter matched Accept: through its best entry.
struct FormatterMatch {
  const NamedType* type = nullptr;
  int q = 0;
  Rank rank = Rank::kAllRange;
};

// Keeps `entry` as `match` when it is better: Web API took, per formatter,
// the first entry that matched it in Accept sorted by q and then rank (a
// stable sort), which is the best (q, rank), earliest among equals.
void consider(Format format, const AcceptEntry& entry, FormatterMatch* match) {
  const NamedType* type = first_type_in(format, entry);
  if (type == nullptr) return;
  const bool better = match->type == nullptr || entry.q > match->q ||
                      (entry.q == match->q && entry.rank > match->rank);
  if (better) *match = {type, entry.q, entry.rank};
}

// Web API's choice among the formatters' matches: the best literal match,
// unless a subtype-range match has a strictly higher q, unless an all-range
// match has a strictly higher q still. Formatter order breaks ties. Entries
// with q=0 never match.
const NamedType* choose_by_accept(std::string_view accept) {
  std::array<FormatterMatch, kResponseFormats.size()> matches;
  for_each_accept_entry(accept, [&](const AcceptEntry& entry) {
    if (entry.q == 0) return;
    for (size_t i = 0; i < kResponseFormats.size(); ++i) {
      consider(kResponseFormats[i], entry, &matches[i]);
    }
  });

  std::array<const FormatterMatch*, 3> best_by_rank = {};
  for (const FormatterMatch& match : matches) {
    if (match.type == nullptr) continue;
    const FormatterMatch*& best = best_by_rank[static_cast<int>(match.rank)];
    if (best == nullptr || match.q > best->q) best = &match;
  }

  const FormatterMatch* chosen = best_by_rank[static_cast<int>(Rank::kLiteral)];
  for (Rank rank : {Rank::kSubtypeRange, Rank::kAllRange}) {
    const FormatterMatch* other = best_by_rank[static_cast<int>(rank)];
    if (other != nullptr && (chosen == nullptr || other->q > chosen->q)) {
      chosen = other;
    }
  }
  return chosen == nullptr ? nullptr : chosen->type;
}

// The answer to a request in `format` whose Content-Type named
// `media_type`: that type when the format can answer in it, else the
// format's main type; a form request gets JSON's main type, as Web API
// fell back to its first formatter.
ResponseType choose_by_request(Format format, std::string_view media_type) {
  for (const NamedType& known : kResponseTypes) {
    if (known.format == format && known.name == media_type) {
      return {known.format, known.name};
    }
  }
  for (const NamedType& known : kResponseTypes) {
    if (known.format == format) return {known.format, known.name};
  }
  return {Format::kJson, kResponseTypes[0].name};
}

}  // namespace

Result<Format> request_format(std::string_view content_type) {
  const NamedType* known = read_content_type(content_type);
  if (known == nullptr) {
    return Status(ErrorCode::kUnsupportedMediaType,
                  "Content-Type is not a supported body format");
  }
  return known->format;
}

std::string_view request_media_type(std::string_view content_type) {
  const NamedType* known = read_content_type(content_type);
  return known == nullptr ? std::string_view() : known->name;
}

ResponseType negotiate_response(std::string_view accept, const Format* request,
                                std::string_view request_media_type) {
  if (const NamedType* type = choose_by_accept(accept)) {
    return {type->format, type->name};
  }
  if (request != nullptr) {
    return choose_by_request(*request, request_media_type);
  }
  return {Format::kJson, kResponseTypes[0].name};
}

}  // namespace facesync::wire
