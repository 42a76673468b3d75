#ifndef WMO_LIBS_GATEWAY_PROTO_DOCS_H_
#define WMO_LIBS_GATEWAY_PROTO_DOCS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor_database.h"

namespace wmo::gateway {

// The comments of proto elements. Generated code drops source info, so
// descriptors from the generated pool carry no comments; this looks the same
// full names up in a pool built from a FileDescriptorSet that protoc wrote
// with --include_source_info. Thread-safe.
class ProtoDocs {
 public:
  // From a serialized FileDescriptorSet (protoc --include_imports
  // --include_source_info). INVALID_ARGUMENT when it does not parse.
  static absl::StatusOr<std::unique_ptr<ProtoDocs>> FromDescriptorSet(
      absl::string_view serialized);

  // The project's protos, compiled into this library at build time; without
  // comments if that copy cannot be read.
  static const ProtoDocs& Project();

  ProtoDocs(const ProtoDocs&) = delete;
  ProtoDocs& operator=(const ProtoDocs&) = delete;

  // The element's leading comment (else its trailing one), one line per
  // comment line, trimmed; empty when there is none. The descriptor's own
  // source info is used first, when its pool has any.
  std::string Comment(const google::protobuf::Descriptor& d) const;
  std::string Comment(const google::protobuf::FieldDescriptor& d) const;
  std::string Comment(const google::protobuf::EnumDescriptor& d) const;
  std::string Comment(const google::protobuf::EnumValueDescriptor& d) const;
  std::string Comment(const google::protobuf::ServiceDescriptor& d) const;
  std::string Comment(const google::protobuf::MethodDescriptor& d) const;

 private:
  ProtoDocs() = default;

  google::protobuf::SimpleDescriptorDatabase database_;
  // Builds files lazily from database_ on first look-up.
  google::protobuf::DescriptorPool pool_{&database_};
};

}  // namespace wmo::gateway

#endif  // WMO_LIBS_GATEWAY_PROTO_DOCS_H_
