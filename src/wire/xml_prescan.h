// A pass over an XML body before pugixml reads it, for what pugixml lets
// through but the original's XmlReader refused, and for what no
// DataContract body needs: a DOCTYPE (so no entity can be declared).
#ifndef FACESYNC_WIRE_XML_PRESCAN_H_
#define FACESYNC_WIRE_XML_PRESCAN_H_

#include <string_view>

#include "base/status.h"

namespace facesync::wire {

// kMalformedBody, naming the first fault, when `xml` holds ill-formed
// UTF-8, a character outside XML 1.0's Char production (raw or as a
// character reference), a DOCTYPE or other <! declaration, a reference to
// an entity other than amp, lt, gt, quot and apos, or an unclosed comment,
// CDATA section or processing instruction. Comments, CDATA sections and
// processing instructions are skipped, since '&' and "<!" mean nothing in
// them. Everything else is left to the parser.
Status prescan_xml(std::string_view xml);

// Char of XML 1.0, section 2.2: the characters an XML document may hold.
bool is_xml_char(char32_t c);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_XML_PRESCAN_H_
