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
#include "libs/audit/audit.h"
#include "libs/auth/permissions.h"
#include "libs/rules/identifiers.h"
#include "libs/server/api.h"
#include "libs/server/call_scope.h"
#include "libs/server/digest.h"
#include "libs/server/status.h"
#include "libs/server/update_mask.h"
#include "services/assignment/assignment_repository.h"
#include "services/assignment/assignment_rules.h"
#include "services/catalog/catalog_rules.h"

namespace wmo::assignment {
namespace {

using Repo = AssignmentRepository;
using server::ParseName;
using server::Violation;
using wmo::type::v1::RuleViolation;

// iWmo code lists the lifecycle methods take.
const std::set<std::string>& ChangeReasons() {  // WMO002 RedenWijziging
  static const auto* const kCodes =
      new std::set<std::string>{"01", "02", "03", "04", "05", "06", "07",
                                "08", "09", "10", "11", "12", "13", "14"};
  return *kCodes;
}
const std::set<std::string>& EndReasons() {  // WMO588 RedenBeeindiging
  static const auto* const kCodes = new std::set<std::string>{
      "02", "19", "20", "21", "22", "23", "31", "36", "37", "38", "39"};
  return *kCodes;
}
const std::set<std::string>& RejectionReasons() {  // WJ759
  static const auto* const kCodes =
      new std::set<std::string>{"1", "2", "3", "4", "5", "6", "7", "8", "9"};
  return *kCodes;
}

constexpr char kDeletedReason[] = "13";

std::string AssignmentName(const v1::Assignment& a) {
  return absl::StrCat("municipalities/", a.municipality(), "/assignments/",
                      a.number());
}

absl::Status Refused(absl::StatusCode code, absl::string_view summary,
                     const std::vector<RuleViolation>& violations) {
  return server::ViolationStatus(code, summary, violations);
}

absl::Status Refused(absl::string_view rule, absl::string_view return_code,
                     absl::string_view field, absl::string_view message) {
  return Refused(absl::StatusCode::kFailedPrecondition, "refused",
                 {Violation(rule, return_code, field, message)});
}

// Fields a caller cannot set: the service derives them.
void ClearOutputFields(v1::Assignment& a) {
  a.clear_name();
  a.clear_product_category();
  a.clear_product_code();
  a.clear_state();
  a.clear_end_reason();
  a.clear_delivery();
  a.clear_revision();
  a.clear_create_time();
  a.clear_update_time();
  a.clear_etag();
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

// The names of the assignments an answer holds, for the audit of a read.
template <typename Response>
std::vector<std::string> NamesOf(const Response& response) {
  std::vector<std::string> names;
  names.reserve(response.assignments_size());
  for (const v1::Assignment& a : response.assignments()) {
    names.push_back(a.name());
  }
  return names;
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
  const wmo::catalog::v1::Contract* contract = nullptr;
  for (const auto& c : facts.catalog->contracts()) {
    if (c.provider_agb() == a.provider_agb()) contract = &c;
  }
  facts.contract =
      catalog::CheckContract(*facts.catalog, contract, a.product(), *start);
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
  for (const auto& p : facts.catalog->products()) {
    if (p.id() == a.product()) {
      a.set_product_category(p.category());
      a.set_product_code(p.code());
    }
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
  ClearOutputFields(candidate);
  if (absl::Status s = server::CheckRequestId(once.request_id); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckFormatOf(candidate); !s.ok()) return s;
  if (!candidate.number().empty() &&
      (candidate.number().size() > 9 ||
       !std::all_of(candidate.number().begin(), candidate.number().end(),
                    ::isdigit))) {
    return Refused(absl::StatusCode::kInvalidArgument, "malformed",
                   {Violation("AS-NUMBER", "", "number",
                              "a ToewijzingNummer has 1 to 9 digits; leave it "
                              "empty to have one assigned")});
  }
  WMO_ASSIGN_OR_RETURN(facts, LoadCatalogFacts(catalogs_, candidate));
  const std::string m = candidate.municipality();
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    v1::Assignment a = candidate;
    WMO_ASSIGN_OR_RETURN(others,
                         Repo::ListForClient(c, a.catalog(), a.client().bsn()));
    if (absl::Status s = CheckAndComplete(a, facts, std::move(others));
        !s.ok()) {
      return s;
    }
    if (a.number().empty()) {
      WMO_ASSIGN_OR_RETURN(number, Repo::NextNumber(c, m));
      a.set_number(number);
    }
    a.set_name(AssignmentName(a));
    a.set_state(v1::Assignment::ACTIVE);
    a.set_revision(1);
    a.set_etag(server::Etag(1));
    *a.mutable_create_time() = server::Timestamp(now_());
    *a.mutable_update_time() = a.create_time();
    if (absl::Status s = Repo::Insert(c, a); !s.ok()) {
      if (!absl::IsAlreadyExists(s)) return s;
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
    if (absl::Status s = also(c, a); !s.ok()) return s;
    *response = std::move(a);
    return response->name();
  };
  auto replay = [&](store::Connection& c,
                    const std::string& name) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(ids,
                         ParseName(name, "municipalities/*/assignments/*", ""));
    WMO_ASSIGN_OR_RETURN(first, Repo::Get(c, ids[0], ids[1]));
    *response = std::move(first);
    return absl::OkStatus();
  };
  return db_.Transaction([&](store::Connection& c) {
    return store::CreateOnce(c, once, create, replay);
  });
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

absl::Status AssignmentApi::GetAssignment(
    const auth::Principal& caller, const v1::GetAssignmentRequest& request,
    v1::Assignment* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(request.name(), "municipalities/*/assignments/*", "name"));
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        auto a = request.revision() > 0
                     ? Repo::GetRevision(c, ids[0], ids[1], request.revision())
                     : Repo::Get(c, ids[0], ids[1]);
        if (!a.ok()) return a.status();
        if (absl::Status s = auth::RequireMunicipalityOrProvider(
                caller, ids[0], a->provider_agb(),
                absl::StrCat("read assignment ", request.name()));
            !s.ok()) {
          return s;
        }
        *response = *std::move(a);
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  return audit::RecordRead(db_, caller, request.name(), "GetAssignment",
                           {response->name()});
}

absl::Status AssignmentApi::GetAssignmentUsage(
    const auth::Principal& caller, const v1::GetAssignmentUsageRequest& request,
    v1::AssignmentUsage* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(request.name(), "municipalities/*/assignments/*", "name"));
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(a, Repo::Get(c, ids[0], ids[1]));
    if (absl::Status s = auth::RequireMunicipalityOrProvider(
            caller, ids[0], a.provider_agb(),
            absl::StrCat("read what was billed on ", request.name()));
        !s.ok()) {
      return s;
    }
    WMO_ASSIGN_OR_RETURN(usage, Repo::GetUsage(c, ids[0], ids[1]));
    *response = std::move(usage);
    return absl::OkStatus();
  });
}

