#ifndef WMO_LIBS_IWMO_XML_DOCUMENT_H_
#define WMO_LIBS_IWMO_XML_DOCUMENT_H_

// iWmo messages as XML documents: parsing hardened for input from outside
// (libxml2, never string manipulation) and the header every message starts
// with. Independent of how messages travel: a hub's envelope is taken off
// before a message comes here.

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// libxml2's own types, declared here so that its headers stay out of the
// includers'.
struct _xmlDoc;   // NOLINT(bugprone-reserved-identifier): libxml2's name
struct _xmlNode;  // NOLINT(bugprone-reserved-identifier): libxml2's name

namespace wmo::iwmo {

// What a message may be.
struct XmlLimits {
  // A month's declaration of a large municipality is some tens of MB.
  size_t max_bytes = size_t{64} << 20;
  // iWmo messages nest about eight deep.
  int max_depth = 32;
  // Elements at most: a DOM node costs some 130 bytes, so a body of empty
  // elements would otherwise cost 30 times its size. A declaration of
  // 100,000 lines, each of another client, has 2.3 million.
  size_t max_elements = 4'000'000;
};

// One parsed message. The parser reads no network and no DTD: a document
// type declaration is refused before its internal subset is read, so no
// entity is ever declared or expanded (billion laughs, external entities).
class XmlDocument {
 public:
  // INVALID_ARGUMENT saying what is wrong and where ("line 3, column 7")
  // when `bytes` is not one well-formed document within `limits`.
  static absl::StatusOr<XmlDocument> Parse(absl::string_view bytes,
                                           const XmlLimits& limits = {});

  // The root element; never null.
  const _xmlNode* root() const;

 private:
  struct Free {
    void operator()(_xmlDoc* doc) const;
  };
  explicit XmlDocument(_xmlDoc* doc) : doc_(doc) {}

  std::unique_ptr<_xmlDoc, Free> doc_;
};

// The header of an iWmo 3.2 message (Bericht/Header) as far as it can be
// read: what a retour needs to go back, whether or not the rest is valid.
struct MessageHeader {
  // "WMO323", from the root element's namespace.
  std::string message;
  // Afzender and Ontvanger: an AGB code or a municipality (CBS) code.
  std::string sender;
  std::string receiver;
  // BerichtIdentificatie/Identificatie and /Dagtekening (YYYY-MM-DD).
  std::string id;
  std::string date;
  // XsdVersie/BasisschemaXsdVersie and /BerichtXsdVersie.
  std::string basis_xsd_version;
  std::string message_xsd_version;
};

// The namespace of the types every message shares (basisschema).
inline constexpr absl::string_view kBaseNamespace =
    "http://www.istandaarden.nl/iwmo/3_2/basisschema/schema";

// The namespace of message `message` ("WMO323") in release 3.2.
std::string MessageNamespace(absl::string_view message);

// The header of `doc`: its root must be Bericht in the namespace of one of
// the fourteen messages (INVALID_ARGUMENT otherwise: no retour can answer
// it). The fields are read by name, empty where absent, trimmed but for
// the identification; whether they are valid is the schema's to say
// (CheckSchema).
absl::StatusOr<MessageHeader> ReadHeader(const XmlDocument& doc);

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_XML_DOCUMENT_H_
