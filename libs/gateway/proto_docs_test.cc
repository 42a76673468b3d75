#include "libs/gateway/proto_docs.h"

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "testdata/gateway_test.pb.h"
#include "wmo/catalog/v1/catalog_service.pb.h"

namespace wmo::gateway {
namespace {

TEST(ProtoDocsTest, RejectsBytesThatAreNoDescriptorSet) {
  EXPECT_EQ(ProtoDocs::FromDescriptorSet("\xFF\xFF\xFF").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ProtoDocsTest, GeneratedDescriptorsCarryNoComments) {
  // Why the gateway needs a descriptor set with source info at all.
  google::protobuf::SourceLocation location;
  EXPECT_FALSE(
      wmo::gatewaytest::v1::Widget::descriptor()->GetSourceLocation(&location));
}

TEST(ProtoDocsTest, EmptySetHasNoComments) {
  auto docs = ProtoDocs::FromDescriptorSet("");
  ASSERT_TRUE(docs.ok());
  EXPECT_EQ((*docs)->Comment(*wmo::gatewaytest::v1::Widget::descriptor()), "");
}

TEST(ProtoDocsTest, ProjectDocsDescribeTheCatalogService) {
  const google::protobuf::ServiceDescriptor* service =
      wmo::catalog::v1::ImportCatalogRequest::descriptor()
          ->file()
          ->FindServiceByName("CatalogService");
  ASSERT_NE(service, nullptr);
  EXPECT_NE(ProtoDocs::Project().Comment(*service), "");
}

}  // namespace
}  // namespace wmo::gateway
