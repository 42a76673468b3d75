#ifndef WMO_SERVICES_DECLARATION_DECLARATION_API_H_
#define WMO_SERVICES_DECLARATION_DECLARATION_API_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/server/api.h"
#include "libs/store/store.h"
#include "services/assignment/assignment_source.h"
#include "services/catalog/catalog_source.h"
#include "services/declaration/declaration_repository.h"
#include "services/declaration/usage_reporter.h"
#include "wmo/declaration/v1/declaration_service.pb.h"

namespace prometheus {
class Registry;
class Counter;
template <typename T>
class Family;
}  // namespace prometheus

namespace wmo::declaration {

// The declaration service's operations without gRPC. A declaration is
// checked and stored in one store transaction: its assignments and catalog
// versions are fetched first in batches, then the running totals are read,
// every line is checked (libs/rules/declaration.h), and the lines, verdicts
// and new totals are written, so two declarations competing for the same
// remaining volume never both get it.
class DeclarationApi {
 public:
  // Most lines one declaration may hold.
  static constexpr int kMaxLines = 100000;

  // `registry` may be null (no metrics).
  // `now`: the clock that says which day it is (TR137).
  // `usage`: woken after each commit to tell the assignment service what
  // was approved; null when nothing listens (benchmarks).
  DeclarationApi(store::Database& db, assignment::AssignmentSource& assignments,
                 catalog::CatalogSource& catalogs,
                 prometheus::Registry* registry, server::Clock now = absl::Now,
                 UsageReporter* usage = nullptr);

  // `caller` is who asks; what it may do is checked here: a provider its
  // own declarations and settlements; a municipality reads those addressed
  // to it (lists and settlements show it only its share); nobody else
  // anything.

  // Checks and stores `declaration` for the provider `parent`
  // ("providers/{agb}"); the same number and content again returns the
  // stored result.
  // Taken by value: a caller that owns the declaration (the stream) moves
  // it in rather than copying 30,000 lines.
  absl::Status SubmitDeclaration(const auth::Principal& caller,
                                 const std::string& parent,
                                 v1::Declaration declaration,
                                 v1::Declaration* response);
  // The same checks; stores nothing.
  absl::Status ValidateDeclaration(const auth::Principal& caller,
                                   const std::string& parent,
                                   v1::Declaration declaration,
                                   v1::Declaration* response);
  absl::Status GetDeclaration(const auth::Principal& caller,
                              const v1::GetDeclarationRequest& request,
                              v1::Declaration* response);
  absl::Status ListDeclarationLines(
      const auth::Principal& caller,
      const v1::ListDeclarationLinesRequest& request,
      v1::ListDeclarationLinesResponse* response);
  absl::Status ListDeclarations(const auth::Principal& caller,
                                const v1::ListDeclarationsRequest& request,
                                v1::ListDeclarationsResponse* response);
  absl::Status GetSettlement(const auth::Principal& caller,
                             const v1::GetSettlementRequest& request,
                             v1::Settlement* response);
  // OK when `caller` may declare for `parent` ("providers/{agb}"): that
  // provider only. INVALID_ARGUMENT for a malformed parent.
  static absl::Status RequireDeclarant(const auth::Principal& caller,
                                       const std::string& parent);

  // The audit trail (libs/audit).
  absl::Status ListAuditEntries(
      const auth::Principal& caller,
      const type::v1::ListAuditEntriesRequest& request,
      type::v1::ListAuditEntriesResponse* response);

 private:
  // Checks `declaration` for `caller`; with `store`, keeps it and its
  // audit entry in one transaction.
  absl::Status Check(const auth::Principal& caller, const std::string& parent,
                     v1::Declaration declaration, bool store,
                     v1::Declaration* response);
  void Count(const v1::Declaration& checked);
  // Declaration `name` (request field `field`) for its provider or the
  // municipality it is addressed to, its reading recorded as `operation`.
  absl::StatusOr<v1::Declaration> ReadDeclaration(const auth::Principal& caller,
                                                  const std::string& name,
                                                  absl::string_view field,
                                                  absl::string_view operation);

  store::Database& db_;
  assignment::AssignmentSource& assignments_;
  catalog::CatalogSource& catalogs_;
  const server::Clock now_;
  UsageReporter* const usage_;
  DeclarationRepository::LinePartitions partitions_;
  // Lines by outcome, and refusals by rule id; null without a registry.
  prometheus::Family<prometheus::Counter>* lines_ = nullptr;
  prometheus::Family<prometheus::Counter>* rejections_ = nullptr;
};

}  // namespace wmo::declaration

#endif  // WMO_SERVICES_DECLARATION_DECLARATION_API_H_
