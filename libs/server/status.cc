#include "libs/server/status.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "libs/server/call_scope.h"
#include "libs/server/log.h"
#include "libs/store/store.h"

namespace wmo::server {
namespace {

constexpr char kViolationsType[] =
    "type.googleapis.com/wmo.type.v1.RuleViolations";
constexpr char kReasonPayload[] = "wmo.api/error-reason";

// The reason of an error that names none: what its code says.
absl::string_view ReasonForCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kCancelled:
      return "CANCELLED";
    case absl::StatusCode::kInvalidArgument:
      return "INVALID_REQUEST";
    case absl::StatusCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case absl::StatusCode::kNotFound:
      return "RESOURCE_NOT_FOUND";
    case absl::StatusCode::kAlreadyExists:
      return "RESOURCE_ALREADY_EXISTS";
    case absl::StatusCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case absl::StatusCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case absl::StatusCode::kFailedPrecondition:
      return "PRECONDITION_FAILED";
    case absl::StatusCode::kAborted:
      return "CONCURRENT_CHANGE";
    case absl::StatusCode::kOutOfRange:
      return "OUT_OF_RANGE";
    case absl::StatusCode::kUnimplemented:
      return "NOT_IMPLEMENTED";
    case absl::StatusCode::kUnavailable:
      return "SERVICE_UNAVAILABLE";
    case absl::StatusCode::kUnauthenticated:
      return "UNAUTHENTICATED";
    default:
      return "INTERNAL_ERROR";
  }
}

// Each value once, in first-seen order, comma-separated.
template <typename Get>
std::string Distinct(const std::vector<wmo::type::v1::RuleViolation>& all,
                     Get get) {
  std::vector<std::string> seen;
  for (const auto& v : all) {
    const std::string& value = get(v);
    if (!value.empty() &&
        std::find(seen.begin(), seen.end(), value) == seen.end()) {
      seen.push_back(value);
    }
  }
  return absl::StrJoin(seen, ",");
}

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

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  status.SetPayload(kReasonPayload, absl::Cord(reason));
  return status;
}

std::string ReasonOf(const absl::Status& status) {
  if (auto reason = status.GetPayload(kReasonPayload)) {
    return std::string(*reason);
  }
  if (status.GetPayload(kViolationsType)) return "RULE_VIOLATED";
  return std::string(ReasonForCode(status.code()));
}

absl::Status ForClient(const absl::Status& status) {
  return ForClient(status, CallScope::RequestId());
}

absl::Status ForClient(const absl::Status& status,
                       absl::string_view request_id) {
  const std::string detail = store::ErrorDetail(status);
  const bool internal = status.code() == absl::StatusCode::kInternal ||
                        status.code() == absl::StatusCode::kUnknown ||
                        status.code() == absl::StatusCode::kDataLoss;
  if (detail.empty() && !internal) return status;
  const std::string id = request_id.empty() ? "-" : std::string(request_id);
  // The store's detail and an internal error's cause are for operators
  // only: the client gets the request id to quote.
  (internal ? LogError : LogWarning)(
      internal ? "internal error" : "store error",
      {{"request_id", id},
       {"code", absl::StatusCodeToString(status.code())},
       {"error", status.message()},
       {"detail", detail}});
  if (internal) {
    return absl::Status(
        status.code(),
        absl::StrCat("internal error; the operators find it by request id ",
                     id));
  }
  return absl::Status(status.code(), status.message());
}

grpc::Status ToGrpcStatus(const absl::Status& domain_status) {
  return ToGrpcStatus(domain_status, CallScope::RequestId());
}

grpc::Status ToGrpcStatus(const absl::Status& domain_status,
                          absl::string_view request_id) {
  if (domain_status.ok()) return grpc::Status::OK;
  const absl::Status status = ForClient(domain_status, request_id);
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message(status.message());
  const auto violations = Violations(status);

  google::rpc::Status rich;
  rich.set_code(static_cast<int>(code));
  rich.set_message(message);
  google::rpc::ErrorInfo info;
  info.set_reason(ReasonOf(domain_status));
  info.set_domain(std::string(kErrorDomain));
  auto& metadata = *info.mutable_metadata();
  if (std::string ids = Distinct(
          violations, [](const auto& v) -> auto& { return v.rule_id(); });
      !ids.empty()) {
    metadata["ruleIds"] = std::move(ids);
  }
  if (std::string codes = Distinct(
          violations, [](const auto& v) -> auto& { return v.return_code(); });
      !codes.empty()) {
    metadata["returnCodes"] = std::move(codes);
  }
  if (!request_id.empty()) metadata["requestId"] = std::string(request_id);
  rich.add_details()->PackFrom(info);
  if (violations.empty()) {
    return grpc::Status(code, message, rich.SerializeAsString());
  }
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
    google::rpc::ErrorInfo info;
    if (detail.UnpackTo(&violations)) {
      out.SetPayload(kViolationsType,
                     absl::Cord(violations.SerializeAsString()));
    } else if (detail.UnpackTo(&info) && info.domain() == kErrorDomain) {
      out = WithReason(std::move(out), info.reason());
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
