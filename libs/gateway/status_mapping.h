#ifndef WMO_LIBS_GATEWAY_STATUS_MAPPING_H_
#define WMO_LIBS_GATEWAY_STATUS_MAPPING_H_

#include <map>
#include <string>

#include "absl/strings/string_view.h"

namespace google::protobuf {
class Descriptor;
class Message;
namespace util {
class TypeResolver;
}  // namespace util
}  // namespace google::protobuf

namespace wmo::gateway {

// The HTTP status for a canonical gRPC status code (google/rpc/code.proto),
// e.g. 3 (INVALID_ARGUMENT) -> 400, 5 (NOT_FOUND) -> 404; unknown codes 500.
int HttpStatusForGrpcCode(int grpc_code);

// The JSON error body {"code": ..., "message": "...", "details": [...]}.
// `status_details` is a serialized google.rpc.Status (what
// grpc::Status::error_details() carries), possibly empty; its details become
// JSON objects with "@type", rendered through `resolver` so that every
// message type the resolver knows shows its fields. A detail the resolver
// cannot render keeps its "@type" and carries its bytes as base64 "value".
// Field paths in the details, and where the message repeats them, are
// rewritten by FieldPathsToJson, relative to `body_field`, the request field
// the route's body fills.
std::string ErrorBodyJson(int grpc_code, absl::string_view message,
                          absl::string_view status_details,
                          google::protobuf::util::TypeResolver* resolver,
                          absl::string_view body_field = "");

// Rewrites every string naming a request field in `m` (and the messages it
// holds: each "field", and a PreconditionFailure's "subject") from a proto
// path to what a REST client wrote: JsonFieldPath, and
// without the leading `body_field` ("declaration.lines[0].volume" is
// "lines[0].volume" when the body is the declaration).
// With `renamed`, also records each path's proto and JSON forms.
using FieldRenames = std::map<std::string, std::string>;
void FieldPathsToJson(google::protobuf::Message& m,
                      absl::string_view body_field = "",
                      FieldRenames* renamed = nullptr);

// Whether messages of `type` (or messages they hold) have a "field" that
// FieldPathsToJson rewrites.
bool HoldsFieldPaths(const google::protobuf::Descriptor& type);

// A request field path in the JSON mapping's names: "client_bsn" becomes
// "clientBsn", "lines[3].deliveries[0].start_time" becomes
// "lines[3].deliveries[0].startTime". The error bodies of the REST gateway
// name fields this way (every detail field called "field"); gRPC callers
// see proto paths. A place in a file ("f.textproto:4 x.y_z") is kept.
std::string JsonFieldPath(absl::string_view path);

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view text);

}  // namespace wmo::gateway

#endif  // WMO_LIBS_GATEWAY_STATUS_MAPPING_H_
