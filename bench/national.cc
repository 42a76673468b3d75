#include "bench/national.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/testing/temp_dir.h"

namespace wmo::bench::national {
namespace {

using declaration::v1::Declaration;
using declaration::v1::Line;
using wmo::type::v1::UNIT_DAY_PART;
using wmo::type::v1::UNIT_HOUR;
using wmo::type::v1::UNIT_MINUTE;

// Per catalog an individual product (hours, or minutes) and a group or day
// product (day parts, or hours), as bgi and bgg in Midden-Limburg: neither
// needs the other, day detail or a contract attribute, and they combine.
std::vector<Catalog> Catalogs() {
  return {
      {"midden-limburg-2024",
       "midden-limburg-2024.textproto",
       true,
       {{"bgi",
         "1",
         "02",
         "02BGI",
         UNIT_HOUR,
         {kBgiTariff[0], kBgiTariff[1], kBgiTariff[2], kBgiTariff[3],
          kBgiTariff[4]}},
        {"bgg",
         "1",
         "02",
         "02BGG",
         UNIT_DAY_PART,
         {kBggTariff[0], kBggTariff[1], kBggTariff[2], kBggTariff[3],
          kBggTariff[4]}}},
       {}},
      {"perspectief-2024",
       "perspectief-2024.textproto",
       false,
       {{"begeleiding-ontwikkeling",
         "1",
         "02",
         "02P02",
         UNIT_HOUR,
         {6640, 6640, 6640, 6640, 6640}},
        {"dagbesteding-ontwikkelingsgericht",
         "4",
         "07",
         "07P01",
         UNIT_DAY_PART,
         {5230, 5230, 5230, 5230, 5230}}},
       {}},
      {"toekomst-sociaal-domein-2023",
       "toekomst-sociaal-domein-2023.textproto",
       false,
       {{"begeleiding-behouden",
         "individuele-begeleiding",
         "02",
         "02A05",
         UNIT_HOUR,
         {6400, 6400, 6400, 6400, 6400}},
        {"dagbesteding-behouden",
         "begeleiding-groep",
         "07",
         "07A02",
         UNIT_DAY_PART,
         {4100, 4100, 4100, 4100, 4100}}},
       {}},
      {"wmo-licht-midden-zwaar",
       "wmo-licht-midden-zwaar.textproto",
       false,
       {{"begeleiding-individueel-licht",
         "begeleiding-individueel",
         "02",
         "02A01",
         UNIT_MINUTE,
         {110, 110, 110, 110, 110}},
        {"begeleiding-groep-licht",
         "begeleiding-groep",
         "07",
         "07A01",
         UNIT_HOUR,
         {1050, 1050, 1050, 1050, 1050}}},
       {}},
      {"wmo-regulier-specialistisch",
       "wmo-regulier-specialistisch.textproto",
       false,
       {{"begeleiding-individueel-specialistisch",
         "begeleiding-individueel",
         "02",
         "02A02",
         UNIT_HOUR,
         {8100, 8100, 8100, 8100, 8100}},
        {"dagbesteding-groep",
         "dagbesteding",
         "07",
         "07A01",
         UNIT_DAY_PART,
         {4200, 4200, 4200, 4200, 4200}}},
       {}},
  };
}

// The weekly extent of `product` for `c`.
int64_t WeeklyVolume(const Product& product, const Client& c) {
  switch (product.unit) {
    case UNIT_MINUTE:
      return int64_t{30} * c.hours;
    case UNIT_DAY_PART:
      return c.day_parts;
    default:
      return c.hours;
  }
}

int64_t TariffOf(const Product& product, const Client& c) {
  return product.tariff_cents[c.basis - 1];
}

Expected ExpectedOf(Fault fault) {
  switch (fault) {
    case Fault::kTariff:
      return {"TR418", "0611"};
    case Fault::kVolume:
      return {"TR321", "9321"};
    case Fault::kReferenceReused:
      return {"TR314", "8021"};
    case Fault::kOtherProvider:
      return {"TR338", "9338"};
  }
  return {};
}

}  // namespace

absl::StatusOr<Population> MakePopulation(const std::string& catalog_dir,
                                          int clients, int providers,
                                          int per_client) {
  if (providers < 5) {
    return absl::InvalidArgumentError("at least 5 providers: one a catalog");
  }
  if (per_client < 1 || per_client > 2) {
    return absl::InvalidArgumentError(
        "1 or 2 assignments a client: each catalog has two products that "
        "need nothing else");
  }
  Population p;
  p.per_client = per_client;
  p.catalogs = Catalogs();
  const std::regex municipality(R"re(municipalities \{ cbs_code: "(\d{4})")re");
  for (size_t c = 0; c < p.catalogs.size(); ++c) {
    Catalog& catalog = p.catalogs[c];
    const std::string text =
        testing::ReadFile(catalog_dir + "/" + catalog.file);
    for (std::sregex_iterator it(text.begin(), text.end(), municipality), end;
         it != end; ++it) {
      catalog.municipalities.push_back((*it)[1]);
      p.municipalities.push_back({(*it)[1], static_cast<int>(c)});
    }
    if (catalog.municipalities.empty()) {
      return absl::NotFoundError(
          absl::StrCat("no municipalities in ", catalog.file));
    }
  }

  // Providers round robin over the catalogs; within a catalog of k
  // providers and n municipalities, slot t < 2 max(k, n) pairs provider
  // t mod k with municipality t mod n: each provider serves at least two
  // municipalities when n > 1, each municipality has two providers when
  // k > 1 (so a line can name another provider's assignment).
  p.providers.resize(providers);
  for (int i = 0; i < providers; ++i) {
    p.providers[i].agb = absl::StrFormat("9998%04d", i + 1);
    p.providers[i].catalog = i % static_cast<int>(p.catalogs.size());
  }
  std::vector<std::vector<int>> serving(p.municipalities.size());
  int first_municipality = 0;
  for (size_t c = 0; c < p.catalogs.size(); ++c) {
    std::vector<int> in_catalog;
    for (int i = 0; i < providers; ++i) {
      if (p.providers[i].catalog == static_cast<int>(c))
        in_catalog.push_back(i);
    }
    const int k = static_cast<int>(in_catalog.size());
    const int n = static_cast<int>(p.catalogs[c].municipalities.size());
    for (int t = 0; t < 2 * std::max(k, n); ++t) {
      Provider& provider = p.providers[in_catalog[t % k]];
      const int m = first_municipality + t % n;
      if (std::find(provider.municipalities.begin(),
                    provider.municipalities.end(),
                    m) == provider.municipalities.end()) {
        provider.municipalities.push_back(m);
        serving[m].push_back(in_catalog[t % k]);
      }
    }
    first_municipality += n;
  }
  for (auto& s : serving) std::sort(s.begin(), s.end());

  std::vector<Client> people = MakeClients(clients);
  p.clients.resize(clients);
  const int m_count = static_cast<int>(p.municipalities.size());
  for (int i = 0; i < clients; ++i) {
    NationalClient& c = p.clients[i];
    c.person = std::move(people[i]);
    c.municipality = i % m_count;
    const std::vector<int>& s = serving[c.municipality];
    c.provider = s[(i / m_count) % s.size()];
  }
  return p;
}

absl::Status WriteCatalogs(const Population& population,
                           const std::string& catalog_dir,
                           const std::string& dir) {
  for (size_t c = 0; c < population.catalogs.size(); ++c) {
    const Catalog& catalog = population.catalogs[c];
    std::string text = testing::ReadFile(catalog_dir + "/" + catalog.file);
    absl::StrAppend(&text,
                    "\n# national_bench: made-up providers (AGB codes 9998xxxx,"
                    " not real ones).\n");
    const Product& a = catalog.products[0];
    const Product& b = catalog.products[1];
    const std::string lots =
        std::string(a.lot) == b.lot
            ? absl::StrCat("\"", a.lot, "\"")
            : absl::StrCat("\"", a.lot, "\", \"", b.lot, "\"");
    for (size_t i = 0; i < population.providers.size(); ++i) {
      const Provider& provider = population.providers[i];
      if (provider.catalog != static_cast<int>(c)) continue;
      absl::StrAppend(&text, "contracts {\n  provider_agb: \"", provider.agb,
                      "\"\n  provider_name: \"Bench Provider ", i + 1,
                      "\"\n  product_ids: [\"", a.id, "\", \"", b.id,
                      "\"]\n  lot_ids: [", lots,
                      "]\n  valid_from: \"2024-01-01\"\n  demo: true\n}\n");
    }
    std::ofstream out(std::filesystem::path(dir) / catalog.file);
    out << text;
    if (!out) return absl::InternalError("cannot write " + catalog.file);
  }
  return absl::OkStatus();
}

assignment::v1::Assignment AssignmentOf(const Population& population,
                                        const NationalClient& client, int k) {
  const Provider& provider = population.providers[client.provider];
  const Catalog& catalog = population.catalogs[provider.catalog];
  const Product& product = catalog.products[k];
  assignment::v1::Assignment a;
  a.mutable_client()->set_bsn(client.person.bsn);
  a.mutable_client()->set_birth_date("1968-05-17");
  a.set_provider_agb(provider.agb);
  a.set_catalog(catalog.id);
  a.set_lot(product.lot);
  a.set_product(product.id);
  if (catalog.bases) a.set_basis(std::to_string(client.person.basis));
  a.mutable_extent()->set_volume(WeeklyVolume(product, client.person));
  a.mutable_extent()->set_unit(product.unit);
  a.mutable_extent()->set_frequency(wmo::type::v1::FREQUENCY_PER_WEEK);
  a.set_start_date("2024-01-01");
  a.set_end_date("2024-12-31");
  if (catalog.bases) {  // S3-10
    auto* result = a.add_results();
    result->set_life_domain("Sociaal functioneren");
    result->set_activity_type(assignment::v1::ACTIVITY_TYPE_HELP);
  }
  return a;
}

std::vector<PlannedDeclaration> PlanMonth(const Population& population,
                                          const Month& month,
                                          const std::string& tag, int offset,
                                          int first) {
  constexpr int kEvery = 50;
  constexpr int64_t kWeeks = 4;
  const int m_count = static_cast<int>(population.municipalities.size());
  // Clients by municipality, in index order: client i is at i / m_count.
  std::vector<std::vector<int>> by_municipality(m_count);
  for (size_t i = 0; i < population.clients.size(); ++i) {
    by_municipality[population.clients[i].municipality].push_back(
        static_cast<int>(i));
  }
  // (the municipality's rank among the provider's, provider, municipality)
  // -> its clients: consecutive declarations are of different providers.
  std::map<std::tuple<int, int, int>, std::vector<int>> groups;
  for (size_t i = 0; i < population.clients.size(); ++i) {
    const NationalClient& c = population.clients[i];
    const auto& served = population.providers[c.provider].municipalities;
    const int rank = static_cast<int>(
        std::find(served.begin(), served.end(), c.municipality) -
        served.begin());
    groups[{rank, c.provider, c.municipality}].push_back(static_cast<int>(i));
  }

  auto debit = [&](const NationalClient& c, int k, const Month& m,
                   std::string reference) {
    const Catalog& catalog =
        population.catalogs[population.providers[c.provider].catalog];
    const Product& product = catalog.products[k];
    return DebitLine(m, std::move(reference), c.numbers[k], c.person.bsn,
                     product.category, product.code,
                     kWeeks * WeeklyVolume(product, c.person), product.unit,
                     TariffOf(product, c.person));
  };

  std::vector<PlannedDeclaration> out;
  out.reserve(groups.size());
  int serial = 0;
  std::set<int> targets;  // other providers' clients declared on already
  for (const auto& [key, members] : groups) {
    const auto& [rank, provider, municipality] = key;
    PlannedDeclaration& plan = out.emplace_back();
    plan.provider = provider;
    plan.municipality = municipality;
    Declaration& d = plan.declaration;
    d.set_number(
        absl::StrCat(tag, population.municipalities[municipality].cbs));
    d.set_municipality(population.municipalities[municipality].cbs);
    d.set_period(month.period);
    d.mutable_lines()->Reserve(population.per_client *
                               static_cast<int>(members.size()));
    std::string previous_reference;
    int previous_client = -1;
    for (int i : members) {
      const NationalClient& c = population.clients[i];
      for (int k = 0; k < population.per_client; ++k) {
        Line line =
            debit(c, k, month, absl::StrFormat("%s%07d", tag, serial++));
        Expected expected;
        if (k == 0 && i % kEvery == offset) {
          auto fault = static_cast<Fault>((i / kEvery + first) % 4);
          if (fault == Fault::kReferenceReused &&
              (previous_client < 0 || previous_client % kEvery == offset)) {
            fault = Fault::kTariff;  // no sound line before it to copy
          }
          int target = -1;
          if (fault == Fault::kOtherProvider) {
            // The next client of the municipality with another provider.
            const std::vector<int>& around = by_municipality[municipality];
            const size_t at = static_cast<size_t>(i / m_count);
            for (size_t step = 1; step < around.size() && target < 0; ++step) {
              const int other = around[(at + step) % around.size()];
              if (population.clients[other].provider != provider &&
                  !targets.contains(other)) {
                target = other;
              }
            }
            if (target < 0) fault = Fault::kTariff;  // the only provider
          }
          switch (fault) {
            case Fault::kTariff:
              line.set_tariff_cents(line.tariff_cents() + 1);
              line.set_amount_cents(line.volume() * line.tariff_cents());
              break;
            case Fault::kVolume:
              // Above the five ISO weeks either month touches.
              line.set_volume(line.volume() / kWeeks * 7);
              line.set_amount_cents(line.volume() * line.tariff_cents());
              break;
            case Fault::kReferenceReused:
              line.set_reference(previous_reference);
              break;
            case Fault::kOtherProvider:
              targets.insert(target);
              line = debit(population.clients[target], 0, kFebruary,
                           line.reference());
              break;
          }
          expected = ExpectedOf(fault);
        }
        if (k == 0) previous_reference = line.reference();
        *d.add_lines() = std::move(line);
        plan.expected.push_back(std::move(expected));
      }
      previous_client = i;
    }
  }
  return out;
}

std::string Wmo323Of(const Population& population,
                     const PlannedDeclaration& plan, const Month& month,
                     const std::string& id, const std::string& date) {
  return bench::Wmo323Of(plan.declaration,
                         population.providers[plan.provider].agb, month, id,
                         date);
}

}  // namespace wmo::bench::national
