#include "libs/gateway/request_builder.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "libs/gateway/utf8.h"
#include "nlohmann/json.hpp"

namespace wmo::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Values echoed in error messages are cut short: they come from the client
// and may be long.
constexpr size_t kMaxEchoedValue = 64;

const FieldDescriptor* FindField(const Descriptor& type,
                                 absl::string_view name) {
  if (const FieldDescriptor* f = type.FindFieldByName(std::string(name))) {
    return f;
  }
  for (int i = 0; i < type.field_count(); ++i) {
    if (type.field(i)->json_name() == name) return type.field(i);
  }
  return nullptr;
}

std::string CanonicalPath(const std::vector<const FieldDescriptor*>& path) {
  return absl::StrJoin(path, ".",
                       [](std::string* out, const FieldDescriptor* f) {
                         out->append(f->name());
                       });
}

bool Covers(absl::string_view outer, absl::string_view inner) {
  return outer == inner ||
         (absl::StartsWith(inner, outer) && inner[outer.size()] == '.');
}

bool IsWrapper(const Descriptor& type) {
  static const auto* const kWrappers = new absl::flat_hash_set<std::string>{
      "google.protobuf.DoubleValue", "google.protobuf.FloatValue",
      "google.protobuf.Int64Value",  "google.protobuf.UInt64Value",
      "google.protobuf.Int32Value",  "google.protobuf.UInt32Value",
      "google.protobuf.BoolValue",   "google.protobuf.StringValue",
      "google.protobuf.BytesValue"};
  return kWrappers->contains(type.full_name());
}

// Well-known types whose proto3 JSON form is a single string.
bool HasJsonStringForm(const Descriptor& type) {
  return type.full_name() == "google.protobuf.Timestamp" ||
         type.full_name() == "google.protobuf.Duration" ||
         type.full_name() == "google.protobuf.FieldMask";
}

google::protobuf::StringPiece Piece(absl::string_view s) {
  return google::protobuf::StringPiece(s.data(), s.size());
}

// Protobuf's JSON errors may append the input and a caret on more lines.
std::string FirstLine(absl::string_view text) {
  return std::string(absl::StripAsciiWhitespace(
      text.substr(0, std::min(text.find('\n'), text.size()))));
}

// Why a body that did not parse into the request is not JSON at all, with
// the line, the column and what was expected there; "" when it is JSON (and
// the message's fields are what is wrong). Called only after a failure.
std::string JsonSyntaxError(absl::string_view body) {
  try {
    (void)nlohmann::json::parse(body.begin(), body.end());
    return "";
  } catch (const nlohmann::json::parse_error& e) {
    absl::string_view what = e.what();
    // Without the library's own tag: "[json.exception.parse_error.101] ".
    if (const size_t tag = what.find("] "); tag != absl::string_view::npos) {
      what.remove_prefix(tag + 2);
    }
    // Nor its "last read: '…'": it echoes the body, which may hold a BSN.
    if (const size_t echo = what.find("; last read");
        echo != absl::string_view::npos) {
      const size_t rest = what.find(';', echo + 2);
      return absl::StrCat(what.substr(0, echo), rest == absl::string_view::npos
                                                    ? absl::string_view()
                                                    : what.substr(rest));
    }
    return std::string(what);
  }
}

// The client's answer to a body that did not parse: where the JSON is
// broken, or else what the message parser said.
absl::Status BodyError(absl::string_view prefix, absl::string_view body,
                       const std::string& parse_message) {
  std::string syntax = JsonSyntaxError(body);
  return absl::InvalidArgumentError(
      absl::StrCat(prefix, syntax.empty() ? FirstLine(parse_message) : syntax));
}

absl::Status BadValue(absl::string_view what, absl::string_view value,
                      absl::string_view expected) {
  std::string shown(value.substr(0, kMaxEchoedValue));
  if (value.size() > kMaxEchoedValue) shown += "...";
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid value \"", shown, "\" for ", what, ": expected ", expected));
}

absl::StatusOr<bool> ParseBool(absl::string_view value) {
  const std::string lower = absl::AsciiStrToLower(value);
  if (lower == "true" || lower == "1") return true;
  if (lower == "false" || lower == "0") return false;
  return absl::InvalidArgumentError("not a bool");
}

