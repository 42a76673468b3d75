#ifndef WMO_LIBS_GATEWAY_PROTO_JSON_H_
#define WMO_LIBS_GATEWAY_PROTO_JSON_H_

#include <string>

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
class Message;
}  // namespace google::protobuf

namespace wmo::gateway {

// proto3 JSON for the plain messages of the API, written by reflection
// straight into a string: fields by json_name in field-number order, 64-bit
// integers as strings, enums by name (by number when unknown), lists as
// arrays. Booleans and numbers are always written, also when false or 0
// (a portal reads "contracted": false, not a missing key); strings, enums,
// lists and messages at their default are left out.
//
// Why not only protobuf's printer: in protobuf 3.21 it resolves every type
// of the message again on each call (building google.protobuf.Type
// messages) and walks the wire bytes through a stream of callbacks; for a
// product read that was over a quarter of the gateway's time. The messages
// that need the standard's special forms (well-known types such as
// Timestamp or FieldMask, maps, floating point, bytes) are left to the
// library: RendersDirectly says which is which.

// Whether AppendJson renders `type` (and every type reachable from it):
// only integers, bools, strings, enums, lists and nested messages of that
// kind. google.protobuf.Empty qualifies; other well-known types do not.
bool RendersDirectly(const google::protobuf::Descriptor& type);

// Appends `message` as a JSON object. `message`'s type must satisfy
// RendersDirectly.
void AppendJson(const google::protobuf::Message& message, std::string* out);

// Appends the value of `field` of `message`: an array when it is repeated.
// The field's type must satisfy RendersDirectly.
void AppendJson(const google::protobuf::Message& message,
                const google::protobuf::FieldDescriptor& field,
                std::string* out);

}  // namespace wmo::gateway

#endif  // WMO_LIBS_GATEWAY_PROTO_JSON_H_
