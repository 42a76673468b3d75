#include "services/capacity/capacity_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "libs/rules/capacity.h"
#include "libs/rules/declaration.h"
#include "libs/rules/identifiers.h"
#include "libs/rules/volume.h"
#include "libs/server/status.h"
#include "services/catalog/catalog_rules.h"

namespace wmo::capacity {
namespace {

using catalog::FindProduct;
using server::Violation;
using wmo::catalog::v1::Product;
using wmo::catalog::v1::ProductKind;

// Products of `catalog` named by `ids`, each of one of `kinds`.
void CheckProducts(const wmo::catalog::v1::Catalog& catalog,
                   const google::protobuf::RepeatedPtrField<std::string>& ids,
                   const std::set<int>& kinds, absl::string_view kind_names,
                   Violations& v) {
  if (ids.empty()) {
    v.push_back(
        Violation("CP-PRODUCT", "", "products",
                  absl::StrCat("name the ", kind_names, " products of catalog ",
                               catalog.id(), " served")));
  }
  for (int i = 0; i < ids.size(); ++i) {
    const Product* p = FindProduct(catalog, ids[i]);
    const std::string field = absl::StrCat("products[", i, "]");
    if (p == nullptr) {
      v.push_back(Violation(
          "CP-PRODUCT", "", field,
          absl::StrCat("catalog ", catalog.id(), " has no product ", ids[i])));
    } else if (!kinds.count(p->kind())) {
      v.push_back(Violation("CP-PRODUCT", "", field,
                            absl::StrCat("product ", ids[i], " is not a ",
                                         kind_names, " product")));
    }
  }
}

}  // namespace

Violations CheckLocation(const v1::Location& l) {
  Violations v;
  if (l.display_name().empty()) {
    v.push_back(
        Violation("CP-FORMAT", "", "display_name", "give the location a name"));
  }
  if (!rules::IsValidMunicipalityCode(l.municipality())) {
    v.push_back(Violation("CP-FORMAT", "", "municipality",
                          "give the 4-digit CBS code of the municipality"));
  }
  if (!rules::Pc4(l.postcode())) {
    v.push_back(Violation("CP-FORMAT", "", "postcode",
                          "give a Dutch postcode such as 6001 AB"));
  }
  return v;
}

GroupBounds CatalogBounds(const wmo::catalog::v1::Catalog& catalog,
                          const v1::Group& group) {
  GroupBounds b;
  auto tighten_max = [](int& bound, int value) {
    if (value > 0 && (bound == 0 || value < bound)) bound = value;
  };
  for (const std::string& id : group.products()) {
    const Product* p = FindProduct(catalog, id);
    if (p == nullptr || !p->has_group()) continue;
    const auto& spec = p->group();
    b.min_size = std::max(b.min_size, spec.min_size());
    tighten_max(b.max_size, spec.max_size());
    tighten_max(b.max_clients_per_staff, spec.max_clients_per_staff());
    if (!spec.source().rule().empty()) b.rule_id = spec.source().rule();
  }
  return b;
}

Violations CheckGroup(const v1::Group& g,
                      const wmo::catalog::v1::Catalog& catalog) {
  Violations v;
  if (g.display_name().empty()) {
    v.push_back(
        Violation("CP-FORMAT", "", "display_name", "give the group a name"));
  }
  CheckProducts(catalog, g.products(),
                {wmo::catalog::v1::PRODUCT_KIND_GROUP_SUPPORT,
                 wmo::catalog::v1::PRODUCT_KIND_DAY_ACTIVITY},
                "group support or day activity", v);
  const GroupBounds bounds = CatalogBounds(catalog, g);
  if (g.min_size() < 0 || g.max_size() < 0 || g.max_clients_per_staff() < 0) {
    v.push_back(Violation("CP-FORMAT", "", "max_size",
                          "sizes and ratios are not negative"));
  }
  if (bounds.max_size > 0 && g.max_size() > bounds.max_size) {
    v.push_back(Violation(
        bounds.rule_id, "", "max_size",
        absl::StrCat("the catalog allows groups of at most ", bounds.max_size,
                     "; lower max_size or leave it 0")));
  }
  if (bounds.min_size > 0 && g.min_size() > 0 &&
      g.min_size() < bounds.min_size) {
    v.push_back(Violation(
        bounds.rule_id, "", "min_size",
        absl::StrCat("the catalog wants groups of at least ", bounds.min_size,
                     "; raise min_size or leave it 0")));
  }
  if (bounds.max_clients_per_staff > 0 &&
      g.max_clients_per_staff() > bounds.max_clients_per_staff) {
    v.push_back(Violation(
        bounds.rule_id, "", "max_clients_per_staff",
        absl::StrCat("the catalog allows at most ",
                     bounds.max_clients_per_staff,
                     " clients per staff member; lower it or leave it 0")));
  }
  if (g.max_size() > 0 && g.min_size() > g.max_size()) {
    v.push_back(Violation("CP-FORMAT", "", "min_size",
                          "min_size must not exceed max_size"));
  }
  if (g.sessions().empty()) {
    v.push_back(Violation("CP-FORMAT", "", "sessions",
                          "give the weekly sessions of the group"));
  }
  std::set<std::pair<int, int>> seen;
  for (int i = 0; i < g.sessions_size(); ++i) {
    const v1::Session& s = g.sessions(i);
    const std::string field = absl::StrCat("sessions[", i, "]");
    if (s.weekday() < wmo::catalog::v1::WEEKDAY_MONDAY ||
        s.weekday() > wmo::catalog::v1::WEEKDAY_SUNDAY ||
        s.day_part() == v1::DAY_PART_UNSPECIFIED) {
      v.push_back(Violation("CP-FORMAT", "", field,
                            "give the weekday and the day part"));
    }
    if (s.staff() <= 0) {
      v.push_back(Violation("CP-FORMAT", "", field + ".staff",
                            "plan at least one staff member"));
    }
    if (!seen.insert({s.weekday(), s.day_part()}).second) {
      v.push_back(
          Violation("CP-FORMAT", "", field, "each weekday and day part once"));
    }
  }
  return v;
}

v1::Group WithCatalogBounds(v1::Group g,
                            const wmo::catalog::v1::Catalog& catalog) {
  const GroupBounds bounds = CatalogBounds(catalog, g);
  if (g.min_size() == 0) g.set_min_size(bounds.min_size);
  if (g.max_size() == 0) g.set_max_size(bounds.max_size);
  if (g.max_clients_per_staff() == 0) {
    g.set_max_clients_per_staff(bounds.max_clients_per_staff);
  }
  return g;
}

int SessionCapacity(const v1::Group& g, const v1::Session& s) {
  int capacity = -1;
  if (g.max_size() > 0) capacity = g.max_size();
  if (g.max_clients_per_staff() > 0) {
    const int staffed = s.staff() * g.max_clients_per_staff();
    capacity = capacity < 0 ? staffed : std::min(capacity, staffed);
  }
  return capacity;
}

Violations CheckBounded(const v1::Group& group) {
  if (group.max_size() > 0 || group.max_clients_per_staff() > 0) return {};
  return {Violation("CP-SIZE", "", "max_size",
                    "the catalog sets no group size for these products; give "
                    "max_size")};
}

Violations CheckPool(const v1::BedPool& pool,
                     const wmo::catalog::v1::Catalog& catalog) {
  Violations v;
  if (pool.display_name().empty()) {
    v.push_back(
        Violation("CP-FORMAT", "", "display_name", "give the pool a name"));
  }
  CheckProducts(catalog, pool.products(),
                {wmo::catalog::v1::PRODUCT_KIND_SHORT_STAY}, "short-stay", v);
  if (pool.beds() <= 0 || pool.beds() > 1000) {
    v.push_back(
        Violation("CP-FORMAT", "", "beds", "a pool has 1 to 1000 beds"));
  }
  return v;
}

Violations CheckContracted(
    const wmo::catalog::v1::Catalog& catalog, const std::string& provider,
    const google::protobuf::RepeatedPtrField<std::string>& products,
    rules::Date on) {
  const wmo::catalog::v1::Contract* contract =
      catalog::FindContract(catalog, provider);
  Violations v;
  for (int i = 0; i < products.size(); ++i) {
    const catalog::ContractCheck check =
        catalog::CheckContract(catalog, contract, products[i], on);
    if (check.contracted) continue;
    v.push_back(Violation(
        "CP-CONTRACT", "", absl::StrCat("products[", i, "]"),
        absl::StrCat(check.reason, "; serve only contracted products")));
  }
  return v;
}

absl::Status Refusal(const Violations& violations) {
  const bool format_only =
      std::all_of(violations.begin(), violations.end(),
                  [](const auto& v) { return v.rule_id() == "CP-FORMAT"; });
  return server::ViolationStatus(
      format_only ? absl::StatusCode::kInvalidArgument
                  : absl::StatusCode::kFailedPrecondition,
      format_only ? "malformed" : "refused", violations);
}

Violations CheckServesLocation(const wmo::catalog::v1::Catalog& catalog,
                               const v1::Location& location) {
  for (const auto& m : catalog.municipalities()) {
    if (m.cbs_code() == location.municipality()) return {};
  }
  std::vector<std::string> codes;
  for (const auto& m : catalog.municipalities()) codes.push_back(m.cbs_code());
  return {Violation(
      "CP-REGION", "", "catalog",
      absl::StrCat("catalog ", catalog.id(), " serves municipalities ",
                   absl::StrJoin(codes, ", "), "; location ", location.name(),
                   " is in municipality ", location.municipality(),
                   ": choose the catalog of that municipality's region"))};
}

Violations CheckMoveKeepsRegion(
    const std::vector<const wmo::catalog::v1::Catalog*>& catalogs,
    const v1::Location& moved) {
  Violations out;
  for (const wmo::catalog::v1::Catalog* catalog : catalogs) {
    if (CheckServesLocation(*catalog, moved).empty()) continue;
    std::vector<std::string> codes;
    for (const auto& m : catalog->municipalities()) {
      codes.push_back(m.cbs_code());
    }
    out.push_back(Violation(
        "CP-REGION", "", "location.municipality",
        absl::StrCat("groups or bed pools of this location serve catalog ",
                     catalog->id(), ", which serves municipalities ",
                     absl::StrJoin(codes, ", "), " and not ",
                     moved.municipality(),
                     "; delete them or keep the location's municipality")));
  }
  return out;
}

Violations CheckAgeOnEveryDay(const wmo::assignment::v1::Assignment& assignment,
                              const wmo::catalog::v1::Product& product,
                              const rules::Period& days,
                              const std::string& first_field,
                              const std::string& field) {
  Violations out;
  const std::vector<std::string> activities(assignment.activities().begin(),
                                            assignment.activities().end());
  for (const rules::AgeLimit& limit : catalog::AgeLimitsOf(product, "CP-AGE")) {
    if (!rules::AgeLimitApplies(limit, activities)) continue;
    auto birth =
        rules::ParseDate(assignment.client().birth_date(), "birth_date");
    if (!birth.ok()) {
      out.push_back(Violation(limit.rule_id, "", "assignment",
                              "the assignment records no birth date of the "
                              "client, and the product has an age bound"));
      continue;
    }
    if (std::optional<std::string> problem =
            rules::AgeProblem(limit, *birth, days)) {
      const bool too_young =
          days.from < rules::DaysWithinAge(limit, *birth).from;
      out.push_back(Violation(
          limit.rule_id, "", too_young ? first_field : field,
          absl::StrCat("product ", product.id(),
                       " has an age bound on every day: ", *problem)));
    }
  }
  return out;
}

Violations CheckEntitlement(
    const wmo::assignment::v1::Assignment* a, const std::string& client_bsn,
    const std::string& provider, const std::string& catalog,
    const google::protobuf::RepeatedPtrField<std::string>& products,
    const rules::Period& needed) {
  auto refuse = [](absl::string_view message) {
    return Violations{Violation("CP-ASSIGNMENT", "", "assignment", message)};
  };
  if (a == nullptr) {
    // Also when it was given to another provider: that provider's
    // assignments are not the caller's to see.
    return refuse(
        "the assignment does not exist or was not given to this provider; "
        "name the client's assignment to you as "
        "municipalities/{code}/assignments/{number}");
  }
  if (a->state() == wmo::assignment::v1::Assignment::DELETED) {
    return refuse("the assignment was deleted");
  }
  Violations v;
  if (a->client().bsn() != client_bsn) {
    v.push_back(Violation("CP-ASSIGNMENT", "", "client_bsn",
                          "the assignment belongs to another client"));
  }
  if (a->provider_agb() != provider) {
    v.push_back(Violation(
        "CP-ASSIGNMENT", "", "assignment",
        absl::StrCat("the assignment is for provider ", a->provider_agb(),
                     ", not for ", provider, " who runs this location")));
  }
  if (a->catalog() != catalog || std::find(products.begin(), products.end(),
                                           a->product()) == products.end()) {
    v.push_back(Violation(
        "CP-ASSIGNMENT", "", "assignment",
        absl::StrCat("the assignment is for product ", a->product(), " of ",
                     a->catalog(), ", which this place does not serve")));
  }
  auto period = rules::ParsePeriod(a->start_date(), a->end_date(), "");
  if (!period.ok() || !period->Contains(needed.from) ||
      !period->Contains(needed.to)) {
    v.push_back(Violation(
        "CP-ASSIGNMENT", "", "assignment",
        absl::StrCat("the assignment runs from ", a->start_date(), " to ",
                     a->end_date().empty() ? "open end" : a->end_date(),
                     " and does not cover ", rules::FormatDate(needed.from),
                     " to ", rules::FormatDate(needed.to),
                     "; stay within it")));
  }
  return v;
}

std::vector<int> SessionIndices(const v1::Group& group,
                                const v1::Enrolment& enrolment, Violations& v) {
  std::vector<int> indices;
  for (int i = 0; i < enrolment.sessions_size(); ++i) {
    const v1::SessionSlot& slot = enrolment.sessions(i);
    int found = -1;
    for (int k = 0; k < group.sessions_size(); ++k) {
      if (group.sessions(k).weekday() == slot.weekday() &&
          group.sessions(k).day_part() == slot.day_part()) {
        found = k;
      }
    }
    const std::string field = absl::StrCat("sessions[", i, "]");
    if (found < 0) {
      v.push_back(Violation("CP-SESSION", "", field,
                            "the group has no session on this weekday and "
                            "day part; choose one of its sessions"));
    } else if (std::find(indices.begin(), indices.end(), found) !=
               indices.end()) {
      v.push_back(Violation("CP-SESSION", "", field, "named twice"));
    } else {
      indices.push_back(found);
    }
  }
  if (enrolment.sessions().empty()) {
    v.push_back(Violation("CP-SESSION", "", "sessions",
                          "choose at least one session of the group"));
  }
  return indices;
}

Violations CheckExtent(const wmo::assignment::v1::Assignment& a,
                       const Product& product,
                       const std::vector<SessionDays>& enrolled,
                       const rules::Period& period) {
  if (!a.has_extent()) return {};
  const auto& e = a.extent();
  int minutes_per_session = 0;  // 0: a session counts one unit
  switch (e.unit()) {
    case wmo::type::v1::UNIT_DAY_PART:
    case wmo::type::v1::UNIT_PIECES_EFFORT:
    case wmo::type::v1::UNIT_PIECES_OUTPUT:
      break;
    case wmo::type::v1::UNIT_HOUR:
      minutes_per_session = product.group().session_minutes() > 0
                                ? product.group().session_minutes()
                                : 180;
      break;
    default:
      return {};
  }
  auto assigned = rules::ParsePeriod(a.start_date(), a.end_date(), "");
  if (!assigned.ok()) return {};
  // Units the enrolled sessions take within `window`.
  auto needed = [&](const rules::Period& window) {
    int64_t sessions = 0;
    for (rules::Date day = window.from; day <= window.to; ++day) {
      const int weekday = rules::IsoWeekday(day);
      for (const SessionDays& s : enrolled) {
        if (!s.period.Contains(day)) continue;
        sessions += std::count(s.weekdays.begin(), s.weekdays.end(), weekday);
      }
    }
    return minutes_per_session == 0
               ? sessions
               : (sessions * minutes_per_session + 59) / 60;
  };
  auto allowed = [&](const rules::Period& window) {
    return rules::DeclarableVolume(
        e.volume(), static_cast<rules::Frequency>(e.frequency()), e.unit(),
        a.product_category(), *assigned, window);
  };
  std::vector<rules::Period> windows;
  for (rules::Date day = period.from; day <= period.to;) {
    const rules::Period month = rules::CalendarMonthOf(day);
    windows.push_back(
        {std::max(month.from, period.from), std::min(month.to, period.to)});
    day = month.to + 1;
  }
  if (windows.size() > 1) windows.push_back(period);
  for (const rules::Period& window : windows) {
    const int64_t need = needed(window);
    const int64_t allow = allowed(window);
    if (need <= allow) continue;
    return {Violation(
        "CP-EXTENT", "", "sessions",
        absl::StrCat("from ", rules::FormatDate(window.from), " to ",
                     rules::FormatDate(window.to),
                     " the client's sessions on this assignment take ", need,
                     " units, the assignment allows ", allow,
                     "; choose fewer sessions"))};
  }
  return {};
}

}  // namespace wmo::capacity
