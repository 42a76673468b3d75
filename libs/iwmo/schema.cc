#include "libs/iwmo/schema.h"

#include <libxml/tree.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/iwmo/xpath_values.h"

namespace wmo::iwmo {
namespace {

constexpr absl::string_view kXsiNamespace =
    "http://www.w3.org/2001/XMLSchema-instance";

absl::string_view NameOf(const xmlNode* node) {
  return reinterpret_cast<const char*>(node->name);
}

absl::string_view NamespaceOf(const xmlNode* node) {
  return node->ns == nullptr ? absl::string_view()
                             : reinterpret_cast<const char*>(node->ns->href);
}

// Characters, not bytes: UTF-8 continuation bytes do not count.
int CharacterCount(absl::string_view text) {
  return static_cast<int>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool AllDigits(absl::string_view text) {
  return std::all_of(text.begin(), text.end(), absl::ascii_isdigit);
}

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// xs:date without a zone: YYYY-MM-DD, a day that exists.
bool IsDate(absl::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int year = 0;
  int month = 0;
  int day = 0;
  if (!AllDigits(text.substr(0, 4)) || !AllDigits(text.substr(5, 2)) ||
      !AllDigits(text.substr(8, 2)) ||
      !absl::SimpleAtoi(text.substr(0, 4), &year) ||
      !absl::SimpleAtoi(text.substr(5, 2), &month) ||
      !absl::SimpleAtoi(text.substr(8, 2), &day)) {
    return false;
  }
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year == 0 || month < 1 || month > 12 || day < 1) return false;
  const int last = kDays[month - 1] + (month == 2 && IsLeapYear(year) ? 1 : 0);
  return day <= last;
}

// xs:time without a zone: hh:mm:ss, seconds with optional fractions;
// 24:00:00 is midnight.
bool IsTime(absl::string_view text) {
  if (text.size() < 8 || text[2] != ':' || text[5] != ':') return false;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!AllDigits(text.substr(0, 2)) || !AllDigits(text.substr(3, 2)) ||
      !AllDigits(text.substr(6, 2)) ||
      !absl::SimpleAtoi(text.substr(0, 2), &hour) ||
      !absl::SimpleAtoi(text.substr(3, 2), &minute) ||
      !absl::SimpleAtoi(text.substr(6, 2), &second)) {
    return false;
  }
  absl::string_view fraction = text.substr(8);
  if (!fraction.empty() && (fraction.size() < 2 || fraction[0] != '.' ||
                            !AllDigits(fraction.substr(1)))) {
    return false;
  }
  if (hour == 24) {
    return minute == 0 && second == 0 &&
           fraction.find_first_not_of(".0") == absl::string_view::npos;
  }
  return hour < 24 && minute < 60 && second < 60;
}

// xs:integer within [min, max].
bool IsIntegerWithin(absl::string_view text, int64_t min, int64_t max) {
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || !AllDigits(text)) return false;
  while (text.size() > 1 && text.front() == '0') text.remove_prefix(1);
  if (text.size() > 18) return false;  // beyond every bound in iWmo
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) return false;
  if (negative) value = -value;
  return value >= min && value <= max;
}

bool IsVersion(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  return parts.size() == 3 &&
         std::all_of(parts.begin(), parts.end(), [](absl::string_view part) {
           return !part.empty() && AllDigits(part) &&
                  (part == "0" || part.front() != '0');
         });
}

// .*[^\s].*: in XSD '.' is any character but a line end, so one line that
// holds something other than spaces and tabs.
bool IsNonBlankLine(absl::string_view text) {
  return !absl::StrContains(text, '\n') && !absl::StrContains(text, '\r') &&
         !std::all_of(text.begin(), text.end(), IsXmlSpace);
}

// ([a-zA-ZÀ-ỳ])+: ASCII letters and the code points U+00C0 to U+1EF3.
bool IsLetters(absl::string_view text) {
  if (text.empty()) return false;
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (!absl::ascii_isalpha(text[i])) return false;
      ++i;
      continue;
    }
    // A well-formed document is valid UTF-8 (libxml2 checked it).
    const int length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2;
    if (i + length > text.size()) return false;
    uint32_t code = byte & (0xFF >> (length + 1));
    for (int k = 1; k < length; ++k) {
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    if (code < 0xC0 || code > 0x1EF3) return false;
    i += length;
  }
  return true;
}

bool MatchesPattern(absl::string_view value, const SimpleType& type) {
  switch (type.pattern) {
    case Pattern::kNone:
    case Pattern::kNoTimeZone:  // a date's lexical form has no zone here
      return true;
    case Pattern::kLiteral:
      return value == type.literal;
    case Pattern::kDigits:
      return static_cast<int>(value.size()) == type.digits && AllDigits(value);
    case Pattern::kAnyDigits:
      return AllDigits(value);
    case Pattern::kNonBlank:
      return IsNonBlankLine(value);
    case Pattern::kAlphanumeric:
      return !value.empty() &&
             std::all_of(value.begin(), value.end(), absl::ascii_isalnum);
    case Pattern::kVersion:
      return IsVersion(value);
    case Pattern::kLetters:
      return IsLetters(value);
    case Pattern::kText:
      // Any characters, lines included, as long as one is not a space.
      return !std::all_of(value.begin(), value.end(), IsXmlSpace);
  }
  return false;
}

