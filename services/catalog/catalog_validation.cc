#include "services/catalog/catalog_validation.h"

#include <map>
#include <optional>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "libs/rules/dates.h"
#include "libs/rules/identifiers.h"
#include "libs/server/status.h"
#include "services/catalog/catalog_rules.h"

namespace wmo::catalog {
namespace {

using wmo::catalog::v1::Catalog;
using wmo::catalog::v1::Contract;
using wmo::catalog::v1::Product;
using wmo::catalog::v1::ProductSet;
using wmo::type::v1::RuleViolation;

// Collects violations; `At` builds field paths such as "products[3].unit".
class Checker {
 public:
  void Add(absl::string_view rule, const std::string& field,
           absl::string_view message) {
    out_.push_back(server::Violation(rule, "", field, message));
  }
  void Check(bool ok, absl::string_view rule, const std::string& field,
             absl::string_view message) {
    if (!ok) Add(rule, field, message);
  }
  std::vector<RuleViolation> Take() { return std::move(out_); }

 private:
  std::vector<RuleViolation> out_;
};

std::string At(absl::string_view list, int index) {
  return absl::StrCat(list, "[", index, "]");
}

bool IsId(absl::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') {
      return false;
    }
  }
  return true;
}

// Checks an ISO period; returns it when valid.
std::optional<rules::Period> CheckPeriod(Checker& c, absl::string_view from,
                                         absl::string_view to,
                                         const std::string& field) {
  auto period = rules::ParsePeriod(from, to, field);
  if (!period.ok()) {
    c.Add("CAT-DATE", field, period.status().message());
    return std::nullopt;
  }
  return *period;
}

void CheckReferences(Checker& c, const std::set<std::string>& products,
                     const ProductSet& set, absl::string_view self,
                     const std::string& field) {
  for (int i = 0; i < set.product_ids_size(); ++i) {
    const std::string& id = set.product_ids(i);
    c.Check(products.count(id) > 0, "CAT-REF", At(field + ".product_ids", i),
            absl::StrCat("unknown product \"", id,
                         "\"; name a product id of this catalog"));
    c.Check(id != self, "CAT-REF", At(field + ".product_ids", i),
            "a product cannot refer to itself; remove it from the list");
  }
}

bool IsTime(absl::string_view t, int* minutes) {
  int h = 0, m = 0;
  if (t.size() != 5 || t[2] != ':' || !absl::SimpleAtoi(t.substr(0, 2), &h) ||
      !absl::SimpleAtoi(t.substr(3, 2), &m) || m > 59 || h > 24 ||
      (h == 24 && m != 0)) {
    return false;
  }
  *minutes = h * 60 + m;
  return true;
}

