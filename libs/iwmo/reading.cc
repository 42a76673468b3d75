#include "libs/iwmo/reading.h"

#include <libxml/tree.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/iwmo/xpath_values.h"

namespace wmo::iwmo {
namespace {

absl::string_view NameOf(const _xmlNode* node) {
  return reinterpret_cast<const char*>(node->name);
}

}  // namespace

std::vector<const _xmlNode*> Children(const _xmlNode* node) {
  std::vector<const _xmlNode*> out;
  for (const _xmlNode* child = node == nullptr ? nullptr : node->children;
       child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) out.push_back(child);
  }
  return out;
}

const _xmlNode* Child(const _xmlNode* node, absl::string_view name) {
  for (const _xmlNode* child = node == nullptr ? nullptr : node->children;
       child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE && NameOf(child) == name) return child;
  }
  return nullptr;
}

std::string TextOf(const _xmlNode* node) {
  std::string out;
  if (node == nullptr) return out;
  for (const _xmlNode* child = node->children; child != nullptr;
       child = child->next) {
    if ((child->type == XML_TEXT_NODE ||
         child->type == XML_CDATA_SECTION_NODE) &&
        child->content != nullptr) {
      out.append(reinterpret_cast<const char*>(child->content));
    }
  }
  return out;
}

std::string TextAt(const _xmlNode* node, absl::string_view name) {
  return TextOf(Child(node, name));
}

std::string TextAt(const _xmlNode* node, absl::string_view name,
                   absl::string_view inner) {
  const _xmlNode* child = Child(node, name);
  return child == nullptr ? std::string() : TextAt(child, inner);
}

std::string Step(absl::string_view name, size_t index, size_t count) {
  return count > 1 ? absl::StrCat(name, "[", index + 1, "]")
                   : std::string(name);
}

std::optional<int64_t> WholeNumber(absl::string_view text) {
  int64_t value = 0;
  if (!absl::SimpleAtoi(TrimXmlSpace(text), &value)) return std::nullopt;
  return value;
}

std::optional<std::string> OptionalTextAt(const _xmlNode* node,
                                          absl::string_view name) {
  const _xmlNode* child = Child(node, name);
  if (child == nullptr) return std::nullopt;
  return TextOf(child);
}

}  // namespace wmo::iwmo
