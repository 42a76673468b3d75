#include "libs/server/status.h"

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "libs/server/call_scope.h"
#include "libs/server/log.h"
#include "libs/store/store.h"

namespace wmo::server {
namespace {

constexpr char kViolationsType[] =
    "type.googleapis.com/wmo.type.v1.RuleViolations";

// "TR321 (retourcode 9321): what is wrong", for the generic details.
std::string Described(const wmo::type::v1::RuleViolation& v) {
  return absl::StrCat(
      v.rule_id(), v.return_code().empty() ? "" : " (retourcode ",
      v.return_code(), v.return_code().empty() ? "" : ")", ": ", v.message());
}

}  // namespace

wmo::type::v1::RuleViolation Violation(absl::string_view rule_id,
                                       absl::string_view return_code,
                                       absl::string_view field,
                                       absl::string_view message) {
  wmo::type::v1::RuleViolation v;
  v.set_rule_id(std::string(rule_id));
  v.set_return_code(std::string(return_code));
  v.set_field(std::string(field));
  v.set_message(std::string(message));
  return v;
}

absl::Status ViolationStatus(
    absl::StatusCode code, absl::string_view summary,
    const std::vector<wmo::type::v1::RuleViolation>& violations) {
  std::string message(summary);
  for (const auto& v : violations) {
    absl::StrAppend(&message, message.empty() ? "" : "; ", v.rule_id(), " ",
                    v.field(), ": ", v.message());
  }
  absl::Status status(code, message);
  wmo::type::v1::RuleViolations payload;
  for (const auto& v : violations) *payload.add_violations() = v;
  status.SetPayload(kViolationsType, absl::Cord(payload.SerializeAsString()));
  return status;
}

std::vector<wmo::type::v1::RuleViolation> Violations(
    const absl::Status& status) {
  std::vector<wmo::type::v1::RuleViolation> out;
  auto payload = status.GetPayload(kViolationsType);
  wmo::type::v1::RuleViolations parsed;
  if (payload && parsed.ParseFromString(std::string(*payload))) {
    out.assign(parsed.violations().begin(), parsed.violations().end());
  }
  return out;
}

absl::Status ForClient(const absl::Status& status) {
  const std::string detail = store::ErrorDetail(status);
  const bool internal = status.code() == absl::StatusCode::kInternal ||
                        status.code() == absl::StatusCode::kUnknown ||
                        status.code() == absl::StatusCode::kDataLoss;
  if (detail.empty() && !internal) return status;
  std::string id = CallScope::RequestId();
  if (id.empty()) id = "-";
  LogWarning(absl::StrCat(
      "request ", id, ": ", absl::StatusCodeToString(status.code()), ": ",
      status.message(), detail.empty() ? "" : " | ", detail));
  if (internal) {
    return absl::Status(
        status.code(),
        absl::StrCat("internal error; the operators find it by request id ",
                     id));
  }
  return absl::Status(status.code(), status.message());
}

grpc::Status ToGrpcStatus(const absl::Status& domain_status) {
  if (domain_status.ok()) return grpc::Status::OK;
  const absl::Status status = ForClient(domain_status);
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message(status.message());
  const auto violations = Violations(status);
  if (violations.empty()) return grpc::Status(code, message);

  google::rpc::Status rich;
  rich.set_code(static_cast<int>(code));
  rich.set_message(message);
  wmo::type::v1::RuleViolations all;
  for (const auto& v : violations) *all.add_violations() = v;
  rich.add_details()->PackFrom(all);
  // For generic clients: a precondition the system's state does not meet,
  // or a request that is wrong in itself.
  if (code == grpc::StatusCode::FAILED_PRECONDITION) {
    google::rpc::PreconditionFailure failure;
    for (const auto& v : violations) {
      auto* pv = failure.add_violations();
      pv->set_type(v.rule_id());
      pv->set_subject(v.field());
      pv->set_description(Described(v));
    }
    rich.add_details()->PackFrom(failure);
  } else {
    google::rpc::BadRequest bad_request;
    for (const auto& v : violations) {
      auto* fv = bad_request.add_field_violations();
      fv->set_field(v.field());
      fv->set_description(Described(v));
    }
    rich.add_details()->PackFrom(bad_request);
  }
  return grpc::Status(code, message, rich.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status,
                            absl::string_view prefix) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()),
                   absl::StrCat(prefix, status.error_message()));
  google::rpc::Status rich;
  if (status.error_details().empty() ||
      !rich.ParseFromString(status.error_details())) {
    return out;
  }
  for (const auto& detail : rich.details()) {
    wmo::type::v1::RuleViolations violations;
    if (detail.UnpackTo(&violations)) {
      out.SetPayload(kViolationsType,
                     absl::Cord(violations.SerializeAsString()));
    }
  }
  return out;
}

grpc::ServerUnaryReactor* Respond(grpc::CallbackServerContext* context,
                                  const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace wmo::server
