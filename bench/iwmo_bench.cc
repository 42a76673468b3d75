// A month-end declaration of a large municipality, 100,000 lines, sent over
// REST side by side as an iWmo WMO323 (XML to /v1/iwmo/messages: parsed,
// checked as the national validation checks it, judged, stored and answered
// with its WMO325) and as JSON (to /v1/providers/{agb}/declarations: the
// same declaration judged and stored, the verdicts answered). Each run of
// each path goes to a fresh all-in-one App (SQLite) holding the same
// assignments, created through the assignment service before timing: 11,112
// clients with bgi, bgg and vervoer in lot 1 of midden-limburg-2024, each
// declared for January, February and March 2024 in the declaration of March
// (the first two as late lines), 9 lines a client, cut to the 100,000 lines
// a declaration may hold. Every line is approved;
// the bench checks that it is. Prints a Markdown table for BENCHMARKS.md:
//   build/bench/iwmo_bench   (needs no PostgreSQL or Redis)
// WMO_BENCH_CLIENTS and WMO_BENCH_RUNS override the 11,112 clients and the
// 3 runs per path.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/population.h"
#include "cmd/wmo-server/app_testing.h"
#include "google/protobuf/util/json_util.h"
#include "libs/testing/http.h"
#include "libs/testing/temp_dir.h"

#ifndef WMO_BUILD_TYPE
#define WMO_BUILD_TYPE "unknown"
#endif

