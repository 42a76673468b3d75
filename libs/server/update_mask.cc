#include "libs/server/update_mask.h"

#include <algorithm>

#include "absl/container/node_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/api/field_behavior.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/server/status.h"

namespace wmo::server {

namespace {

bool Has(const google::protobuf::FieldDescriptor& field,
         google::api::FieldBehavior behavior) {
  const auto& options = field.options();
  for (int i = 0; i < options.ExtensionSize(google::api::field_behavior); ++i) {
    if (options.GetExtension(google::api::field_behavior, i) == behavior) {
      return true;
    }
  }
  return false;
}

// Set by the server: ignored on input.
bool ServerSet(const google::protobuf::FieldDescriptor& field) {
  return Has(field, google::api::OUTPUT_ONLY) ||
         Has(field, google::api::IDENTIFIER);
}

bool IsSet(const google::protobuf::Message& m,
           const google::protobuf::FieldDescriptor& field) {
  const auto* r = m.GetReflection();
  return field.is_repeated() ? r->FieldSize(m, &field) > 0
                             : r->HasField(m, &field);
}

}  // namespace

absl::StatusOr<std::vector<std::string>> FieldsToUpdate(
    const google::protobuf::FieldMask& mask,
    const google::protobuf::Message& patch, absl::string_view rule_id) {
  const auto* type = patch.GetDescriptor();
  std::vector<std::string> changeable;
  for (int i = 0; i < type->field_count(); ++i) {
    const auto& f = *type->field(i);
    if (!ServerSet(f) && !Has(f, google::api::IMMUTABLE) &&
        f.name() != "etag") {
      changeable.push_back(f.name());
    }
  }
  std::vector<std::string> fields;
  for (const std::string& path : mask.paths()) {
    const auto* f = type->FindFieldByName(path);
    if (f != nullptr && (ServerSet(*f) || f->name() == "etag")) continue;
    if (std::find(changeable.begin(), changeable.end(), path) ==
        changeable.end()) {
      return ViolationStatus(
          absl::StatusCode::kInvalidArgument, "malformed",
          {Violation(rule_id, "", "update_mask",
                     absl::StrCat("\"", path, "\" cannot change; changeable ",
                                  "are ", absl::StrJoin(changeable, ", ")))});
    }
    fields.push_back(path);
  }
  if (mask.paths().empty()) {
    for (const std::string& name : changeable) {
      if (IsSet(patch, *type->FindFieldByName(name))) fields.push_back(name);
    }
  }
  return fields;
}

absl::Status KeepsImmutable(const google::protobuf::Message& patch,
                            const google::protobuf::Message& stored,
                            absl::string_view prefix,
                            absl::string_view rule_id) {
  const auto* type = patch.GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const auto& f = *type->field(i);
    if (!Has(f, google::api::IMMUTABLE) || !IsSet(patch, f)) continue;
    google::protobuf::util::MessageDifferencer same;
    same.set_scope(google::protobuf::util::MessageDifferencer::PARTIAL);
    std::vector<const google::protobuf::FieldDescriptor*> only = {&f};
    if (!same.CompareWithFields(patch, stored, only, only)) {
      return ViolationStatus(
          absl::StatusCode::kInvalidArgument, "malformed",
          {Violation(rule_id, "", absl::StrCat(prefix, f.name()),
                     "is fixed when created and cannot change; leave it out "
                     "or send the value it has")});
    }
  }
  return absl::OkStatus();
}

void ClearOutputOnly(google::protobuf::Message& m) {
  // What to do per message type, worked out once per thread: a
  // declaration's thousands of lines share one.
  struct Plan {
    std::vector<const google::protobuf::FieldDescriptor*> clear, descend;
  };
  // Node-based: the recursion below adds plans while one is in use.
  thread_local absl::node_hash_map<const google::protobuf::Descriptor*, Plan>
      plans;
  const auto* type = m.GetDescriptor();
  auto [it, added] = plans.try_emplace(type);
  if (added) {
    for (int i = 0; i < type->field_count(); ++i) {
      const auto* f = type->field(i);
      if (ServerSet(*f)) {
        it->second.clear.push_back(f);
      } else if (f->cpp_type() ==
                     google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE &&
                 f->message_type()->file()->package() != "google.protobuf") {
        it->second.descend.push_back(f);
      }
    }
  }
  const Plan& plan = it->second;
  const auto* r = m.GetReflection();
  for (const auto* f : plan.clear) r->ClearField(&m, f);
  for (const auto* f : plan.descend) {
    if (f->is_repeated()) {
      for (int j = 0; j < r->FieldSize(m, f); ++j) {
        ClearOutputOnly(*r->MutableRepeatedMessage(&m, f, j));
      }
    } else if (r->HasField(m, f)) {
      ClearOutputOnly(*r->MutableMessage(&m, f));
    }
  }
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