void CheckProduct(Checker& c, const Product& p, const std::string& f,
                  const std::set<std::string>& products,
                  const std::set<std::string>& bases) {
  c.Check(IsId(p.id()), "CAT-ID", f + ".id",
          "give the product an id of lowercase letters, digits and '-'");
  c.Check(!p.display_name().empty(), "CAT-NAME", f + ".display_name",
          "give the product a display name");
  int category = 0;
  c.Check(p.category().size() == 2 &&
              absl::SimpleAtoi(p.category(), &category) && category >= 1 &&
              category <= 18,
          "CAT-CATEGORY", f + ".category",
          absl::StrCat("\"", p.category(),
                       "\" is not an iWmo product category (WMO020); use two "
                       "digits 01..18, e.g. 02 begeleiding"));
  bool code_ok = p.code().size() == 5;
  for (char ch : p.code()) code_ok = code_ok && absl::ascii_isalnum(ch);
  c.Check(code_ok, "CAT-CODE", f + ".code",
          absl::StrCat("\"", p.code(),
                       "\" is not an iWmo product code; use 5 letters or "
                       "digits, e.g. 02A01"));
  c.Check(wmo::type::v1::Unit_IsValid(p.unit()) &&
              p.unit() != wmo::type::v1::UNIT_UNSPECIFIED,
          "CAT-UNIT", f + ".unit",
          "set a unit of iWmo list WJ756 (UNIT_MINUTE, UNIT_HOUR, "
          "UNIT_DAY_NIGHT, UNIT_DAY_PART, UNIT_PIECES_OUTPUT, UNIT_EURO, "
          "UNIT_PIECES_EFFORT)");
  c.Check(p.kind() != v1::PRODUCT_KIND_UNSPECIFIED &&
              v1::ProductKind_IsValid(p.kind()),
          "CAT-KIND", f + ".kind", "set the product kind");
  for (int i = 0; i < p.allowed_bases_size(); ++i) {
    c.Check(bases.count(p.allowed_bases(i)) > 0, "CAT-BASIS",
            At(f + ".allowed_bases", i),
            absl::StrCat("unknown basis \"", p.allowed_bases(i),
                         "\"; declare it in the catalog's bases"));
  }

  // Tariffs: valid periods, known basis, no two for one basis overlapping.
  c.Check(p.tariffs_size() > 0, "CAT-TARIFF", f + ".tariffs",
          "give the product at least one tariff");
  std::map<std::string, std::vector<std::pair<rules::Period, int>>> by_basis;
  for (int i = 0; i < p.tariffs_size(); ++i) {
    const auto& t = p.tariffs(i);
    const std::string tf = At(f + ".tariffs", i);
    c.Check(t.cents() >= 0, "CAT-TARIFF", tf + ".cents",
            "a tariff cannot be negative");
    // An empty basis means the tariff holds for every basis.
    const bool basis_ok =
        t.basis().empty() ||
        std::find(p.allowed_bases().begin(), p.allowed_bases().end(),
                  t.basis()) != p.allowed_bases().end();
    c.Check(basis_ok, "CAT-TARIFF", tf + ".basis",
            absl::StrCat("basis \"", t.basis(),
                         "\" is not allowed for this product; add it to "
                         "allowed_bases or correct the tariff"));
    auto period = CheckPeriod(c, t.valid_from(), t.valid_to(), tf);
    if (!period) continue;
    for (const auto& [other, j] : by_basis[t.basis()]) {
      c.Check(!period->Overlaps(other), "CAT-TARIFF-OVERLAP", tf,
              absl::StrCat("tariff period overlaps tariffs[", j,
                           "] for the same basis; make the periods "
                           "consecutive"));
    }
    by_basis[t.basis()].push_back({*period, i});
  }

  for (int i = 0; i < p.limits_size(); ++i) {
    const auto& l = p.limits(i);
    const std::string lf = At(f + ".limits", i);
    c.Check(l.window() != v1::LIMIT_WINDOW_UNSPECIFIED, "CAT-LIMIT",
            lf + ".window", "set the window the limit counts over");
    c.Check(l.max_quantity() > 0 || l.min_quantity() > 0, "CAT-LIMIT", lf,
            "set max_quantity or min_quantity");
    c.Check(l.max_quantity() == 0 || l.min_quantity() <= l.max_quantity(),
            "CAT-LIMIT", lf + ".min_quantity",
            "min_quantity exceeds max_quantity");
    c.Check(!l.waived_for_contiguous_stay() || p.has_contiguous_stay(),
            "CAT-LIMIT", lf + ".waived_for_contiguous_stay",
            "the limit is waived for a contiguous stay but the product has "
            "no contiguous_stay limit; add one");
  }
  if (p.has_contiguous_stay()) {
    c.Check(p.contiguous_stay().max_days() > 0, "CAT-LIMIT",
            f + ".contiguous_stay.max_days", "set a positive number of days");
  }
  const auto& d = p.assignment_duration();
  c.Check(d.max_months() == 0 || d.min_months() <= d.max_months(),
          "CAT-DURATION", f + ".assignment_duration",
          "min_months exceeds max_months");

  CheckReferences(c, products, p.requires_any_of(), p.id(),
                  f + ".requires_any_of");
  CheckReferences(c, products, p.excludes(), p.id(), f + ".excludes");
  CheckReferences(c, products, p.billing().not_concurrent_with(), p.id(),
                  f + ".billing.not_concurrent_with");
  CheckReferences(c, products, p.billing().only_on_attendance_of(), p.id(),
                  f + ".billing.only_on_attendance_of");
  CheckReferences(c, products, p.billing().once_per_stay_of(), p.id(),
                  f + ".billing.once_per_stay_of");
  {
    ProductSet counted_with;
    *counted_with.mutable_product_ids() =
        p.billing().once_per_day().counted_with();
    CheckReferences(c, products, counted_with, p.id(),
                    f + ".billing.once_per_day.counted_with");
  }
  if (p.billing().has_bundled()) {
    c.Check(products.count(p.billing().bundled().product_id()) > 0, "CAT-REF",
            f + ".billing.bundled.product_id",
            "unknown product; name a product id of this catalog");
  }

  if (p.has_group()) {
    const auto& g = p.group();
    c.Check(g.max_size() == 0 || g.min_size() <= g.max_size(), "CAT-GROUP",
            f + ".group", "min_size exceeds max_size");
    c.Check(g.max_clients_per_staff() == 0 ||
                g.min_clients_per_staff() <= g.max_clients_per_staff(),
            "CAT-GROUP", f + ".group",
            "min_clients_per_staff exceeds max_clients_per_staff");
  }
  if (p.has_transport()) {
    const auto& t = p.transport();
    c.Check(
        t.max_distance_km() == 0 || t.min_distance_km() < t.max_distance_km(),
        "CAT-TRANSPORT", f + ".transport",
        "the distance band is empty; min_distance_km must be below "
        "max_distance_km");
  }
  for (int i = 0; i < p.delivery_windows().windows_size(); ++i) {
    const auto& w = p.delivery_windows().windows(i);
    const std::string wf = At(f + ".delivery_windows.windows", i);
    int start = 0, end = 0;
    const bool times_ok = IsTime(w.start(), &start) && IsTime(w.end(), &end);
    c.Check(times_ok && start < end, "CAT-WINDOW", wf,
            "write start and end as HH:MM with start before end (24:00 for "
            "midnight at the end of the day)");
  }
  for (int i = 0; i < p.age_bounds_size(); ++i) {
    const auto& a = p.age_bounds(i);
    c.Check(a.below_years() == 0 || a.min_years() < a.below_years(), "CAT-AGE",
            At(f + ".age_bounds", i), "min_years must be below below_years");
  }
  if (p.has_digital_contact()) {
    const int share = p.digital_contact().max_share_percent();
    c.Check(share >= 0 && share <= 100, "CAT-DIGITAL",
            f + ".digital_contact.max_share_percent",
            "give a percentage 0..100");
  }
}