absl::Status AssignmentApi::RecordAssignmentUsage(
    const auth::Principal& caller,
    const v1::RecordAssignmentUsageRequest& request,
    v1::RecordAssignmentUsageResponse* response) {
  // Another role of this system (in process, or with a service
  // certificate), not a token: the figures decide deletes (TR385).
  if (caller.kind != auth::PrincipalKind::kService ||
      !server::CallScope::FromAnotherRole()) {
    return absl::PermissionDeniedError(
        "only the declaration service reports usage");
  }
  if (request.usages_size() > 1000) {
    return absl::InvalidArgumentError(
        "usages: at most 1000 per call; split the report");
  }
  // The newest report of each assignment, by municipality and number.
  std::map<std::pair<std::string, std::string>, const v1::AssignmentUsage*>
      newest;
  for (int i = 0; i < request.usages_size(); ++i) {
    const v1::AssignmentUsage& usage = request.usages(i);
    if (usage.approved_lines() < 0 || usage.approved_volume() < 0 ||
        usage.approved_cents() < 0 || usage.revision() <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "usages[", i,
          "]: figures are not negative and a revision is positive"));
    }
    WMO_ASSIGN_OR_RETURN(
        ids, ParseName(usage.assignment(), "municipalities/*/assignments/*",
                       absl::StrCat("usages[", i, "].assignment")));
    const v1::AssignmentUsage*& kept = newest[{ids[0], ids[1]}];
    if (kept == nullptr || kept->revision() < usage.revision()) kept = &usage;
  }
  std::map<std::string, std::set<std::string>> by_municipality;
  std::vector<Repo::UsageOf> usages;
  for (const auto& [key, usage] : newest) {
    by_municipality[key.first].insert(key.second);
    usages.push_back({key.first, key.second, usage});
  }
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    response->Clear();
    for (const auto& [municipality, numbers] : by_municipality) {
      WMO_ASSIGN_OR_RETURN(states, Repo::States(c, municipality, numbers));
      for (const std::string& number : numbers) {
        const v1::AssignmentUsage& usage = *newest.at({municipality, number});
        auto state = states.find(number);
        // Kept all the same: the figures are the declaration store's.
        if (state == states.end() ||
            (state->second == v1::Assignment::DELETED &&
             usage.approved_lines() > 0)) {
          response->add_unexpected(usage.assignment());
        }
      }
    }
    return Repo::RecordUsage(c, usages);
  });
}