namespace wmo {
namespace {

using bench::Clock;
using bench::Die;
using declaration::v1::Declaration;
using declaration::v1::Line;

// What one declaration may hold (the declaration service's bound).
constexpr int kMaxLines = 100000;

constexpr bench::Month kJanuary{"2024-01", "2024-01-01", "2024-01-31"};
constexpr bench::Month kFebruary{"2024-02", "2024-02-01", "2024-02-29"};

// The declaration of March 2024 with January's and February's care too.
Declaration QuarterOf(const std::vector<bench::Client>& clients,
                      const std::string& number) {
  Declaration d = bench::MonthOf(clients, bench::kMarch, number, "M");
  for (const auto* month : {&kJanuary, &kFebruary}) {
    Declaration late =
        bench::MonthOf(clients, *month, number, month == &kJanuary ? "J" : "F");
    for (Line& line : *late.mutable_lines()) *d.add_lines() = std::move(line);
  }
  return d;
}

// The same declaration as a WMO323 of the March declaration's provider.
std::string Wmo323Of(const Declaration& d, const std::string& id) {
  return bench::Wmo323Of(d, bench::kProvider, bench::kMarch, id, "2024-04-02");
}

struct Outcome {
  double seconds = 0;
  bool all_approved = false;
};

// A fresh App holding the clients' assignments.
std::unique_ptr<App> Populated(const testing::TempDir& dir,
                               std::vector<bench::Client>& clients) {
  server::ServerOptions options;
  options.data_dir = dir.File("var");
  options.catalog_dir = std::string(WMO_SOURCE_DIR) + "/catalogs";
  std::unique_ptr<App> app = bench::StartApp(std::move(options));
  bench::CreateAssignments(bench::LoopbackChannel(*app, testing::TestCaller()),
                           clients, 4);
  return app;
}

Outcome Post(const App& app, const std::string& path, const std::string& body,
             const std::string& content_type) {
  const std::string bearer =
      testing::BearerFor(app, testing::Provider(bench::kProvider));
  const auto start = Clock::now();
  testing::HttpResponse response = testing::HttpRequest(
      app.http_port(), "POST", path, body,
      {{"Authorization", bearer}, {"Content-Type", content_type}});
  Outcome o;
  o.seconds = bench::SecondsSince(start);
  if (response.status != 200) {
    Die(path, absl::InternalError(absl::StrCat(response.status, " ",
                                               response.body.substr(0, 500))));
  }
  if (content_type == "application/xml") {
    o.all_approved = response.body.find("<RetourCode>8001</RetourCode>") !=
                     std::string::npos;
  } else {
    Declaration answered;
    google::protobuf::util::JsonParseOptions lenient;
    lenient.ignore_unknown_fields = true;
    o.all_approved = google::protobuf::util::JsonStringToMessage(
                         response.body, &answered, lenient)
                         .ok() &&
                     answered.totals().rejected_lines() == 0;
  }
  if (!o.all_approved) {
    Die(path, absl::InternalError(absl::StrCat("not every line approved: ",
                                               response.body.substr(0, 2000))));
  }
  return o;
}

int Run() {
  const int n_clients = bench::EnvInt("WMO_BENCH_CLIENTS", 11112);
  const int runs = bench::EnvInt("WMO_BENCH_RUNS", 3);
  std::vector<bench::Client> clients = bench::MakeClients(n_clients);
  std::vector<double> xml_seconds, json_seconds;
  std::string xml, json;
  size_t lines = 0;
  for (int run = 0; run < runs; ++run) {
    for (const bool as_xml : {true, false}) {
      testing::TempDir dir;
      std::unique_ptr<App> app = Populated(dir, clients);
      // Built for this App, whose callers numbered the assignments in their
      // own order; before the clock starts.
      Declaration d = QuarterOf(clients, "Q2024M03");
      if (d.lines_size() > kMaxLines) {  // the last clients' February
        d.mutable_lines()->DeleteSubrange(kMaxLines,
                                          d.lines_size() - kMaxLines);
      }
      lines = static_cast<size_t>(d.lines_size());
      xml = Wmo323Of(d, "B2024M03");
      json.clear();
      if (!google::protobuf::util::MessageToJsonString(d, &json).ok()) {
        Die("JSON", absl::InternalError("cannot print the declaration"));
      }
      const Outcome o =
          as_xml ? Post(*app, "/v1/iwmo/messages", xml, "application/xml")
                 : Post(*app,
                        absl::StrCat("/v1/providers/", bench::kProvider,
                                     "/declarations"),
                        json, "application/json");
      (as_xml ? xml_seconds : json_seconds).push_back(o.seconds);
      std::fprintf(stderr, "run %d %s: %.2f s\n", run + 1,
                   as_xml ? "iWmo XML" : "JSON", o.seconds);
    }
  }
  auto cells = [](const std::vector<double>& seconds) {
    std::string out;
    for (double s : seconds) {
      absl::StrAppend(&out, out.empty() ? "" : ", ",
                      absl::StrFormat("%.2f", s));
    }
    return out;
  };
  const double xml_median = bench::Median(xml_seconds);
  const double json_median = bench::Median(json_seconds);
  std::printf(
      "Build type %s; %zu lines (%d clients x 9, at most 100,000), XML %zu "
      "bytes, JSON %zu "
      "bytes\n\n",
      WMO_BUILD_TYPE, lines, n_clients, xml.size(), json.size());
  std::printf(
      "| path | runs | s per declaration (each run) | median s | lines/s "
      "(median) |\n|---|---:|---|---:|---:|\n");
  std::printf("| iWmo WMO323 → WMO325, REST | %d | %s | %.2f | %.0f |\n", runs,
              cells(xml_seconds).c_str(), xml_median,
              static_cast<double>(lines) / xml_median);
  std::printf("| JSON declaration, REST | %d | %s | %.2f | %.0f |\n\n", runs,
              cells(json_seconds).c_str(), json_median,
              static_cast<double>(lines) / json_median);
  std::printf(
      "| ratio | measured | target |\n|---|---:|---:|\n| iWmo lines/s ÷ JSON "
      "lines/s | %.2f | ≥ 0.50 |\n",
      json_median / xml_median);
  return 0;
}

}  // namespace
}  // namespace wmo

int main() { return wmo::Run(); }
