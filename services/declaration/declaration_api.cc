#include "services/declaration/declaration_api.h"

#include <map>
#include <set>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/audit/audit.h"
#include "libs/auth/permissions.h"
#include "libs/rules/declaration.h"
#include "libs/rules/identifiers.h"
#include "libs/server/api.h"
#include "libs/server/digest.h"
#include "libs/server/status.h"
#include "libs/server/update_mask.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "services/catalog/catalog_rules.h"
#include "services/declaration/declaration_facts.h"
#include "services/declaration/declaration_repository.h"

namespace wmo::declaration {
namespace {

using Repo = DeclarationRepository;
using server::ParseName;
using wmo::assignment::v1::Assignment;
using wmo::catalog::v1::Catalog;
using wmo::catalog::v1::Product;

absl::Status NumberInUse(const v1::Declaration& d) {
  return server::ViolationStatus(
      absl::StatusCode::kAlreadyExists, "declaration number in use",
      {server::Violation("TR333", "9333", "declaration.number",
                         absl::StrCat("declaration ", d.number(),
                                      " was submitted before with other "
                                      "content; give a new number"))});
}

// The signed amount of a line: credits count negative.
int64_t Signed(const v1::Line& line) {
  return line.direction() == v1::Line::CREDIT ? -line.amount_cents()
                                              : line.amount_cents();
}

void AddTotals(v1::Declaration& d) {
  v1::Totals& t = *d.mutable_totals();
  t.Clear();
  for (const v1::Line& line : d.lines()) {
    t.set_submitted_lines(t.submitted_lines() + 1);
    t.set_submitted_cents(t.submitted_cents() + Signed(line));
    if (line.verdict().outcome() == v1::Verdict::APPROVED) {
      t.set_approved_lines(t.approved_lines() + 1);
      t.set_approved_cents(t.approved_cents() + Signed(line));
    } else {
      t.set_rejected_lines(t.rejected_lines() + 1);
      t.set_rejected_cents(t.rejected_cents() + Signed(line));
    }
  }
}

// Everything a declaration's checks need from the other services, fetched
// in batches before the transaction.
struct Lookups {
  // By assignment number: what the checks see, the catalog product (in the
  // version of its first declared day), or why the catalog has none.
  std::map<std::string, rules::AssignmentFacts> assignments;
  std::map<std::string, const Product*> products;
  std::map<std::string, std::string> product_problems;
  // Catalog versions and billing rules; map nodes keep pointers stable.
  std::map<std::pair<std::string, rules::Date>, std::shared_ptr<const Catalog>>
      catalogs;
  std::map<std::tuple<std::string, int64_t, std::string>, rules::ProductBilling>
      billings;
};

// Which municipality's share of provider `agb`'s declarations the caller
// reads: "" (all, or as `requested`) for the provider itself, its own for
// a municipality (which may not ask for another's); PERMISSION_DENIED for
// anyone else.
absl::StatusOr<std::string> AddresseeFilter(const auth::Principal& caller,
                                            const std::string& agb,
                                            const std::string& requested,
                                            absl::string_view what) {
  if (caller.kind == auth::PrincipalKind::kProvider && caller.tenant == agb) {
    return requested;
  }
  if (caller.kind == auth::PrincipalKind::kMunicipality &&
      (requested.empty() || requested == caller.tenant)) {
    return caller.tenant;
  }
  return absl::PermissionDeniedError(absl::StrCat(
      auth::Describe(caller), " may not ", what, " ", agb,
      "; only that provider may, and a municipality the part addressed to "
      "it"));
}

}  // namespace

DeclarationApi::DeclarationApi(store::Database& db,
                               assignment::AssignmentSource& assignments,
                               catalog::CatalogSource& catalogs,
                               prometheus::Registry* registry,
                               server::Clock now, UsageReporter* usage)
    : db_(db),
      assignments_(assignments),
      catalogs_(catalogs),
      now_(std::move(now)),
      usage_(usage) {
  if (registry == nullptr) return;
  lines_ = &prometheus::BuildCounter()
                .Name("wmo_declaration_lines_total")
                .Help("Declaration lines stored, by verdict")
                .Register(*registry);
  rejections_ = &prometheus::BuildCounter()
                     .Name("wmo_declaration_rejections_total")
                     .Help(
                         "Rule violations in rejected declaration lines, "
                         "by rule id")
                     .Register(*registry);
}

void DeclarationApi::Count(const v1::Declaration& checked) {
  if (lines_ == nullptr) return;
  const v1::Totals& t = checked.totals();
  lines_->Add({{"outcome", "approved"}}).Increment(t.approved_lines());
  lines_->Add({{"outcome", "rejected"}}).Increment(t.rejected_lines());
  std::map<std::string, int> by_rule;
  for (const v1::Line& line : checked.lines()) {
    for (const auto& v : line.verdict().violations()) ++by_rule[v.rule_id()];
  }
  for (const auto& [rule, n] : by_rule) {
    rejections_->Add({{"rule", rule}}).Increment(n);
  }
}

namespace {

// The audit entry of a stored declaration: its header and totals, and how
// many lines it had (the lines themselves are in the declaration).
type::v1::AuditEntry SubmitEntry(const auth::Principal& caller,
                                 v1::Declaration& d) {
  google::protobuf::RepeatedPtrField<v1::Line> lines;
  lines.Swap(d.mutable_lines());
  type::v1::AuditEntry entry = audit::Change(
      caller, d.name(), "SubmitDeclaration", v1::Declaration(), d);
  lines.Swap(d.mutable_lines());
  type::v1::FieldChange* count = entry.add_changes();
  count->set_field("lines");
  count->set_new_value(absl::StrCat(d.lines_size(), " lines"));
  return entry;
}

}  // namespace

absl::Status DeclarationApi::RequireDeclarant(const auth::Principal& caller,
                                              const std::string& parent) {
  WMO_ASSIGN_OR_RETURN(ids, ParseName(parent, "providers/*", "parent"));
  return auth::RequireProvider(caller, ids[0],
                               absl::StrCat("declare as provider ", ids[0]));
}

absl::Status DeclarationApi::SubmitDeclaration(const auth::Principal& caller,
                                               const std::string& parent,
                                               v1::Declaration declaration,
                                               v1::Declaration* response) {
  if (absl::Status s = RequireDeclarant(caller, parent); !s.ok()) return s;
  return Check(caller, parent, std::move(declaration), /*store=*/true,
               response);
}

absl::Status DeclarationApi::ValidateDeclaration(const auth::Principal& caller,
                                                 const std::string& parent,
                                                 v1::Declaration declaration,
                                                 v1::Declaration* response) {
  if (absl::Status s = RequireDeclarant(caller, parent); !s.ok()) return s;
  return Check(caller, parent, std::move(declaration), /*store=*/false,
               response);
}

absl::Status DeclarationApi::Check(const auth::Principal& caller,
                                   const std::string& parent, v1::Declaration d,
                                   bool store, v1::Declaration* response) {
  WMO_ASSIGN_OR_RETURN(ids, ParseName(parent, "providers/*", "parent"));
  server::ClearOutputOnly(d);
  if (d.provider_agb().empty()) d.set_provider_agb(ids[0]);
  if (d.provider_agb() != ids[0]) {
    // 0001, as every malformed header: rejected for technical reasons.
    return server::ViolationStatus(
        absl::StatusCode::kInvalidArgument, "malformed",
        {server::Violation("DC-HEADER", "0001", "declaration.provider_agb",
                           "differs from the parent; leave it empty")});
  }
  WMO_ASSIGN_OR_RETURN(month, CheckHeader(d, kMaxLines));
  // No care of a month that has not begun can have been given (every line
  // would be TR137); refused whole, it also makes no store partition for
  // a month years away.
  if (month.from > server::TodayBy(now_)) {
    return server::ViolationStatus(
        absl::StatusCode::kInvalidArgument, "malformed",
        {server::Violation("DC-HEADER", "0001", "declaration.period",
                           absl::StrCat(d.period(),
                                        " has not begun; declare a month once "
                                        "care in it has been given"))});
  }
  const std::string sha = server::Sha256Hex(SubmittedContent(d));
  const std::string name =
      absl::StrCat("providers/", ids[0], "/declarations/", d.number());

  // A resubmission is answered from the store without fetching anything.
  std::optional<Repo::Stored> earlier;
  auto find_earlier = [&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(found, Repo::Find(c, ids[0], d.number()));
    earlier = std::move(found);
    return absl::OkStatus();
  };
  if (store) {
    if (absl::Status s = db_.ReadTransaction(find_earlier); !s.ok()) return s;
    if (earlier) {
      if (earlier->content_sha256 != sha) return NumberInUse(d);
      *response = std::move(earlier->declaration);
      return audit::RecordRead(db_, caller, response->name(),
                               "SubmitDeclaration", {response->name()});
    }
  }

  // TR378: a municipality no catalog serves is refused at the header, as
  // assignments are, not line by line (after the resubmission look-up,
  // which must not depend on the catalog service).
  WMO_ASSIGN_OR_RETURN(
      served, catalogs_.ServesMunicipality(d.municipality(), month.from));
  if (!served) {
    return server::ViolationStatus(
        absl::StatusCode::kInvalidArgument, "malformed",
        {server::Violation(
            "TR378", "S300", "declaration.municipality",
            absl::StrCat("no catalog serves municipality ", d.municipality(),
                         " in ", d.period(),
                         "; give the CBS code of the municipality that "
                         "assigned the care"))});
  }
  // Lines that parse take part in the checks; the others are refused with
  // their format violations.
  std::vector<rules::DeclaredLine> checked;
  std::vector<int> line_of;  // index in `d` of each checked line
  std::vector<std::vector<rules::LineViolation>> malformed(d.lines_size());
  std::set<std::string> unparsed;  // references of the malformed lines
  checked.reserve(d.lines_size());
  line_of.reserve(d.lines_size());
  for (int i = 0; i < d.lines_size(); ++i) {
    ParsedLine parsed = ParseLine(d.lines(i));
    if (!parsed.violations.empty()) {
      malformed[i] = std::move(parsed.violations);
      if (!d.lines(i).reference().empty()) {
        unparsed.insert(d.lines(i).reference());
      }
      continue;
    }
    checked.push_back(std::move(parsed.line));
    line_of.push_back(i);
  }

  // Assignments and catalogs, in batches.
  Lookups look;
  std::set<std::string> numbers;
  std::set<std::string> clients_with_detail;
  // The first day declared on each assignment (late lines reach back).
  std::map<std::string, rules::Date> first_day;
  for (const auto& line : checked) {
    numbers.insert(line.assignment_number);
    if (!line.deliveries.empty()) clients_with_detail.insert(line.client_bsn);
    auto [it, fresh] =
        first_day.emplace(line.assignment_number, line.period.from);
    if (!fresh) it->second = std::min(it->second, line.period.from);
  }
  std::map<std::string, assignment::v1::QualifyingCover> covers;
  WMO_ASSIGN_OR_RETURN(
      found,
      assignments_.BatchGet(
          d.municipality(),
          std::vector<std::string>(numbers.begin(), numbers.end()), &covers));
  for (const Assignment& a : found) {
    rules::AssignmentFacts& facts = look.assignments[a.number()] = FactsOf(a);
    if (auto cover = covers.find(a.number()); cover != covers.end()) {
      facts.qualifying = CoverOf(cover->second);
    }
    // The catalog version in force on the first declared day of the
    // assignment.
    const auto declared = first_day.find(a.number());
    const rules::Date on =
        std::max(declared == first_day.end() ? month.from : declared->second,
                 facts.period.from);
    auto key = std::make_pair(a.catalog(), on);
    auto it = look.catalogs.find(key);
    if (it == look.catalogs.end()) {
      auto catalog = catalogs_.CatalogOn(a.catalog(), on);
      if (absl::IsNotFound(catalog.status())) {
        look.product_problems[a.number()] =
            std::string(catalog.status().message());
        continue;
      }
      if (!catalog.ok()) return catalog.status();
      it = look.catalogs.emplace(key, *std::move(catalog)).first;
    }
    const Catalog& catalog = *it->second;
    if (const Product* p = catalog::FindProduct(catalog, a.product())) {
      auto billing_key =
          std::make_tuple(catalog.id(), catalog.version(), p->id());
      auto b = look.billings.find(billing_key);
      if (b == look.billings.end()) {
        b = look.billings
                .emplace(billing_key, catalog::BillingOf(catalog.id(), *p))
                .first;
      }
      facts.billing = &b->second;
      look.products[a.number()] = p;
    }
    if (!facts.billing) {
      look.product_problems[a.number()] =
          absl::StrCat("catalog ", a.catalog(), " has no product ", a.product(),
                       " on ", rules::FormatDate(on));
    }
  }
  std::map<std::string, const Assignment*> by_number;
  for (const Assignment& a : found) by_number[a.number()] = &a;
  for (auto& line : checked) {
    auto product = look.products.find(line.assignment_number);
    if (product == look.products.end()) {
      auto problem = look.product_problems.find(line.assignment_number);
      if (problem != look.product_problems.end()) {
        line.tariff_problem = problem->second;
      }
      continue;
    }
    // The tariff of the catalog version in force on the line's first day:
    // a late line is paid as its own month was, also across versions.
    const Assignment& a = *by_number.at(line.assignment_number);
    const Product* in_force = product->second;
    auto key = std::make_pair(a.catalog(), line.period.from);
    auto version = look.catalogs.find(key);
    if (version == look.catalogs.end()) {
      auto catalog = catalogs_.CatalogOn(a.catalog(), line.period.from);
      if (!catalog.ok() && !absl::IsNotFound(catalog.status())) {
        return catalog.status();
      }
      if (catalog.ok()) {
        version = look.catalogs.emplace(key, *std::move(catalog)).first;
      }
    }
    if (version != look.catalogs.end()) {
      if (const Product* p =
              catalog::FindProduct(*version->second, a.product())) {
        in_force = p;
      }
    }
    auto tariff = catalog::FindTariff(*in_force, a.basis(), line.period.from);
    if (tariff.ok()) {
      line.catalog_tariff_cents = (*tariff)->cents();
    } else {
      line.tariff_problem = std::string(tariff.status().message());
    }
  }

  const rules::DeclarationHeader header{ids[0], d.municipality(), month,
                                        server::TodayBy(now_)};
  const std::vector<std::string> detail(clients_with_detail.begin(),
                                        clients_with_detail.end());
  // A dry run writes nothing and so locks nothing.
  const std::set<std::string> shared =
      store ? rules::ClientsSharedWithOtherProviders(checked, look.assignments)
            : std::set<std::string>();
  auto run = [&](store::Connection& c) -> absl::Status {
    if (store) {
      if (absl::Status s = find_earlier(c); !s.ok()) return s;
      if (earlier) {
        if (earlier->content_sha256 != sha) return NumberInUse(d);
        *response = std::move(earlier->declaration);
        return absl::OkStatus();
      }
      // Before the ledger is read: other providers' declarations change
      // these clients' deliveries and yearly counts.
      if (absl::Status s = Repo::LockSharedClients(c, shared); !s.ok()) {
        return s;
      }
    }
    rules::Ledger ledger;
    if (absl::Status s =
            Repo::LoadLedger(c, header, checked, unparsed, detail, ledger);
        !s.ok()) {
      return s;
    }
    rules::Ledger before;
    before.lines = ledger.lines;
    before.assignment_totals = ledger.assignment_totals;
    before.client_year_quantity = ledger.client_year_quantity;
    std::vector<rules::LineOutcome> outcomes =
        rules::CheckDeclaration(header, checked, look.assignments, ledger);

    // The verdicts go into `d` itself (a rerun of the transaction starts
    // them afresh): a 30,000-line declaration is not copied for them.
    for (int i = 0; i < d.lines_size(); ++i) {
      v1::Verdict& verdict = *d.mutable_lines(i)->mutable_verdict();
      verdict.Clear();
      verdict.set_outcome(v1::Verdict::REJECTED);
      for (const auto& v : malformed[i]) *verdict.add_violations() = ToProto(v);
    }
    for (size_t k = 0; k < outcomes.size(); ++k) {
      v1::Verdict& verdict = *d.mutable_lines(line_of[k])->mutable_verdict();
      verdict.set_outcome(outcomes[k].approved ? v1::Verdict::APPROVED
                                               : v1::Verdict::REJECTED);
      for (const auto& v : outcomes[k].violations) {
        *verdict.add_violations() = ToProto(v);
      }
      for (const auto& v : outcomes[k].notices) {
        *verdict.add_notices() = ToProto(v);
      }
    }
    d.set_name(name);
    *d.mutable_create_time() = server::Timestamp(now_());
    AddTotals(d);
    if (!store) return absl::OkStatus();
    if (absl::Status s = Repo::Save(c, d, sha, before, ledger); !s.ok()) {
      return s;
    }
    return audit::Record(c, SubmitEntry(caller, d));
  };
  // A provider's declarations share assignment totals and caps: submitted
  // side by side they would keep invalidating each other's checks, so they
  // take turns (one lock per provider) instead of rerunning in a storm.
  // Other providers' declarations run beside them, locking the clients they
  // share.
  absl::Status status;
  if (store) {
    // Once more if the month's partition was detached since this process
    // made sure of it.
    for (int attempt = 0; attempt < 2; ++attempt) {
      status = partitions_.Ensure(db_, d.period());
      if (!status.ok()) return status;
      status =
          db_.SerialTransaction(absl::StrCat("declarations of ", ids[0]), run);
      if (!partitions_.Lost(status, d.period())) break;
    }
  } else {
    status = db_.ReadTransaction(run);
  }
  if (!status.ok()) return status;
  if (store && earlier) {  // Answered with what was stored before.
    return audit::RecordRead(db_, caller, response->name(), "SubmitDeclaration",
                             {response->name()});
  }
  if (store) {
    Count(d);
    if (usage_ != nullptr) usage_->Wake();
  }
  response->Swap(&d);
  return absl::OkStatus();
}

absl::StatusOr<v1::Declaration> DeclarationApi::ReadDeclaration(
    const auth::Principal& caller, const std::string& name,
    absl::string_view field, absl::string_view operation) {
  WMO_ASSIGN_OR_RETURN(ids,
                       ParseName(name, "providers/*/declarations/*", field));
  v1::Declaration declaration;
  if (absl::Status s =
          db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
            WMO_ASSIGN_OR_RETURN(found, Repo::Find(c, ids[0], ids[1]));
            if (!found) {
              return absl::NotFoundError(absl::StrCat(
                  "provider ", ids[0], " has no declaration ", ids[1]));
            }
            if (absl::Status s = auth::RequireMunicipalityOrProvider(
                    caller, found->declaration.municipality(), ids[0],
                    absl::StrCat("read declaration ", name));
                !s.ok()) {
              return s;
            }
            declaration = std::move(found->declaration);
            return absl::OkStatus();
          });
      !s.ok()) {
    return s;
  }
  if (absl::Status s = audit::RecordRead(db_, caller, name, operation, {name});
      !s.ok()) {
    return s;
  }
  return declaration;
}

