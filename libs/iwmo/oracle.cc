#include "libs/iwmo/oracle.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/process.h"

namespace wmo::iwmo::testing {

std::string ReferenceDir() {
  const char* env = std::getenv("WMO_IWMO_REFERENCE");
  const std::string dir = env != nullptr ? env : WMO_IWMO_REFERENCE_DIR;
  return std::filesystem::exists(std::filesystem::path(dir) /
                                 "tr-cd-cs-wmo-3.2.xsl")
             ? dir
             : std::string();
}

std::vector<OfficialVerdict> JudgeOfficially(
    absl::string_view message, const std::vector<std::string>& documents) {
  const std::string dir = ReferenceDir();
  std::vector<OfficialVerdict> out(documents.size());
  if (dir.empty() || documents.empty()) return out;
  const std::filesystem::path work =
      std::filesystem::path(::testing::TempDir()) /
      absl::StrCat("iwmo-oracle-", getpid());
  std::filesystem::create_directories(work);
  std::vector<std::string> files;
  for (size_t i = 0; i < documents.size(); ++i) {
    files.push_back((work / absl::StrCat(i, ".xml")).string());
    std::ofstream(files.back(), std::ios::binary) << documents[i];
  }
  const std::string all = absl::StrJoin(files, " ");
  // xmllint ends its say on each file with "F validates" or "F fails to
  // validate"; the lines before belong to that file.
  const std::string schema =
      wmo::testing::RunShell(absl::StrCat("xmllint --noout --schema ", dir,
                                          "/xsd/", message, ".xsd ", all))
          .output;
  std::string pending;
  for (absl::string_view line : absl::StrSplit(schema, '\n')) {
    for (size_t i = 0; i < files.size(); ++i) {
      if (line == absl::StrCat(files[i], " validates")) {
        out[i].schema_valid = true;
      }
      if (line == absl::StrCat(files[i], " validates") ||
          line == absl::StrCat(files[i], " fails to validate")) {
        out[i].detail = pending;
        pending.clear();
        break;
      }
    }
    if (!absl::EndsWith(line, "validates") &&
        !absl::EndsWith(line, "fails to validate")) {
      absl::StrAppend(&pending, line, "\n");
    }
  }
  // xsltproc writes one report per file, in order, each a document.
  const std::string reports =
      wmo::testing::RunShell(
          absl::StrCat("xsltproc ", dir, "/tr-cd-cs-wmo-3.2.xsl ", all))
          .output;
  std::vector<absl::string_view> each =
      absl::StrSplit(reports, "<?xml ", absl::SkipEmpty());
  EXPECT_EQ(each.size(), documents.size())
      << "xsltproc wrote a report per well-formed message only:\n"
      << reports.substr(0, 2000);
  for (size_t i = 0; i < each.size() && i < out.size(); ++i) {
    for (absl::string_view part : absl::StrSplit(each[i], "<n4:Code>")) {
      if (part.data() == each[i].data()) continue;
      out[i].rules.emplace_back(part.substr(0, part.find('<')));
    }
    absl::StrAppend(&out[i].detail, each[i]);
  }
  std::filesystem::remove_all(work);
  return out;
}

int CountAccepted(const std::vector<OfficialVerdict>& verdicts) {
  return static_cast<int>(
      std::count_if(verdicts.begin(), verdicts.end(),
                    [](const OfficialVerdict& v) { return v.accepted(); }));
}

std::vector<OfficialVerdict> ExpectSameVerdicts(
    absl::string_view message, const std::vector<NamedMessage>& messages,
    const std::function<std::optional<Fault>(const std::string& xml)>& judge) {
  std::vector<std::string> documents;
  documents.reserve(messages.size());
  for (const NamedMessage& m : messages) documents.push_back(m.xml);
  std::vector<OfficialVerdict> official = JudgeOfficially(message, documents);
  for (size_t i = 0; i < messages.size(); ++i) {
    const std::string& name = messages[i].name;
    const std::optional<Fault> fault = judge(documents[i]);
    EXPECT_EQ(!fault.has_value(), official[i].accepted())
        << name << ": product says "
        << (fault ? absl::StrCat(fault->rule, " at ", fault->location, ": ",
                                 fault->description)
                  : "valid")
        << "; official: schema "
        << (official[i].schema_valid ? "valid" : "invalid") << ", rules "
        << absl::StrJoin(official[i].rules, " ") << "\n"
        << (getenv("WMO_IWMO_VERBOSE") != nullptr
                ? absl::StrCat(official[i].detail, "\n", documents[i])
                : "");
    // "305 TR101 ..." and "TR101 ..." name TR101.
    absl::string_view rule = name;
    if (rule.size() > 4 && absl::ascii_isdigit(rule[0]) && rule[3] == ' ') {
      rule.remove_prefix(4);
    }
    rule = rule.substr(0, 5);
    const bool named_after_rule =
        rule.size() == 5 &&
        (absl::StartsWith(rule, "TR") || absl::StartsWith(rule, "CS") ||
         absl::StartsWith(rule, "CD")) &&
        std::all_of(rule.begin() + 2, rule.end(), absl::ascii_isdigit);
    if (named_after_rule) {
      EXPECT_EQ(fault ? fault->rule : "none", rule) << name;
      EXPECT_THAT(official[i].rules, ::testing::Contains(std::string(rule)))
          << name;
    }
    if (fault && official[i].schema_valid) {
      EXPECT_THAT(official[i].rules, ::testing::Contains(fault->rule)) << name;
    }
  }
  return official;
}

}  // namespace wmo::iwmo::testing
