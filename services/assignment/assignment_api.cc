// AssignmentApi: an assignment's life (create, change, end, delete,
// delivery start and stop), each change checked against its catalog and the
// client's other assignments in the transaction that writes it. Reads are
// assignment_reads.cc, providers' requests assignment_requests.cc.
#include "services/assignment/assignment_api.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/audit/audit.h"
#include "libs/auth/permissions.h"
#include "libs/rules/identifiers.h"
#include "libs/server/api.h"
#include "libs/server/call_scope.h"
#include "libs/server/digest.h"
#include "libs/server/status.h"
#include "libs/server/update_mask.h"
#include "services/assignment/assignment_api_internal.h"
#include "services/assignment/assignment_repository.h"
#include "services/assignment/assignment_rules.h"
#include "services/catalog/catalog_rules.h"

namespace wmo::assignment {
namespace internal {

const std::set<std::string>& RejectionReasons() {  // WJ759
  static const auto* const kCodes =
      new std::set<std::string>{"1", "2", "3", "4", "5", "6", "7", "8", "9"};
  return *kCodes;
}

absl::Status Refused(absl::StatusCode code, absl::string_view summary,
                     const std::vector<type::v1::RuleViolation>& violations) {
  return server::ViolationStatus(code, summary, violations);
}

absl::Status Refused(absl::string_view rule, absl::string_view return_code,
                     absl::string_view field, absl::string_view message) {
  return Refused(absl::StatusCode::kFailedPrecondition, "refused",
                 {server::Violation(rule, return_code, field, message)});
}

std::string ChangesOf(absl::string_view provider_agb) {
  return absl::StrCat("assignment changes of ", provider_agb);
}

}  // namespace internal

namespace {

using Repo = AssignmentRepository;
using internal::Refused;
using server::ParseName;
using server::Violation;
using wmo::type::v1::RuleViolation;

// A change the provider is told of (by a WMO301): anything but the
// delivery it reported itself.
bool TellsProvider(v1::Assignment before, v1::Assignment after) {
  for (v1::Assignment* a : {&before, &after}) {
    a->clear_delivery();
    a->clear_revision();
    a->clear_etag();
    a->clear_update_time();
  }
  return !google::protobuf::util::MessageDifferencer::Equals(before, after);
}

absl::Status RecordChangeOf(store::Connection& c, const v1::Assignment& a) {
  v1::AssignmentChange change;
  *change.mutable_assignment() = a;
  *change.mutable_change_time() = a.update_time();
  return Repo::RecordChange(c, a.provider_agb(), std::move(change));
}

// iWmo code lists the lifecycle methods take.
// WMO002 RedenWijziging, without 01: it is no longer used (CS336; 14 is
// its successor), and the WMO301 telling the change would be refused.
const std::set<std::string>& ChangeReasons() {
  static const auto* const kCodes =
      new std::set<std::string>{"02", "03", "04", "05", "06", "07", "08",
                                "09", "10", "11", "12", "13", "14"};
  return *kCodes;
}
const std::set<std::string>& EndReasons() {  // WMO588 RedenBeeindiging
  static const auto* const kCodes = new std::set<std::string>{
      "02", "19", "20", "21", "22", "23", "31", "36", "37", "38", "39"};
  return *kCodes;
}

constexpr char kDeletedReason[] = "13";

std::string AssignmentName(const v1::Assignment& a) {
  return absl::StrCat("municipalities/", a.municipality(), "/assignments/",
                      a.number());
}

// The audit entry of a change of an assignment by `caller`.
type::v1::AuditEntry AuditOf(const auth::Principal& caller,
                             absl::string_view operation,
                             const v1::Assignment& before,
                             const v1::Assignment& after) {
  type::v1::AuditEntry entry =
      audit::Change(caller, after.name(), operation, before, after);
  entry.set_revision(after.revision());
  return entry;
}

// The catalog checks' inputs, except the client's other assignments which
// are read inside the transaction.
struct CatalogFacts {
  std::shared_ptr<const wmo::catalog::v1::Catalog> catalog;
  catalog::ContractCheck contract;
};

absl::StatusOr<CatalogFacts> LoadCatalogFacts(catalog::CatalogSource& catalogs,
                                              const v1::Assignment& a) {
  auto start = rules::ParseDate(a.start_date(), "start_date");
  if (!start.ok()) return start.status();
  auto catalog = catalogs.CatalogOn(a.catalog(), *start);
  if (absl::IsNotFound(catalog.status()) ||
      absl::IsInvalidArgument(catalog.status())) {
    return Refused("AS-CATALOG", "", "catalog",
                   absl::StrCat(catalog.status().message(),
                                "; name a catalog valid on the start date"));
  }
  if (!catalog.ok()) return catalog.status();
  CatalogFacts facts;
  facts.catalog = *std::move(catalog);
  facts.contract = catalog::CheckContract(
      *facts.catalog, catalog::FindContract(*facts.catalog, a.provider_agb()),
      a.product(), *start);
  return facts;
}

// Runs the catalog checks; the product's iWmo codes and the lot are filled
// in when they pass.
absl::Status CheckAndComplete(v1::Assignment& a, const CatalogFacts& facts,
                              std::vector<v1::Assignment> others) {
  CatalogContext context{facts.catalog.get(), facts.contract,
                         std::move(others)};
  auto violations = CheckAgainstCatalog(a, context);
  if (!violations.empty()) {
    return Refused(absl::StatusCode::kFailedPrecondition,
                   "the assignment breaks catalog rules", violations);
  }
  if (const auto* p = catalog::FindProduct(*facts.catalog, a.product())) {
    a.set_product_category(p->category());
    a.set_product_code(p->code());
  }
  a.set_lot(EffectiveLot(a, *facts.catalog));
  return absl::OkStatus();
}

absl::Status CheckFormatOf(const v1::Assignment& a) {
  auto violations = CheckFormat(a);
  if (violations.empty()) return absl::OkStatus();
  return Refused(absl::StatusCode::kInvalidArgument,
                 "the assignment is malformed", violations);
}

// Refused while a dependent of `before` would lose cover it had when it
// becomes `after`; each dependent read in its own catalog version.
absl::Status KeepsDependents(const v1::Assignment& before,
                             const v1::Assignment& after,
                             const std::vector<v1::Assignment>& others,
                             const ClientCatalogs& catalogs) {
  const auto version =
      [&](const v1::Assignment& a) -> const wmo::catalog::v1::Catalog* {
    auto it = catalogs.find({a.catalog(), a.start_date()});
    return it == catalogs.end() ? nullptr : it->second.get();
  };
  const wmo::catalog::v1::Catalog* own = version(before);
  if (own == nullptr) {
    return absl::AbortedError(
        "the client's assignments changed while this one was checked; retry");
  }
  std::vector<RuleViolation> v =
      CheckDependents(before, after, others, *own, version);
  if (v.empty()) return absl::OkStatus();
  return Refused(absl::StatusCode::kFailedPrecondition,
                 "other assignments of the client need this one", v);
}

std::vector<v1::Assignment> Without(std::vector<v1::Assignment> all,
                                    const std::string& name) {
  std::erase_if(all, [&](const v1::Assignment& a) { return a.name() == name; });
  return all;
}

// Changing assignment `name` (municipalities/{cbs}/assignments/{number}):
// only its municipality. INVALID_ARGUMENT for a malformed name.
absl::Status RequireOwner(const auth::Principal& caller,
                          const std::string& name, absl::string_view verb) {
  auto ids = ParseName(name, "municipalities/*/assignments/*", "name");
  if (!ids.ok()) return ids.status();
  return auth::RequireMunicipality(caller, (*ids)[0],
                                   absl::StrCat(verb, " assignment ", name));
}

}  // namespace

absl::Status AssignmentApi::CreateChecked(
    v1::Assignment candidate, const store::CreateRequest& once,
    const auth::Principal& caller,
    absl::FunctionRef<absl::Status(store::Connection&, const v1::Assignment&)>
        also,
    v1::Assignment* response) {
  // The reason of a change (WMO002); a new assignment has none.
  candidate.clear_change_reason();
  if (absl::Status s = server::CheckRequestId(once.request_id); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckFormatOf(candidate); !s.ok()) return s;
  // iWmo carries the number as an integer (LDT_Nummer): "012" would come
  // back as 12, so a number has no leading zero.
  if (!candidate.number().empty() &&
      (candidate.number().size() > 9 ||
       !std::all_of(candidate.number().begin(), candidate.number().end(),
                    ::isdigit) ||
       (candidate.number().size() > 1 && candidate.number()[0] == '0'))) {
    return Refused(absl::StatusCode::kInvalidArgument, "malformed",
                   {Violation("AS-NUMBER", "", "number",
                              "a ToewijzingNummer has 1 to 9 digits, without "
                              "a leading zero; leave it empty to have one "
                              "assigned")});
  }
  WMO_ASSIGN_OR_RETURN(facts, LoadCatalogFacts(catalogs_, candidate));
  const std::string m = candidate.municipality();
  // Without a number the assignment gets the next of this process's block
  // (NumberBlocks), taken before the transaction and given back when the
  // create does not happen; one a hand-chosen number took is skipped.
  const bool numbered = !candidate.number().empty();
  std::string number = candidate.number();
  int64_t taken = 0;  // the block's number, when not numbered
  bool created = false;
  bool number_in_use = false;
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    created = number_in_use = false;
    v1::Assignment a = candidate;
    if (absl::Status s = Repo::LockClient(c, a.client().bsn()); !s.ok()) {
      return s;
    }
    WMO_ASSIGN_OR_RETURN(others,
                         Repo::ListForClient(c, a.catalog(), a.client().bsn()));
    if (absl::Status s = CheckAndComplete(a, facts, std::move(others));
        !s.ok()) {
      return s;
    }
    a.set_number(number);
    a.set_name(AssignmentName(a));
    a.set_state(v1::Assignment::ACTIVE);
    a.set_revision(1);
    a.set_etag(server::Etag(1));
    *a.mutable_create_time() = server::Timestamp(now_());
    *a.mutable_update_time() = a.create_time();
    if (absl::Status s = Repo::Insert(c, a); !s.ok()) {
      if (!absl::IsAlreadyExists(s)) return s;
      number_in_use = !numbered;
      return Refused(absl::StatusCode::kAlreadyExists, "number in use",
                     {Violation("TR332", "9332", "number",
                                absl::StrCat("assignment number ", a.number(),
                                             " is in use in municipality ", m,
                                             "; choose another or leave it "
                                             "empty"))});
    }
    if (absl::Status s = audit::Record(
            c, AuditOf(caller, "CreateAssignment", v1::Assignment(), a));
        !s.ok()) {
      return s;
    }
    if (absl::Status s = RecordChangeOf(c, a); !s.ok()) return s;
    if (absl::Status s = also(c, a); !s.ok()) return s;
    *response = std::move(a);
    created = true;
    return response->name();
  };
  auto replay = [&](store::Connection& c,
                    const std::string& name) -> absl::Status {
    created = number_in_use = false;
    WMO_ASSIGN_OR_RETURN(ids,
                         ParseName(name, "municipalities/*/assignments/*", ""));
    WMO_ASSIGN_OR_RETURN(first, Repo::Get(c, ids[0], ids[1]));
    *response = std::move(first);
    return absl::OkStatus();
  };
  // A block's numbers run past at most as many hand-chosen ones.
  constexpr int kMaxNumbersInUse = 64;
  for (int in_use = 0;; ++in_use) {
    if (!numbered) {
      WMO_ASSIGN_OR_RETURN(next, numbers_.Take(m));
      taken = next;
      number = absl::StrCat(taken);
    }
    // A provider's creates take turns: its change feed is numbered in the
    // order they commit. Other providers' creates run beside them, each
    // locking its client (as every change of a client's assignments does)
    // before checking the client's other assignments. Under one
    // serializable transaction each, creates of neighbouring clients kept
    // invalidating each other (half of them were rerun with 8 callers).
    absl::Status s = db_.SerialTransaction(
        internal::ChangesOf(candidate.provider_agb()),
        [&](store::Connection& c) {
          return store::CreateOnce(c, once, create, replay);
        });
    if (numbered) return s;
    if (number_in_use) {
      if (in_use < kMaxNumbersInUse) continue;
      return absl::InternalError(
          absl::StrCat("no free assignment number found in municipality ", m,
                       " after ", kMaxNumbersInUse, " taken ones"));
    }
    if (!created || !s.ok()) numbers_.GiveBack(m, taken);
    return s;
  }
}

