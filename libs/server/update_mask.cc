#include "libs/server/update_mask.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/field_mask_util.h"
#include "libs/server/status.h"

namespace wmo::server {

absl::StatusOr<std::vector<std::string>> FieldsToUpdate(
    const google::protobuf::FieldMask& mask,
    const google::protobuf::Message& patch,
    const std::set<std::string>& changeable,
    const std::set<std::string>& ignored, absl::string_view rule_id) {
  std::vector<std::string> fields(mask.paths().begin(), mask.paths().end());
  if (fields.empty()) {
    std::vector<const google::protobuf::FieldDescriptor*> set;
    patch.GetReflection()->ListFields(patch, &set);
    for (const auto* f : set) {
      if (!ignored.count(f->name())) fields.push_back(f->name());
    }
  }
  for (const std::string& field : fields) {
    if (!changeable.count(field)) {
      return ViolationStatus(
          absl::StatusCode::kInvalidArgument, "malformed",
          {Violation(rule_id, "", "update_mask",
                     absl::StrCat("\"", field,
                                  "\" cannot change; changeable "
                                  "are ",
                                  absl::StrJoin(changeable, ", ")))});
    }
  }
  return fields;
}

void CopyFields(const std::vector<std::string>& fields,
                const google::protobuf::Message& patch,
                google::protobuf::Message& target) {
  google::protobuf::FieldMask mask;
  for (const std::string& field : fields) mask.add_paths(field);
  google::protobuf::util::FieldMaskUtil::MergeOptions whole;
  whole.set_replace_message_fields(true);
  whole.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(patch, mask, whole,
                                                        &target);
}

std::string Etag(int64_t revision) { return absl::StrCat("r", revision); }

std::string NextEtag(absl::string_view etag) {
  int64_t revision = 0;
  if (absl::ConsumePrefix(&etag, "r")) (void)absl::SimpleAtoi(etag, &revision);
  return Etag(revision + 1);
}

absl::Status CheckEtag(absl::string_view given, absl::string_view current,
                       absl::string_view what) {
  if (given.empty() || given == current) return absl::OkStatus();
  return WithReason(
      absl::AbortedError(absl::StrCat(
          "etag: the ", what, " changed since you read it (now ", current,
          ", yours ", given, "); read it again and retry")),
      "ETAG_MISMATCH");
}

}  // namespace wmo::server
