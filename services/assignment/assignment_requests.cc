// AssignmentApi: providers' requests for assignments (iWmo 315) and the
// municipality's answers. The assignments themselves are assignment_api.cc.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/audit/audit.h"
#include "libs/auth/permissions.h"
#include "libs/rules/identifiers.h"
#include "libs/server/api.h"
#include "libs/server/call_scope.h"
#include "libs/server/digest.h"
#include "libs/server/status.h"
#include "libs/server/update_mask.h"
#include "services/assignment/assignment_api.h"
#include "services/assignment/assignment_api_internal.h"
#include "services/assignment/assignment_repository.h"
#include "services/assignment/assignment_rules.h"

namespace wmo::assignment {
namespace {

using Repo = AssignmentRepository;
using internal::Refused;
using internal::RejectionReasons;
using server::ParseName;
using server::Violation;
using wmo::type::v1::RuleViolation;

// A change request names the client and its municipality; what it
// changes is checked against the store when it is made.
std::vector<RuleViolation> CheckChangeFormat(const v1::AssignmentRequest& r) {
  std::vector<RuleViolation> out;
  if (!rules::IsValidBsn(r.requested().client().bsn())) {
    out.push_back(Violation("AS-BSN", "", "request.requested.client.bsn",
                            "the client's BSN is not 9 digits passing the "
                            "11-proef"));
  }
  const v1::ChangeRequest& change = r.change();
  if (change.unchanged_size() + change.alterations_size() == 0) {
    out.push_back(Violation("TR352", "", "request.change",
                            "name the client's current assignments, as "
                            "unchanged or to change"));
  }
  if (change.alterations_size() + change.additions_size() == 0) {
    out.push_back(Violation("TR353", "", "request.change",
                            "a change request changes or adds something"));
  }
  for (int i = 0; i < change.alterations_size(); ++i) {
    for (RuleViolation& v : CheckAlterationFormat(
             change.alterations(i),
             absl::StrCat("request.change.alterations[", i, "]"))) {
      out.push_back(std::move(v));
    }
  }
  for (int i = 0; i < change.additions_size(); ++i) {
    v1::Assignment added = change.additions(i);
    added.set_municipality(r.requested().municipality());
    *added.mutable_client() = r.requested().client();
    added.set_provider_agb(r.requested().provider_agb());
    for (RuleViolation& v : CheckFormat(added)) {
      v.set_field(
          absl::StrCat("request.change.additions[", i, "].", v.field()));
      out.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace

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
  server::ClearOutputOnly(wanted);
  wanted.clear_number();
  wanted.set_provider_agb(provider);
  if (wanted.municipality().empty()) wanted.set_municipality(municipality);
  std::vector<RuleViolation> violations =
      r.has_change() ? CheckChangeFormat(r) : CheckFormat(wanted);
  if (wanted.municipality() != municipality) {
    violations.push_back(Violation("AS-MUNICIPALITY", "",
                                   "request.requested.municipality",
                                   "must be the municipality asked (parent), "
                                   "or empty"));
  }
  // A batch is one iWmo 315 message's: the iWmo service sets it, so that
  // a caller cannot join requests to an old batch to pass TR374.
  if (!r.batch().empty() && !server::CallScope::FromAnotherRole()) {
    violations.push_back(Violation("AS-BATCH", "", "request.batch",
                                   "the iWmo service sets the batch of a "
                                   "message's requests; leave it empty"));
  } else if (r.batch().size() > 64 ||
             !std::all_of(r.batch().begin(), r.batch().end(),
                          [](char ch) { return ch > ' ' && ch < 0x7f; })) {
    violations.push_back(Violation("AS-BATCH", "", "request.batch",
                                   "a batch is at most 64 printable ASCII "
                                   "characters without spaces"));
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
  r.clear_under_investigation();
  *r.mutable_create_time() = server::Timestamp(now_());
  *r.mutable_update_time() = r.create_time();
  const auto open_request = Refused(
      absl::StatusCode::kAlreadyExists, "request refused",
      {Violation("TR374", "9374", "request.requested.client",
                 "a request of yours for this client is still open; wait "
                 "for its answer, or send this one in its batch")});
  const auto reference_used =
      Refused(absl::StatusCode::kAlreadyExists, "request refused",
              {Violation("TR347", "9347", "request.provider_reference",
                         "you used this reference before; give a new one")});
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    // Checked first for a precise answer. When two requests race, the unique
    // indexes refuse the second insert; its transaction then reruns and
    // these checks see the first.
    WMO_ASSIGN_OR_RETURN(
        open,
        Repo::HasOpenRequest(c, provider, wanted.client().bsn(), r.batch()));
    if (open) return open_request;
    WMO_ASSIGN_OR_RETURN(
        used, Repo::ReferenceUsed(c, provider, r.provider_reference()));
    if (used) return reference_used;
    if (r.has_change()) {
      // The client's assignments may change beside this transaction (a
      // create runs READ COMMITTED): it waits for one, or reruns after it.
      if (absl::Status s = Repo::LockClient(c, wanted.client().bsn());
          !s.ok()) {
        return s;
      }
      if (absl::Status s = CheckChangeAgainstStore(c, r); !s.ok()) return s;
    }
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
  WMO_ASSIGN_OR_RETURN(page, server::ParseKeyPage(request));
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
  if (request.investigate() && request.grant()) {
    return Refused(absl::StatusCode::kInvalidArgument, "malformed",
                   {Violation("AS-ANSWER", "", "investigate",
                              "investigate neither grants nor rejects; "
                              "clear grant")});
  }
  if (!request.grant() && !request.investigate()) {
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
    if (request.investigate() && current.under_investigation()) {
      return Refused("AS-STATE", "", "investigate",
                     "the provider was told already that the request is "
                     "investigated");
    }
    const v1::AssignmentRequest before = current;
    if (request.investigate()) {
      current.set_under_investigation(true);
    } else {
      current.set_state(request.grant() ? v1::AssignmentRequest::GRANTED
                                        : v1::AssignmentRequest::REJECTED);
    }
    if (granted) current.set_assignment(granted->name());
    if (!request.grant() && !request.investigate()) {
      current.set_rejection_reason(request.rejection_reason());
    }
    *current.mutable_update_time() = server::Timestamp(now_());
    if (absl::Status s = Repo::UpdateRequest(c, ids[1], current); !s.ok()) {
      return s;
    }
    if (!request.grant() || current.has_change()) {
      // The provider is told: a WMO319, or for a change request granted
      // the client's WMO301 (with the changes made, or none). A new
      // assignment granted tells it by its own WMO301.
      v1::AssignmentChange change;
      *change.mutable_assignment_request() = current;
      *change.mutable_change_time() = current.update_time();
      if (absl::Status s = Repo::RecordChange(
              c, current.requested().provider_agb(), std::move(change));
          !s.ok()) {
        return s;
      }
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
  // A change request is granted by the changes the municipality makes.
  if (!request.grant() || r.has_change()) {
    if (request.has_assignment() && r.has_change()) {
      return Refused(absl::StatusCode::kInvalidArgument, "malformed",
                     {Violation("AS-ANSWER", "", "assignment",
                                "a change request is granted by the changes "
                                "you make; leave assignment out")});
    }
    // In turn with the grants of the provider's requests, which create
    // the assignment READ COMMITTED under this key (CreateChecked): of
    // two answers to one request, the second sees the first.
    return db_.SerialTransaction(
        internal::ChangesOf(r.requested().provider_agb()),
        [&](store::Connection& c) { return finish(c, nullptr); });
  }
  v1::Assignment candidate =
      request.has_assignment() ? request.assignment() : r.requested();
  server::ClearOutputOnly(candidate);
  // The municipality may adjust what is granted, not to whom or by whom;
  // the assignment answers the provider's reference (its WMO301 names it).
  candidate.set_municipality(ids[0]);
  // The client is the request's; the municipality adds what a provider
  // does not send (the address), and may correct the name.
  v1::Client client = r.requested().client();
  if (request.assignment().client().has_contact()) {
    *client.mutable_contact() = request.assignment().client().contact();
  }
  if (request.assignment().client().has_name()) {
    *client.mutable_name() = request.assignment().client().name();
  }
  *candidate.mutable_client() = std::move(client);
  candidate.set_provider_agb(r.requested().provider_agb());
  candidate.set_provider_reference(r.provider_reference());
  v1::Assignment created;
  return CreateChecked(
      std::move(candidate), {}, caller,
      [&](store::Connection& c, const v1::Assignment& a) {
        return finish(c, &a);
      },
      &created);
}

absl::Status AssignmentApi::CheckChangeAgainstStore(
    store::Connection& c, const v1::AssignmentRequest& r) {
  const v1::Assignment& wanted = r.requested();
  WMO_ASSIGN_OR_RETURN(by_bsn,
                       Repo::ListForClients(c, {wanted.client().bsn()}));
  std::vector<v1::Assignment> current;
  for (v1::Assignment& a : by_bsn[wanted.client().bsn()]) {
    if (a.municipality() == wanted.municipality() &&
        a.provider_agb() == wanted.provider_agb()) {
      current.push_back(std::move(a));
    }
  }
  std::vector<std::string> names(r.change().unchanged().begin(),
                                 r.change().unchanged().end());
  for (const v1::Alteration& alteration : r.change().alterations()) {
    names.push_back(alteration.assignment());
  }
  std::map<std::string, v1::Assignment> named;
  for (const std::string& name : names) {
    auto ids = ParseName(name, "municipalities/*/assignments/*", "");
    if (!ids.ok() || (*ids)[0] != wanted.municipality()) continue;
    absl::StatusOr<v1::Assignment> a = Repo::Get(c, (*ids)[0], (*ids)[1]);
    if (absl::IsNotFound(a.status())) continue;
    if (!a.ok()) return a.status();
    named.emplace(name, *std::move(a));
  }
  std::vector<RuleViolation> violations = CheckChangeRequest(
      r.change(), wanted.provider_agb(), wanted.client().bsn(), current, named,
      server::TodayBy(now_));
  if (violations.empty()) return absl::OkStatus();
  return Refused(absl::StatusCode::kFailedPrecondition,
                 "the change request does not fit the client's assignments",
                 violations);
}

}  // namespace wmo::assignment
