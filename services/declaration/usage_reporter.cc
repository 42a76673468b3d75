#include "services/declaration/usage_reporter.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "libs/server/api.h"
#include "libs/server/log.h"
#include "services/declaration/declaration_repository.h"

namespace wmo::declaration {
namespace {

constexpr size_t kBatch = 1000;  // RecordAssignmentUsage's limit

}  // namespace

UsageReporter::UsageReporter(store::Database& db,
                             assignment::AssignmentSource& assignments,
                             absl::Duration retry)
    : db_(db), assignments_(assignments), retry_(retry) {}

void UsageReporter::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void UsageReporter::Start() {
  thread_ = std::thread([this] { Run(); });
}

void UsageReporter::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

absl::Status UsageReporter::Flush() {
  absl::MutexLock serial(&flushing_);
  // Entries added behind the last page are for the next flush, which the
  // commit that added them asks for.
  std::pair<std::string, std::string> after;
  for (;;) {
    std::vector<assignment::v1::AssignmentUsage> pending;
    if (absl::Status s = db_.ReadTransaction([&](store::Connection& c) {
          auto found = DeclarationRepository::PendingUsage(c, after, kBatch);
          if (!found.ok()) return found.status();
          pending = *std::move(found);
          return absl::OkStatus();
        });
        !s.ok()) {
      return s;
    }
    if (pending.empty()) return absl::OkStatus();
    auto answer = assignments_.RecordUsage(pending);
    if (!answer.ok()) return answer.status();
    if (answer->unexpected_size() > 0) {
      // Lines approved while their assignment was deleted, or on one the
      // assignment service does not know: for the municipality to sort out.
      server::LogWarning(absl::StrCat(
          "approved declaration lines on assignments that are deleted or "
          "unknown: ",
          absl::StrJoin(answer->unexpected(), ", ")));
    }
    if (absl::Status s = db_.Transaction([&](store::Connection& c) {
          return DeclarationRepository::ClearUsage(c, pending);
        });
        !s.ok()) {
      return s;
    }
    if (pending.size() < kBatch) return absl::OkStatus();
    auto last = server::ParseName(pending.back().assignment(),
                                  "municipalities/*/assignments/*", "");
    if (!last.ok()) return last.status();
    after = {(*last)[0], (*last)[1]};
  }
}

void UsageReporter::Run() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return woken_ || stopping_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&ready), retry_);
      if (stopping_) return;
      woken_ = false;
    }
    if (absl::Status s = Flush(); !s.ok()) {
      server::LogWarning(
          absl::StrCat("usage not yet reported to the assignment service ("
                       "retrying): ",
                       s.ToString()));
    }
  }
}

}  // namespace wmo::declaration