absl::Status AssignmentApi::CreateAssignment(
    const auth::Principal& caller, const v1::CreateAssignmentRequest& request,
    v1::Assignment* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(request.parent(), "municipalities/*", "parent"));
  if (absl::Status s = auth::RequireMunicipality(
          caller, ids[0],
          absl::StrCat("create assignments of municipality ", ids[0]));
      !s.ok()) {
    return s;
  }
  v1::Assignment candidate = request.assignment();
  server::ClearOutputOnly(candidate);
  if (!candidate.municipality().empty() && candidate.municipality() != ids[0]) {
    return absl::InvalidArgumentError(
        "assignment.municipality differs from parent; leave it empty");
  }
  candidate.set_municipality(ids[0]);
  return CreateChecked(
      std::move(candidate),
      {absl::StrCat(request.parent(), "/assignments"), request.request_id(),
       server::RequestDigest(request)},
      caller,
      [](store::Connection&, const v1::Assignment&) {
        return absl::OkStatus();
      },
      response);
}

absl::Status AssignmentApi::Modify(
    const auth::Principal& caller, const std::string& name,
    const std::string& etag, const std::string& action,
    absl::FunctionRef<absl::Status(store::Connection&, v1::Assignment&)> change,
    v1::Assignment* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(name, "municipalities/*/assignments/*", "name"));
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(before, Repo::Get(c, ids[0], ids[1]));
    // A create for the client, running beside this transaction, waits for
    // it, and this one reruns after such a create.
    if (absl::Status s = Repo::LockClient(c, before.client().bsn()); !s.ok()) {
      return s;
    }
    if (absl::Status s = server::CheckEtag(etag, before.etag(), "assignment");
        !s.ok()) {
      return s;
    }
    v1::Assignment after = before;
    if (absl::Status s = change(c, after); !s.ok()) return s;
    after.set_revision(before.revision() + 1);
    after.set_etag(server::Etag(after.revision()));
    *after.mutable_update_time() = server::Timestamp(now_());
    if (absl::Status s = Repo::Update(c, after); !s.ok()) return s;
    if (TellsProvider(before, after)) {
      if (absl::Status s = RecordChangeOf(c, after); !s.ok()) return s;
    }
    if (absl::Status s =
            audit::Record(c, AuditOf(caller, action, before, after));
        !s.ok()) {
      return s;
    }
    *response = std::move(after);
    return absl::OkStatus();
  });
}

