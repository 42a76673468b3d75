// Runs the examples of README.md against the real wmo-server binary, in the
// order a reader would type them, so that the README cannot drift from what
// the server does: every command must answer 200, and the walk-through's
// steps must each be there and answer what the step is for (the assignment
// active, the start recorded, every declaration line approved, the
// settlement summing the approved lines, the booking made, the search
// finding the bed pool).
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/process.h"
#include "libs/testing/temp_dir.h"
#include "nlohmann/json.hpp"

namespace wmo {
namespace {

using nlohmann::json;

// One command of the README: a `curl` or `npx` line with what continues
// it (lines after a trailing backslash, an open single quote, or a
// here-document up to its terminator), and the README line it starts on.
struct Example {
  std::string command;
  int line = 0;
};

// The commands of the README's ```sh blocks that talk to the server (curl,
// npx), in order; the `export` lines (tokens and dates) go into `exports`.
// Other shell lines (backups, builds) are not run.
std::vector<Example> ReadmeExamples(std::string* exports = nullptr) {
  std::ifstream in(testing::SourceDir() + "/README.md");
  std::vector<Example> commands;
  bool in_block = false;
  bool continuing = false;  // the next line belongs to the last command
  std::string heredoc;      // the terminator of an open here-document
  bool open_quote = false;  // inside a single-quoted word
  const std::regex heredoc_start(R"(<<-?\s*'?([A-Za-z_]+)'?)");
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (heredoc.empty() && !open_quote && absl::StartsWith(line, "```")) {
      in_block = !in_block && line == "```sh";
      continuing = false;
      continue;
    }
    if (!in_block) continue;
    if (!continuing) {
      if (absl::StartsWith(line, "export ")) {
        if (exports != nullptr) absl::StrAppend(exports, line, "\n");
        continue;
      }
      if (!absl::StartsWith(line, "curl ") && !absl::StartsWith(line, "npx ")) {
        continue;
      }
      commands.push_back({line, number});
    } else {
      absl::StrAppend(&commands.back().command, "\n", line);
    }
    if (!heredoc.empty()) {
      if (line == heredoc) heredoc.clear();
    } else {
      if (std::count(line.begin(), line.end(), '\'') % 2 == 1) {
        open_quote = !open_quote;
      }
      std::smatch m;
      if (!open_quote && std::regex_search(line, m, heredoc_start)) {
        heredoc = m[1];
      }
    }
    continuing = !heredoc.empty() || open_quote || absl::EndsWith(line, "\\");
  }
  return commands;
}

// The names the README's export lines set.
std::vector<std::string> ExportedNames(const std::string& exports) {
  std::vector<std::string> names;
  const std::regex name(R"((?:^export|\s)([A-Z][A-Z0-9_]*)=)");
  for (absl::string_view line : absl::StrSplit(exports, '\n')) {
    const std::string text(line);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), name);
         it != std::sregex_iterator(); ++it) {
      names.push_back((*it)[1]);
    }
  }
  return names;
}

// An int64 of proto3 JSON, which writes it as a string.
int64_t Int64(const json& value) {
  int64_t n = 0;
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_string() && absl::SimpleAtoi(value.get<std::string>(), &n)) {
    return n;
  }
  return 0;
}

// What the walk-through's answers say, for the checks of later steps.
struct Seen {
  // Approved cents of the submitted JSON declarations, by period.
  std::map<std::string, int64_t> approved_by_period;
  // The bed pools created.
  std::set<std::string> pools;
};

// One step of the walk-through: the method and route its command calls,
// and what its answer must hold.
struct Step {
  const char* what;
  bool post;
  std::regex path;
  std::function<void(const json& answer, Seen& seen)> check;
};

