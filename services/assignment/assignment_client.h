#ifndef WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_CLIENT_H_
#define WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_CLIENT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/server/late_stub.h"
#include "services/assignment/assignment_source.h"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"

namespace wmo::assignment {

// Where a provider's start and stop of delivery go (iWmo 305 and 307).
class DeliveryRecorder {
 public:
  virtual ~DeliveryRecorder() = default;
  // RecordDeliveryStart and RecordDeliveryStop, acting for the current
  // call's caller.
  virtual absl::Status RecordStart(
      const v1::RecordDeliveryStartRequest& request) = 0;
  virtual absl::Status RecordStop(
      const v1::RecordDeliveryStopRequest& request) = 0;
};

// The assignment service's side of the iWmo messages besides delivery:
// providers' requests in (315, 317), what providers are told of (301,
// 319), and the assignments a municipality imports (301).
class RequestDesk {
 public:
  virtual ~RequestDesk() = default;
  // RequestAssignment, acting for the current call's caller.
  virtual absl::StatusOr<v1::AssignmentRequest> Request(
      const v1::RequestAssignmentRequest& request) = 0;
  // ListAssignmentChanges, acting for the current call's caller.
  virtual absl::StatusOr<std::vector<v1::AssignmentChange>> Changes(
      const v1::ListAssignmentChangesRequest& request) = 0;
  // Every page of SearchAssignments, acting for the current call's caller.
  virtual absl::StatusOr<std::vector<v1::Assignment>> Search(
      v1::SearchAssignmentsRequest request) = 0;
  // CreateAssignment, acting for the current call's caller: a
  // municipality importing its assignments (301).
  virtual absl::StatusOr<v1::Assignment> Create(
      const v1::CreateAssignmentRequest& request) = 0;
};

// The assignment service as the other services see it, over gRPC
// (in-process or over the network).
class AssignmentClient : public AssignmentSource,
                         public DeliveryRecorder,
                         public RequestDesk {
 public:
  void SetChannel(std::shared_ptr<grpc::Channel> channel) {
    stub_.SetChannel(std::move(channel));
  }

  // In batches of 1000, BatchGetAssignments' limit.
  absl::StatusOr<std::vector<v1::Assignment>> BatchGet(
      const std::string& municipality, const std::vector<std::string>& numbers,
      std::map<std::string, v1::QualifyingCover>* covers = nullptr) override;
  absl::StatusOr<v1::RecordAssignmentUsageResponse> RecordUsage(
      const std::vector<v1::AssignmentUsage>& usages) override;
  absl::Status RecordStart(
      const v1::RecordDeliveryStartRequest& request) override;
  absl::Status RecordStop(
      const v1::RecordDeliveryStopRequest& request) override;
  absl::StatusOr<v1::AssignmentRequest> Request(
      const v1::RequestAssignmentRequest& request) override;
  absl::StatusOr<std::vector<v1::AssignmentChange>> Changes(
      const v1::ListAssignmentChangesRequest& request) override;
  absl::StatusOr<std::vector<v1::Assignment>> Search(
      v1::SearchAssignmentsRequest request) override;
  absl::StatusOr<v1::Assignment> Create(
      const v1::CreateAssignmentRequest& request) override;

 private:
  server::LateStub<v1::AssignmentService> stub_{"assignment"};
};

}  // namespace wmo::assignment

#endif  // WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_CLIENT_H_
