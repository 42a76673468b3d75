#include "libs/iwmo/wanted_product.h"

#include <libxml/tree.h>

#include "absl/strings/str_cat.h"
#include "libs/iwmo/reading.h"
#include "libs/iwmo/xpath_values.h"

namespace wmo::iwmo {
namespace {

// CD095, CD096, CS338 and CS343 apply to assignments running into 2021 or
// later.
bool EndsAfter2020(const WantedProduct& p) {
  return !p.end || DateNumber(*p.end) > 20201231;
}

}  // namespace

bool Filled(const std::optional<std::string>& value) {
  return value.has_value() && !NormalizeSpace(*value).empty();
}

bool OneOf(const std::optional<std::string>& value,
           std::initializer_list<absl::string_view> codes) {
  if (!value.has_value()) return false;
  const std::string normalized = NormalizeSpace(*value);
  for (absl::string_view code : codes) {
    if (normalized == code) return true;
  }
  return false;
}

bool Overlap(const WantedProduct& a, const WantedProduct& b) {
  if (a.end && b.end) {
    return !(DateNumber(*a.end) < DateNumber(b.start) ||
             DateNumber(*b.end) < DateNumber(a.start));
  }
  if (a.end) return DateNumber(*a.end) >= DateNumber(b.start);
  if (b.end) return DateNumber(*b.end) >= DateNumber(a.start);
  return true;
}

bool SameProductOverlapping(const WantedProduct& a, const WantedProduct& b) {
  const bool same =
      !a.category || !b.category ||
      (a.code && b.code ? *a.code == *b.code && *a.category == *b.category
                        : *a.category == *b.category);
  auto may_overlap = [](const WantedProduct& p) {
    return OneOf(p.category, {"11", "12", "13", "14"});
  };
  return same && !may_overlap(a) && !may_overlap(b) && Overlap(a, b);
}

WantedProduct ReadWantedProduct(const _xmlNode* node, std::string location,
                                const WantedNames& names) {
  WantedProduct p;
  p.location = std::move(location);
  if (const _xmlNode* product = Child(node, "Product")) {
    p.category = TextAt(product, "Categorie");
    p.code = OptionalTextAt(product, "Code");
  }
  p.start = TextAt(node, names.start);
  p.end = OptionalTextAt(node, names.end);
  if (const _xmlNode* extent = Child(node, "Omvang")) {
    p.volume = TextAt(extent, "Volume");
    p.unit = TextAt(extent, "Eenheid");
    p.frequency = TextAt(extent, "Frequentie");
  }
  p.budget = OptionalTextAt(node, "Budget");
  return p;
}

void SetPeriodAndExtent(const WantedProduct& p, assignment::v1::Assignment& a) {
  a.set_start_date(std::string(TrimXmlSpace(p.start)));
  if (p.end) a.set_end_date(std::string(TrimXmlSpace(*p.end)));
  if (p.unit) {
    // The enums number their values as the iWmo codes.
    assignment::v1::Extent& extent = *a.mutable_extent();
    extent.set_volume(WholeNumber(p.volume.value_or("")).value_or(0));
    extent.set_unit(
        static_cast<type::v1::Unit>(WholeNumber(*p.unit).value_or(0)));
    extent.set_frequency(static_cast<type::v1::Frequency>(
        WholeNumber(p.frequency.value_or("")).value_or(0)));
  }
  if (p.budget) a.set_budget_cents(WholeNumber(*p.budget).value_or(0));
}

std::optional<Fault> CheckWantedProduct(const WantedProduct& p,
                                        const WantedNames& names) {
  auto at = [&](absl::string_view field) {
    return absl::StrCat(p.location, "/", field);
  };
  const bool has_extent = p.unit.has_value();
  if (names.has_product && Filled(p.code) && !has_extent) {
    return Fault{at("Omvang"), "CD041",
                 "a product with a product code has an Omvang"};
  }
  if (Filled(p.budget) && !Filled(p.end)) {
    return Fault{at("Budget"), "CD075",
                 absl::StrCat("a budget needs a ", names.end)};
  }
  if (OneOf(p.frequency, {"2"}) && !Filled(p.end)) {
    return Fault{at("Omvang/Frequentie"), "CD076",
                 absl::StrCat("a volume per week needs a ", names.end)};
  }
  if (Filled(p.budget) && has_extent) {
    return Fault{at("Budget"), "CD077", "give an Omvang or a Budget, not both"};
  }
  if (has_extent && p.budget.has_value()) {
    return Fault{at("Omvang"), "CD078", "give an Omvang or a Budget, not both"};
  }
  if (names.has_product && !Filled(p.budget) && !p.category.has_value()) {
    return Fault{p.location, "CD079",
                 "a product without a Budget names its Product"};
  }
  if (names.has_product && has_extent && EndsAfter2020(p) && !Filled(p.code)) {
    return Fault{at("Omvang"), names.extent_needs_code,
                 "an Omvang goes with a product code (since 2021)"};
  }
  if (p.end && IsBefore(*p.end, p.start)) {
    return Fault{at(names.end), "CS003", "the period ends before it starts"};
  }
  if (has_extent && EndsAfter2020(p) &&
      OneOf(p.unit, {"14", "16", "83", "84"}) &&
      !OneOf(p.frequency, {"2", "4", "6"})) {
    return Fault{at("Omvang/Frequentie"), names.unit_needs_frequency,
                 "units 14, 16, 83 and 84 go per week, per month or in "
                 "total (frequency 2, 4 or 6)"};
  }
  return std::nullopt;
}

}  // namespace wmo::iwmo
