#ifndef WMO_LIBS_TESTING_FAKES_H_
#define WMO_LIBS_TESTING_FAKES_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "services/assignment/assignment_source.h"
#include "services/catalog/catalog_source.h"

namespace wmo::testing {

// In-memory stand-ins for the other services, behind the interfaces the
// services call them through, so that an *Api is unit-tested without a
// server.

// The catalogs of the source tree (catalogs/*.textproto), each valid from
// its valid_from on, plus any version a test adds.
class FakeCatalogs : public catalog::CatalogSource {
 public:
  FakeCatalogs();

  // Another version; it is the one valid from its valid_from on.
  void Add(wmo::catalog::v1::Catalog version);

  absl::StatusOr<std::shared_ptr<const wmo::catalog::v1::Catalog>> CatalogOn(
      const std::string& catalog_id, rules::Date date) override;
  absl::StatusOr<std::string> CatalogServing(const std::string& cbs,
                                             rules::Date date) override;

 private:
  absl::Mutex mu_;
  // By id, then valid_from.
  std::map<
      std::string,
      std::map<rules::Date, std::shared_ptr<const wmo::catalog::v1::Catalog>>>
      versions_ ABSL_GUARDED_BY(mu_);
};

// Assignments a test puts, with the qualifying cover it sets, and the usage
// reported to it (highest revision kept, as the service does). A test can
// make it unavailable.
class FakeAssignments : public assignment::AssignmentSource {
 public:
  void Put(const assignment::v1::Assignment& a);
  // The cover BatchGet answers for assignment `number` when asked.
  void SetCover(const std::string& number, assignment::v1::QualifyingCover c);
  // Every call fails with `status` until it is OK again.
  void SetStatus(absl::Status status);
  // The usage last kept for "municipalities/{m}/assignments/{n}"; revision 0
  // when none was reported.
  assignment::v1::AssignmentUsage Usage(const std::string& name);
  // How many RecordUsage calls came (failed ones included).
  int usage_calls();

  absl::StatusOr<std::vector<assignment::v1::Assignment>> BatchGet(
      const std::string& municipality, const std::vector<std::string>& numbers,
      std::map<std::string, assignment::v1::QualifyingCover>* covers =
          nullptr) override;
  absl::StatusOr<assignment::v1::RecordAssignmentUsageResponse> RecordUsage(
      const std::vector<assignment::v1::AssignmentUsage>& usages) override;

 private:
  absl::Mutex mu_;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  // By (municipality, number).
  std::map<std::pair<std::string, std::string>, assignment::v1::Assignment>
      assignments_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, assignment::v1::QualifyingCover> covers_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, assignment::v1::AssignmentUsage> usage_
      ABSL_GUARDED_BY(mu_);
  int usage_calls_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace wmo::testing

#endif  // WMO_LIBS_TESTING_FAKES_H_