// Sets (or, for a repeated field, appends) a non-message field.
absl::Status SetScalar(Message* message, const FieldDescriptor* field,
                       absl::string_view value, absl::string_view what) {
  const Reflection* r = message->GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v;
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        // Clients send either alphabet; the JSON mapping itself accepts both.
        if (!absl::WebSafeBase64Unescape(value, &v) &&
            !absl::Base64Unescape(value, &v)) {
          return BadValue(what, value, "base64-encoded bytes");
        }
      } else {
        if (!IsValidUtf8(value)) return BadValue(what, value, "UTF-8 text");
        v = std::string(value);
      }
      repeated ? r->AddString(message, field, std::move(v))
               : r->SetString(message, field, std::move(v));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) {
        return BadValue(what, value, "a 32-bit integer");
      }
      repeated ? r->AddInt32(message, field, v)
               : r->SetInt32(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) {
        return BadValue(what, value, "a 64-bit integer");
      }
      repeated ? r->AddInt64(message, field, v)
               : r->SetInt64(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(value, &v)) {
        return BadValue(what, value, "an unsigned 32-bit integer");
      }
      repeated ? r->AddUInt32(message, field, v)
               : r->SetUInt32(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(value, &v)) {
        return BadValue(what, value, "an unsigned 64-bit integer");
      }
      repeated ? r->AddUInt64(message, field, v)
               : r->SetUInt64(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(value, &v))
        return BadValue(what, value, "a number");
      repeated ? r->AddDouble(message, field, v)
               : r->SetDouble(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float v;
      if (!absl::SimpleAtof(value, &v))
        return BadValue(what, value, "a number");
      repeated ? r->AddFloat(message, field, v)
               : r->SetFloat(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      absl::StatusOr<bool> v = ParseBool(value);
      if (!v.ok()) return BadValue(what, value, "true or false");
      repeated ? r->AddBool(message, field, *v)
               : r->SetBool(message, field, *v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* type = field->enum_type();
      const EnumValueDescriptor* e = type->FindValueByName(std::string(value));
      int number;
      if (e == nullptr && absl::SimpleAtoi(value, &number)) {
        e = type->FindValueByNumber(number);
      }
      if (e == nullptr) {
        std::vector<std::string> names;
        names.reserve(type->value_count());
        for (int i = 0; i < type->value_count(); ++i) {
          names.push_back(type->value(i)->name());
        }
        return BadValue(what, value,
                        absl::StrCat("one of ", absl::StrJoin(names, ", "),
                                     " or its number"));
      }
      repeated ? r->AddEnum(message, field, e) : r->SetEnum(message, field, e);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return absl::InternalError(
      absl::StrCat(what, ": message field reached SetScalar"));
}

// Sets a field from one URL value: scalars directly, wrappers through their
// `value`, and well-known types through their JSON string form.
absl::Status SetFromString(Message* message, const FieldDescriptor* field,
                           absl::string_view value, absl::string_view what) {
  if (field->is_map()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": map fields cannot be set from the URL"));
  }
  if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return SetScalar(message, field, value, what);
  }
  const Descriptor& type = *field->message_type();
  if (!IsWrapper(type) && !HasJsonStringForm(type)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " names the message field \"", field->name(),
                     "\"; set its fields with dotted names"));
  }
  const Reflection* r = message->GetReflection();
  Message* sub = field->is_repeated() ? r->AddMessage(message, field)
                                      : r->MutableMessage(message, field);
  if (IsWrapper(type)) {
    return SetScalar(sub, type.FindFieldByName("value"), value, what);
  }
  // Quoting is only safe for text without JSON escapes; the JSON forms of
  // these types never need any.
  if (value.find_first_of("\"\\") != value.npos ||
      !google::protobuf::util::JsonStringToMessage(
           absl::StrCat("\"", value, "\""), sub)
           .ok()) {
    return BadValue(what, value,
                    absl::StrCat("a ", type.full_name(), " in JSON form"));
  }
  return absl::OkStatus();
}

// The message that holds the last field of `path`, created as needed.
Message* MutableParent(Message* root,
                       const std::vector<const FieldDescriptor*>& path) {
  Message* m = root;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    m = m->GetReflection()->MutableMessage(m, path[i]);
  }
  return m;
}

absl::Status ParseBody(absl::string_view body_field, absl::string_view body,
                       Message* request) {
  if (body_field.empty() || absl::StripAsciiWhitespace(body).empty()) {
    return absl::OkStatus();
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  if (body_field == "*") {
    auto s = google::protobuf::util::JsonStringToMessage(Piece(body), request,
                                                         options);
    if (!s.ok())
      return BodyError("invalid JSON body: ", body, std::string(s.message()));
    return absl::OkStatus();
  }
  const FieldDescriptor* field =
      request->GetDescriptor()->FindFieldByName(std::string(body_field));
  if (field == nullptr) {
    return absl::InternalError(absl::StrCat(
        "body field \"", body_field, "\" is not in ", request->GetTypeName()));
  }
  const std::string what = absl::StrCat("invalid JSON body for field \"",
                                        field->json_name(), "\": ");
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
      !field->is_repeated()) {
    auto s = google::protobuf::util::JsonStringToMessage(
        Piece(body), request->GetReflection()->MutableMessage(request, field),
        options);
    if (!s.ok()) return BodyError(what, body, std::string(s.message()));
    return absl::OkStatus();
  }
  // A repeated or scalar field: parse the body as that field of a wrapper
  // object. Checking first that the body is exactly one JSON value keeps a
  // crafted body from closing the wrapper and setting other fields.
  google::protobuf::Value probe;
  auto s = google::protobuf::util::JsonStringToMessage(Piece(body), &probe);
  if (s.ok()) {
    std::unique_ptr<Message> wrapped(request->New());
    s = google::protobuf::util::JsonStringToMessage(
        absl::StrCat("{\"", field->json_name(), "\":", body, "}"),
        wrapped.get(), options);
    if (s.ok()) {
      request->MergeFrom(*wrapped);
      return absl::OkStatus();
    }
  }
  return BodyError(what, body, std::string(s.message()));
}

}  // namespace