absl::Status DeclarationApi::GetDeclaration(
    const auth::Principal& caller, const v1::GetDeclarationRequest& request,
    v1::Declaration* response) {
  WMO_ASSIGN_OR_RETURN(declaration, ReadDeclaration(caller, request.name(),
                                                    "name", "GetDeclaration"));
  *response = std::move(declaration);
  return absl::OkStatus();
}

absl::Status DeclarationApi::ListDeclarationLines(
    const auth::Principal& caller,
    const v1::ListDeclarationLinesRequest& request,
    v1::ListDeclarationLinesResponse* response) {
  WMO_ASSIGN_OR_RETURN(page, server::ParsePage(request, 1000, 10000));
  WMO_ASSIGN_OR_RETURN(declaration,
                       ReadDeclaration(caller, request.parent(), "parent",
                                       "ListDeclarationLines"));
  auto& lines = *declaration.mutable_lines();
  const size_t total = lines.size();
  const size_t end = std::min(total, page.offset + page.size);
  response->Clear();
  for (size_t i = std::min(page.offset, total); i < end; ++i) {
    response->add_lines()->Swap(&lines[static_cast<int>(i)]);
  }
  response->set_total_size(static_cast<int32_t>(total));
  response->set_next_page_token(server::NextPageToken(page, total));
  return absl::OkStatus();
}