std::vector<Step> WalkThrough() {
  return {
      {"create an assignment", true,
       std::regex(R"(^/v1/municipalities/[0-9]+/assignments$)"),
       [](const json& a, Seen&) {
         EXPECT_EQ(a.value("state", ""), "ACTIVE") << a.dump();
         EXPECT_FALSE(a.value("name", "").empty()) << a.dump();
       }},
      {"record the start of care", true,
       std::regex(R"(^/v1/municipalities/[0-9]+/assignments/[0-9]+:start$)"),
       [](const json& a, Seen&) {
         ASSERT_TRUE(a.contains("delivery")) << a.dump();
         EXPECT_FALSE(a["delivery"].value("startDate", "").empty()) << a.dump();
       }},
      {"validate a declaration", true,
       std::regex(R"(^/v1/providers/[0-9]+/declarations:validate$)"),
       [](const json& d, Seen&) {
         ASSERT_TRUE(d.contains("totals")) << d.dump();
         EXPECT_EQ(d["totals"].value("rejectedLines", -1), 0) << d.dump();
         EXPECT_GE(d["totals"].value("approvedLines", 0), 1) << d.dump();
       }},
      {"declare a month", true,
       std::regex(R"(^/v1/providers/[0-9]+/declarations$)"),
       [](const json& d, Seen& seen) {
         ASSERT_TRUE(d.contains("totals")) << d.dump();
         const json& totals = d["totals"];
         EXPECT_EQ(totals.value("rejectedLines", -1), 0) << d.dump();
         EXPECT_EQ(totals.value("approvedLines", 0),
                   static_cast<int>(d.value("lines", json::array()).size()))
             << d.dump();
         EXPECT_GE(totals.value("approvedLines", 0), 1) << d.dump();
         for (const json& line : d.value("lines", json::array())) {
           EXPECT_EQ(line["verdict"].value("outcome", ""), "APPROVED")
               << line.dump();
         }
         EXPECT_GT(Int64(totals.value("approvedCents", json())), 0) << d.dump();
         seen.approved_by_period[d.value("period", "")] +=
             Int64(totals.value("approvedCents", json()));
       }},
      {"read the settlement", false,
       std::regex(R"(^/v1/providers/[0-9]+/settlements/[^/?]+$)"),
       [](const json& s, Seen& seen) {
         EXPECT_FALSE(s.value("rows", json::array()).empty()) << s.dump();
         const int64_t net = Int64(s.value("netCents", json()));
         EXPECT_GT(net, 0) << s.dump();
         // The settlement sums what the README's declarations of that
         // month had approved.
         EXPECT_EQ(net, seen.approved_by_period[s.value("period", "")])
             << s.dump();
       }},
      {"create a location", true,
       std::regex(R"(^/v1/providers/[0-9]+/locations\?locationId=[a-z0-9-]+$)"),
       [](const json& l, Seen&) {
         EXPECT_THAT(l.value("name", ""), ::testing::HasSubstr("/locations/"))
             << l.dump();
       }},
      {"create a bed pool", true,
       std::regex(
           R"(^/v1/providers/[0-9]+/locations/[a-z0-9-]+/bedPools\?bedPoolId=[a-z0-9-]+$)"),
       [](const json& p, Seen& seen) {
         EXPECT_THAT(p.value("name", ""), ::testing::HasSubstr("/bedPools/"))
             << p.dump();
         EXPECT_GE(p.value("beds", 0), 1) << p.dump();
         seen.pools.insert(p.value("name", ""));
       }},
      {"book a bed", true,
       std::regex(
           R"(^/v1/providers/[0-9]+/locations/[a-z0-9-]+/bedPools/[a-z0-9-]+/bookings$)"),
       [](const json& b, Seen&) {
         EXPECT_EQ(b.value("state", ""), "BOOKED") << b.dump();
         EXPECT_GE(b.value("bed", 0), 1) << b.dump();
       }},
      {"search availability", false, std::regex(R"(^/v1/availability\?)"),
       [](const json& found, Seen& seen) {
         std::set<std::string> pools;
         for (const json& location : found.value("locations", json::array())) {
           for (const json& pool : location.value("pools", json::array())) {
             EXPECT_FALSE(pool.value("nights", json::array()).empty())
                 << pool.dump();
             pools.insert(pool.value("pool", ""));
           }
         }
         ASSERT_FALSE(seen.pools.empty()) << "no bed pool created before";
         for (const std::string& pool : seen.pools) {
           EXPECT_TRUE(pools.count(pool))
               << pool << " not found in " << found.dump();
         }
       }},
  };
}

// The path and query a command calls on the gateway ("" for none), from
// its first line.
std::string GatewayPath(const std::string& command) {
  const std::string first = command.substr(0, command.find('\n'));
  std::smatch m;
  static const std::regex url(R"(localhost:8080(/[^\s'"]*))");
  return std::regex_search(first, m, url) ? std::string(m[1]) : "";
}

bool Posts(const std::string& command) {
  const std::string first = command.substr(0, command.find('\n'));
  return absl::StrContains(first, "--data") ||
         absl::StrContains(first, " -d ") ||
         absl::StrContains(first, "-X POST");
}

class ReadmeExamplesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::Process>(std::vector<std::string>{
        std::string(WMO_BINARY_DIR) + "/cmd/wmo-server/wmo-server",
        "--grpc_port=0", "--http_port=0", "--metrics_port=0", "--auth=dev",
        "--data_dir=" + dir_.File("var"),
        "--catalog_dir=" + testing::SourceDir() + "/catalogs"});
    ASSERT_TRUE(server_->WaitForOutput("metrics")) << server_->output();
    http_ = testing::PortAfter(server_->output(), "REST");
    grpc_ = testing::PortAfter(server_->output(), "gRPC");
    ASSERT_GT(http_, 0) << server_->output();
    ASSERT_GT(grpc_, 0) << server_->output();
  }

  // The example as it runs against this server's ports and keys, after
  // the README's exports.
  std::string Localized(const std::string& example) const {
    return absl::StrReplaceAll(
        absl::StrCat(exports_, example),
        {{"localhost:8080", absl::StrCat("127.0.0.1:", http_)},
         {"127.0.0.1:50051", absl::StrCat("127.0.0.1:", grpc_)},
         {"build/cmd/wmo-server/wmo-server token",
          absl::StrCat(WMO_BINARY_DIR,
                       "/cmd/wmo-server/wmo-server token "
                       "--data_dir=",
                       dir_.File("var"))}});
  }

  std::string exports_;

  testing::TempDir dir_;
  std::unique_ptr<testing::Process> server_;
  int http_ = 0, grpc_ = 0;
};

