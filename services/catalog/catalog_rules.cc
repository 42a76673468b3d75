#include "services/catalog/catalog_rules.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace wmo::catalog {

using wmo::catalog::v1::Catalog;
using wmo::catalog::v1::Contract;
using wmo::catalog::v1::Product;
using wmo::catalog::v1::Tariff;

const Product* FindProduct(const Catalog& catalog, absl::string_view id) {
  for (const Product& p : catalog.products()) {
    if (p.id() == id) return &p;
  }
  return nullptr;
}

const Contract* FindContract(const Catalog& catalog,
                             absl::string_view provider_agb) {
  for (const Contract& c : catalog.contracts()) {
    if (c.provider_agb() == provider_agb) return &c;
  }
  return nullptr;
}

const v1::Lot* FindLot(const Catalog& catalog, absl::string_view id) {
  for (const v1::Lot& lot : catalog.lots()) {
    if (lot.id() == id) return &lot;
  }
  return nullptr;
}

std::vector<std::string> LotsHolding(const Catalog& catalog,
                                     absl::string_view product) {
  std::vector<std::string> ids;
  for (const v1::Lot& lot : catalog.lots()) {
    if (std::find(lot.product_ids().begin(), lot.product_ids().end(),
                  product) != lot.product_ids().end()) {
      ids.push_back(lot.id());
    }
  }
  return ids;
}

const VersionInfo* PickVersion(const std::vector<VersionInfo>& versions,
                               absl::string_view catalog_id, rules::Date date) {
  const VersionInfo* best = nullptr;
  for (const VersionInfo& v : versions) {
    if (v.catalog_id != catalog_id) continue;
    auto period = rules::ParsePeriod(v.valid_from, v.valid_to, "version");
    if (period.ok() && period->Contains(date) &&
        (best == nullptr || v.version > best->version)) {
      best = &v;
    }
  }
  return best;
}

