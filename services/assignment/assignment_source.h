#ifndef WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_SOURCE_H_
#define WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_SOURCE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "wmo/assignment/v1/assignment_service.pb.h"

namespace wmo::assignment {

// What the declaration and capacity services need of the assignment
// service. AssignmentClient answers over gRPC; tests use
// testing::FakeAssignments, which starts no server.
class AssignmentSource {
 public:
  virtual ~AssignmentSource() = default;

  // The assignments of `municipality` with these numbers; unknown numbers
  // are left out. With `covers`, also the qualifying cover of each one
  // whose product needs another, by assignment number.
  virtual absl::StatusOr<std::vector<v1::Assignment>> BatchGet(
      const std::string& municipality, const std::vector<std::string>& numbers,
      std::map<std::string, v1::QualifyingCover>* covers = nullptr) = 0;

  // Reports what declarations approved on assignments (at most 1000 per
  // call); the answer names those the service did not expect.
  virtual absl::StatusOr<v1::RecordAssignmentUsageResponse> RecordUsage(
      const std::vector<v1::AssignmentUsage>& usages) = 0;
};

}  // namespace wmo::assignment

#endif  // WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_SOURCE_H_
