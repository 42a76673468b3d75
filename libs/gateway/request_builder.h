#ifndef WMO_LIBS_GATEWAY_REQUEST_BUILDER_H_
#define WMO_LIBS_GATEWAY_REQUEST_BUILDER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/gateway/http_rule.h"

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
class Message;
}  // namespace google::protobuf

namespace wmo::gateway {

// One decoded `name=value` pair of a query string, in request order.
struct QueryParameter {
  std::string name;
  std::string value;
};

// Splits and decodes a URL query string such as "a=1&b=x+y%21": '+' is a
// space and percent escapes are decoded; empty pieces are skipped and a
// piece without '=' has an empty value. INVALID_ARGUMENT for a malformed
// escape or a nameless piece.
absl::StatusOr<std::vector<QueryParameter>> ParseQueryString(
    absl::string_view query);

// Resolves a dotted field path ("filter.min_size"; each part may also be the
// lowerCamelCase JSON name, "filter.minSize") starting at `type`. Every part
// but the last must be a singular message field. INVALID_ARGUMENT naming the
// part that does not resolve.
absl::StatusOr<std::vector<const google::protobuf::FieldDescriptor*>>
ResolveFieldPath(const google::protobuf::Descriptor& type,
                 absl::string_view path);

// Fills the empty `request` from the parts of an HTTP request, following
// google.api.http: first the JSON `body` (into the whole message when
// `body_field` is "*", into that top-level field when it names one, ignored
// when it is empty), then the path variables, then the query parameters,
// which may set any field the path and body do not bind. Query values are
// converted to the field's type: enums by name or number, bools as
// true/false (or 1/0), repeated fields by repeating the parameter, nested
// fields by dotted names, and Timestamp/Duration/FieldMask/wrapper types by
// their JSON string form. An unknown parameter, a bad value or malformed JSON
// is INVALID_ARGUMENT naming the parameter or field.
absl::Status BuildRequest(absl::string_view body_field, absl::string_view body,
                          const std::vector<BoundVariable>& path_variables,
                          const std::vector<QueryParameter>& query,
                          google::protobuf::Message* request);

}  // namespace wmo::gateway

#endif  // WMO_LIBS_GATEWAY_REQUEST_BUILDER_H_