// What `type` asks of a value, for a fault's description.
std::string Expected(const SimpleType& type) {
  if (!type.values.empty()) {
    return absl::StrCat("one of ", absl::StrJoin(type.values, ", "));
  }
  switch (type.pattern) {
    case Pattern::kLiteral:
      return absl::StrCat("exactly ", type.literal);
    case Pattern::kDigits:
      return absl::StrCat("exactly ", type.digits, " digits");
    case Pattern::kAnyDigits:
      return absl::StrCat("digits only, at most ", type.max_length);
    case Pattern::kAlphanumeric:
      return absl::StrCat("1 to ", type.max_length,
                          " letters and digits (A-Z, a-z, 0-9)");
    case Pattern::kVersion:
      return "a version of three numbers, such as 1.0.0";
    case Pattern::kLetters:
      return absl::StrCat("1 to ", type.max_length,
                          " letters, without dots or spaces");
    default:
      break;
  }
  switch (type.base) {
    case Base::kInteger:
      return absl::StrCat("a whole number from ", type.min_value, " to ",
                          type.max_value);
    case Base::kDate:
      return "a date YYYY-MM-DD without a time zone";
    case Base::kTime:
      return "a time hh:mm:ss without a time zone";
    case Base::kString:
      break;
  }
  std::string out =
      type.min_length > 0 && type.max_length > 0
          ? absl::StrCat(type.min_length, " to ", type.max_length,
                         " characters")
          : absl::StrCat("at least ", std::max(type.min_length, 1),
                         " character");
  if (type.pattern == Pattern::kNonBlank) {
    absl::StrAppend(&out, " on one line, not only spaces");
  }
  return out;
}

}  // namespace

bool IsValid(absl::string_view raw, const SimpleType& type) {
  absl::string_view value = raw;
  switch (type.base) {
    case Base::kString:
      break;
    case Base::kInteger:
      value = TrimXmlSpace(raw);
      if (!IsIntegerWithin(value, type.min_value, type.max_value)) {
        return false;
      }
      break;
    case Base::kDate:
      value = TrimXmlSpace(raw);
      if (!IsDate(value)) return false;
      break;
    case Base::kTime:
      value = TrimXmlSpace(raw);
      if (!IsTime(value)) return false;
      break;
  }
  if (type.min_length >= 0 || type.max_length >= 0) {
    const int length = CharacterCount(value);
    if (length < type.min_length) return false;
    if (type.max_length >= 0 && length > type.max_length) return false;
  }
  if (!MatchesPattern(value, type)) return false;
  return type.values.empty() ||
         std::find(type.values.begin(), type.values.end(), value) !=
             type.values.end();
}

namespace {

class Checker {
 public:
  explicit Checker(std::string message_namespace)
      : message_namespace_(std::move(message_namespace)) {}

  std::optional<Fault> Root(const xmlNode* root, const ComplexType& type) {
    if (NameOf(root) != "Bericht" || NamespaceOf(root) != message_namespace_) {
      return Fault{LocationOf(root), "XSD",
                   absl::StrCat("the root must be Bericht in namespace ",
                                message_namespace_)};
    }
    return Complex(root, type);
  }

 private:
  absl::string_view SpaceNamespace(Space space) const {
    return space == Space::kMessage ? absl::string_view(message_namespace_)
                                    : kBaseNamespace;
  }

  bool Matches(const xmlNode* node, const Element& element) const {
    return NameOf(node) == element.name &&
           NamespaceOf(node) == SpaceNamespace(element.space);
  }

  static std::optional<Fault> Attributes(const xmlNode* node) {
    for (const xmlAttr* attribute = node->properties; attribute != nullptr;
         attribute = attribute->next) {
      const absl::string_view name =
          reinterpret_cast<const char*>(attribute->name);
      const bool schema_hint =
          attribute->ns != nullptr &&
          reinterpret_cast<const char*>(attribute->ns->href) == kXsiNamespace &&
          (name == "schemaLocation" || name == "noNamespaceSchemaLocation");
      if (!schema_hint) {
        return Fault{
            LocationOf(node), "XSD",
            absl::StrCat("attribute ", name, " is not allowed; leave it out")};
      }
    }
    return std::nullopt;
  }

  static std::string Names(const ComplexType& type, size_t from) {
    std::vector<absl::string_view> names;
    for (size_t i = from; i < type.sequence.size(); ++i) {
      names.push_back(type.sequence[i].name);
    }
    return absl::StrJoin(names, ", ");
  }

