#include "libs/iwmo/xml_writer.h"

#include <libxml/xmlwriter.h>

#include <string>

#include "libs/iwmo/xml_document.h"

namespace wmo::iwmo {
namespace {

const xmlChar* X(const std::string& text) {
  return reinterpret_cast<const xmlChar*>(text.c_str());
}

constexpr char kBasePrefix[] = "iwmo";

}  // namespace

XmlWriter::XmlWriter(absl::string_view message, bool indent)
    : buffer_(xmlBufferCreate()), writer_(xmlNewTextWriterMemory(buffer_, 0)) {
  xmlTextWriterSetIndent(writer_, indent ? 1 : 0);
  xmlTextWriterSetIndentString(writer_, reinterpret_cast<const xmlChar*>("  "));
  xmlTextWriterStartDocument(writer_, nullptr, "UTF-8", nullptr);
  xmlTextWriterStartElementNS(writer_, nullptr, X("Bericht"),
                              X(MessageNamespace(message)));
  xmlTextWriterWriteAttribute(writer_, X("xmlns:iwmo"),
                              X(std::string(kBaseNamespace)));
}

XmlWriter::~XmlWriter() {
  xmlFreeTextWriter(writer_);
  xmlBufferFree(buffer_);
}

void XmlWriter::Open(absl::string_view name, Space space) {
  const std::string element(name);
  if (space == Space::kBase) {
    xmlTextWriterStartElementNS(writer_, X(kBasePrefix), X(element), nullptr);
  } else {
    xmlTextWriterStartElement(writer_, X(element));
  }
}

void XmlWriter::Close() { xmlTextWriterEndElement(writer_); }

void XmlWriter::Leaf(absl::string_view name, absl::string_view text,
                     Space space) {
  Open(name, space);
  xmlTextWriterWriteString(writer_, X(std::string(text)));
  Close();
}

void XmlWriter::Comment(absl::string_view text) {
  // A comment may not hold "--" nor end in "-": a space goes after every
  // dash followed by another.
  std::string safe;
  for (size_t i = 0; i < text.size(); ++i) {
    safe.push_back(text[i]);
    if (text[i] == '-' && (i + 1 == text.size() || text[i + 1] == '-')) {
      safe.push_back(' ');
    }
  }
  xmlTextWriterWriteComment(writer_, X(safe));
}

std::string XmlWriter::Finish() {
  xmlTextWriterEndDocument(writer_);
  xmlTextWriterFlush(writer_);
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_)),
                     static_cast<size_t>(xmlBufferLength(buffer_)));
}

}  // namespace wmo::iwmo
