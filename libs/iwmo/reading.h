#ifndef WMO_LIBS_IWMO_READING_H_
#define WMO_LIBS_IWMO_READING_H_

// Reading a message the schema check found valid: its elements by name and
// their text as sent. The schema fixed the order and the counts, so a
// look-up by name is enough.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "libs/iwmo/xml_document.h"

namespace wmo::iwmo {

// The element children of `node`, in order.
std::vector<const _xmlNode*> Children(const _xmlNode* node);

// The child element `name` of `node`, or null.
const _xmlNode* Child(const _xmlNode* node, absl::string_view name);

// The text of a simple element as sent (its text and CDATA); "" for null.
std::string TextOf(const _xmlNode* node);

// The text of child `name` (of its child `inner`); "" when absent.
std::string TextAt(const _xmlNode* node, absl::string_view name);
std::string TextAt(const _xmlNode* node, absl::string_view name,
                   absl::string_view inner);

// The text of child `name`, or nullopt when there is no such child.
std::optional<std::string> OptionalTextAt(const _xmlNode* node,
                                          absl::string_view name);

// The value of an xs:integer element's text (whitespace around it, a sign,
// leading zeros), or nullopt when it is none: "0012" is 12.
std::optional<int64_t> WholeNumber(absl::string_view text);

// The XPath step of the `index`th of `count` siblings named `name`: an
// index only where siblings share the name, as the official validation
// prints it.
std::string Step(absl::string_view name, size_t index, size_t count);

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_READING_H_