absl::Status AssignmentApi::BatchGetAssignments(
    const auth::Principal& caller,
    const v1::BatchGetAssignmentsRequest& request,
    v1::BatchGetAssignmentsResponse* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(request.parent(), "municipalities/*", "parent"));
  const bool provider = caller.kind == auth::PrincipalKind::kProvider;
  if (!provider) {
    if (absl::Status s = auth::RequireMunicipality(
            caller, ids[0],
            absl::StrCat("read assignments of municipality ", ids[0]));
        !s.ok()) {
      return s;
    }
  }
  if (request.names_size() > 1000) {
    return absl::InvalidArgumentError(
        "names: at most 1000 per call; split the request");
  }
  // What other assignments a client has, and when, is not for a caller's
  // eyes: only the declaration service checks lines against it.
  if (request.with_qualifying_cover() &&
      !server::CallScope::FromAnotherRole()) {
    return absl::PermissionDeniedError(
        "with_qualifying_cover: for the declaration service only; leave it "
        "false");
  }
  std::vector<std::string> numbers;
  numbers.reserve(request.names_size());
  for (int i = 0; i < request.names_size(); ++i) {
    const std::string& name = request.names(i);
    if (name.find('/') == std::string::npos) {
      numbers.push_back(name);
      continue;
    }
    WMO_ASSIGN_OR_RETURN(parts,
                         ParseName(name, "municipalities/*/assignments/*",
                                   absl::StrCat("names[", i, "]")));
    if (parts[0] != ids[0]) {
      return absl::InvalidArgumentError(
          absl::StrCat("names[", i, "]: belongs to municipality ", parts[0],
                       ", not to the parent ", ids[0]));
    }
    numbers.push_back(parts[1]);
  }
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        WMO_ASSIGN_OR_RETURN(
            found, Repo::GetMany(c, ids[0], {numbers.begin(), numbers.end()}));
        response->Clear();
        for (const std::string& number : numbers) {
          auto it = found.find(number);
          if (it != found.end() && provider &&
              it->second.provider_agb() != caller.tenant) {
            it = found.end();  // Another provider's: not this caller's to see.
          }
          if (it == found.end()) {
            if (request.allow_missing()) continue;
            return absl::NotFoundError(absl::StrCat(
                "municipality ", ids[0], " has no assignment ", number));
          }
          *response->add_assignments() = it->second;
        }
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  if (request.with_qualifying_cover()) {
    if (absl::Status s = AddQualifyingCovers(*response); !s.ok()) return s;
  }
  return audit::RecordRead(db_, caller,
                           absl::StrCat(request.parent(), "/assignments"),
                           "BatchGetAssignments", NamesOf(*response));
}

