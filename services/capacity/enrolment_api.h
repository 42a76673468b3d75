#ifndef WMO_SERVICES_CAPACITY_ENROLMENT_API_H_
#define WMO_SERVICES_CAPACITY_ENROLMENT_API_H_

#include "absl/status/status.h"
#include "libs/auth/principal.h"
#include "libs/store/store.h"
#include "services/capacity/placement.h"
#include "wmo/capacity/v1/capacity_service.pb.h"

namespace wmo::capacity {

// Enrolments of clients in a provider's groups: made for weekly sessions
// over a period, ended (the places freed for the group's waitlist in the
// same transaction) or listed (a municipality sees its own clients').
class EnrolmentApi {
 public:
  explicit EnrolmentApi(Placement& placement)
      : placement_(placement), db_(placement.db()) {}

  absl::Status CreateEnrolment(const auth::Principal& caller,
                               const v1::CreateEnrolmentRequest& request,
                               v1::Enrolment* response);
  absl::Status EndEnrolment(const auth::Principal& caller,
                            const v1::EndEnrolmentRequest& request,
                            v1::Enrolment* response);
  absl::Status GetEnrolment(const auth::Principal& caller,
                            const v1::GetEnrolmentRequest& request,
                            v1::Enrolment* response);
  absl::Status ListEnrolments(const auth::Principal& caller,
                              const v1::ListEnrolmentsRequest& request,
                              v1::ListEnrolmentsResponse* response);

 private:
  Placement& placement_;
  store::Database& db_;
};

}  // namespace wmo::capacity

#endif  // WMO_SERVICES_CAPACITY_ENROLMENT_API_H_
