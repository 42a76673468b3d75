#ifndef WMO_LIBS_SERVER_STATUS_H_
#define WMO_LIBS_SERVER_STATUS_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "wmo/type/v1/types.pb.h"

// Declares `lhs` as the value of the StatusOr `expr`, or returns its error
// status from the enclosing function.
#define WMO_ASSIGN_OR_RETURN(lhs, expr)         \
  auto lhs##_or = (expr);                       \
  if (!lhs##_or.ok()) return lhs##_or.status(); \
  auto& lhs = *lhs##_or  // NOLINT(bugprone-macro-parentheses): `lhs` is the
                         // name being declared, not an expression.

namespace wmo::server {

// A status carrying every violated rule. The violations travel as a payload
// so that domain code stays free of gRPC; ToGrpcStatus turns them into
// google.rpc.Status details: wmo.type.v1.RuleViolations, and for generic
// clients a
// google.rpc.PreconditionFailure (FAILED_PRECONDITION: the system's state
// refuses it) or a google.rpc.BadRequest (the request is wrong in itself).
absl::Status ViolationStatus(
    absl::StatusCode code, absl::string_view summary,
    const std::vector<wmo::type::v1::RuleViolation>& violations);

// The violations a status carries; empty when it carries none.
std::vector<wmo::type::v1::RuleViolation> Violations(
    const absl::Status& status);

// Every error names its cause in a google.rpc.ErrorInfo (AIP-193), in this
// domain: one for the whole API, since rule ids and reasons are shared by
// its services.
inline constexpr absl::string_view kErrorDomain = "wmo.api";

// `status` with `reason` as its ErrorInfo reason (UPPER_SNAKE_CASE and
// stable: clients branch on it). Without one, the reason comes from the
// status: RULE_VIOLATED when it carries rule violations, else its code.
absl::Status WithReason(absl::Status status, absl::string_view reason);

// The ErrorInfo reason ToGrpcStatus gives `status`.
std::string ReasonOf(const absl::Status& status);

// What a client may see of `status`: a store failure's detail and the text
// of an internal error go to the log, with the current call's request id
// (CallScope), and the client gets the message without them.
absl::Status ForClient(const absl::Status& status);
// The same for the call with `request_id`, outside a CallScope.
absl::Status ForClient(const absl::Status& status,
                       absl::string_view request_id);

// Maps a domain status (through ForClient) to a gRPC status whose details
// hold an ErrorInfo (reason, kErrorDomain, metadata: the rule ids and
// return codes, and the request id inside a CallScope) and, when it carries
// rule violations, wmo.type.v1.RuleViolations and a PreconditionFailure or
// BadRequest.
grpc::Status ToGrpcStatus(const absl::Status& status);
// The same for the call with `request_id`, outside a CallScope (the
// gateway's own answers).
grpc::Status ToGrpcStatus(const absl::Status& status,
                          absl::string_view request_id);

// The domain status of another service's answer, its message prefixed with
// `prefix` and its rule violations and reason kept: what ToGrpcStatus made,
// read back.
absl::Status FromGrpcStatus(const grpc::Status& status,
                            absl::string_view prefix);

// Finishes a unary callback call with `status` mapped by ToGrpcStatus; the
// whole body of a thin handler: `return Respond(context, api.Call(...));`.
grpc::ServerUnaryReactor* Respond(grpc::CallbackServerContext* context,
                                  const absl::Status& status);

// A violation from its parts.
wmo::type::v1::RuleViolation Violation(absl::string_view rule_id,
                                       absl::string_view return_code,
                                       absl::string_view field,
                                       absl::string_view message);

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_STATUS_H_
