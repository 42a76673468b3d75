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

wmo::assignment::v1::Assignment WeertKdv(int64_t etmalen) {
  wmo::assignment::v1::Assignment a;
  a.mutable_client()->set_bsn("111222333");
  a.mutable_client()->set_birth_date("1950-03-01");
  a.set_provider_agb("99990303");
  a.set_catalog("midden-limburg-2024");
  a.set_product("kdv");
  a.set_basis("1");
  a.mutable_extent()->set_volume(etmalen);
  a.mutable_extent()->set_unit(wmo::type::v1::UNIT_DAY_NIGHT);
  a.mutable_extent()->set_frequency(wmo::type::v1::FREQUENCY_TOTAL);
  a.set_start_date("2024-03-01");
  a.set_end_date("2024-06-30");
  auto* result = a.add_results();
  result->set_life_domain("Wonen");
  result->set_activity_type(wmo::assignment::v1::ACTIVITY_TYPE_HELP);
  return a;
}

}  // namespace wmo::testing