absl::StatusOr<std::vector<QueryParameter>> ParseQueryString(
    absl::string_view query) {
  std::vector<QueryParameter> parameters;
  for (absl::string_view piece :
       absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> name_value =
        absl::StrSplit(piece, absl::MaxSplits('=', 1));
    std::string name = absl::StrReplaceAll(name_value.first, {{"+", " "}});
    std::string value = absl::StrReplaceAll(name_value.second, {{"+", " "}});
    absl::StatusOr<std::string> decoded_name =
        PercentDecode(name, /*keep_encoded_slash=*/false);
    absl::StatusOr<std::string> decoded_value =
        PercentDecode(value, /*keep_encoded_slash=*/false);
    if (!decoded_name.ok() || !decoded_value.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed percent escape in query parameter \"",
                       name_value.first.substr(0, kMaxEchoedValue), "\""));
    }
    if (decoded_name->empty()) {
      return absl::InvalidArgumentError(
          "query string has a parameter without a name");
    }
    parameters.push_back({*std::move(decoded_name), *std::move(decoded_value)});
  }
  return parameters;
}

absl::StatusOr<std::vector<const FieldDescriptor*>> ResolveFieldPath(
    const Descriptor& type, absl::string_view path) {
  std::vector<const FieldDescriptor*> fields;
  const Descriptor* current = &type;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (current == nullptr) {
      const FieldDescriptor* parent = fields.back();
      return absl::InvalidArgumentError(
          absl::StrCat("\"", parent->name(),
                       "\" is not a singular message field, so it has no "
                       "field \"",
                       part, "\""));
    }
    const FieldDescriptor* field = FindField(*current, part);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("no field \"", part, "\" in ", current->full_name()));
    }
    fields.push_back(field);
    current = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                      !field->is_repeated()
                  ? field->message_type()
                  : nullptr;
  }
  return fields;
}

absl::Status BuildRequest(absl::string_view body_field, absl::string_view body,
                          const std::vector<BoundVariable>& path_variables,
                          const std::vector<QueryParameter>& query,
                          Message* request) {
  const Descriptor& type = *request->GetDescriptor();
  if (absl::Status s = ParseBody(body_field, body, request); !s.ok()) return s;

  std::vector<std::string> bound_paths;
  for (const BoundVariable& v : path_variables) {
    const std::string what =
        absl::StrCat("path variable \"", v.field_path, "\"");
    auto path = ResolveFieldPath(type, v.field_path);
    if (!path.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": ", path.status().message()));
    }
    if (absl::Status s = SetFromString(MutableParent(request, *path),
                                       path->back(), v.value, what);
        !s.ok()) {
      return s;
    }
    bound_paths.push_back(CanonicalPath(*path));
  }

  absl::flat_hash_set<std::string> seen;
  for (const QueryParameter& p : query) {
    const std::string what = absl::StrCat("query parameter \"", p.name, "\"");
    if (body_field == "*") {
      return absl::InvalidArgumentError(absl::StrCat(
          what, " is not allowed: the request body carries every field"));
    }
    auto path = ResolveFieldPath(type, p.name);
    if (!path.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown ", what, ": ", path.status().message()));
    }
    const std::string canonical = CanonicalPath(*path);
    if (!body_field.empty() && Covers(body_field, canonical)) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " is not allowed: the field is in the body"));
    }
    for (const std::string& bound : bound_paths) {
      if (Covers(bound, canonical) || Covers(canonical, bound)) {
        return absl::InvalidArgumentError(absl::StrCat(
            what, " is not allowed: the field is bound by the URL path"));
      }
    }
    if (!path->back()->is_repeated() && !seen.insert(canonical).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " is given more than once"));
    }
    if (absl::Status s = SetFromString(MutableParent(request, *path),
                                       path->back(), p.value, what);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace wmo::gateway