absl::Status AssignmentApi::UpdateAssignment(
    const auth::Principal& caller, const v1::UpdateAssignmentRequest& request,
    v1::Assignment* response) {
  const v1::Assignment& patch = request.assignment();
  if (absl::Status s = RequireOwner(caller, patch.name(), "change"); !s.ok()) {
    return s;
  }
  if (!ChangeReasons().count(patch.change_reason())) {
    return Refused(absl::StatusCode::kInvalidArgument, "malformed",
                   {Violation("AS-REASON", "", "assignment.change_reason",
                              "give the reason of the change as a WMO002 code "
                              "(RedenWijziging), e.g. 04 extension, 05 "
                              "shortening")});
  }
  if (patch.change_reason() == kDeletedReason) {
    return absl::InvalidArgumentError(
        "assignment.change_reason: 13 (deleted) goes through "
        "DeleteAssignment");
  }
  WMO_ASSIGN_OR_RETURN(fields, server::FieldsToUpdate(request.update_mask(),
                                                      patch, "AS-UPDATE"));
  // A budget replaces an extent and the other way round.
  if (std::count(fields.begin(), fields.end(), "extent") !=
      std::count(fields.begin(), fields.end(), "budget_cents")) {
    fields.push_back(std::count(fields.begin(), fields.end(), "extent")
                         ? "budget_cents"
                         : "extent");
  }
  // The catalog and start date never change, so the catalog is read once
  // before the transaction.
  WMO_ASSIGN_OR_RETURN(ids,
                       ParseName(patch.name(), "municipalities/*/assignments/*",
                                 "assignment.name"));
  v1::Assignment current;
  if (absl::Status s = db_.ReadTransaction([&](store::Connection& c) {
        auto a = Repo::Get(c, ids[0], ids[1]);
        if (!a.ok()) return a.status();
        current = *std::move(a);
        return absl::OkStatus();
      });
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(facts, LoadCatalogFacts(catalogs_, current));
  WMO_ASSIGN_OR_RETURN(catalogs, ClientCatalogsOf(patch.name()));
  return Modify(
      caller, patch.name(), request.etag(), "UpdateAssignment",
      [&](store::Connection& c, v1::Assignment& a) -> absl::Status {
        const v1::Assignment before = a;
        if (a.state() != v1::Assignment::ACTIVE) {
          return Refused("AS-STATE", "", "assignment.name",
                         "only an active assignment can be changed");
        }
        if (absl::Status s = server::KeepsImmutable(patch, before,
                                                    "assignment.", "AS-UPDATE");
            !s.ok()) {
          return s;
        }
        server::CopyFields(fields, patch, a);
        a.set_change_reason(patch.change_reason());
        if (absl::Status s = CheckFormatOf(a); !s.ok()) return s;
        WMO_ASSIGN_OR_RETURN(
            others, Repo::ListForClient(c, a.catalog(), a.client().bsn()));
        std::vector<v1::Assignment> rest = Without(std::move(others), a.name());
        if (absl::Status s = CheckAndComplete(a, facts, rest); !s.ok()) {
          return s;
        }
        return KeepsDependents(before, a, rest, catalogs);
      },
      response);
}

absl::StatusOr<ClientCatalogs> AssignmentApi::ClientCatalogsOf(
    const std::string& name) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(name, "municipalities/*/assignments/*", "name"));
  std::vector<v1::Assignment> all;
  if (absl::Status s = db_.ReadTransaction([&](store::Connection& c) {
        auto got = Repo::Get(c, ids[0], ids[1]);
        if (!got.ok()) return got.status();
        auto others =
            Repo::ListForClient(c, got->catalog(), got->client().bsn());
        if (!others.ok()) return others.status();
        all = *std::move(others);
        all.push_back(*std::move(got));
        return absl::OkStatus();
      });
      !s.ok()) {
    return s;
  }
  ClientCatalogs versions;
  for (const v1::Assignment& a : all) {
    const std::pair<std::string, std::string> key{a.catalog(), a.start_date()};
    if (versions.contains(key)) continue;
    WMO_ASSIGN_OR_RETURN(facts, LoadCatalogFacts(catalogs_, a));
    versions.emplace(key, facts.catalog);
  }
  return versions;
}