absl::Status DeclarationApi::ListDeclarations(
    const auth::Principal& caller, const v1::ListDeclarationsRequest& request,
    v1::ListDeclarationsResponse* response) {
  WMO_ASSIGN_OR_RETURN(ids,
                       ParseName(request.parent(), "providers/*", "parent"));
  // A filter value that cannot match is a mistake to point out, not an
  // empty list.
  if (!request.municipality().empty() &&
      !rules::IsValidMunicipalityCode(request.municipality())) {
    return absl::InvalidArgumentError(
        "municipality: give the 4-digit CBS code of a municipality, or "
        "leave it empty for all");
  }
  WMO_ASSIGN_OR_RETURN(municipality,
                       AddresseeFilter(caller, ids[0], request.municipality(),
                                       "list the declarations of provider"));
  WMO_ASSIGN_OR_RETURN(page, server::ParseKeyPage(request));
  if (!request.period().empty()) {
    if (auto m = rules::ParseMonth(request.period(), "period"); !m.ok()) {
      return m.status();
    }
  }
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        WMO_ASSIGN_OR_RETURN(
            rows, Repo::List(c, ids[0], municipality, request.period(),
                             page.after, page.size + 1));
        response->Clear();
        for (size_t i = 0; i < rows.size() && i < page.size; ++i) {
          *response->add_declarations() = std::move(rows[i]);
        }
        const auto& listed = response->declarations();
        response->set_next_page_token(server::NextPageTokenAfter(
            page,
            listed.empty() ? ""
                           : absl::StrCat(listed.rbegin()->period(), "/",
                                          listed.rbegin()->number()),
            rows.size() > page.size));
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  std::vector<std::string> names;
  for (const v1::Declaration& d : response->declarations()) {
    names.push_back(d.name());
  }
  return audit::RecordRead(db_, caller,
                           absl::StrCat(request.parent(), "/declarations"),
                           "ListDeclarations", std::move(names));
}

