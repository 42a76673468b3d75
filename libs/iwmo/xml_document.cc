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

namespace wmo::iwmo {
namespace {

// The fifteen messages of release 3.2 and their BerichtCode.
struct Message {
  absl::string_view name;
  int code;
};
constexpr Message kMessages[] = {
    {"WMO301", 414}, {"WMO302", 415}, {"WMO305", 418}, {"WMO306", 419},
    {"WMO307", 420}, {"WMO308", 421}, {"WMO315", 444}, {"WMO316", 445},
    {"WMO317", 480}, {"WMO318", 481}, {"WMO319", 482}, {"WMO320", 483},
    {"WMO323", 484}, {"WMO325", 485}};

// What the parser saw that it must refuse.
struct ParseState {
  bool doctype = false;
};

// SAX: a DOCTYPE starts; stop before its internal subset (where entities
// are declared) is read.
void RefuseDoctype(void* context, const xmlChar* /*name*/,
                   const xmlChar* /*external_id*/,
                   const xmlChar* /*system_id*/) {
  auto* parser = static_cast<xmlParserCtxtPtr>(context);
  static_cast<ParseState*>(parser->_private)->doctype = true;
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

// The child element `name` of `parent` in the parent's namespace, or null.
const xmlNode* Child(const xmlNode* parent, absl::string_view name) {
  for (const xmlNode* child = parent->children; child != nullptr;
       child = child->next) {
    if (Named(child, name) && child->ns == parent->ns) return child;
  }
  return nullptr;
}

std::string Text(const xmlNode* node) {
  xmlChar* content = xmlNodeGetContent(node);
  std::string text(content == nullptr ? ""
                                      : reinterpret_cast<const char*>(content));
  xmlFree(content);
  return std::string(absl::StripAsciiWhitespace(text));
}

absl::Status Missing(absl::string_view path) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": missing; every message has it"));
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
  parser->_private = &state;
  parser->sax->internalSubset = RefuseDoctype;
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
  const Message* message = nullptr;
  for (const Message& m : kMessages) {
    if (ns == MessageNamespace(m.name)) message = &m;
  }
  if (!Named(root, "Bericht") || message == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "/", reinterpret_cast<const char*>(root->name),
        ": not an iWmo 3.2 "
        "message; the root is Bericht in the namespace of its message, such "
        "as ",
        MessageNamespace("WMO323"), " (namespace here: \"", ns, "\")"));
  }
  const xmlNode* header = Child(root, "Header");
  if (header == nullptr) return Missing("/Bericht/Header");
  MessageHeader out;
  out.message = std::string(message->name);
  const xmlNode* code = Child(header, "BerichtCode");
  if (code == nullptr) return Missing("/Bericht/Header/BerichtCode");
  if (!absl::SimpleAtoi(Text(code), &out.code) || out.code != message->code) {
    return absl::InvalidArgumentError(absl::StrCat(
        "/Bericht/Header/BerichtCode: \"", Text(code), "\" is not the code of ",
        message->name, "; it is ", message->code));
  }
  for (auto [name, field] : {std::pair{"Afzender", &out.sender},
                             std::pair{"Ontvanger", &out.receiver}}) {
    const xmlNode* node = Child(header, name);
    if (node == nullptr) return Missing(absl::StrCat("/Bericht/Header/", name));
    *field = Text(node);
  }
  const xmlNode* id = Child(header, "BerichtIdentificatie");
  if (id == nullptr) return Missing("/Bericht/Header/BerichtIdentificatie");
  for (auto [name, field] : {std::pair{"Identificatie", &out.id},
                             std::pair{"Dagtekening", &out.date}}) {
    const xmlNode* node = Child(id, name);
    if (node == nullptr) {
      return Missing(
          absl::StrCat("/Bericht/Header/BerichtIdentificatie/", name));
    }
    *field = Text(node);
  }
  return out;
}

}  // namespace wmo::iwmo
