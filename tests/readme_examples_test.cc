// Runs the examples of README.md against the real wmo-server binary, in the
// order a reader would type them, so that the README cannot drift from what
// the server does.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/process.h"
#include "libs/testing/temp_dir.h"

namespace wmo {
namespace {

// The commands of the README's ```sh blocks that talk to the server (curl,
// npx), each with its continuation lines; the `export` lines before them
// (the tokens) go into `exports`.
std::vector<std::string> ReadmeExamples(std::string* exports = nullptr) {
  std::ifstream in(testing::SourceDir() + "/README.md");
  std::vector<std::string> commands;
  bool in_block = false;
  for (std::string line; std::getline(in, line);) {
    if (absl::StartsWith(line, "```")) {
      in_block = !in_block && line == "```sh";
      continue;
    }
    if (!in_block) continue;
    if (absl::StartsWith(line, "export ")) {
      if (exports != nullptr) absl::StrAppend(exports, line, "\n");
      continue;
    }
    if (absl::StartsWith(line, "curl ") || absl::StartsWith(line, "npx ")) {
      commands.push_back(line);
    } else if (!commands.empty() && !absl::StartsWith(line, "make ") &&
               !line.empty()) {
      absl::StrAppend(&commands.back(), "\n", line);
    }
  }
  return commands;
}

int PortAfter(const std::string& output, const std::string& label) {
  std::smatch m;
  const std::regex re(label + R"( +(?:http://)?127\.0\.0\.1:(\d+))");
  return std::regex_search(output, m, re) ? std::stoi(m[1]) : 0;
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
    http_ = PortAfter(server_->output(), "REST");
    grpc_ = PortAfter(server_->output(), "gRPC");
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

TEST_F(ReadmeExamplesTest, EveryCurlExampleAnswersWithSuccessInOrder) {
  const std::vector<std::string> examples = ReadmeExamples(&exports_);
  EXPECT_THAT(exports_, ::testing::HasSubstr("wmo-server token"));
  int curls = 0;
  for (const std::string& example : examples) {
    if (!absl::StartsWith(example, "curl ")) continue;
    ++curls;
    // The status code on a last line of its own; before a here-document,
    // which must end the command.
    std::string command = Localized(example);
    const size_t here = command.find(" <<'EOF'");
    command.insert(here == std::string::npos ? command.size() : here,
                   " -w '\\n%{http_code}'");
    auto [out, ok] = testing::RunShell(command);
    ASSERT_TRUE(ok) << example << "\n" << out;
    const size_t last = out.rfind('\n');
    ASSERT_NE(last, std::string::npos) << example << "\n" << out;
    const std::string body = out.substr(0, last);
    EXPECT_EQ(out.substr(last + 1), "200") << example << "\n" << body;
    EXPECT_TRUE(absl::StartsWith(body, "{") || absl::StartsWith(body, "[") ||
                absl::StartsWith(body, "<?xml"))
        << example << "\n"
        << body;
    // Validation answers 200 with verdicts, and an iWmo message with its
    // retour: every line of the example must be approved, or the example
    // teaches a declaration that fails.
    EXPECT_THAT(body, ::testing::Not(::testing::HasSubstr("REJECTED")))
        << example;
    if (absl::StartsWith(body, "<?xml")) {
      EXPECT_THAT(body, ::testing::HasSubstr("<RetourCode>8001</RetourCode>"))
          << example << "\n"
          << body;
    }
  }
  EXPECT_GE(curls, 5) << "the README's examples were not found";
}

TEST_F(ReadmeExamplesTest, GrpcExampleListsTheCatalogs) {
  // buf comes from the npm registry; run it only where it is installed, so
  // that the suite needs no network.
  if (!testing::RunShell("npx --no-install @bufbuild/buf --version").ok) {
    GTEST_SKIP() << "buf is not installed (npm install @bufbuild/buf)";
  }
  for (const std::string& example : ReadmeExamples(&exports_)) {
    if (!absl::StartsWith(example, "npx ")) continue;
    auto [out, ok] = testing::RunShell(absl::StrReplaceAll(
        Localized(example),
        {{"npx @bufbuild/buf", "npx --no-install @bufbuild/buf"}}));
    EXPECT_TRUE(ok) << example << "\n" << out;
    EXPECT_THAT(out, ::testing::HasSubstr("catalogs/midden-limburg-2024"));
  }
}

}  // namespace
}  // namespace wmo
