#include "services/capacity/enrolment_api.h"

#include <map>
#include <string>
#include <utility>

#include "libs/server/update_mask.h"
#include "services/capacity/capacity_common.h"

namespace wmo::capacity {

using server::ParseName;
using server::Violation;

absl::Status EnrolmentApi::CreateEnrolment(
    const auth::Principal& caller, const v1::CreateEnrolmentRequest& request,
    v1::Enrolment* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "enrol clients");
      !s.ok()) {
    return s;
  }
  auto once = Once(request, "enrolments");
  if (!once.ok()) return once.status();
  Placement::Request r;
  r.kind = Kind::kGroup;
  r.caller = &caller;
  r.operation = "CreateEnrolment";
  WMO_ASSIGN_OR_RETURN(key, ChildKey(request.parent(), "groups", "parent"));
  r.parent = key;
  r.enrolment = request.enrolment();
  server::ClearOutputOnly(r.enrolment);
  if (auto days = RequestedDays(nullptr, &r.enrolment); !days.ok()) {
    return days.status();
  }
  WMO_ASSIGN_OR_RETURN(catalog, SiteCatalog(db_, Kind::kGroup, key));
  WMO_ASSIGN_OR_RETURN(
      facts, placement_.FetchFacts(r.enrolment.assignment(), catalog));
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    std::string made;
    if (absl::Status s =
            placement_.Make(c, r, facts, &made, nullptr, response, nullptr);
        !s.ok()) {
      return s;
    }
    return made;
  };
  auto replay = [&](store::Connection& c,
                    const std::string& name) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(first, Repo::GetEnrolment(c, key, IdOf(name)));
    *response = std::move(first);
    return absl::OkStatus();
  };
  return db_.Transaction([&](store::Connection& c) {
    return store::CreateOnce(c, *once, create, replay);
  });
}

absl::Status EnrolmentApi::EndEnrolment(const auth::Principal& caller,
                                        const v1::EndEnrolmentRequest& request,
                                        v1::Enrolment* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.name(), "end enrolments");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(ids, ParseName(request.name(),
                                      "providers/*/locations/*/groups/*/"
                                      "enrolments/*",
                                      "name"));
  const SiteKey group{ids[0], ids[1], ids[2]};
  WMO_ASSIGN_OR_RETURN(end, rules::ParseDate(request.end_date(), "end_date"));
  // Without the look-ups nobody is promoted, but the enrolment still ends.
  auto facts = placement_.WaitingFacts(Kind::kGroup, group);
  if (!facts.ok()) facts = std::map<std::string, Placement::Facts>();
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(e, Repo::GetEnrolment(c, group, ids[3]));
    const v1::Enrolment before = e;
    auto period = rules::ParsePeriod(e.start_date(), e.end_date(), "");
    if (e.state() != v1::Enrolment::ACTIVE || !period.ok() ||
        !period->Contains(end)) {
      return Refused(
          absl::StatusCode::kFailedPrecondition, "refused",
          {Violation("CP-STATE", "", "end_date",
                     absl::StrCat("only an active enrolment ends, "
                                  "on a day from ",
                                  e.start_date(), " to ", e.end_date()))});
    }
    e.set_state(v1::Enrolment::ENDED);
    e.set_end_date(request.end_date());
    if (absl::Status s = Repo::UpdateEnrolment(c, group, ids[3], e); !s.ok()) {
      return s;
    }
    if (absl::Status s = AuditChange(c, caller, "EndEnrolment", before, e);
        !s.ok()) {
      return s;
    }
    if (absl::Status s =
            placement_.Promote(c, caller, Kind::kGroup, group, *facts);
        !s.ok()) {
      return s;
    }
    *response = std::move(e);
    return absl::OkStatus();
  });
}

absl::Status EnrolmentApi::GetEnrolment(const auth::Principal& caller,
                                        const v1::GetEnrolmentRequest& request,
                                        v1::Enrolment* response) {
  WMO_ASSIGN_OR_RETURN(ids, ParseName(request.name(),
                                      "providers/*/locations/*/groups/*/"
                                      "enrolments/*",
                                      "name"));
  const SiteKey group{ids[0], ids[1], ids[2]};
  // Anyone but a municipality must be the provider, found or not.
  if (caller.kind != auth::PrincipalKind::kMunicipality) {
    if (absl::Status s =
            RequireProviderOf(caller, request.name(), "read enrolments");
        !s.ok()) {
      return s;
    }
  }
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        WMO_ASSIGN_OR_RETURN(e, Repo::GetEnrolment(c, group, ids[3]));
        if (absl::Status s = RequireProviderOrClientsMunicipality(
                caller, group, e.assignment(), "read enrolments");
            !s.ok()) {
          return s;
        }
        *response = std::move(e);
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  return audit::RecordRead(db_, caller, request.name(), "GetEnrolment",
                           {response->name()});
}

absl::Status EnrolmentApi::ListEnrolments(
    const auth::Principal& caller, const v1::ListEnrolmentsRequest& request,
    v1::ListEnrolmentsResponse* response) {
  // A municipality reads the enrolments of its own clients.
  const std::string clients = ClientsOf(caller);
  if (clients.empty()) {
    if (absl::Status s =
            RequireProviderOf(caller, request.parent(), "list enrolments");
        !s.ok()) {
      return s;
    }
  }
  WMO_ASSIGN_OR_RETURN(key, ChildKey(request.parent(), "groups", "parent"));
  WMO_ASSIGN_OR_RETURN(page, server::ParseKeyPage(request));
  if (!request.active_on().empty()) {
    if (auto d = rules::ParseDate(request.active_on(), "active_on"); !d.ok()) {
      return d.status();
    }
  }
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        WMO_ASSIGN_OR_RETURN(
            rows, clients.empty()
                      ? Repo::ListEnrolments(c, key, request.active_on(),
                                             page.after, page.size + 1)
                      : Repo::ListEnrolments(c, key, request.active_on(),
                                             page.after, kAllEnrolments));
        if (!clients.empty()) rows = OnlyUnder(std::move(rows), clients, page);
        response->Clear();
        PageByKey(rows, page, response->mutable_enrolments(),
                  response->mutable_next_page_token());
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  return audit::RecordRead(db_, caller,
                           absl::StrCat(request.parent(), "/enrolments"),
                           "ListEnrolments", NamesOf(response->enrolments()));
}

}  // namespace wmo::capacity