absl::Status AssignmentApi::AddQualifyingCovers(
    v1::BatchGetAssignmentsResponse& response) {
  // Each assignment in the catalog version of its start, as it was checked.
  std::map<std::pair<std::string, std::string>,
           std::shared_ptr<const wmo::catalog::v1::Catalog>>
      versions;
  std::vector<
      std::pair<const v1::Assignment*, const wmo::catalog::v1::Catalog*>>
      dependents;
  std::set<std::string> clients;
  for (const v1::Assignment& a : response.assignments()) {
    auto [it, fresh] = versions.try_emplace({a.catalog(), a.start_date()});
    if (fresh) {
      auto start = rules::ParseDate(a.start_date(), "start_date");
      if (!start.ok()) return start.status();
      auto catalog = catalogs_.CatalogOn(a.catalog(), *start);
      if (!catalog.ok() && !absl::IsNotFound(catalog.status())) {
        return catalog.status();
      }
      if (catalog.ok()) it->second = *std::move(catalog);
    }
    if (it->second == nullptr) continue;
    for (const auto& p : it->second->products()) {
      if (p.id() == a.product() && !p.requires_any_of().product_ids().empty()) {
        dependents.emplace_back(&a, it->second.get());
        clients.insert(a.client().bsn());
      }
    }
  }
  if (dependents.empty()) return absl::OkStatus();
  std::map<std::string, std::vector<v1::Assignment>> by_client;
  if (absl::Status s =
          db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
            WMO_ASSIGN_OR_RETURN(found, Repo::ListForClients(c, clients));
            by_client = std::move(found);
            return absl::OkStatus();
          });
      !s.ok()) {
    return s;
  }
  for (const auto& [a, catalog] : dependents) {
    std::vector<v1::Assignment> others;
    for (const v1::Assignment& o : by_client[a->client().bsn()]) {
      if (o.catalog() == a->catalog()) others.push_back(o);
    }
    if (auto cover = QualifyingCoverOf(*a, others, *catalog)) {
      *response.add_qualifying_covers() = *std::move(cover);
    }
  }
  return absl::OkStatus();
}

absl::Status AssignmentApi::ListAssignments(
    const auth::Principal& caller, const v1::ListAssignmentsRequest& request,
    v1::ListAssignmentsResponse* response) {
  v1::SearchAssignmentsRequest query;
  query.set_parent(request.parent());
  query.set_page_size(request.page_size());
  query.set_page_token(request.page_token());
  query.set_provider_agb(request.provider_agb());
  query.set_product(request.product());
  query.set_state(request.state());
  query.set_active_on(request.active_on());
  return ListMatching(caller, "ListAssignments", query, response);
}

absl::Status AssignmentApi::SearchAssignments(
    const auth::Principal& caller, const v1::SearchAssignmentsRequest& request,
    v1::ListAssignmentsResponse* response) {
  if (!rules::IsValidBsn(request.client_bsn())) {
    return absl::InvalidArgumentError(
        "client_bsn: give the client's BSN (nine digits passing the "
        "11-proef)");
  }
  return ListMatching(caller, "SearchAssignments", request, response);
}

