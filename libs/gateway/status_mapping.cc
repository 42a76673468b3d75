#include "libs/gateway/status_mapping.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/type_resolver.h"
#include "google/rpc/code.pb.h"
#include "google/rpc/status.pb.h"
#include "libs/gateway/utf8.h"

namespace wmo::gateway {
namespace {

constexpr absl::string_view kAnyTypeUrl =
    "type.googleapis.com/google.protobuf.Any";

// One google.protobuf.Any as its proto3 JSON object.
std::string DetailJson(google::protobuf::Any detail,
                       absl::string_view body_field,
                       google::protobuf::util::TypeResolver* resolver,
                       FieldRenames* renamed) {
  std::string json;
  // Field paths as the REST client wrote them (lowerCamelCase).
  const auto* type =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          std::string(
              detail.type_url().substr(detail.type_url().rfind('/') + 1)));
  if (type != nullptr) {
    google::protobuf::DynamicMessageFactory factory;
    std::unique_ptr<google::protobuf::Message> message(
        factory.GetPrototype(type)->New());
    if (message->ParseFromString(detail.value())) {
      FieldPathsToJson(*message, body_field, renamed);
      detail.set_value(message->SerializeAsString());
    }
  }
  if (resolver != nullptr &&
      google::protobuf::util::BinaryToJsonString(
          resolver, std::string(kAnyTypeUrl), detail.SerializeAsString(), &json)
          .ok()) {
    return json;
  }
  // The type is not linked into this binary: say what it is and pass the
  // bytes on rather than dropping the detail.
  return absl::StrCat(
      "{\"@type\":", JsonQuote(detail.type_url()),
      ",\"value\":", JsonQuote(absl::Base64Escape(detail.value())), "}");
}

// A string naming a request field: every "field", and the subject of a
// google.rpc.PreconditionFailure violation.
bool IsFieldPath(const google::protobuf::FieldDescriptor& f) {
  if (f.type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      f.is_repeated()) {
    return false;
  }
  return f.name() == "field" ||
         (f.name() == "subject" &&
          f.containing_type()->full_name() ==
              "google.rpc.PreconditionFailure.Violation");
}

bool HoldsFieldPaths(
    const google::protobuf::Descriptor& type,
    absl::flat_hash_set<const google::protobuf::Descriptor*>& seen) {
  if (!seen.insert(&type).second) return false;
  for (int i = 0; i < type.field_count(); ++i) {
    const auto* f = type.field(i);
    if (IsFieldPath(*f)) return true;
    if (f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE &&
        HoldsFieldPaths(*f->message_type(), seen)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool HoldsFieldPaths(const google::protobuf::Descriptor& type) {
  absl::flat_hash_set<const google::protobuf::Descriptor*> seen;
  return HoldsFieldPaths(type, seen);
}

void FieldPathsToJson(google::protobuf::Message& m,
                      absl::string_view body_field, FieldRenames* renamed) {
  const auto* descriptor = m.GetDescriptor();
  const auto* reflection = m.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* f = descriptor->field(i);
    if (IsFieldPath(*f)) {
      absl::string_view path = reflection->GetStringReference(m, f, nullptr);
      if (!body_field.empty() && absl::ConsumePrefix(&path, body_field) &&
          !absl::ConsumePrefix(&path, ".")) {
        path = reflection->GetStringReference(m, f, nullptr);
      }
      std::string json = JsonFieldPath(path);
      if (renamed != nullptr) {
        renamed->emplace(reflection->GetString(m, f), json);
      }
      reflection->SetString(&m, f, std::move(json));
    } else if (f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int j = 0; j < reflection->FieldSize(m, f); ++j) {
          FieldPathsToJson(*reflection->MutableRepeatedMessage(&m, f, j),
                           body_field, renamed);
        }
      } else if (reflection->HasField(m, f)) {
        FieldPathsToJson(*reflection->MutableMessage(&m, f), body_field,
                         renamed);
      }
    }
  }
}

std::string JsonFieldPath(absl::string_view path) {
  // A place in a file ("upload.textproto:4 products[0].unit") keeps the
  // names of that file's own format.
  if (path.find(' ') != absl::string_view::npos ||
      path.find(':') != absl::string_view::npos) {
    return std::string(path);
  }
  std::string out;
  out.reserve(path.size());
  bool upper = false;
  bool in_index = false;
  for (char c : path) {
    if (c == '[') in_index = true;
    if (c == ']') in_index = false;
    if (c == '_' && !in_index) {
      upper = !out.empty() && out.back() != '.';
      if (!upper) out.push_back(c);
      continue;
    }
    out.push_back(upper ? absl::ascii_toupper(static_cast<unsigned char>(c))
                        : c);
    upper = false;
  }
  return out;
}

int HttpStatusForGrpcCode(int grpc_code) {
  switch (grpc_code) {
    case google::rpc::OK:
      return 200;
    case google::rpc::CANCELLED:
      return 499;
    case google::rpc::INVALID_ARGUMENT:
    case google::rpc::FAILED_PRECONDITION:
    case google::rpc::OUT_OF_RANGE:
      return 400;
    case google::rpc::DEADLINE_EXCEEDED:
      return 504;
    case google::rpc::NOT_FOUND:
      return 404;
    case google::rpc::ALREADY_EXISTS:
    case google::rpc::ABORTED:
      return 409;
    case google::rpc::PERMISSION_DENIED:
      return 403;
    case google::rpc::UNAUTHENTICATED:
      return 401;
    case google::rpc::RESOURCE_EXHAUSTED:
      return 429;
    case google::rpc::UNIMPLEMENTED:
      return 501;
    case google::rpc::UNAVAILABLE:
      return 503;
    default:  // UNKNOWN, INTERNAL, DATA_LOSS and codes this build predates.
      return 500;
  }
}

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      // JSON text must be UTF-8; a broken sequence becomes U+FFFD.
      const size_t n = Utf8SequenceLength(text, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(text.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (byte < 0x20) {
          out += absl::StrFormat("\\u%04x", byte);
        } else {
          out.push_back(c);
        }
    }
    ++i;
  }
  out.push_back('"');
  return out;
}

std::string ErrorBodyJson(int grpc_code, absl::string_view message,
                          absl::string_view status_details,
                          google::protobuf::util::TypeResolver* resolver,
                          absl::string_view body_field) {
  std::string details;
  FieldRenames renamed;
  google::rpc::Status status;
  if (!status_details.empty() &&
      status.ParseFromArray(status_details.data(),
                            static_cast<int>(status_details.size()))) {
    for (int i = 0; i < status.details_size(); ++i) {
      if (i > 0) details += ",";
      details += DetailJson(status.details(i), body_field, resolver, &renamed);
    }
  }
  // The message lists the violations as "<rule> <field>: <text>" (what
  // server::ViolationStatus writes): the same names as the details.
  std::vector<std::pair<std::string, std::string>> replacements;
  for (const auto& [from, to] : renamed) {
    if (from != to) {
      replacements.emplace_back(absl::StrCat(" ", from, ": "),
                                absl::StrCat(" ", to, ": "));
    }
  }
  return absl::StrCat("{\"code\":", grpc_code, ",\"message\":",
                      JsonQuote(absl::StrReplaceAll(message, replacements)),
                      ",\"details\":[", details, "]}");
}

}  // namespace wmo::gateway
