#include "libs/testing/catalogs.h"

#include <map>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "libs/testing/temp_dir.h"

namespace wmo::testing {

const wmo::catalog::v1::Catalog& LoadCatalog(const std::string& id) {
  static auto* mu = new std::mutex;
  static auto* catalogs = new std::map<std::string, wmo::catalog::v1::Catalog>;
  std::lock_guard lock(*mu);
  auto it = catalogs->find(id);
  if (it == catalogs->end()) {
    wmo::catalog::v1::Catalog catalog;
    const std::string path =
        absl::StrCat(SourceDir(), "/catalogs/", id, ".textproto");
    EXPECT_TRUE(
        google::protobuf::TextFormat::ParseFromString(ReadFile(path), &catalog))
        << path;
    it = catalogs->emplace(id, std::move(catalog)).first;
  }
  return it->second;
}

}  // namespace wmo::testing