absl::Status AssignmentApi::ListMatching(
    const auth::Principal& caller, absl::string_view operation,
    const v1::SearchAssignmentsRequest& request,
    v1::ListAssignmentsResponse* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(request.parent(), "municipalities/*", "parent"));
  std::string provider_agb = request.provider_agb();
  // A filter value that cannot match is a mistake to point out, not an
  // empty list.
  if (!provider_agb.empty() && !rules::IsValidAgb(provider_agb)) {
    return absl::InvalidArgumentError(
        "provider_agb: give the provider's 8-digit AGB code, or leave it "
        "empty for all");
  }
  if (caller.kind == auth::PrincipalKind::kProvider) {
    // A provider sees the assignments given to it, and only those.
    if (!provider_agb.empty() && provider_agb != caller.tenant) {
      return absl::PermissionDeniedError(absl::StrCat(
          auth::Describe(caller), " may not list the assignments of provider ",
          provider_agb, "; leave provider_agb empty or give your own"));
    }
    provider_agb = caller.tenant;
  } else if (absl::Status s = auth::RequireMunicipality(
                 caller, ids[0],
                 absl::StrCat("list assignments of municipality ", ids[0]));
             !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(page, server::ParsePage(request));
  if (!request.active_on().empty()) {
    if (auto d = rules::ParseDate(request.active_on(), "active_on"); !d.ok()) {
      return d.status();
    }
  }
  Repo::Filter filter{ids[0],
                      request.client_bsn(),
                      provider_agb,
                      request.product(),
                      static_cast<int>(request.state()),
                      request.active_on()};
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        // One more than a page tells whether another page follows.
        WMO_ASSIGN_OR_RETURN(rows,
                             Repo::List(c, filter, page.after, page.size + 1));
        response->Clear();
        for (size_t i = 0; i < rows.size() && i < page.size; ++i) {
          *response->add_assignments() = std::move(rows[i]);
        }
        response->set_next_page_token(server::NextPageTokenAfter(
            page,
            response->assignments().empty()
                ? ""
                : response->assignments().rbegin()->number(),
            rows.size() > page.size));
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  return audit::RecordRead(db_, caller,
                           absl::StrCat(request.parent(), "/assignments"),
                           operation, NamesOf(*response));
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
  static const std::set<std::string> kChangeable = {
      "end_date", "extent",    "budget_cents",
      "results",  "approvals", "activities"};
  std::vector<std::string> fields(request.update_mask().paths().begin(),
                                  request.update_mask().paths().end());
  for (const std::string& field : fields) {
    if (!kChangeable.count(field)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "update_mask: \"", field,
          "\" cannot change; changeable are end_date, extent, budget_cents, "
          "results, approvals, activities"));
    }
  }
  if (fields.empty()) {
    if (!patch.end_date().empty()) fields.push_back("end_date");
    if (patch.has_extent()) fields.push_back("extent");
    if (patch.budget_cents() != 0) fields.push_back("budget_cents");
    if (patch.results_size() > 0) fields.push_back("results");
    if (patch.approvals_size() > 0) fields.push_back("approvals");
    if (patch.activities_size() > 0) fields.push_back("activities");
  }
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
        if (!d.start_date().empty() && d.stop_date().empty()) {
          return Refused("TR326", "9326", "start_date",
                         absl::StrCat("delivery started on ", d.start_date(),
                                      " has not been stopped; send the stop "
                                      "first"));
        }
        if (!d.stop_date().empty() && request.start_date() < d.stop_date()) {
          return Refused("AS-DELIVERY", "", "start_date",
                         absl::StrCat("a new start must not lie before the "
                                      "last stop on ",
                                      d.stop_date()));
        }
        auto* delivery = a.mutable_delivery();
        delivery->set_start_date(request.start_date());
        delivery->clear_stop_date();
        delivery->clear_stop_reason();
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
        auto period = rules::ParsePeriod(a.start_date(), a.end_date(), "");
        if (a.provider_agb() != request.provider_agb() ||
            d.start_date().empty() || !d.stop_date().empty() || !period.ok() ||
            !period->Contains(stop) || request.stop_date() < d.start_date()) {
          return Refused("TR019", "9019", "name",
                         "the stop matches no running delivery of this "
                         "provider on this assignment; check number, "
                         "provider, date (not before the start)");
        }
        a.mutable_delivery()->set_stop_date(request.stop_date());
        a.mutable_delivery()->set_stop_reason(request.stop_reason());
        return absl::OkStatus();
      },
      response);
}

