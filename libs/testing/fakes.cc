#include "libs/testing/fakes.h"

#include <iterator>

#include "absl/strings/str_cat.h"
#include "libs/testing/catalogs.h"

namespace wmo::testing {

namespace cat = ::wmo::catalog::v1;
namespace asg = ::wmo::assignment::v1;

FakeCatalogs::FakeCatalogs() {
  for (const char* id :
       {kLichtMiddenZwaar.catalog, kRegulierSpecialistisch.catalog,
        kToekomst.catalog, kMiddenLimburg.catalog, kPerspectief.catalog}) {
    Add(LoadCatalog(id));
  }
}

void FakeCatalogs::Add(cat::Catalog version) {
  auto from = rules::ParseDate(version.valid_from(), "valid_from");
  if (!from.ok()) return;
  const std::string id = version.id();  // before the move below
  absl::MutexLock lock(&mu_);
  versions_[id][*from] =
      std::make_shared<const cat::Catalog>(std::move(version));
}

absl::StatusOr<std::shared_ptr<const cat::Catalog>> FakeCatalogs::CatalogOn(
    const std::string& catalog_id, rules::Date date) {
  absl::MutexLock lock(&mu_);
  auto catalog = versions_.find(catalog_id);
  if (catalog == versions_.end()) {
    return absl::NotFoundError(absl::StrCat("no catalog ", catalog_id));
  }
  auto after = catalog->second.upper_bound(date);
  if (after == catalog->second.begin()) {
    return absl::NotFoundError(absl::StrCat("catalog ", catalog_id,
                                            " has no version valid on ",
                                            rules::FormatDate(date)));
  }
  const auto& version = std::prev(after)->second;
  if (!version->valid_to().empty() &&
      rules::FormatDate(date) > version->valid_to()) {
    return absl::NotFoundError(absl::StrCat("catalog ", catalog_id,
                                            " ended on ", version->valid_to()));
  }
  return version;
}

absl::StatusOr<std::string> FakeCatalogs::CatalogServing(const std::string& cbs,
                                                         rules::Date date) {
  std::vector<std::string> ids;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, versions] : versions_) ids.push_back(id);
  }
  for (const std::string& id : ids) {
    auto catalog = CatalogOn(id, date);
    if (!catalog.ok()) continue;
    for (const auto& m : (*catalog)->municipalities()) {
      if (m.cbs_code() == cbs) return id;
    }
  }
  return std::string();
}

void FakeAssignments::Put(const asg::Assignment& a) {
  absl::MutexLock lock(&mu_);
  assignments_[{a.municipality(), a.number()}] = a;
}

void FakeAssignments::SetCover(const std::string& number,
                               asg::QualifyingCover c) {
  absl::MutexLock lock(&mu_);
  covers_[number] = std::move(c);
}

void FakeAssignments::SetStatus(absl::Status status) {
  absl::MutexLock lock(&mu_);
  status_ = std::move(status);
}

asg::AssignmentUsage FakeAssignments::Usage(const std::string& name) {
  absl::MutexLock lock(&mu_);
  auto it = usage_.find(name);
  if (it != usage_.end()) return it->second;
  asg::AssignmentUsage none;
  none.set_assignment(name);
  return none;
}

int FakeAssignments::usage_calls() {
  absl::MutexLock lock(&mu_);
  return usage_calls_;
}

absl::StatusOr<std::vector<asg::Assignment>> FakeAssignments::BatchGet(
    const std::string& municipality, const std::vector<std::string>& numbers,
    std::map<std::string, asg::QualifyingCover>* covers) {
  absl::MutexLock lock(&mu_);
  if (!status_.ok()) return status_;
  std::vector<asg::Assignment> found;
  for (const std::string& number : numbers) {
    auto it = assignments_.find({municipality, number});
    if (it == assignments_.end()) continue;
    found.push_back(it->second);
    if (auto cover = covers_.find(number);
        covers != nullptr && cover != covers_.end()) {
      (*covers)[number] = cover->second;
    }
  }
  return found;
}

absl::StatusOr<asg::RecordAssignmentUsageResponse> FakeAssignments::RecordUsage(
    const std::vector<asg::AssignmentUsage>& usages) {
  absl::MutexLock lock(&mu_);
  ++usage_calls_;
  if (!status_.ok()) return status_;
  for (const asg::AssignmentUsage& usage : usages) {
    asg::AssignmentUsage& kept = usage_[usage.assignment()];
    if (usage.revision() > kept.revision()) kept = usage;
  }
  return asg::RecordAssignmentUsageResponse();
}

}  // namespace wmo::testing
