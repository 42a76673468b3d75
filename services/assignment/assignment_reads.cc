// AssignmentApi: reading assignments (one, a batch for the other services,
// lists and searches) and what the declaration service reports as billed
// on them. Changes are assignment_api.cc.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/audit/audit.h"
#include "libs/auth/permissions.h"
#include "libs/rules/identifiers.h"
#include "libs/server/api.h"
#include "libs/server/call_scope.h"
#include "libs/server/status.h"
#include "services/assignment/assignment_api.h"
#include "services/assignment/assignment_api_internal.h"
#include "services/assignment/assignment_repository.h"
#include "services/assignment/assignment_rules.h"

namespace wmo::assignment {
namespace {

using Repo = AssignmentRepository;
using server::ParseName;
using server::Violation;
using wmo::type::v1::RuleViolation;

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

}  // namespace

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

absl::Status AssignmentApi::ListAssignmentChanges(
    const auth::Principal& caller,
    const v1::ListAssignmentChangesRequest& request,
    v1::ListAssignmentChangesResponse* response) {
  WMO_ASSIGN_OR_RETURN(ids,
                       ParseName(request.parent(), "providers/*", "parent"));
  // The iWmo service reads them to write the provider's messages, acting
  // for the provider (reading its outbox) or for itself.
  const bool for_provider =
      caller.kind == auth::PrincipalKind::kProvider && caller.tenant == ids[0];
  if (!server::CallScope::FromAnotherRole() ||
      !(for_provider || caller.kind == auth::PrincipalKind::kService)) {
    return absl::PermissionDeniedError(
        "only the iWmo service reads a provider's changes, for the provider");
  }
  if (request.after_sequence() < 0 || request.page_size() < 0) {
    return absl::InvalidArgumentError(
        "after_sequence and page_size: give 0 or more");
  }
  const size_t limit =
      request.page_size() == 0 ? 100 : std::min(request.page_size(), 1000);
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(
        changes, Repo::ListChanges(c, ids[0], request.after_sequence(), limit));
    response->Clear();
    for (v1::AssignmentChange& change : changes) {
      *response->add_changes() = std::move(change);
    }
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
    const auto* p = catalog::FindProduct(*it->second, a.product());
    if (p != nullptr && !p->requires_any_of().product_ids().empty()) {
      dependents.emplace_back(&a, it->second.get());
      clients.insert(a.client().bsn());
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
  WMO_ASSIGN_OR_RETURN(page, server::ParseKeyPage(request));
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

}  // namespace wmo::assignment
