#include "services/declaration/declaration_service.h"

#include <algorithm>

#include "libs/server/budget.h"
#include "libs/server/call_scope.h"
#include "libs/server/executor.h"
#include "libs/server/status.h"

namespace wmo::declaration {
namespace {

using StreamRequest = v1::SubmitDeclarationStreamRequest;
using StreamResponse = v1::SubmitDeclarationStreamResponse;

// Who calls: RespondLater runs each body inside the call's CallScope.
const auth::Principal& Caller() { return *server::CallScope::Caller(); }

// What a declaration line typically takes on the wire (its required fields:
// reference, assignment number, BSN, product, two dates, volume, unit,
// tariff, amount, direction): a request of n bytes is counted as about
// n / kLineBytes lines while it waits, and as its real count once parsed.
constexpr int64_t kLineBytes = 80;

// A streamed declaration: collects the parts, submits the whole on the
// executor once the client closes its side, and streams the verdicts back
// in parts.
class SubmitStream
    : public grpc::ServerBidiReactor<StreamRequest, StreamResponse> {
 public:
  SubmitStream(const grpc::CallbackServerContext& context, DeclarationApi& api,
               server::Executor& executor,
               const server::Authenticator& authenticator,
               server::Budget& lines)
      : context_(context),
        api_(api),
        executor_(executor),
        lease_(lines.Open()) {
    absl::StatusOr<auth::Principal> caller =
        authenticator.Authenticate(context);
    if (!caller.ok()) {
      Finish(server::ToGrpcStatus(caller.status()));
      return;
    }
    caller_ = *std::move(caller);
    StartRead(&part_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client has sent everything
      if (!started_) {
        Finish(server::ToGrpcStatus(
            absl::InvalidArgumentError("send the parent and the declaration "
                                       "header in the first message")));
        return;
      }
      if (!executor_.TrySubmit([this] { Submit(); })) {
        Finish(server::ToGrpcStatus(executor_.Full()));
      }
      return;
    }
    // Only the provider declares for itself: checked on the first part,
    // before its lines take any of the budget.
    if (!started_) {
      if (absl::Status s =
              DeclarationApi::RequireDeclarant(caller_, part_.parent());
          !s.ok()) {
        Finish(server::ToGrpcStatus(s));
        return;
      }
    }
    // Each part's lines count against the budget as they arrive; the
    // stream holds them until it is done.
    if (absl::Status s = lease_.Grow(part_.declaration().lines_size());
        !s.ok()) {
      Finish(server::ToGrpcStatus(s));
      return;
    }
    if (!started_) {
      started_ = true;
      parent_ = part_.parent();
      declaration_ = std::move(*part_.mutable_declaration());
    } else {
      auto* lines = part_.mutable_declaration()->mutable_lines();
      if (declaration_.lines_size() + lines->size() >
          DeclarationApi::kMaxLines) {
        Finish(server::ToGrpcStatus(absl::InvalidArgumentError(
            "declaration.lines: too many lines; split the declaration by "
            "period or client")));
        return;
      }
      for (auto& line : *lines) declaration_.add_lines()->Swap(&line);
    }
    part_.Clear();
    StartRead(&part_);
  }

  // Only parts before the last come here: the last goes with Finish.
  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(server::ToGrpcStatus(absl::CancelledError("client went away")));
      return;
    }
    WriteNext();
  }

  void OnDone() override { delete this; }

 private:
  static constexpr int kVerdictsPerPart = 1000;

  void Submit() {
    if (absl::Status gone = server::CallerGaveUp(context_); !gone.ok()) {
      Finish(server::ToGrpcStatus(gone));
      return;
    }
    server::CallScope scope(context_, caller_);
    absl::Status status = api_.SubmitDeclaration(
        caller_, parent_, std::move(declaration_), &result_);
    if (!status.ok()) {
      Finish(server::ToGrpcStatus(status));
      return;
    }
    WriteNext();
  }