void CheckContracts(Checker& c, const Catalog& catalog,
                    const std::set<std::string>& products,
                    const std::set<std::string>& lots) {
  std::set<std::string> agbs;
  for (int i = 0; i < catalog.contracts_size(); ++i) {
    const Contract& k = catalog.contracts(i);
    const std::string f = At("contracts", i);
    c.Check(rules::IsValidAgb(k.provider_agb()), "CAT-AGB", f + ".provider_agb",
            absl::StrCat("\"", k.provider_agb(),
                         "\" is not an AGB code; use exactly 8 digits"));
    c.Check(agbs.insert(k.provider_agb()).second, "CAT-DUPLICATE",
            f + ".provider_agb",
            "a provider has one contract per catalog version; merge them");
    CheckPeriod(c, k.valid_from(), k.valid_to(), f);
    for (int j = 0; j < k.product_ids_size(); ++j) {
      c.Check(products.count(k.product_ids(j)) > 0, "CAT-REF",
              At(f + ".product_ids", j),
              absl::StrCat("unknown product \"", k.product_ids(j), "\""));
    }
    for (int j = 0; j < k.lot_ids_size(); ++j) {
      c.Check(lots.count(k.lot_ids(j)) > 0, "CAT-REF", At(f + ".lot_ids", j),
              absl::StrCat("unknown lot \"", k.lot_ids(j), "\""));
    }
    c.Check(k.product_ids_size() + k.lot_ids_size() > 0, "CAT-CONTRACT", f,
            "a contract must hold at least one product or lot");

    // Contracting rules of the catalog itself.
    for (const auto& bundle : catalog.contract_bundles()) {
      std::vector<std::string> held, missing;
      for (const auto& id : bundle.product_ids()) {
        (ContractCovers(catalog, k, id) ? held : missing).push_back(id);
      }
      bool needs_all = false;
      for (const auto& id : held) {
        needs_all |= std::find(bundle.standalone_product_ids().begin(),
                               bundle.standalone_product_ids().end(),
                               id) == bundle.standalone_product_ids().end();
      }
      c.Check(!needs_all || missing.empty(), bundle.source().rule(),
              f + ".product_ids",
              absl::StrCat("products ", absl::StrJoin(held, ", "),
                           " may only be contracted together with ",
                           absl::StrJoin(missing, ", "),
                           "; add those or remove the others"));
    }
    for (const auto& p : catalog.products()) {
      if (!p.has_contract_requirement() ||
          !ContractCovers(catalog, k, p.id())) {
        continue;
      }
      for (const auto& attribute : p.contract_requirement().attributes()) {
        c.Check(std::find(k.attributes().begin(), k.attributes().end(),
                          attribute) != k.attributes().end(),
                p.contract_requirement().source().rule(), f + ".attributes",
                absl::StrCat("product ", p.id(), " needs contract attribute ",
                             attribute, "; add it or drop the product"));
      }
    }
  }
}

}  // namespace