absl::Status AssignmentApi::EndAssignment(
    const auth::Principal& caller, const v1::EndAssignmentRequest& request,
    v1::Assignment* response) {
  if (absl::Status s = RequireOwner(caller, request.name(), "end"); !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(end, rules::ParseDate(request.end_date(), "end_date"));
  if (!EndReasons().count(request.end_reason())) {
    return Refused(absl::StatusCode::kInvalidArgument, "malformed",
                   {Violation("AS-REASON", "", "end_reason",
                              "give a WMO588 code (RedenBeeindiging), e.g. 19 "
                              "delivered as planned")});
  }
  WMO_ASSIGN_OR_RETURN(catalogs, ClientCatalogsOf(request.name()));
  return Modify(
      caller, request.name(), request.etag(), "EndAssignment",
      [&](store::Connection& c, v1::Assignment& a) -> absl::Status {
        const v1::Assignment before = a;
        if (a.state() != v1::Assignment::ACTIVE) {
          return Refused("AS-STATE", "", "name",
                         "only an active assignment can be ended");
        }
        auto period = rules::ParsePeriod(a.start_date(), a.end_date(), "");
        if (!period.ok() || !period->Contains(end)) {
          return Refused("AS-PERIOD", "", "end_date",
                         absl::StrCat("the end date must lie in the "
                                      "assignment's period from ",
                                      a.start_date(),
                                      "; to extend it use "
                                      "UpdateAssignment"));
        }
        a.set_state(v1::Assignment::ENDED);
        a.set_end_date(request.end_date());
        a.set_end_reason(request.end_reason());
        WMO_ASSIGN_OR_RETURN(
            others, Repo::ListForClient(c, a.catalog(), a.client().bsn()));
        return KeepsDependents(before, a, Without(std::move(others), a.name()),
                               catalogs);
      },
      response);
}

absl::Status AssignmentApi::DeleteAssignment(
    const auth::Principal& caller, const v1::DeleteAssignmentRequest& request,
    v1::Assignment* response) {
  if (absl::Status s = RequireOwner(caller, request.name(), "delete");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(catalogs, ClientCatalogsOf(request.name()));
  return Modify(
      caller, request.name(), request.etag(), "DeleteAssignment",
      [&](store::Connection& c, v1::Assignment& a) -> absl::Status {
        const v1::Assignment before = a;
        if (a.state() == v1::Assignment::DELETED) {
          return Refused("AS-STATE", "", "name", "already deleted");
        }
        // In the delete's own transaction, from what the declaration
        // service reported after each commit.
        WMO_ASSIGN_OR_RETURN(usage,
                             Repo::GetUsage(c, a.municipality(), a.number()));
        if (usage.approved_lines() > 0) {
          return Refused("TR385", "9385", "name",
                         absl::StrCat(usage.approved_lines(),
                                      " approved declaration lines bill this "
                                      "assignment; end it with EndAssignment "
                                      "instead, or have the lines credited "
                                      "first"));
        }
        if (!a.delivery().start_date().empty()) {
          return Refused("AS-DELETE", "", "name",
                         "delivery has started on this assignment; end it "
                         "with EndAssignment instead of deleting it");
        }
        a.set_state(v1::Assignment::DELETED);
        a.set_change_reason(kDeletedReason);
        a.set_end_date(a.start_date());
        WMO_ASSIGN_OR_RETURN(
            others, Repo::ListForClient(c, a.catalog(), a.client().bsn()));
        return KeepsDependents(before, a, Without(std::move(others), a.name()),
                               catalogs);
      },
      response);
}

namespace {

// Whether `a` is the assignment of the client with `bsn`; any client when
// the caller names none.
bool OfClient(const v1::Assignment& a, const std::string& bsn) {
  return bsn.empty() || a.client().bsn() == bsn;
}

absl::Status NotThisClient() {
  return Refused("TR019", "9019", "client_bsn",
                 "the assignment is another client's; check number and BSN");
}

// StatusAanlevering 3 on a start: the delivery returns to what it was
// before that start.
absl::Status WithdrawStart(const v1::RecordDeliveryStartRequest& request,
                           v1::Assignment& a) {
  const v1::Delivery& d = a.delivery();
  if (a.provider_agb() == request.provider_agb() &&
      d.start_date() != request.start_date() &&
      d.previous_start_date() == request.start_date()) {
    return Refused("TR071", "9071", "start_date",
                   "delivery from this start stopped and started again "
                   "since; it can no longer be withdrawn");
  }
  if (a.provider_agb() != request.provider_agb() ||
      d.start_date() != request.start_date()) {
    return Refused("TR063", "9063", "start_date",
                   "no start on this date was recorded last; withdraw the "
                   "current start only");
  }
  if (!d.stop_date().empty()) {
    return Refused("TR071", "9071", "start_date",
                   absl::StrCat("delivery stopped on ", d.stop_date(),
                                " since; withdraw the stop first"));
  }
  v1::Delivery before;
  before.set_start_date(d.previous_start_date());
  before.set_stop_date(d.previous_stop_date());
  before.set_stop_reason(d.previous_stop_reason());
  *a.mutable_delivery() = std::move(before);
  return absl::OkStatus();
}

}  // namespace

absl::Status AssignmentApi::RecordDeliveryStart(
    const auth::Principal& caller,
    const v1::RecordDeliveryStartRequest& request, v1::Assignment* response) {
  if (absl::Status s = auth::RequireProvider(
          caller, request.provider_agb(),
          absl::StrCat("record delivery as provider ", request.provider_agb()));
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(start,
                       rules::ParseDate(request.start_date(), "start_date"));
  return Modify(
      caller, request.name(), "", "RecordDeliveryStart",
      [&](store::Connection&, v1::Assignment& a) -> absl::Status {
        if (!OfClient(a, request.client_bsn())) return NotThisClient();
        if (request.withdraw()) return WithdrawStart(request, a);
        auto period = rules::ParsePeriod(a.start_date(), a.end_date(), "");
        if (a.provider_agb() != request.provider_agb() ||
            a.state() == v1::Assignment::DELETED || !period.ok() ||
            !period->Contains(start)) {
          return Refused("TR019", "9019", "name",
                         "the start matches no assignment of this provider "
                         "holding the start date; check number, provider "
                         "and date");
        }
        const auto& d = a.delivery();
        if (d.start_date() == request.start_date() && d.stop_date().empty()) {
          return absl::OkStatus();  // recorded before: a message sent again
        }
        if (!d.start_date().empty() && d.stop_date().empty()) {
          return Refused("TR326", "9326", "start_date",
                         absl::StrCat("delivery started on ", d.start_date(),
                                      " has not been stopped; send the stop "
                                      "first"));
        }
        if (!d.stop_date().empty() && request.start_date() < d.stop_date()) {
          return Refused("AS-DELIVERY", "9019", "start_date",
                         absl::StrCat("a new start must not lie before the "
                                      "last stop on ",
                                      d.stop_date()));
        }
        v1::Delivery started;
        started.set_start_date(request.start_date());
        started.set_previous_start_date(d.start_date());
        started.set_previous_stop_date(d.stop_date());
        started.set_previous_stop_reason(d.stop_reason());
        *a.mutable_delivery() = std::move(started);
        return absl::OkStatus();
      },
      response);
}

absl::Status AssignmentApi::RecordDeliveryStop(
    const auth::Principal& caller, const v1::RecordDeliveryStopRequest& request,
    v1::Assignment* response) {
  if (absl::Status s = auth::RequireProvider(
          caller, request.provider_agb(),
          absl::StrCat("record delivery as provider ", request.provider_agb()));
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(stop,
                       rules::ParseDate(request.stop_date(), "stop_date"));
  if (!EndReasons().count(request.stop_reason())) {
    return Refused(absl::StatusCode::kInvalidArgument, "malformed",
                   {Violation("AS-REASON", "", "stop_reason",
                              "give a WMO588 code; 20 means stopped for a "
                              "while")});
  }
  return Modify(
      caller, request.name(), "", "RecordDeliveryStop",
      [&](store::Connection&, v1::Assignment& a) -> absl::Status {
        const auto& d = a.delivery();
        if (!OfClient(a, request.client_bsn())) return NotThisClient();
        if (request.withdraw()) {
          if (a.provider_agb() != request.provider_agb() ||
              d.stop_date() != request.stop_date() ||
              d.stop_reason() != request.stop_reason()) {
            return Refused("TR063", "9063", "stop_date",
                           "no stop on this date with this reason was "
                           "recorded last; withdraw the last stop only");
          }
          a.mutable_delivery()->clear_stop_date();
          a.mutable_delivery()->clear_stop_reason();
          return absl::OkStatus();
        }
        const bool same_start = request.start_date().empty() ||
                                request.start_date() == d.start_date();
        if (a.provider_agb() == request.provider_agb() && same_start &&
            d.stop_date() == request.stop_date() &&
            d.stop_reason() == request.stop_reason()) {
          return absl::OkStatus();  // recorded before: a message sent again
        }
        if (a.provider_agb() == request.provider_agb() &&
            (d.start_date().empty() || !d.stop_date().empty() || !same_start)) {
          return Refused("TR069", "9069", "start_date",
                         "no delivery runs from the start this stop names; "
                         "stop the start that was recorded");
        }
        auto period = rules::ParsePeriod(a.start_date(), a.end_date(), "");
        if (a.provider_agb() != request.provider_agb() || !period.ok() ||
            !period->Contains(stop) || request.stop_date() < d.start_date()) {
          return Refused("TR019", "9019", "name",
                         "the stop matches no delivery of this provider on "
                         "this assignment; check number, provider, date "
                         "(not before the start)");
        }
        a.mutable_delivery()->set_stop_date(request.stop_date());
        a.mutable_delivery()->set_stop_reason(request.stop_reason());
        return absl::OkStatus();
      },
      response);
}

absl::Status AssignmentApi::ListAuditEntries(
    const auth::Principal& caller,
    const type::v1::ListAuditEntriesRequest& request,
    type::v1::ListAuditEntriesResponse* response) {
  return audit::List(db_, caller,
                     {"municipalities/*/assignments/*",
                      "municipalities/*/assignmentRequests/*"},
                     request, response);
}

}  // namespace wmo::assignment