absl::Status AssignmentApi::RequestAssignment(
    const auth::Principal& caller, const v1::RequestAssignmentRequest& request,
    v1::AssignmentRequest* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(request.parent(), "municipalities/*", "parent"));
  const std::string& municipality = ids[0];
  // Only a provider asks, for itself.
  const std::string& asked_by = request.request().requested().provider_agb();
  const std::string provider = asked_by.empty() ? caller.tenant : asked_by;
  if (absl::Status s = auth::RequireProvider(
          caller, provider,
          absl::StrCat("request assignments as provider ", provider));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = server::CheckRequestId(request.request_id()); !s.ok()) {
    return s;
  }
  v1::AssignmentRequest r = request.request();
  v1::Assignment& wanted = *r.mutable_requested();
  ClearOutputFields(wanted);
  wanted.clear_number();
  wanted.set_provider_agb(provider);
  if (wanted.municipality().empty()) wanted.set_municipality(municipality);
  std::vector<RuleViolation> violations = CheckFormat(wanted);
  if (wanted.municipality() != municipality) {
    violations.push_back(Violation("AS-MUNICIPALITY", "",
                                   "request.requested.municipality",
                                   "must be the municipality asked (parent), "
                                   "or empty"));
  }
  if (r.provider_reference().empty()) {
    violations.push_back(Violation("AS-REFERENCE", "",
                                   "request.provider_reference",
                                   "give your own reference for the request"));
  }
  if (!violations.empty()) {
    return Refused(absl::StatusCode::kInvalidArgument,
                   "the request is malformed", violations);
  }
  const std::string id =
      absl::StrFormat("%016x", absl::Uniform<uint64_t>(absl::BitGen()));
  r.set_name(Repo::RequestName(municipality, id));
  r.set_state(v1::AssignmentRequest::OPEN);
  r.clear_rejection_reason();
  r.clear_assignment();
  *r.mutable_create_time() = server::Timestamp(now_());
  *r.mutable_update_time() = r.create_time();
  const auto open_request = Refused(
      absl::StatusCode::kAlreadyExists, "request refused",
      {Violation("TR374", "9374", "request.requested.client",
                 "a request of yours for this client is still open; wait "
                 "for its answer")});
  const auto reference_used =
      Refused(absl::StatusCode::kAlreadyExists, "request refused",
              {Violation("TR347", "9347", "request.provider_reference",
                         "you used this reference before; give a new one")});
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    // Checked first for a precise answer. When two requests race, the unique
    // indexes refuse the second insert; its transaction then reruns and
    // these checks see the first.
    WMO_ASSIGN_OR_RETURN(
        open, Repo::HasOpenRequest(c, provider, wanted.client().bsn()));
    if (open) return open_request;
    WMO_ASSIGN_OR_RETURN(
        used, Repo::ReferenceUsed(c, provider, r.provider_reference()));
    if (used) return reference_used;
    absl::Status s = Repo::InsertRequest(c, id, r);
    if (absl::IsAlreadyExists(s)) return store::MarkRetryable(s);
    if (!s.ok()) return s;
    if (absl::Status s = audit::Record(
            c, audit::Change(caller, r.name(), "RequestAssignment",
                             v1::AssignmentRequest(), r));
        !s.ok()) {
      return s;
    }
    *response = r;
    return r.name();
  };
  auto replay = [&](store::Connection& c,
                    const std::string& name) -> absl::Status {
    // By id: requests made before they were named under the municipality
    // were recorded under the provider's name.
    WMO_ASSIGN_OR_RETURN(first,
                         Repo::GetRequest(c, name.substr(name.rfind('/') + 1)));
    *response = std::move(first);
    return absl::OkStatus();
  };
  // A request id is the provider's, whichever municipality it asks.
  const store::CreateRequest once{
      absl::StrCat("providers/", provider, "/assignmentRequests"),
      request.request_id(), server::RequestDigest(request)};
  return db_.Transaction([&](store::Connection& c) {
    return store::CreateOnce(c, once, create, replay);
  });
}

absl::StatusOr<v1::AssignmentRequest> AssignmentApi::ReadRequest(
    const auth::Principal& caller, const std::string& name) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(name, "municipalities/*/assignmentRequests/*", "name"));
  if (absl::Status s = auth::RequireMunicipalityOrProvider(
          caller, ids[0],
          caller.kind == auth::PrincipalKind::kProvider ? caller.tenant : "",
          absl::StrCat("read requests to municipality ", ids[0]));
      !s.ok()) {
    return s;
  }
  v1::AssignmentRequest r;
  if (absl::Status s = db_.ReadTransaction([&](store::Connection& c) {
        auto got = Repo::GetRequest(c, ids[1]);
        if (!got.ok()) return got.status();
        r = *std::move(got);
        return absl::OkStatus();
      });
      !s.ok()) {
    return s;
  }
  // Another municipality's request, or another provider's, is not there
  // for this caller.
  if (r.requested().municipality() != ids[0] ||
      (caller.kind == auth::PrincipalKind::kProvider &&
       r.requested().provider_agb() != caller.tenant)) {
    return absl::NotFoundError(
        absl::StrCat("municipality ", ids[0], " has no request ", ids[1]));
  }
  return r;
}

absl::Status AssignmentApi::GetAssignmentRequest(
    const auth::Principal& caller,
    const v1::GetAssignmentRequestRequest& request,
    v1::AssignmentRequest* response) {
  WMO_ASSIGN_OR_RETURN(r, ReadRequest(caller, request.name()));
  *response = std::move(r);
  return audit::RecordRead(db_, caller, response->name(),
                           "GetAssignmentRequest", {response->name()});
}

