#include "libs/gateway/proto_json.h"

#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/empty.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"

namespace wmo::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool RendersDirectly(const Descriptor& type,
                     absl::flat_hash_set<const Descriptor*>& seen) {
  if (!seen.insert(&type).second) return true;  // Checked, or being checked.
  if (type.file()->package() == "google.protobuf") {
    return &type == google::protobuf::Empty::descriptor() ||
           &type == google::protobuf::Timestamp::descriptor();
  }
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    if (field.is_map()) return false;
    switch (field.type()) {
      case FieldDescriptor::TYPE_DOUBLE:
      case FieldDescriptor::TYPE_FLOAT:
      case FieldDescriptor::TYPE_BYTES:
      case FieldDescriptor::TYPE_GROUP:
        return false;
      case FieldDescriptor::TYPE_MESSAGE:
        if (!RendersDirectly(*field.message_type(), seen)) return false;
        break;
      default:
        break;
    }
  }
  return true;
}

// What JSON requires, plus <, >, DEL, U+2028 and U+2029, which keep the
// text safe to embed in HTML and JavaScript. (protobuf's printer escapes a
// few more invisible characters; both are valid JSON of the same strings.)
void AppendString(absl::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t clean = 0;  // Start of the run not yet appended.
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const char* escape = nullptr;
    char unicode[7];
    size_t width = 1;  // Bytes of the input that the escape replaces.
    switch (c) {
      case '"':
        escape = "\\\"";
        break;
      case '\\':
        escape = "\\\\";
        break;
      case '\b':
        escape = "\\b";
        break;
      case '\f':
        escape = "\\f";
        break;
      case '\n':
        escape = "\\n";
        break;
      case '\r':
        escape = "\\r";
        break;
      case '\t':
        escape = "\\t";
        break;
      case 0xE2:  // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
        if (i + 2 < text.size() && text[i + 1] == '\x80' &&
            (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
          escape = text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
          width = 3;
        }
        break;
      default:
        if (c < 0x20 || c == '<' || c == '>' || c == 0x7F) {
          unicode[0] = '\\';
          unicode[1] = 'u';
          unicode[2] = '0';
          unicode[3] = '0';
          unicode[4] = kHex[c >> 4];
          unicode[5] = kHex[c & 0xF];
          unicode[6] = '\0';
          escape = unicode;
        }
        break;
    }
    if (escape == nullptr) continue;
    out->append(text.data() + clean, i - clean);
    out->append(escape);
    i += width - 1;
    clean = i + 1;
  }
  out->append(text.data() + clean, text.size() - clean);
  out->push_back('"');
}

// A singular boolean or number without presence: written even at its
// default, since false and 0 say something ("contracted": false).
bool AlwaysWritten(const FieldDescriptor& field) {
  if (field.is_repeated() || field.has_presence()) return false;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
    case FieldDescriptor::CPPTYPE_BOOL:
      return true;
    default:
      return false;
  }
}

// One value of `field`: its element `index` when repeated, else (index -1)
// the singular value.
void AppendValue(const Message& message, const FieldDescriptor& field,
                 int index, std::string* out) {
  const Reflection& r = *message.GetReflection();
  const bool one = index < 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(out, one ? r.GetInt32(message, &field)
                               : r.GetRepeatedInt32(message, &field, index));
      return;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(out, one ? r.GetUInt32(message, &field)
                               : r.GetRepeatedUInt32(message, &field, index));
      return;
    case FieldDescriptor::CPPTYPE_INT64:  // Strings: JavaScript has 53 bits.
      absl::StrAppend(out, "\"",
                      one ? r.GetInt64(message, &field)
                          : r.GetRepeatedInt64(message, &field, index),
                      "\"");
      return;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(out, "\"",
                      one ? r.GetUInt64(message, &field)
                          : r.GetRepeatedUInt64(message, &field, index),
                      "\"");
      return;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append((one ? r.GetBool(message, &field)
                       : r.GetRepeatedBool(message, &field, index))
                      ? "true"
                      : "false");
      return;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = one ? r.GetEnumValue(message, &field)
                             : r.GetRepeatedEnumValue(message, &field, index);
      const auto* value = field.enum_type()->FindValueByNumber(number);
      if (value == nullptr) {
        absl::StrAppend(out, number);
      } else {
        AppendString(value->name(), out);
      }
      return;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      AppendString(
          one ? r.GetStringReference(message, &field, &scratch)
              : r.GetRepeatedStringReference(message, &field, index, &scratch),
          out);
      return;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& value = one ? r.GetMessage(message, &field)
                                 : r.GetRepeatedMessage(message, &field, index);
      if (field.message_type() == google::protobuf::Timestamp::descriptor()) {
        // RFC 3339 in UTC, with 0, 3, 6 or 9 fractional digits, as the JSON
        // mapping writes it.
        google::protobuf::Timestamp time;
        time.CopyFrom(value);
        AppendString(google::protobuf::util::TimeUtil::ToString(time), out);
        return;
      }
      AppendJson(value, out);
      return;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      break;  // Excluded by RendersDirectly.
  }
}

}  // namespace

bool RendersDirectly(const Descriptor& type) {
  // A Timestamp is written as a field's string, not as a document.
  if (&type == google::protobuf::Timestamp::descriptor()) return false;
  absl::flat_hash_set<const Descriptor*> seen;
  return RendersDirectly(type, seen);
}

void AppendJson(const Message& message, const FieldDescriptor& field,
                std::string* out) {
  if (!field.is_repeated()) return AppendValue(message, field, -1, out);
  out->push_back('[');
  const int size = message.GetReflection()->FieldSize(message, &field);
  for (int i = 0; i < size; ++i) {
    if (i > 0) out->push_back(',');
    AppendValue(message, field, i, out);
  }
  out->push_back(']');
}

void AppendJson(const Message& message, std::string* out) {
  // Declaration order, which is field-number order in the API's files.
  const Descriptor& type = *message.GetDescriptor();
  const Reflection& r = *message.GetReflection();
  bool first = true;
  out->push_back('{');
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    const bool present = field.is_repeated() ? r.FieldSize(message, &field) > 0
                                             : AlwaysWritten(field) ||
                                                   r.HasField(message, &field);
    if (!present) continue;
    if (!first) out->push_back(',');
    first = false;
    AppendString(field.json_name(), out);
    out->push_back(':');
    AppendJson(message, field, out);
  }
  out->push_back('}');
}

}  // namespace wmo::gateway
