// The XML bodies of the legacy endpoints (FaceInfo/Sync and TotalScan), as
// .NET's DataContractSerializer read and wrote them.
#ifndef FACESYNC_WIRE_XML_CODEC_H_
#define FACESYNC_WIRE_XML_CODEC_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"
#include "wire/sync_message.h"
#include "wire/total_scan_message.h"

namespace facesync::wire {

// Caps on a request body's tree; over either is kMalformedBody.
inline constexpr size_t kMaxXmlElements = 256;
inline constexpr size_t kMaxXmlAttributes = 1024;
inline constexpr size_t kMaxXmlDepth = 32;  // the root element is depth 1

// The namespaces the legacy XML uses.
inline constexpr std::string_view kParmNamespace =
    "http://schemas.datacontract.org/2004/07/"
    "DigitalScience.DataTransfer.Tour.V5.Parm";
inline constexpr std::string_view kInstanceNamespace =
    "http://www.w3.org/2001/XMLSchema-instance";

// decode_sync_request for Format::kXml. The root element is
// GateSyncFaceInfoParm and it and its children gatenum and
// lastsuccessindex are in kParmNamespace, whatever prefixes say so; names
// are exact, children may come in any order, the first of a repeated child
// counts (DataContract read members once), unknown children are skipped,
// and xsi:nil="true" on a child makes it null. Text is taken as written
// (no trimming for gatenum; lastsuccessindex allows white space around, as
// XmlConvert did).
Result<SyncRequest> decode_xml_sync_request(std::string_view body);

// encode_sync_reply for Format::kXml: DataContractSerializer's shape with
// no white space between elements. Text escapes &, < and >, writes CR as
// &#xD; (so that it survives line-end normalization), and replaces
// characters XML 1.0 cannot carry and ill-formed UTF-8 by U+FFFD.
void encode_xml_sync_reply(const SyncReply& reply, std::string* out);

// decode_total_scan_request for Format::kXml, with the rules of
// decode_xml_sync_request: the root is BiometricTotalScanParm and its
// children gatenum and firstlbsbh (in any order; DataContract wrote
// firstlbsbh first) are in kParmNamespace. A firstlbsbh that is nil or
// absent is the first page; one holding child elements is kBadTicketCode.
Result<TotalScanRequest> decode_xml_total_scan_request(std::string_view body);

// encode_total_scan_reply for Format::kXml, written as
// encode_xml_sync_reply writes.
void encode_xml_total_scan_reply(const TotalScanReply& reply, std::string* out);

}  // namespace facesync::wire

#endif  // FACESYNC_WIRE_XML_CODEC_H_
