#ifndef WMO_LIBS_IWMO_SCHEMA_H_
#define WMO_LIBS_IWMO_SCHEMA_H_

// The structure of the iWmo 3.2 messages, as the product's own model: which
// elements a message holds, in which order and how often, and what text each
// simple element may carry (the basisschema's data types, LDT_*). A message
// is checked against it before any rule reads it, so every reader after
// this one can trust the shape. The official XSDs are what this model says,
// and the tests check the two agree, with two deliberate differences, both
// stricter: a year has four digits (xs:date also takes 12026 and -2026),
// and a value may not be split by a comment (the official stylesheet would
// judge the first piece of it alone).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "libs/iwmo/xml_document.h"

namespace wmo::iwmo {

// Where a message breaks a rule, and which: the first fault found (the
// schema's in document order, then the rules') is what a retour reports.
struct Fault {
  // XPath of the element as the official validation prints it:
  // "/Bericht/Declaratie/Clienten/Client[2]/Bsn". An element that is
  // missing is named where it was expected.
  std::string location;
  // "XSD" for the schema, otherwise the rule (TR319, CS337, CD060, ...).
  std::string rule;
  // What is wrong and what to change; never the value itself, which may be
  // personal data.
  std::string description;
};

// The base type of a simple element's text.
enum class Base {
  kString,   // whitespace kept as it is
  kInteger,  // xs:integer: whitespace collapsed, optional sign, digits
  kDate,     // xs:date: whitespace collapsed, YYYY-MM-DD
  kTime,     // xs:time: whitespace collapsed, hh:mm:ss with fractions
};

// The patterns the basisschema uses, by what they mean.
enum class Pattern {
  kNone,
  kLiteral,       // exactly `literal` (BerichtCode 484, BerichtVersie 3)
  kDigits,        // exactly `digits` ASCII digits ([0-9]{8})
  kAnyDigits,     // [0-9]*
  kNonBlank,      // .*[^\s].*: one line with a character that is not a space
  kAlphanumeric,  // ([a-zA-Z0-9])+
  kVersion,       // 1.0.0: three numbers without leading zeros
  kNoTimeZone,    // [^:Z]*: a date without a zone
  kLetters,       // ([a-zA-ZÀ-ỳ])+: letters, accented ones too
  kText,          // ([.\s]*\S+[.\s]*)+: lines holding a non-space somewhere
};

// A data type (LDT_*): base, facets and code list.
struct SimpleType {
  const char* name;
  Base base = Base::kString;
  // Lengths in characters (not bytes); -1 when free.
  int min_length = -1;
  int max_length = -1;
  // Inclusive bounds of integers.
  int64_t min_value = INT64_MIN;
  int64_t max_value = INT64_MAX;
  Pattern pattern = Pattern::kNone;
  int digits = 0;
  const char* literal = nullptr;
  // The code list (enumeration); empty when free.
  std::vector<absl::string_view> values = {};
};

struct ComplexType;

// Whose namespace an element is in: its message's, or the basisschema's
// (children of the shared composite types, CDT_*).
enum class Space { kMessage, kBase };

// One element of a sequence.
struct Element {
  const char* name;
  Space space;
  // Exactly one of the two.
  const SimpleType* simple = nullptr;
  const ComplexType* complex = nullptr;
  int min_occurs = 1;
  // -1: unbounded.
  int max_occurs = 1;
};

// An element with element-only content: a sequence of elements.
struct ComplexType {
  std::vector<Element> sequence;
};

// A message: its name ("WMO323") and the type of its root, Bericht.
struct MessageSchema {
  const char* message;
  const ComplexType* root;
};

// Whether `text` is a valid value of `type`.
bool IsValid(absl::string_view text, const SimpleType& type);

// The schemas of the messages this system reads; null for another.
const MessageSchema* SchemaOf(absl::string_view message);

// The first way `doc` breaks `schema`, in document order; nullopt when it
// is valid. Attributes other than xsi:schemaLocation and
// xsi:noNamespaceSchemaLocation are faults, text between elements is one,
// comments and processing instructions are not (unless they split a value).
std::optional<Fault> CheckSchema(const XmlDocument& doc,
                                 const MessageSchema& schema);

// The first field of `header` (of a message from a provider) that a retour
// could not carry back validly: a sender that is no AGB code, a receiver
// that is no municipality code, an identification or date that is no such
// thing. Its XSD versions are not needed: a retour names its own where the
// message's are unusable.
std::optional<Fault> CheckAnswerable(const MessageHeader& header);

// XPath of `node` as the official validation prints it: an index only
// where siblings share the name.
std::string LocationOf(const _xmlNode* node);

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_SCHEMA_H_
