#ifndef WMO_LIBS_SERVER_UPDATE_MASK_H_
#define WMO_LIBS_SERVER_UPDATE_MASK_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace wmo::server {

// Partial updates (AIP-134), one way for every service, by the fields'
// google.api.field_behavior (AIP-203): what the server sets (OUTPUT_ONLY,
// IDENTIFIER) is ignored on input, the etag is the update's precondition
// (AIP-154), and IMMUTABLE fields keep their value.

// The fields an update changes: the mask's paths, or with an empty mask
// every field `patch` sets; either way without the ignored ones, and with
// an empty mask without the IMMUTABLE ones too (a whole resource sent back
// carries them; KeepsImmutable checks they are unchanged).
// INVALID_ARGUMENT, with rule `rule_id` on field "update_mask", naming a
// path that is IMMUTABLE or not a field.
absl::StatusOr<std::vector<std::string>> FieldsToUpdate(
    const google::protobuf::FieldMask& mask,
    const google::protobuf::Message& patch, absl::string_view rule_id);

// INVALID_ARGUMENT, with rule `rule_id` on `prefix` + the field, when
// `patch` sets an IMMUTABLE field to another value than `stored` has.
absl::Status KeepsImmutable(const google::protobuf::Message& patch,
                            const google::protobuf::Message& stored,
                            absl::string_view prefix,
                            absl::string_view rule_id);

// Clears what a caller cannot set in `m` and its sub-messages: every
// OUTPUT_ONLY and IDENTIFIER field (the service derives them).
void ClearOutputOnly(google::protobuf::Message& m);

// Copies `fields` of `patch` into `target`, each replaced whole: a list or
// message is `patch`'s, a field `patch` leaves unset is cleared.
void CopyFields(const std::vector<std::string>& fields,
                const google::protobuf::Message& patch,
                google::protobuf::Message& target);

// Optimistic concurrency (AIP-154): an etag is the resource's revision,
// "r1" at create and the next one at every change.
std::string Etag(int64_t revision);
std::string NextEtag(absl::string_view etag);

// ABORTED (reason ETAG_MISMATCH) when `given` is set and is not `current`:
// the `what` changed since the caller read it.
absl::Status CheckEtag(absl::string_view given, absl::string_view current,
                       absl::string_view what);

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_UPDATE_MASK_H_