  void WriteNext() {
    out_.Clear();
    if (next_ == 0) out_.set_name(result_.name());
    const int end = std::min(result_.lines_size(), next_ + kVerdictsPerPart);
    for (; next_ < end; ++next_) {
      v1::Line& line = *result_.mutable_lines(next_);
      v1::LineVerdict& verdict = *out_.add_verdicts();
      verdict.set_reference(line.reference());
      verdict.mutable_verdict()->Swap(line.mutable_verdict());
    }
    if (next_ == result_.lines_size()) {
      *out_.mutable_totals() = result_.totals();
      // One operation: a last write on its own may wait for Finish, which
      // would wait for it.
      StartWriteAndFinish(&out_, grpc::WriteOptions(), grpc::Status::OK);
    } else {
      StartWrite(&out_);
    }
  }

  const grpc::CallbackServerContext& context_;
  DeclarationApi& api_;
  server::Executor& executor_;
  auth::Principal caller_;
  server::Budget::Lease lease_;
  StreamRequest part_;
  bool started_ = false;
  std::string parent_;
  v1::Declaration declaration_;
  v1::Declaration result_;
  StreamResponse out_;
  int next_ = 0;
};

}  // namespace

grpc::ServerUnaryReactor* DeclarationService::SubmitDeclaration(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto lease = std::make_shared<server::Budget::Lease>();
  if (absl::Status s = ReserveLines(*request, *lease); !s.ok()) {
    return server::Respond(context, s);
  }
  return server::RespondLaterParsed<v1::SubmitDeclarationRequest,
                                    v1::Declaration>(
      context, executor_, authenticator_, request, response,
      [this, lease](const v1::SubmitDeclarationRequest& in,
                    v1::Declaration* out) {
        if (absl::Status s = HoldLines(in.declaration().lines_size(), *lease);
            !s.ok()) {
          return s;
        }
        return api_.SubmitDeclaration(Caller(), in.parent(), in.declaration(),
                                      out);
      });
}

absl::Status DeclarationService::ReserveLines(const grpc::ByteBuffer& request,
                                              server::Budget::Lease& lease) {
  const int64_t bytes = static_cast<int64_t>(request.Length());
  return lines_.Take(std::max<int64_t>(1, bytes / kLineBytes), lease);
}

absl::Status DeclarationService::HoldLines(int lines,
                                           server::Budget::Lease& lease) {
  return lease.Resize(lines);
}

grpc::ServerBidiReactor<StreamRequest, StreamResponse>*
DeclarationService::SubmitDeclarationStream(
    grpc::CallbackServerContext* context) {
  return new SubmitStream(*context, api_, executor_, authenticator_, lines_);
}

grpc::ServerUnaryReactor* DeclarationService::ValidateDeclaration(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto lease = std::make_shared<server::Budget::Lease>();
  if (absl::Status s = ReserveLines(*request, *lease); !s.ok()) {
    return server::Respond(context, s);
  }
  return server::RespondLaterParsed<v1::ValidateDeclarationRequest,
                                    v1::Declaration>(
      context, executor_, authenticator_, request, response,
      [this, lease](const v1::ValidateDeclarationRequest& in,
                    v1::Declaration* out) {
        if (absl::Status s = HoldLines(in.declaration().lines_size(), *lease);
            !s.ok()) {
          return s;
        }
        return api_.ValidateDeclaration(Caller(), in.parent(), in.declaration(),
                                        out);
      });
}

grpc::ServerUnaryReactor* DeclarationService::ListDeclarationLines(
    grpc::CallbackServerContext* context,
    const v1::ListDeclarationLinesRequest* request,
    v1::ListDeclarationLinesResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.ListDeclarationLines(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* DeclarationService::GetDeclaration(
    grpc::CallbackServerContext* context,
    const v1::GetDeclarationRequest* request, v1::Declaration* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.GetDeclaration(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* DeclarationService::ListDeclarations(
    grpc::CallbackServerContext* context,
    const v1::ListDeclarationsRequest* request,
    v1::ListDeclarationsResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.ListDeclarations(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* DeclarationService::GetSettlement(
    grpc::CallbackServerContext* context,
    const v1::GetSettlementRequest* request, v1::Settlement* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.GetSettlement(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* DeclarationService::ListAuditEntries(
    grpc::CallbackServerContext* context,
    const type::v1::ListAuditEntriesRequest* request,
    type::v1::ListAuditEntriesResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.ListAuditEntries(Caller(), *request, response);
      });
}

}  // namespace wmo::declaration