bool ContractCovers(const Catalog& catalog, const Contract& contract,
                    const std::string& product_id) {
  if (std::find(contract.product_ids().begin(), contract.product_ids().end(),
                product_id) != contract.product_ids().end()) {
    return true;
  }
  for (const auto& lot : catalog.lots()) {
    if (std::find(contract.lot_ids().begin(), contract.lot_ids().end(),
                  lot.id()) != contract.lot_ids().end() &&
        std::find(lot.product_ids().begin(), lot.product_ids().end(),
                  product_id) != lot.product_ids().end()) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<const Tariff*> FindTariff(const Product& product,
                                         const std::string& basis,
                                         rules::Date date) {
  if (!basis.empty() &&
      std::find(product.allowed_bases().begin(), product.allowed_bases().end(),
                basis) == product.allowed_bases().end()) {
    return absl::NotFoundError(
        absl::StrCat("product ", product.id(), " does not allow basis \"",
                     basis, "\"; allowed: ",
                     product.allowed_bases().empty()
                         ? std::string("none (leave basis empty)")
                         : absl::StrJoin(product.allowed_bases(), ", ")));
  }
  if (basis.empty() && !product.allowed_bases().empty()) {
    return absl::NotFoundError(absl::StrCat(
        "product ", product.id(), " has tariffs per basis; name one of ",
        absl::StrJoin(product.allowed_bases(), ", ")));
  }
  const Tariff* for_all = nullptr;
  for (const Tariff& t : product.tariffs()) {
    auto period = rules::ParsePeriod(t.valid_from(), t.valid_to(), "tariff");
    if (!period.ok() || !period->Contains(date)) continue;
    if (t.basis() == basis) return &t;
    if (t.basis().empty()) for_all = &t;
  }
  if (for_all != nullptr) return for_all;
  return absl::NotFoundError(
      absl::StrCat("product ", product.id(), " has no tariff",
                   basis.empty() ? "" : absl::StrCat(" for basis ", basis),
                   " valid on ", rules::FormatDate(date)));
}

ContractCheck CheckContract(const Catalog& catalog, const Contract* contract,
                            const std::string& product_id, rules::Date date) {
  if (contract == nullptr) {
    return {false, absl::StrCat("the provider has no contract in catalog ",
                                catalog.id())};
  }
  if (!ContractCovers(catalog, *contract, product_id)) {
    return {false, absl::StrCat("the contract of ", contract->provider_agb(),
                                " does not hold product ", product_id)};
  }
  auto period = rules::ParsePeriod(contract->valid_from(), contract->valid_to(),
                                   "contract");
  if (!period.ok() || !period->Contains(date)) {
    return {false,
            absl::StrCat("the contract of ", contract->provider_agb(),
                         " runs from ", contract->valid_from(), " to ",
                         contract->valid_to().empty() ? "open end"
                                                      : contract->valid_to(),
                         ", not on ", rules::FormatDate(date))};
  }
  return {true, ""};
}

std::vector<rules::AgeLimit> AgeLimitsOf(const v1::Product& product,
                                         absl::string_view fallback_rule) {
  std::vector<rules::AgeLimit> limits;
  for (const v1::AgeBound& bound : product.age_bounds()) {
    limits.push_back({bound.min_years(), bound.below_years(), bound.activity(),
                      bound.source().rule().empty() ? std::string(fallback_rule)
                                                    : bound.source().rule()});
  }
  return limits;
}

rules::ProductBilling BillingOf(const std::string& catalog_id,
                                const v1::Product& product) {
  rules::ProductBilling b;
  b.catalog = catalog_id;
  b.product = product.id();
  b.unit = product.unit();
  b.age_limits = AgeLimitsOf(product, "DC-AGE");
  if (product.has_delivery_moments() &&
      !product.delivery_moments().unplanned_allowed()) {
    b.planned_only_rule_id = product.delivery_moments().source().rule();
  }
  for (const auto& limit : product.limits()) {
    if (limit.max_quantity() <= 0) continue;  // lower bounds: not billing
    rules::QuantityCap cap;
    switch (limit.window()) {
      case v1::LIMIT_WINDOW_DAY:
        cap.window = rules::CapWindow::kDay;
        break;
      case v1::LIMIT_WINDOW_WEEK:
        cap.window = rules::CapWindow::kWeek;
        break;
      case v1::LIMIT_WINDOW_MONTH:
        cap.window = rules::CapWindow::kMonth;
        break;
      case v1::LIMIT_WINDOW_CALENDAR_YEAR:
        cap.window = rules::CapWindow::kCalendarYear;
        break;
      case v1::LIMIT_WINDOW_ASSIGNMENT:
        cap.window = rules::CapWindow::kAssignment;
        break;
      default:
        continue;
    }
    cap.max_quantity = limit.max_quantity();
    cap.counts_days = limit.unit() == wmo::type::v1::UNIT_UNSPECIFIED;
    cap.advisory = limit.advisory();
    cap.waived_for_contiguous_stay = limit.waived_for_contiguous_stay();
    cap.rule_id = limit.source().rule();
    b.caps.push_back(std::move(cap));
  }
  if (product.has_contiguous_stay()) {
    b.contiguous_max_days = product.contiguous_stay().max_days();
    b.contiguous_rule_id = product.contiguous_stay().source().rule();
  }
  const auto& billing = product.billing();
  if (billing.has_no_show_not_billable()) {
    b.no_show_rule_id = billing.no_show_not_billable().source().rule();
  }
  if (billing.has_once_per_stay_of()) {
    b.once_per_stay_of.assign(billing.once_per_stay_of().product_ids().begin(),
                              billing.once_per_stay_of().product_ids().end());
    b.once_per_stay_rule_id = billing.once_per_stay_of().source().rule();
  }
  if (billing.has_once_per_day()) {
    b.once_per_day_with.assign(billing.once_per_day().counted_with().begin(),
                               billing.once_per_day().counted_with().end());
    b.once_per_day_rule_id = billing.once_per_day().source().rule();
  }
  if (billing.has_not_concurrent_with()) {
    b.not_concurrent_with.assign(
        billing.not_concurrent_with().product_ids().begin(),
        billing.not_concurrent_with().product_ids().end());
    b.not_concurrent_rule_id = billing.not_concurrent_with().source().rule();
  }
  if (billing.has_only_on_attendance_of()) {
    b.only_on_attendance_of.assign(
        billing.only_on_attendance_of().product_ids().begin(),
        billing.only_on_attendance_of().product_ids().end());
    b.attendance_rule_id = billing.only_on_attendance_of().source().rule();
  }
  if (product.has_digital_contact()) {
    b.max_digital_percent = product.digital_contact().max_share_percent();
    b.digital_rule_id = product.digital_contact().source().rule();
  }
  if (product.has_delivery_windows()) {
    for (const auto& w : product.delivery_windows().windows()) {
      rules::DeliveryWindow window;
      for (int day : w.weekdays()) window.weekdays.push_back(day);
      // The catalog import checked the clock formats.
      window.start_minute = std::max(0, rules::ParseClock(w.start()));
      window.end_minute = std::max(0, rules::ParseClock(w.end()));
      b.windows.push_back(std::move(window));
    }
    b.windows_rule_id = product.delivery_windows().source().rule();
  }
  if (product.group().session_minutes() > 0) {
    b.session_minutes = product.group().session_minutes();
    b.session_rule_id = product.group().source().rule();
  }
  return b;
}

}  // namespace wmo::catalog
