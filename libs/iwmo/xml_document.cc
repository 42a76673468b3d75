#include "libs/iwmo/xml_document.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <utility>

#include "absl/base/call_once.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/iwmo/reading.h"
#include "libs/iwmo/xpath_values.h"

namespace wmo::iwmo {
namespace {

// The fourteen messages of release 3.2 (and the basisschema they share).
constexpr absl::string_view kMessages[] = {
    "WMO301", "WMO302", "WMO305", "WMO306", "WMO307", "WMO308", "WMO315",
    "WMO316", "WMO317", "WMO318", "WMO319", "WMO320", "WMO323", "WMO325"};

// What the parser saw that it must refuse.
struct ParseState {
  bool doctype = false;
  size_t elements = 0;
  size_t max_elements = 0;
  // libxml2's own handler, which builds the tree.
  startElementNsSAX2Func start_element = nullptr;
};

ParseState& StateOf(void* context) {
  return *static_cast<ParseState*>(
      static_cast<xmlParserCtxtPtr>(context)->_private);
}

// SAX: an element starts; counted, and the parse stopped past the limit.
void CountElement(void* context, const xmlChar* name, const xmlChar* prefix,
                  const xmlChar* uri, int namespaces_count,
                  const xmlChar** namespaces, int attributes_count,
                  int defaulted_count, const xmlChar** attributes) {
  ParseState& state = StateOf(context);
  if (++state.elements > state.max_elements) {
    xmlStopParser(static_cast<xmlParserCtxtPtr>(context));
    return;
  }
  state.start_element(context, name, prefix, uri, namespaces_count, namespaces,
                      attributes_count, defaulted_count, attributes);
}

// SAX: a DOCTYPE starts; stop before its internal subset (where entities
// are declared) is read.
void RefuseDoctype(void* context, const xmlChar* /*name*/,
                   const xmlChar* /*external_id*/,
                   const xmlChar* /*system_id*/) {
  auto* parser = static_cast<xmlParserCtxtPtr>(context);
  StateOf(context).doctype = true;
  xmlStopParser(parser);
}

std::string Where(int line, int column) {
  return column > 0 ? absl::StrCat("line ", line, ", column ", column)
                    : absl::StrCat("line ", line);
}

int Depth(const xmlNode* node) {
  int deepest = 0;
  for (const xmlNode* child = node->children; child != nullptr;
       child = child->next) {
    if (child->type == XML_ELEMENT_NODE) {
      deepest = std::max(deepest, Depth(child));
    }
  }
  return deepest + 1;
}

bool Named(const xmlNode* node, absl::string_view name) {
  return node != nullptr && node->type == XML_ELEMENT_NODE &&
         absl::string_view(reinterpret_cast<const char*>(node->name)) == name;
}

// The trimmed text of `node`; empty for null.
std::string Trimmed(const xmlNode* node) {
  return std::string(TrimXmlSpace(TextOf(node)));
}

}  // namespace

void XmlDocument::Free::operator()(_xmlDoc* doc) const { xmlFreeDoc(doc); }

const _xmlNode* XmlDocument::root() const {
  return xmlDocGetRootElement(doc_.get());
}

absl::StatusOr<XmlDocument> XmlDocument::Parse(absl::string_view bytes,
                                               const XmlLimits& limits) {
  static absl::once_flag init;
  absl::call_once(init, xmlInitParser);
  if (bytes.size() > limits.max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("message: ", bytes.size(), " bytes, more than the ",
                     limits.max_bytes, " a message may have"));
  }
  xmlParserCtxtPtr parser = xmlNewParserCtxt();
  if (parser == nullptr) return absl::ResourceExhaustedError("no memory");
  ParseState state;
  state.max_elements = limits.max_elements;
  state.start_element = parser->sax->startElementNs;
  parser->_private = &state;
  parser->sax->internalSubset = RefuseDoctype;
  parser->sax->startElementNs = CountElement;
  // No network, no DTD loaded, no entity substituted, nothing printed.
  xmlDocPtr doc = xmlCtxtReadMemory(
      parser, bytes.data(), static_cast<int>(bytes.size()), "message", nullptr,
      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  const bool well_formed = parser->wellFormed != 0;
  const xmlError error = parser->lastError;
  std::string message =
      error.message == nullptr ? "not well-formed" : error.message;
  xmlFreeParserCtxt(parser);
  XmlDocument parsed(doc);
  if (state.doctype) {
    return absl::InvalidArgumentError(
        "message: a document type declaration (DOCTYPE) is not allowed; "
        "send the message without it");
  }
  if (state.elements > limits.max_elements) {
    return absl::InvalidArgumentError(absl::StrCat(
        "message: more than ", limits.max_elements,
        " elements; split it (a declaration holds at most 100,000 lines)"));
  }
  if (doc == nullptr || !well_formed || xmlDocGetRootElement(doc) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "message is not well-formed XML at ", Where(error.line, error.int2),
        ": ", absl::StripTrailingAsciiWhitespace(message)));
  }
  if (Depth(parsed.root()) > limits.max_depth) {
    return absl::InvalidArgumentError(
        absl::StrCat("message: elements nest deeper than ", limits.max_depth));
  }
  return parsed;
}

std::string MessageNamespace(absl::string_view message) {
  return absl::StrCat("http://www.istandaarden.nl/iwmo/3_2/",
                      absl::AsciiStrToLower(message), "/schema");
}

absl::StatusOr<MessageHeader> ReadHeader(const XmlDocument& doc) {
  const xmlNode* root = doc.root();
  const absl::string_view ns =
      root->ns == nullptr ? "" : reinterpret_cast<const char*>(root->ns->href);
  const absl::string_view* message = nullptr;
  for (const absl::string_view& m : kMessages) {
    if (ns == MessageNamespace(m)) message = &m;
  }
  if (!Named(root, "Bericht") || message == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "/", reinterpret_cast<const char*>(root->name),
        ": not an iWmo 3.2 message; the root is Bericht in the namespace of "
        "its message, such as ",
        MessageNamespace("WMO323"), " (namespace here: \"", ns, "\")"));
  }
  const xmlNode* header = Child(root, "Header");
  const xmlNode* id = Child(header, "BerichtIdentificatie");
  const xmlNode* xsd = Child(header, "XsdVersie");
  MessageHeader out;
  out.message = std::string(*message);
  out.sender = Trimmed(Child(header, "Afzender"));
  out.receiver = Trimmed(Child(header, "Ontvanger"));
  // As sent: a retour names it exactly (its type keeps spaces).
  out.id = TextOf(Child(id, "Identificatie"));
  out.date = Trimmed(Child(id, "Dagtekening"));
  out.basis_xsd_version = Trimmed(Child(xsd, "BasisschemaXsdVersie"));
  out.message_xsd_version = Trimmed(Child(xsd, "BerichtXsdVersie"));
  return out;
}

}  // namespace wmo::iwmo