  std::optional<Fault> Complex(const xmlNode* node, const ComplexType& type) {
    if (auto fault = Attributes(node)) return fault;
    const std::vector<Element>& sequence = type.sequence;
    size_t at = 0;    // the particle the next element may match
    int matched = 0;  // elements matched by it so far
    for (const xmlNode* child = node->children; child != nullptr;
         child = child->next) {
      if (child->type == XML_TEXT_NODE ||
          child->type == XML_CDATA_SECTION_NODE) {
        const absl::string_view text =
            child->content == nullptr
                ? absl::string_view()
                : reinterpret_cast<const char*>(child->content);
        if (!std::all_of(text.begin(), text.end(), IsXmlSpace)) {
          return Fault{LocationOf(node), "XSD",
                       absl::StrCat("text is not allowed here, only the "
                                    "elements ",
                                    Names(type, 0))};
        }
        continue;
      }
      if (child->type != XML_ELEMENT_NODE) continue;  // comments, PIs
      while (at < sequence.size()) {
        const Element& element = sequence[at];
        if (Matches(child, element)) {
          if (element.max_occurs < 0 || matched < element.max_occurs) break;
          return Fault{
              LocationOf(child), "XSD",
              absl::StrCat(element.name, " occurs at most ", element.max_occurs,
                           " time", element.max_occurs == 1 ? "" : "s",
                           " here")};
        }
        if (matched < element.min_occurs) {
          return Fault{
              absl::StrCat(LocationOf(node), "/", element.name), "XSD",
              absl::StrCat(element.name, " is missing: expected before ",
                           NameOf(child))};
        }
        ++at;
        matched = 0;
      }
      if (at == sequence.size()) {
        return Fault{LocationOf(child), "XSD",
                     absl::StrCat(NameOf(child), " is not allowed here")};
      }
      ++matched;
      const Element& element = sequence[at];
      std::optional<Fault> fault = element.simple != nullptr
                                       ? Simple(child, *element.simple)
                                       : Complex(child, *element.complex);
      if (fault) return fault;
    }
    for (; at < sequence.size(); ++at, matched = 0) {
      if (matched < sequence[at].min_occurs) {
        return Fault{absl::StrCat(LocationOf(node), "/", sequence[at].name),
                     "XSD", absl::StrCat(sequence[at].name, " is missing")};
      }
    }
    return std::nullopt;
  }

  std::optional<Fault> Simple(const xmlNode* node, const SimpleType& type) {
    if (auto fault = Attributes(node)) return fault;
    absl::string_view value;
    text_.clear();
    int texts = 0;
    bool interrupted = false;  // by a comment or processing instruction
    for (const xmlNode* child = node->children; child != nullptr;
         child = child->next) {
      if (child->type == XML_ELEMENT_NODE) {
        return Fault{LocationOf(child), "XSD",
                     absl::StrCat(NameOf(node), " holds text, not elements")};
      }
      if (child->type != XML_TEXT_NODE &&
          child->type != XML_CDATA_SECTION_NODE) {
        interrupted = texts > 0;
        continue;
      }
      if (interrupted) {
        // The official validation reads a value's first piece of text
        // only: a value split by a comment would be judged on part of it.
        return Fault{LocationOf(node), "XSD",
                     "a value may not be split by a comment or processing "
                     "instruction"};
      }
      const absl::string_view text =
          child->content == nullptr
              ? absl::string_view()
              : reinterpret_cast<const char*>(child->content);
      if (++texts == 1) {
        value = text;
      } else {
        if (texts == 2) text_.assign(value.data(), value.size());
        text_.append(text.data(), text.size());
      }
    }
    if (texts > 1) value = text_;
    if (!IsValid(value, type)) {
      return Fault{LocationOf(node), "XSD",
                   absl::StrCat("must be ", Expected(type))};
    }
    return std::nullopt;
  }

  std::string message_namespace_;
  std::string text_;
};

}  // namespace

std::string LocationOf(const _xmlNode* node) {
  std::vector<std::string> steps;
  for (const xmlNode* at = node; at != nullptr && at->type == XML_ELEMENT_NODE;
       at = at->parent) {
    int before = 0;
    bool others = false;
    for (const xmlNode* sibling = at->prev; sibling != nullptr;
         sibling = sibling->prev) {
      if (sibling->type == XML_ELEMENT_NODE && NameOf(sibling) == NameOf(at)) {
        ++before;
      }
    }
    others = before > 0;
    for (const xmlNode* sibling = at->next; !others && sibling != nullptr;
         sibling = sibling->next) {
      others =
          sibling->type == XML_ELEMENT_NODE && NameOf(sibling) == NameOf(at);
    }
    steps.push_back(others ? absl::StrCat(NameOf(at), "[", before + 1, "]")
                           : std::string(NameOf(at)));
  }
  std::reverse(steps.begin(), steps.end());
  return absl::StrCat("/", absl::StrJoin(steps, "/"));
}

std::optional<Fault> CheckSchema(const XmlDocument& doc,
                                 const MessageSchema& schema) {
  Checker checker(MessageNamespace(schema.message));
  return checker.Root(doc.root(), *schema.root);
}

}  // namespace wmo::iwmo