std::vector<RuleViolation> ValidateCatalog(const Catalog& catalog) {
  Checker c;
  c.Check(IsId(catalog.id()), "CAT-ID", "id",
          "give the catalog an id of lowercase letters, digits and '-'");
  c.Check(!catalog.display_name().empty(), "CAT-NAME", "display_name",
          "give the catalog a display name");
  CheckPeriod(c, catalog.valid_from(), catalog.valid_to(), "catalog");
  c.Check(catalog.municipalities_size() > 0, "CAT-MUNICIPALITY",
          "municipalities", "name the municipalities that use the catalog");
  std::set<std::string> codes;
  for (int i = 0; i < catalog.municipalities_size(); ++i) {
    const auto& m = catalog.municipalities(i);
    const std::string f = At("municipalities", i) + ".cbs_code";
    c.Check(rules::IsValidMunicipalityCode(m.cbs_code()), "CAT-MUNICIPALITY", f,
            absl::StrCat("\"", m.cbs_code(),
                         "\" is not a CBS municipality code; use 4 digits"));
    c.Check(codes.insert(m.cbs_code()).second, "CAT-DUPLICATE", f,
            "municipality listed twice");
  }
  std::set<std::string> bases;
  for (int i = 0; i < catalog.bases_size(); ++i) {
    const std::string f = At("bases", i) + ".code";
    c.Check(!catalog.bases(i).code().empty(), "CAT-BASIS", f,
            "give the basis a code");
    c.Check(bases.insert(catalog.bases(i).code()).second, "CAT-DUPLICATE", f,
            "basis code used twice");
  }
  std::set<std::string> products;
  for (int i = 0; i < catalog.products_size(); ++i) {
    c.Check(products.insert(catalog.products(i).id()).second, "CAT-DUPLICATE",
            At("products", i) + ".id", "product id used twice");
  }
  c.Check(!products.empty(), "CAT-PRODUCT", "products",
          "a catalog needs at least one product");
  for (int i = 0; i < catalog.products_size(); ++i) {
    CheckProduct(c, catalog.products(i), At("products", i), products, bases);
  }
  std::set<std::string> lots, in_a_lot;
  for (int i = 0; i < catalog.lots_size(); ++i) {
    const auto& lot = catalog.lots(i);
    const std::string f = At("lots", i);
    c.Check(!lot.id().empty(), "CAT-ID", f + ".id", "give the lot an id");
    c.Check(lots.insert(lot.id()).second, "CAT-DUPLICATE", f + ".id",
            "lot id used twice");
    for (int j = 0; j < lot.product_ids_size(); ++j) {
      c.Check(
          products.count(lot.product_ids(j)) > 0, "CAT-REF",
          At(f + ".product_ids", j),
          absl::StrCat("unknown product \"", lot.product_ids(j), "\" in lot ",
                       lot.id(), "; name a product id of this catalog"));
      in_a_lot.insert(lot.product_ids(j));
    }
  }
  if (catalog.lots_size() > 0) {
    for (int i = 0; i < catalog.products_size(); ++i) {
      c.Check(in_a_lot.count(catalog.products(i).id()) > 0, "CAT-LOT",
              At("products", i),
              "the product is in no lot; add it to the lot it belongs to");
    }
  }
  for (int i = 0; i < catalog.contract_bundles_size(); ++i) {
    CheckReferences(
        c, products,
        [&] {
          ProductSet set;
          *set.mutable_product_ids() =
              catalog.contract_bundles(i).product_ids();
          return set;
        }(),
        "", At("contract_bundles", i));
  }
  CheckContracts(c, catalog, products, lots);
  for (const char* output_only :
       {"name", "version", "content_sha256", "import_time"}) {
    const auto* field = Catalog::descriptor()->FindFieldByName(output_only);
    c.Check(!Catalog::GetReflection()->HasField(catalog, field), "CAT-OUTPUT",
            output_only,
            "this field is set by the service on import; remove it");
  }
  return c.Take();
}