TEST_F(ReadmeExamplesTest, EveryExportSetsItsVariable) {
  ReadmeExamples(&exports_);
  EXPECT_THAT(exports_, ::testing::HasSubstr("wmo-server token"));
  const std::vector<std::string> names = ExportedNames(exports_);
  EXPECT_THAT(names, ::testing::IsSupersetOf({"MUNICIPALITY", "PROVIDER"}));
  std::string check = Localized("");
  for (const std::string& name : names) {
    absl::StrAppend(&check, "[ -n \"$", name, "\" ] || echo \"", name,
                    " is empty\"\n");
  }
  auto [out, ok] = testing::RunShell(check);
  EXPECT_TRUE(ok) << out;
  // Nothing printed: every variable is set, and no command failed.
  EXPECT_EQ(out, "") << exports_;
}

TEST_F(ReadmeExamplesTest, EveryCurlExampleAnswersWithSuccessInOrder) {
  const std::vector<Example> examples = ReadmeExamples(&exports_);
  EXPECT_THAT(exports_, ::testing::HasSubstr("wmo-server token"));
  std::vector<Step> steps = WalkThrough();
  std::vector<int> ran(steps.size(), 0);
  Seen seen;
  int curls = 0;
  for (const Example& example : examples) {
    if (!absl::StartsWith(example.command, "curl ")) continue;
    ++curls;
    const std::string where =
        absl::StrCat("README.md:", example.line, "\n", example.command);
    // The status code on a last line of its own; before a here-document,
    // which must end the command.
    std::string command = Localized(example.command);
    const size_t here = command.find(" <<");
    command.insert(here == std::string::npos ? command.size() : here,
                   " -w '\\n%{http_code}'");
    auto [out, ok] = testing::RunShell(command);
    ASSERT_TRUE(ok) << where << "\n" << out;
    const size_t last = out.rfind('\n');
    ASSERT_NE(last, std::string::npos) << where << "\n" << out;
    const std::string body = out.substr(0, last);
    EXPECT_EQ(out.substr(last + 1), "200") << where << "\n" << body;
    EXPECT_TRUE(absl::StartsWith(body, "{") || absl::StartsWith(body, "[") ||
                absl::StartsWith(body, "<?xml"))
        << where << "\n"
        << body;
    // Validation answers 200 with verdicts, and an iWmo message with its
    // retour: every line of the example must be approved, or the example
    // teaches a declaration that fails.
    EXPECT_THAT(body, ::testing::Not(::testing::HasSubstr("REJECTED")))
        << where;
    if (absl::StartsWith(body, "<?xml")) {
      EXPECT_THAT(body, ::testing::HasSubstr("<RetourCode>8001</RetourCode>"))
          << where << "\n"
          << body;
      continue;
    }
    const json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(answer.is_discarded()) << where << "\n" << body;
    const std::string path = GatewayPath(example.command);
    if (absl::StrContains(path, "/auditEntries")) {
      EXPECT_FALSE(answer.value("entries", json::array()).empty())
          << where << "\n"
          << body;
    }
    for (size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].post != Posts(example.command) ||
          !std::regex_search(path, steps[i].path)) {
        continue;
      }
      ++ran[i];
      SCOPED_TRACE(absl::StrCat(steps[i].what, ": ", where));
      steps[i].check(answer, seen);
    }
  }
  // The walk-through keeps every step of the issue it answers.
  for (size_t i = 0; i < steps.size(); ++i) {
    EXPECT_GE(ran[i], 1) << "the README's walk-through no longer has a step to "
                         << steps[i].what;
  }
  EXPECT_GE(curls, 12) << "the README's examples were not found";
}

TEST_F(ReadmeExamplesTest, GrpcExampleListsTheCatalogs) {
  // buf comes from the npm registry; run it only where it is installed, so
  // that the suite needs no network.
  if (!testing::RunShell("npx --no-install @bufbuild/buf --version").ok) {
    GTEST_SKIP() << "buf is not installed (npm install @bufbuild/buf)";
  }
  for (const Example& example : ReadmeExamples(&exports_)) {
    if (!absl::StartsWith(example.command, "npx ")) continue;
    auto [out, ok] = testing::RunShell(absl::StrReplaceAll(
        Localized(example.command),
        {{"npx @bufbuild/buf", "npx --no-install @bufbuild/buf"}}));
    EXPECT_TRUE(ok) << example.command << "\n" << out;
    EXPECT_THAT(out, ::testing::HasSubstr("catalogs/midden-limburg-2024"));
  }
}

}  // namespace
}  // namespace wmo
