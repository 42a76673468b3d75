// The conventions of the API (Google's AIPs) that a linter does not check,
// over every message, field and enum of the wmo protos.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/api/field_behavior.pb.h"
#include "google/api/resource.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"
#include "wmo/assignment/v1/assignment_service.pb.h"
#include "wmo/capacity/v1/capacity_service.pb.h"
#include "wmo/catalog/v1/catalog_service.pb.h"
#include "wmo/declaration/v1/declaration_service.pb.h"

namespace wmo {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;

// The API's files: the four services' and every wmo file they import.
std::vector<const FileDescriptor*> ApiFiles() {
  std::vector<const FileDescriptor*> files;
  std::set<const FileDescriptor*> seen;
  std::vector<const FileDescriptor*> todo = {
      catalog::v1::ListCatalogsRequest::descriptor()->file(),
      assignment::v1::CreateAssignmentRequest::descriptor()->file(),
      declaration::v1::SubmitDeclarationRequest::descriptor()->file(),
      capacity::v1::CreateLocationRequest::descriptor()->file()};
  while (!todo.empty()) {
    const FileDescriptor* file = todo.back();
    todo.pop_back();
    if (!absl::StartsWith(file->package(), "wmo.") ||
        !seen.insert(file).second) {
      continue;
    }
    files.push_back(file);
    for (int i = 0; i < file->dependency_count(); ++i) {
      todo.push_back(file->dependency(i));
    }
  }
  return files;
}

// Every message of the API, nested ones included.
std::vector<const Descriptor*> ApiMessages() {
  std::vector<const Descriptor*> messages;
  std::vector<const Descriptor*> todo;
  for (const FileDescriptor* file : ApiFiles()) {
    for (int i = 0; i < file->message_type_count(); ++i) {
      todo.push_back(file->message_type(i));
    }
  }
  while (!todo.empty()) {
    const Descriptor* m = todo.back();
    todo.pop_back();
    if (m->options().map_entry()) continue;
    messages.push_back(m);
    for (int i = 0; i < m->nested_type_count(); ++i) {
      todo.push_back(m->nested_type(i));
    }
  }
  return messages;
}

bool Has(const FieldDescriptor& f, google::api::FieldBehavior behavior) {
  const auto& o = f.options();
  for (int i = 0; i < o.ExtensionSize(google::api::field_behavior); ++i) {
    if (o.GetExtension(google::api::field_behavior, i) == behavior) return true;
  }
  return false;
}

TEST(ApiConventionsTest, SeesTheWholeApi) {
  EXPECT_GE(ApiFiles().size(), 10u);
  EXPECT_GE(ApiMessages().size(), 150u);
}

// AIP-203: every field says whether a request must carry it, the server
// sets it, or it cannot change.
TEST(ApiConventionsTest, EveryFieldDeclaresItsBehavior) {
  for (const Descriptor* m : ApiMessages()) {
    for (int i = 0; i < m->field_count(); ++i) {
      const FieldDescriptor& f = *m->field(i);
      EXPECT_GT(f.options().ExtensionSize(google::api::field_behavior), 0)
          << f.full_name();
    }
  }
}

// AIP-142: a *_time field is a google.protobuf.Timestamp. The one
// exception: a delivery's start and end are a wall-clock time of day
// ("HH:MM", as iWmo's Begintijd and Eindtijd), not an instant.
TEST(ApiConventionsTest, TimesAreTimestamps) {
  const std::set<std::string> time_of_day = {
      "wmo.declaration.v1.Delivery.start_time",
      "wmo.declaration.v1.Delivery.end_time"};
  int timestamps = 0;
  for (const Descriptor* m : ApiMessages()) {
    for (int i = 0; i < m->field_count(); ++i) {
      const FieldDescriptor& f = *m->field(i);
      if (!absl::EndsWith(f.name(), "_time") && f.name() != "time") continue;
      if (time_of_day.count(f.full_name()) > 0) {
        EXPECT_EQ(f.type(), FieldDescriptor::TYPE_STRING) << f.full_name();
        continue;
      }
      EXPECT_EQ(f.message_type(), google::protobuf::Timestamp::descriptor())
          << f.full_name();
      ++timestamps;
    }
  }
  EXPECT_GE(timestamps, 20);
}

// AIP-126: the values of an enum declared at package level carry its name
// as their prefix (nested enums are scoped by their message).
TEST(ApiConventionsTest, PackageLevelEnumValuesCarryTheirPrefix) {
  for (const FileDescriptor* file : ApiFiles()) {
    for (int i = 0; i < file->enum_type_count(); ++i) {
      const auto& e = *file->enum_type(i);
      std::string prefix;
      for (char c : e.name()) {
        if (absl::ascii_isupper(c) && !prefix.empty()) prefix += '_';
        prefix += absl::ascii_toupper(c);
      }
      absl::StrAppend(&prefix, "_");
      for (int v = 0; v < e.value_count(); ++v) {
        EXPECT_TRUE(absl::StartsWith(e.value(v)->name(), prefix))
            << e.value(v)->full_name() << " lacks " << prefix;
      }
    }
  }
}

// AIP-123: a resource has one `name` field, its identifier.
TEST(ApiConventionsTest, ResourcesAreNamedByAnIdentifier) {
  int resources = 0;
  for (const Descriptor* m : ApiMessages()) {
    if (!m->options().HasExtension(google::api::resource)) continue;
    ++resources;
    const auto& resource = m->options().GetExtension(google::api::resource);
    EXPECT_FALSE(resource.pattern().empty()) << m->full_name();
    const FieldDescriptor* name = m->FindFieldByName("name");
    ASSERT_NE(name, nullptr) << m->full_name();
    EXPECT_TRUE(Has(*name, google::api::IDENTIFIER)) << m->full_name();
  }
  EXPECT_GE(resources, 13);
}

}  // namespace
}  // namespace wmo
