#include "libs/gateway/status_mapping.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/any.pb.h"
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
std::string DetailJson(const google::protobuf::Any& detail,
                       google::protobuf::util::TypeResolver* resolver) {
  std::string json;
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

}  // namespace

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
                          google::protobuf::util::TypeResolver* resolver) {
  std::string json =
      absl::StrCat("{\"code\":", grpc_code, ",\"message\":", JsonQuote(message),
                   ",\"details\":[");
  google::rpc::Status status;
  if (!status_details.empty() &&
      status.ParseFromArray(status_details.data(),
                            static_cast<int>(status_details.size()))) {
    for (int i = 0; i < status.details_size(); ++i) {
      if (i > 0) json += ",";
      json += DetailJson(status.details(i), resolver);
    }
  }
  json += "]}";
  return json;
}

}  // namespace wmo::gateway
