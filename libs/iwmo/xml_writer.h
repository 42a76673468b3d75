#ifndef WMO_LIBS_IWMO_XML_WRITER_H_
#define WMO_LIBS_IWMO_XML_WRITER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "libs/iwmo/schema.h"

// libxml2's writer, declared here so that its headers stay out of the
// includers'.
struct _xmlTextWriter;  // NOLINT(bugprone-reserved-identifier): libxml2's name
struct _xmlBuffer;      // NOLINT(bugprone-reserved-identifier): libxml2's name

namespace wmo::iwmo {

// Writes one message with libxml2 (escaping, encoding): Bericht in the
// message's namespace as the default, the basisschema's as "iwmo".
class XmlWriter {
 public:
  // Starts the document and its root, Bericht, of `message` ("WMO325"),
  // one element a line, indented, unless `indent` is false.
  explicit XmlWriter(absl::string_view message, bool indent = true);
  ~XmlWriter();
  XmlWriter(const XmlWriter&) = delete;
  XmlWriter& operator=(const XmlWriter&) = delete;

  // Opens element `name`; Close ends the innermost open one.
  void Open(absl::string_view name, Space space = Space::kMessage);
  void Close();
  // An element holding `text`.
  void Leaf(absl::string_view name, absl::string_view text,
            Space space = Space::kMessage);
  // A comment: for what a reader should see but the schema has no place
  // for (where a refused message went wrong).
  void Comment(absl::string_view text);

  // Closes what is open and returns the document, UTF-8.
  std::string Finish();

 private:
  _xmlBuffer* buffer_;
  _xmlTextWriter* writer_;
};

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_XML_WRITER_H_
