#include "libs/server/stored_protos.h"

#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/unknown_field_set.h"
#include "libs/server/api.h"

namespace wmo::server {

absl::Status UpgradeLegacyTimes(google::protobuf::Message& m,
                                absl::Span<const LegacyTime> legacy) {
  const auto* descriptor = m.GetDescriptor();
  const auto* reflection = m.GetReflection();
  for (const LegacyTime& l : legacy) {
    if (l.message != descriptor->full_name()) continue;
    google::protobuf::UnknownFieldSet* unknown =
        reflection->MutableUnknownFields(&m);
    for (int i = 0; i < unknown->field_count(); ++i) {
      const google::protobuf::UnknownField& f = unknown->field(i);
      if (f.number() != l.number ||
          f.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
        continue;
      }
      auto time = ParseTimestamp(f.length_delimited(), l.field);
      if (!time.ok()) return absl::DataLossError(time.status().message());
      const auto* field = descriptor->FindFieldByName(std::string(l.field));
      if (field == nullptr) {
        return absl::InternalError(
            absl::StrCat(descriptor->full_name(), " has no field ", l.field));
      }
      reflection->MutableMessage(&m, field)->CopyFrom(*time);
    }
    unknown->DeleteByNumber(l.number);
  }
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->cpp_type() !=
        google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      continue;
    }
    if (field->is_repeated()) {
      for (int j = 0; j < reflection->FieldSize(m, field); ++j) {
        if (absl::Status s = UpgradeLegacyTimes(
                *reflection->MutableRepeatedMessage(&m, field, j), legacy);
            !s.ok()) {
          return s;
        }
      }
    } else if (reflection->HasField(m, field)) {
      if (absl::Status s = UpgradeLegacyTimes(
              *reflection->MutableMessage(&m, field), legacy);
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace wmo::server