namespace {

// Resolves "products[3].tariffs[0].basis" to the line it was read from.
int LineOf(const google::protobuf::TextFormat::ParseInfoTree& root,
           absl::string_view path) {
  const google::protobuf::Descriptor* type = Catalog::descriptor();
  const google::protobuf::TextFormat::ParseInfoTree* tree = &root;
  int line = -1;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    int index = -1;
    if (const size_t open = part.find('['); open != absl::string_view::npos) {
      if (!absl::SimpleAtoi(part.substr(open + 1, part.size() - open - 2),
                            &index)) {
        break;
      }
      part = part.substr(0, open);
    }
    const auto* field =
        type ? type->FindFieldByName(std::string(part)) : nullptr;
    if (field == nullptr || tree == nullptr) break;
    // A path to a whole list points at its first element.
    if (!field->is_repeated()) {
      index = -1;
    } else if (index < 0) {
      index = 0;
    }
    const auto location = tree->GetLocation(field, index);
    if (location.line >= 0) line = location.line;
    if (field->message_type() == nullptr) break;
    tree = tree->GetTreeForNested(field, index);
    type = field->message_type();
  }
  return line;
}

class ErrorCollector final : public google::protobuf::io::ErrorCollector {
 public:
  explicit ErrorCollector(const std::string& source) : source_(source) {}
  void AddError(int line, int column, const std::string& message) override {
    violations.push_back(server::Violation(
        "CAT-SYNTAX", "", absl::StrCat(source_, ":", line + 1, ":", column + 1),
        message));
  }
  std::vector<RuleViolation> violations;

 private:
  const std::string& source_;
};

}  // namespace

absl::StatusOr<Catalog> ParseCatalogText(const std::string& text,
                                         const std::string& source_name) {
  Catalog catalog;
  google::protobuf::TextFormat::Parser parser;
  google::protobuf::TextFormat::ParseInfoTree tree;
  ErrorCollector errors(source_name);
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(text, &catalog)) {
    return server::ViolationStatus(
        absl::StatusCode::kInvalidArgument,
        absl::StrCat(source_name, " is not a valid catalog text"),
        errors.violations);
  }
  auto violations = ValidateCatalog(catalog);
  if (violations.empty()) return catalog;
  for (auto& v : violations) {
    const int line = LineOf(tree, v.field());
    v.set_field(line >= 0
                    ? absl::StrCat(source_name, ":", line + 1, " ", v.field())
                    : absl::StrCat(source_name, " ", v.field()));
  }
  return server::ViolationStatus(absl::StatusCode::kInvalidArgument,
                                 absl::StrCat(source_name, " is inconsistent"),
                                 violations);
}

}  // namespace wmo::catalog
