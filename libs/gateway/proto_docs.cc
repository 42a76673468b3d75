#include "libs/gateway/proto_docs.h"

#include <cstddef>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.pb.h"

// Written by the build (embed_file.cmake) from the project's descriptor set.
extern const unsigned char wmo_gateway_proto_docs_data[];
extern const std::size_t wmo_gateway_proto_docs_size;

namespace wmo::gateway {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::SourceLocation;

std::string Clean(const SourceLocation& location) {
  const std::string& raw = location.leading_comments.empty()
                               ? location.trailing_comments
                               : location.leading_comments;
  std::vector<absl::string_view> lines;
  for (absl::string_view line : absl::StrSplit(raw, '\n')) {
    lines.push_back(absl::StripAsciiWhitespace(line));
  }
  return std::string(absl::StripAsciiWhitespace(absl::StrJoin(lines, "\n")));
}

template <typename D, typename Find>
std::string Lookup(const D& d, const DescriptorPool& pool, Find find) {
  SourceLocation location;
  if (d.GetSourceLocation(&location)) return Clean(location);
  const D* documented = find(pool, d.full_name());
  if (documented != nullptr && documented->GetSourceLocation(&location)) {
    return Clean(location);
  }
  return "";
}

}  // namespace

absl::StatusOr<std::unique_ptr<ProtoDocs>> ProtoDocs::FromDescriptorSet(
    absl::string_view serialized) {
  google::protobuf::FileDescriptorSet set;
  if (!set.ParseFromArray(serialized.data(),
                          static_cast<int>(serialized.size()))) {
    return absl::InvalidArgumentError("descriptor set does not parse");
  }
  std::unique_ptr<ProtoDocs> docs(new ProtoDocs());
  for (const auto& file : set.file()) {
    if (!docs->database_.Add(file)) {
      return absl::InvalidArgumentError("descriptor set repeats a file");
    }
  }
  return docs;
}

const ProtoDocs& ProtoDocs::Project() {
  static const ProtoDocs* const kProject = [] {
    auto docs = FromDescriptorSet(absl::string_view(
        reinterpret_cast<const char*>(wmo_gateway_proto_docs_data),
        wmo_gateway_proto_docs_size));
    return docs.ok() ? docs->release() : new ProtoDocs();
  }();
  return *kProject;
}

std::string ProtoDocs::Comment(const google::protobuf::Descriptor& d) const {
  return Lookup(d, pool_, [](const DescriptorPool& p, const std::string& n) {
    return p.FindMessageTypeByName(n);
  });
}

std::string ProtoDocs::Comment(
    const google::protobuf::FieldDescriptor& d) const {
  return Lookup(d, pool_, [](const DescriptorPool& p, const std::string& n) {
    return p.FindFieldByName(n);
  });
}

std::string ProtoDocs::Comment(
    const google::protobuf::EnumDescriptor& d) const {
  return Lookup(d, pool_, [](const DescriptorPool& p, const std::string& n) {
    return p.FindEnumTypeByName(n);
  });
}

std::string ProtoDocs::Comment(
    const google::protobuf::EnumValueDescriptor& d) const {
  return Lookup(d, pool_, [](const DescriptorPool& p, const std::string& n) {
    return p.FindEnumValueByName(n);
  });
}

std::string ProtoDocs::Comment(
    const google::protobuf::ServiceDescriptor& d) const {
  return Lookup(d, pool_, [](const DescriptorPool& p, const std::string& n) {
    return p.FindServiceByName(n);
  });
}

std::string ProtoDocs::Comment(
    const google::protobuf::MethodDescriptor& d) const {
  return Lookup(d, pool_, [](const DescriptorPool& p, const std::string& n) {
    return p.FindMethodByName(n);
  });
}

}  // namespace wmo::gateway
