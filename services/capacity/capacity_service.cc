#include "services/capacity/capacity_service.h"

#include "libs/server/call_scope.h"
#include "libs/server/executor.h"

namespace wmo::capacity {
namespace {

// Who calls: RespondLater runs each body inside the call's CallScope.
const auth::Principal& Caller() { return *server::CallScope::Caller(); }

}  // namespace

grpc::ServerUnaryReactor* CapacityService::CreateLocation(
    grpc::CallbackServerContext* context,
    const v1::CreateLocationRequest* request, v1::Location* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.sites().CreateLocation(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::GetLocation(
    grpc::CallbackServerContext* context, const v1::GetLocationRequest* request,
    v1::Location* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.sites().GetLocation(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::ListLocations(
    grpc::CallbackServerContext* context,
    const v1::ListLocationsRequest* request,
    v1::ListLocationsResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.sites().ListLocations(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::UpdateLocation(
    grpc::CallbackServerContext* context,
    const v1::UpdateLocationRequest* request, v1::Location* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.sites().UpdateLocation(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::DeleteLocation(
    grpc::CallbackServerContext* context,
    const v1::DeleteLocationRequest* request,
    google::protobuf::Empty* /*response*/) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request] {
        return api_.sites().DeleteLocation(Caller(), *request);
      });
}

grpc::ServerUnaryReactor* CapacityService::CreateGroup(
    grpc::CallbackServerContext* context, const v1::CreateGroupRequest* request,
    v1::Group* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.sites().CreateGroup(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::GetGroup(
    grpc::CallbackServerContext* context, const v1::GetGroupRequest* request,
    v1::Group* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.sites().GetGroup(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::ListGroups(
    grpc::CallbackServerContext* context, const v1::ListGroupsRequest* request,
    v1::ListGroupsResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.sites().ListGroups(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::UpdateGroup(
    grpc::CallbackServerContext* context, const v1::UpdateGroupRequest* request,
    v1::Group* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.sites().UpdateGroup(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::DeleteGroup(
    grpc::CallbackServerContext* context, const v1::DeleteGroupRequest* request,
    google::protobuf::Empty* /*response*/) {
  return server::RespondLater(
      context, executor_, authenticator_,
      [this, request] { return api_.sites().DeleteGroup(Caller(), *request); });
}

grpc::ServerUnaryReactor* CapacityService::CreateBedPool(
    grpc::CallbackServerContext* context,
    const v1::CreateBedPoolRequest* request, v1::BedPool* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.sites().CreateBedPool(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::GetBedPool(
    grpc::CallbackServerContext* context, const v1::GetBedPoolRequest* request,
    v1::BedPool* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.sites().GetBedPool(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::ListBedPools(
    grpc::CallbackServerContext* context,
    const v1::ListBedPoolsRequest* request,
    v1::ListBedPoolsResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.sites().ListBedPools(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::UpdateBedPool(
    grpc::CallbackServerContext* context,
    const v1::UpdateBedPoolRequest* request, v1::BedPool* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.sites().UpdateBedPool(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::DeleteBedPool(
    grpc::CallbackServerContext* context,
    const v1::DeleteBedPoolRequest* request,
    google::protobuf::Empty* /*response*/) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request] {
        return api_.sites().DeleteBedPool(Caller(), *request);
      });
}

grpc::ServerUnaryReactor* CapacityService::CreateEnrolment(
    grpc::CallbackServerContext* context,
    const v1::CreateEnrolmentRequest* request, v1::Enrolment* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.enrolments().CreateEnrolment(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::EndEnrolment(
    grpc::CallbackServerContext* context,
    const v1::EndEnrolmentRequest* request, v1::Enrolment* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.enrolments().EndEnrolment(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::ListEnrolments(
    grpc::CallbackServerContext* context,
    const v1::ListEnrolmentsRequest* request,
    v1::ListEnrolmentsResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.enrolments().ListEnrolments(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::CreateBooking(
    grpc::CallbackServerContext* context,
    const v1::CreateBookingRequest* request, v1::Booking* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.bookings().CreateBooking(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::GetBooking(
    grpc::CallbackServerContext* context, const v1::GetBookingRequest* request,
    v1::Booking* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.bookings().GetBooking(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::GetEnrolment(
    grpc::CallbackServerContext* context,
    const v1::GetEnrolmentRequest* request, v1::Enrolment* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.enrolments().GetEnrolment(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::GetWaitlistEntry(
    grpc::CallbackServerContext* context,
    const v1::GetWaitlistEntryRequest* request, v1::WaitlistEntry* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.bookings().GetWaitlistEntry(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::CancelBooking(
    grpc::CallbackServerContext* context,
    const v1::CancelBookingRequest* request, v1::Booking* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.bookings().CancelBooking(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::ListBookings(
    grpc::CallbackServerContext* context,
    const v1::ListBookingsRequest* request,
    v1::ListBookingsResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.bookings().ListBookings(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::SearchAvailability(
    grpc::CallbackServerContext* context,
    const v1::SearchAvailabilityRequest* request,
    v1::SearchAvailabilityResponse* response) {
  return server::RespondLater(context, executor_, authenticator_,
                              [this, request, response] {
                                return api_.availability().SearchAvailability(
                                    Caller(), *request, response);
                              });
}

grpc::ServerUnaryReactor* CapacityService::GetOccupancy(
    grpc::CallbackServerContext* context,
    const v1::GetOccupancyRequest* request, v1::Occupancy* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.availability().GetOccupancy(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::JoinWaitlist(
    grpc::CallbackServerContext* context,
    const v1::JoinWaitlistRequest* request, v1::WaitlistEntry* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.bookings().JoinWaitlist(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::ListWaitlist(
    grpc::CallbackServerContext* context,
    const v1::ListWaitlistRequest* request,
    v1::ListWaitlistResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.bookings().ListWaitlist(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::LeaveWaitlist(
    grpc::CallbackServerContext* context,
    const v1::LeaveWaitlistRequest* request, v1::WaitlistEntry* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.bookings().LeaveWaitlist(Caller(), *request, response);
      });
}

grpc::ServerUnaryReactor* CapacityService::ListAuditEntries(
    grpc::CallbackServerContext* context,
    const type::v1::ListAuditEntriesRequest* request,
    type::v1::ListAuditEntriesResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.sites().ListAuditEntries(Caller(), *request, response);
      });
}

}  // namespace wmo::capacity
