#ifndef WMO_SERVICES_CAPACITY_CAPACITY_SERVICE_H_
#define WMO_SERVICES_CAPACITY_CAPACITY_SERVICE_H_

#include "libs/server/authenticator.h"
#include "libs/server/executor.h"
#include "services/capacity/capacity_api.h"
#include "wmo/capacity/v1/capacity_service.grpc.pb.h"

namespace wmo::capacity {

// gRPC handlers of wmo.capacity.v1.CapacityService: each passes the request
// to CapacityApi on `executor` (they block on the store and on the
// assignment and catalog services) and maps its status to the wire.
class CapacityService final : public v1::CapacityService::CallbackService {
 public:
  // Every call is authenticated by `authenticator` first.
  CapacityService(CapacityApi& api, server::Executor& executor,
                  const server::Authenticator& authenticator)
      : api_(api), executor_(executor), authenticator_(authenticator) {}

  grpc::ServerUnaryReactor* CreateLocation(
      grpc::CallbackServerContext* context,
      const v1::CreateLocationRequest* request,
      v1::Location* response) override;
  grpc::ServerUnaryReactor* GetLocation(grpc::CallbackServerContext* context,
                                        const v1::GetLocationRequest* request,
                                        v1::Location* response) override;
  grpc::ServerUnaryReactor* ListLocations(
      grpc::CallbackServerContext* context,
      const v1::ListLocationsRequest* request,
      v1::ListLocationsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateLocation(
      grpc::CallbackServerContext* context,
      const v1::UpdateLocationRequest* request,
      v1::Location* response) override;
  grpc::ServerUnaryReactor* DeleteLocation(
      grpc::CallbackServerContext* context,
      const v1::DeleteLocationRequest* request,
      google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateGroup(grpc::CallbackServerContext* context,
                                        const v1::CreateGroupRequest* request,
                                        v1::Group* response) override;
  grpc::ServerUnaryReactor* GetGroup(grpc::CallbackServerContext* context,
                                     const v1::GetGroupRequest* request,
                                     v1::Group* response) override;
  grpc::ServerUnaryReactor* ListGroups(
      grpc::CallbackServerContext* context,
      const v1::ListGroupsRequest* request,
      v1::ListGroupsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateGroup(grpc::CallbackServerContext* context,
                                        const v1::UpdateGroupRequest* request,
                                        v1::Group* response) override;
  grpc::ServerUnaryReactor* DeleteGroup(
      grpc::CallbackServerContext* context,
      const v1::DeleteGroupRequest* request,
      google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateBedPool(
      grpc::CallbackServerContext* context,
      const v1::CreateBedPoolRequest* request, v1::BedPool* response) override;
  grpc::ServerUnaryReactor* GetBedPool(grpc::CallbackServerContext* context,
                                       const v1::GetBedPoolRequest* request,
                                       v1::BedPool* response) override;
  grpc::ServerUnaryReactor* ListBedPools(
      grpc::CallbackServerContext* context,
      const v1::ListBedPoolsRequest* request,
      v1::ListBedPoolsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateBedPool(
      grpc::CallbackServerContext* context,
      const v1::UpdateBedPoolRequest* request, v1::BedPool* response) override;
  grpc::ServerUnaryReactor* DeleteBedPool(
      grpc::CallbackServerContext* context,
      const v1::DeleteBedPoolRequest* request,
      google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateEnrolment(
      grpc::CallbackServerContext* context,
      const v1::CreateEnrolmentRequest* request,
      v1::Enrolment* response) override;
  grpc::ServerUnaryReactor* EndEnrolment(grpc::CallbackServerContext* context,
                                         const v1::EndEnrolmentRequest* request,
                                         v1::Enrolment* response) override;
  grpc::ServerUnaryReactor* ListEnrolments(
      grpc::CallbackServerContext* context,
      const v1::ListEnrolmentsRequest* request,
      v1::ListEnrolmentsResponse* response) override;
  grpc::ServerUnaryReactor* CreateBooking(
      grpc::CallbackServerContext* context,
      const v1::CreateBookingRequest* request, v1::Booking* response) override;
  grpc::ServerUnaryReactor* GetBooking(grpc::CallbackServerContext* context,
                                       const v1::GetBookingRequest* request,
                                       v1::Booking* response) override;
  grpc::ServerUnaryReactor* GetEnrolment(grpc::CallbackServerContext* context,
                                         const v1::GetEnrolmentRequest* request,
                                         v1::Enrolment* response) override;
  grpc::ServerUnaryReactor* GetWaitlistEntry(
      grpc::CallbackServerContext* context,
      const v1::GetWaitlistEntryRequest* request,
      v1::WaitlistEntry* response) override;
  grpc::ServerUnaryReactor* CancelBooking(
      grpc::CallbackServerContext* context,
      const v1::CancelBookingRequest* request, v1::Booking* response) override;
  grpc::ServerUnaryReactor* ListBookings(
      grpc::CallbackServerContext* context,
      const v1::ListBookingsRequest* request,
      v1::ListBookingsResponse* response) override;
  grpc::ServerUnaryReactor* SearchAvailability(
      grpc::CallbackServerContext* context,
      const v1::SearchAvailabilityRequest* request,
      v1::SearchAvailabilityResponse* response) override;
  grpc::ServerUnaryReactor* GetOccupancy(grpc::CallbackServerContext* context,
                                         const v1::GetOccupancyRequest* request,
                                         v1::Occupancy* response) override;
  grpc::ServerUnaryReactor* JoinWaitlist(grpc::CallbackServerContext* context,
                                         const v1::JoinWaitlistRequest* request,
                                         v1::WaitlistEntry* response) override;
  grpc::ServerUnaryReactor* ListWaitlist(
      grpc::CallbackServerContext* context,
      const v1::ListWaitlistRequest* request,
      v1::ListWaitlistResponse* response) override;
  grpc::ServerUnaryReactor* LeaveWaitlist(
      grpc::CallbackServerContext* context,
      const v1::LeaveWaitlistRequest* request,
      v1::WaitlistEntry* response) override;

  grpc::ServerUnaryReactor* ListAuditEntries(
      grpc::CallbackServerContext* context,
      const type::v1::ListAuditEntriesRequest* request,
      type::v1::ListAuditEntriesResponse* response) override;

 private:
  CapacityApi& api_;
  server::Executor& executor_;
  const server::Authenticator& authenticator_;
};

}  // namespace wmo::capacity

#endif  // WMO_SERVICES_CAPACITY_CAPACITY_SERVICE_H_