absl::Status AssignmentApi::ListAssignmentRequests(
    const auth::Principal& caller,
    const v1::ListAssignmentRequestsRequest& request,
    v1::ListAssignmentRequestsResponse* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(request.parent(), "municipalities/*", "parent"));
  Repo::RequestFilter filter{ids[0] == "-" ? "" : ids[0], "",
                             static_cast<int>(request.state())};
  if (caller.kind == auth::PrincipalKind::kProvider) {
    // A provider lists the requests it made, and only those.
    filter.provider_agb = caller.tenant;
  } else if (absl::Status s = auth::RequireMunicipality(
                 caller, ids[0],
                 absl::StrCat("list requests to municipality ", ids[0]));
             !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(page, server::ParsePage(request));
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        // One more than a page tells whether another page follows.
        WMO_ASSIGN_OR_RETURN(
            rows, Repo::ListRequests(c, filter, page.after, page.size + 1));
        response->Clear();
        for (size_t i = 0; i < rows.size() && i < page.size; ++i) {
          *response->add_assignment_requests() = std::move(rows[i]);
        }
        const auto& listed = response->assignment_requests();
        response->set_next_page_token(server::NextPageTokenAfter(
            page, listed.empty() ? "" : Repo::RequestKey(*listed.rbegin()),
            rows.size() > page.size));
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  std::vector<std::string> names;
  for (const auto& r : response->assignment_requests()) {
    names.push_back(r.name());
  }
  return audit::RecordRead(
      db_, caller, absl::StrCat(request.parent(), "/assignmentRequests"),
      "ListAssignmentRequests", names);
}

absl::Status AssignmentApi::AnswerAssignmentRequest(
    const auth::Principal& caller,
    const v1::AnswerAssignmentRequestRequest& request,
    v1::AssignmentRequest* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(request.name(), "municipalities/*/assignmentRequests/*",
                     "name"));
  if (absl::Status s = auth::RequireMunicipality(
          caller, ids[0],
          absl::StrCat("answer requests to municipality ", ids[0]));
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(r, ReadRequest(caller, request.name()));
  if (!request.grant()) {
    if (!RejectionReasons().count(request.rejection_reason())) {
      return Refused(absl::StatusCode::kInvalidArgument, "malformed",
                     {Violation("AS-REASON", "", "rejection_reason",
                                "give a WJ759 code (RedenAfwijzingVerzoek) "
                                "1..9, e.g. 3 no contract")});
    }
  }
  auto finish = [&](store::Connection& c,
                    const v1::Assignment* granted) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(current, Repo::GetRequest(c, ids[1]));
    if (current.state() != v1::AssignmentRequest::OPEN) {
      return Refused("AS-STATE", "", "name",
                     "the request was answered already");
    }
    const v1::AssignmentRequest before = current;
    current.set_state(granted ? v1::AssignmentRequest::GRANTED
                              : v1::AssignmentRequest::REJECTED);
    if (granted) current.set_assignment(granted->name());
    if (!granted) current.set_rejection_reason(request.rejection_reason());
    *current.mutable_update_time() = server::Timestamp(now_());
    if (absl::Status s = Repo::UpdateRequest(c, ids[1], current); !s.ok()) {
      return s;
    }
    if (absl::Status s = audit::Record(
            c, audit::Change(caller, current.name(), "AnswerAssignmentRequest",
                             before, current));
        !s.ok()) {
      return s;
    }
    *response = std::move(current);
    return absl::OkStatus();
  };
  if (!request.grant()) {
    return db_.Transaction(
        [&](store::Connection& c) { return finish(c, nullptr); });
  }
  v1::Assignment candidate =
      request.has_assignment() ? request.assignment() : r.requested();
  // The municipality may adjust what is granted, not to whom or by whom.
  candidate.set_municipality(ids[0]);
  *candidate.mutable_client() = r.requested().client();
  candidate.set_provider_agb(r.requested().provider_agb());
  v1::Assignment created;
  return CreateChecked(
      std::move(candidate), {}, caller,
      [&](store::Connection& c, const v1::Assignment& a) {
        return finish(c, &a);
      },
      &created);
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
