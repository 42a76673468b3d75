#ifndef WMO_SERVICES_CAPACITY_BOOKING_API_H_
#define WMO_SERVICES_CAPACITY_BOOKING_API_H_

#include "absl/status/status.h"
#include "libs/auth/principal.h"
#include "libs/server/api.h"
#include "libs/store/store.h"
#include "services/capacity/placement.h"
#include "wmo/capacity/v1/capacity_service.pb.h"

namespace wmo::capacity {

// Bookings of beds in a provider's pools, and the waitlists of its pools
// and groups: a booking is made, cancelled (its nights freed for the
// waitlist in the same transaction) or listed (a municipality sees its own
// clients'); a waitlist entry is placed at once when it fits and waits when
// only capacity is missing.
class BookingApi {
 public:
  explicit BookingApi(Placement& placement)
      : placement_(placement), db_(placement.db()), now_(placement.clock()) {}

  absl::Status CreateBooking(const auth::Principal& caller,
                             const v1::CreateBookingRequest& request,
                             v1::Booking* response);
  absl::Status CancelBooking(const auth::Principal& caller,
                             const v1::CancelBookingRequest& request,
                             v1::Booking* response);
  absl::Status GetBooking(const auth::Principal& caller,
                          const v1::GetBookingRequest& request,
                          v1::Booking* response);
  absl::Status ListBookings(const auth::Principal& caller,
                            const v1::ListBookingsRequest& request,
                            v1::ListBookingsResponse* response);

  absl::Status JoinWaitlist(const auth::Principal& caller,
                            const v1::JoinWaitlistRequest& request,
                            v1::WaitlistEntry* response);
  absl::Status ListWaitlist(const auth::Principal& caller,
                            const v1::ListWaitlistRequest& request,
                            v1::ListWaitlistResponse* response);
  absl::Status GetWaitlistEntry(const auth::Principal& caller,
                                const v1::GetWaitlistEntryRequest& request,
                                v1::WaitlistEntry* response);
  absl::Status LeaveWaitlist(const auth::Principal& caller,
                             const v1::LeaveWaitlistRequest& request,
                             v1::WaitlistEntry* response);

 private:
  Placement& placement_;
  store::Database& db_;
  const server::Clock& now_;
};

}  // namespace wmo::capacity

#endif  // WMO_SERVICES_CAPACITY_BOOKING_API_H_
