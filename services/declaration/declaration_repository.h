#ifndef WMO_SERVICES_DECLARATION_DECLARATION_REPOSITORY_H_
#define WMO_SERVICES_DECLARATION_DECLARATION_REPOSITORY_H_

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "libs/rules/declaration.h"
#include "libs/store/store.h"
#include "wmo/assignment/v1/assignment_service.pb.h"
#include "wmo/declaration/v1/declaration.pb.h"
#include "wmo/declaration/v1/declaration_service.pb.h"

namespace wmo::declaration {

// The declaration service's tables: each declaration whole (with its
// verdicts) as protobuf bytes; every line as a row, for credits,
// settlements and the usage of an assignment, in a partition per declared
// month on PostgreSQL (one table on SQLite); every reference with the month
// it was declared in (TR314, and where to find its line); and the running
// totals the checks need (per assignment, per client and year, deliveries
// per day). Functions run on a connection so that a declaration's checks
// and writes share one transaction.
class DeclarationRepository {
 public:
  static absl::Span<const store::Migration> Migrations();

  // Gives the lines of each declared month their partition before the first
  // declaration of that month stores any (PostgreSQL; SQLite keeps one
  // table). A month's work then touches that month's partition, and an old
  // month can be detached to be archived. Cheap after the first call for a
  // month in a process.
  class LinePartitions {
   public:
    absl::Status Ensure(store::Database& db, const std::string& period);
    // Whether `status` failed for want of the partition of its month (one
    // detached since this process made sure of it): the month is then
    // made sure of again by the next Ensure.
    bool Lost(const absl::Status& status, const std::string& period);

   private:
    absl::Mutex mu_;
    std::set<std::string> ready_ ABSL_GUARDED_BY(mu_);
  };

  struct Stored {
    std::string content_sha256;
    v1::Declaration declaration;
  };
  // Locks what the declarations of other providers share with this one:
  // its `clients` whose facts they change
  // (rules::ClientsSharedWithOtherProviders), until the transaction ends.
  static absl::Status LockSharedClients(store::Connection& c,
                                        const std::set<std::string>& clients);

  // The declaration with its lines; nothing when absent.
  static absl::StatusOr<std::optional<Stored>> Find(
      store::Connection& c, const std::string& provider_agb,
      const std::string& number);

  // Loads into `ledger` what the checks of `lines` need, all in batches:
  // the provider's earlier lines by reference (also those of
  // `unparsed_references`, the references of lines refused as malformed,
  // so that Save stores no line under a reference used before), open
  // debits and totals of the assignments, the clients' yearly quantities of
  // the declared year, and the deliveries around the month of the clients
  // in `clients_with_detail`. A reference whose line is in a month since
  // archived (a detached partition) is loaded as an unapproved line: used,
  // and nothing to credit.
  static absl::Status LoadLedger(
      store::Connection& c, const rules::DeclarationHeader& header,
      const std::vector<rules::DeclaredLine>& lines,
      const std::set<std::string>& unparsed_references,
      const std::vector<std::string>& clients_with_detail,
      rules::Ledger& ledger);

  // Stores the checked declaration: the declaration, its lines (a reference
  // in `before.lines`, stored already, is not stored again), the credited
  // debits, and the ledger entries that differ from `before`, added as
  // differences (a credit may concern a total that was not loaded).
  // `before` is the ledger as LoadLedger read it, under the provider's
  // lock: no line of the provider is stored meanwhile.
  static absl::Status Save(store::Connection& c,
                           const v1::Declaration& declaration,
                           const std::string& content_sha256,
                           const rules::Ledger& before,
                           const rules::Ledger& after);

  // At most `limit` declarations without lines, newest period first and
  // by number, after the one with key `after` ("period/number"; "" from
  // the first).
  static absl::StatusOr<std::vector<v1::Declaration>> List(
      store::Connection& c, const std::string& provider_agb,
      const std::string& municipality, const std::string& period,
      const std::string& after, size_t limit);

  // Approved amounts per municipality and product of one month.
  static absl::StatusOr<v1::Settlement> Settle(store::Connection& c,
                                               const std::string& provider_agb,
                                               const std::string& period);

  // Up to `limit` assignments whose approved usage the assignment service
  // has not heard yet, each with its current totals and their revision, in
  // order of (municipality, number) after `after` (of the last one of the
  // previous page; empty for the first page).
  static absl::StatusOr<std::vector<assignment::v1::AssignmentUsage>>
  PendingUsage(store::Connection& c,
               const std::pair<std::string, std::string>& after, size_t limit);
  // Forgets the pending entries `delivered` covers: those still at the
  // delivered revision.
  static absl::Status ClearUsage(
      store::Connection& c,
      const std::vector<assignment::v1::AssignmentUsage>& delivered);
};

}  // namespace wmo::declaration

#endif  // WMO_SERVICES_DECLARATION_DECLARATION_REPOSITORY_H_