absl::Status DeclarationApi::GetSettlement(
    const auth::Principal& caller, const v1::GetSettlementRequest& request,
    v1::Settlement* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(request.name(), "providers/*/settlements/*", "name"));
  WMO_ASSIGN_OR_RETURN(
      municipality,
      AddresseeFilter(caller, ids[0], "", "read the settlement of provider"));
  if (auto m = rules::ParseMonth(ids[1], "name"); !m.ok()) return m.status();
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(settlement, Repo::Settle(c, ids[0], ids[1]));
    if (!municipality.empty()) {  // A municipality sees its own rows.
      auto* rows = settlement.mutable_rows();
      rows->erase(std::remove_if(rows->begin(), rows->end(),
                                 [&](const v1::SettlementRow& row) {
                                   return row.municipality() != municipality;
                                 }),
                  rows->end());
      int64_t net = 0;
      for (const v1::SettlementRow& row : *rows) net += row.net_cents();
      settlement.set_net_cents(net);
    }
    *response = std::move(settlement);
    return absl::OkStatus();
  });
}

absl::Status DeclarationApi::ListAuditEntries(
    const auth::Principal& caller,
    const type::v1::ListAuditEntriesRequest& request,
    type::v1::ListAuditEntriesResponse* response) {
  return audit::List(db_, caller, {"providers/*/declarations/*"}, request,
                     response);
}

}  // namespace wmo::declaration
