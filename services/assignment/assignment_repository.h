#ifndef WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_REPOSITORY_H_
#define WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_REPOSITORY_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "libs/store/store.h"
#include "wmo/assignment/v1/assignment.pb.h"
#include "wmo/assignment/v1/assignment_service.pb.h"

namespace wmo::assignment {

// The assignment service's tables. Each assignment is stored whole as
// protobuf bytes beside the columns it is looked up by; every version is
// kept (the audit trail is libs/audit's table, in the same store). All
// functions run on a connection so that the API can put a check and its write
// in one transaction.
class AssignmentRepository {
 public:
  static absl::Span<const store::Migration> Migrations();

  // NOT_FOUND when absent.
  static absl::StatusOr<v1::Assignment> Get(store::Connection& c,
                                            const std::string& municipality,
                                            const std::string& number);
  // The assignments with these numbers that exist, by number, in a few
  // statements.
  static absl::StatusOr<std::map<std::string, v1::Assignment>> GetMany(
      store::Connection& c, const std::string& municipality,
      const std::set<std::string>& numbers);
  // A former version; NOT_FOUND when absent.
  static absl::StatusOr<v1::Assignment> GetRevision(
      store::Connection& c, const std::string& municipality,
      const std::string& number, int64_t revision);
  // Locks the client until the transaction ends: every change of a
  // client's assignments takes it before checking them against each other.
  static absl::Status LockClient(store::Connection& c, const std::string& bsn);
  // The client's assignments under `catalog` that are not deleted, in every
  // municipality of the region: the client, not the municipality, is what
  // lot exclusivity, yearly caps and combinations count (shared rule).
  static absl::StatusOr<std::vector<v1::Assignment>> ListForClient(
      store::Connection& c, const std::string& catalog, const std::string& bsn);
  // The same for many clients at once, every catalog: by BSN, in a few
  // statements.
  static absl::StatusOr<std::map<std::string, std::vector<v1::Assignment>>>
  ListForClients(store::Connection& c, const std::set<std::string>& bsns);

  struct Filter {
    std::string municipality;
    std::string client_bsn;
    std::string provider_agb;
    std::string product;
    int state = 0;
    // ISO date or "".
    std::string active_on;
  };
  // At most `limit` matching assignments in number order, after number
  // `after` ("" from the first).
  static absl::StatusOr<std::vector<v1::Assignment>> List(
      store::Connection& c, const Filter& filter, const std::string& after,
      size_t limit);

  // What the declaration service last reported as billed on an
  // assignment; zeros and revision 0 when it reported nothing.
  static absl::StatusOr<v1::AssignmentUsage> GetUsage(
      store::Connection& c, const std::string& municipality,
      const std::string& number);
  // Stores each usage unless one with the same or a higher revision is
  // stored; at most one per assignment.
  struct UsageOf {
    std::string municipality;
    std::string number;
    const v1::AssignmentUsage* usage;
  };
  static absl::Status RecordUsage(store::Connection& c,
                                  const std::vector<UsageOf>& usages);
  // The state of each of these assignments that exists, by number.
  static absl::StatusOr<std::map<std::string, int64_t>> States(
      store::Connection& c, const std::string& municipality,
      const std::set<std::string>& numbers);

  // Reserves `count` numbers of the municipality for new assignments and
  // returns the first: the municipality's counter moves past them (and
  // past a first number already taken by hand, as imports choose theirs).
  static absl::StatusOr<int64_t> ReserveNumbers(store::Connection& c,
                                                const std::string& municipality,
                                                int64_t count);

  // Inserts a new assignment (revision 1); ALREADY_EXISTS when the number
  // is in use.
  static absl::Status Insert(store::Connection& c,
                             const v1::Assignment& assignment);
  // Stores a new revision of an existing assignment.
  static absl::Status Update(store::Connection& c,
                             const v1::Assignment& assignment);

  // Provider requests (315). Insert: ALREADY_EXISTS when a concurrent
  // request broke TR374 or TR347 first (the unique indexes).
  static absl::Status InsertRequest(store::Connection& c, const std::string& id,
                                    const v1::AssignmentRequest& request);
  static absl::Status UpdateRequest(store::Connection& c, const std::string& id,
                                    const v1::AssignmentRequest& request);
  static absl::StatusOr<v1::AssignmentRequest> GetRequest(
      store::Connection& c, const std::string& id);
  // "municipalities/{municipality}/assignmentRequests/{id}".
  static std::string RequestName(absl::string_view municipality,
                                 absl::string_view id);
  // Which requests to list: those to `municipality`, or with it empty every
  // one `provider_agb` made; `state` 0 is any.
  struct RequestFilter {
    std::string municipality;
    std::string provider_agb;
    int state = 0;
  };
  // At most `limit` matching requests, oldest first, after the one with
  // key `after` (RequestKey; "" from the first).
  static absl::StatusOr<std::vector<v1::AssignmentRequest>> ListRequests(
      store::Connection& c, const RequestFilter& filter,
      const std::string& after, size_t limit);
  // A request's place in that order.
  static std::string RequestKey(const v1::AssignmentRequest& request);
  // TR374: whether the provider has an open request for the client
  // outside `batch` (any, for an empty batch).
  static absl::StatusOr<bool> HasOpenRequest(store::Connection& c,
                                             const std::string& provider,
                                             const std::string& client_bsn,
                                             const std::string& batch);
  // TR347: whether the provider used the reference before.
  static absl::StatusOr<bool> ReferenceUsed(store::Connection& c,
                                            const std::string& provider,
                                            const std::string& reference);

  // The changes a provider is told of (ListAssignmentChanges), numbered
  // per provider in commit order. Record: ALREADY_EXISTS, retryable, when
  // a concurrent change took the number.
  static absl::Status RecordChange(store::Connection& c,
                                   const std::string& provider,
                                   v1::AssignmentChange change);
  static absl::StatusOr<std::vector<v1::AssignmentChange>> ListChanges(
      store::Connection& c, const std::string& provider, int64_t after,
      size_t limit);
};

}  // namespace wmo::assignment

#endif  // WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_REPOSITORY_H_
