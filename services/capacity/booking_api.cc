#include "services/capacity/booking_api.h"

#include <map>
#include <string>
#include <utility>

#include "libs/server/update_mask.h"
#include "services/capacity/capacity_common.h"

namespace wmo::capacity {

using server::ParseName;
using server::Violation;

// ---------------------------------------------------------------------------
// Bookings.

absl::Status BookingApi::CreateBooking(const auth::Principal& caller,
                                       const v1::CreateBookingRequest& request,
                                       v1::Booking* response) {
  if (absl::Status s = RequireProviderOf(caller, request.parent(), "book beds");
      !s.ok()) {
    return s;
  }
  auto once = Once(request, "bookings");
  if (!once.ok()) return once.status();
  Placement::Request r;
  r.kind = Kind::kPool;
  r.caller = &caller;
  r.operation = "CreateBooking";
  WMO_ASSIGN_OR_RETURN(key, ChildKey(request.parent(), "bedPools", "parent"));
  r.parent = key;
  r.booking = request.booking();
  server::ClearOutputOnly(r.booking);
  if (auto days = RequestedDays(&r.booking, nullptr); !days.ok()) {
    return days.status();
  }
  WMO_ASSIGN_OR_RETURN(catalog, SiteCatalog(db_, Kind::kPool, key));
  WMO_ASSIGN_OR_RETURN(facts,
                       placement_.FetchFacts(r.booking.assignment(), catalog));
  bool full = false;
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    std::string made;
    if (absl::Status s =
            placement_.Make(c, r, facts, &made, response, nullptr, &full);
        !s.ok()) {
      return s;
    }
    return made;
  };
  bool replayed = false;
  auto replay = [&](store::Connection& c,
                    const std::string& name) -> absl::Status {
    replayed = true;
    WMO_ASSIGN_OR_RETURN(first, Repo::GetBooking(c, key, IdOf(name)));
    *response = std::move(first);
    return absl::OkStatus();
  };
  absl::Status status = db_.Transaction([&](store::Connection& c) {
    replayed = false;
    return store::CreateOnce(c, *once, create, replay);
  });
  // A retry answered with the first booking books nothing.
  if (status.ok() && replayed) return status;
  if (status.ok()) {
    placement_.CountBooking("booked");
  } else if (absl::IsFailedPrecondition(status)) {
    placement_.CountBooking(full ? "full" : "refused");
  }
  return status;
}

absl::Status BookingApi::CancelBooking(const auth::Principal& caller,
                                       const v1::CancelBookingRequest& request,
                                       v1::Booking* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.name(), "cancel bookings");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(ids, ParseName(request.name(),
                                      "providers/*/locations/*/bedPools/*/"
                                      "bookings/*",
                                      "name"));
  const SiteKey pool{ids[0], ids[1], ids[2]};
  // Without the look-ups nobody is promoted, but the booking is cancelled.
  auto facts = placement_.WaitingFacts(Kind::kPool, pool);
  if (!facts.ok()) facts = std::map<std::string, Placement::Facts>();
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(b, Repo::GetBooking(c, pool, ids[3]));
    const v1::Booking before = b;
    if (b.state() != v1::Booking::BOOKED) {
      return Refused(absl::StatusCode::kFailedPrecondition, "refused",
                     {Violation("CP-STATE", "", "name",
                                "the booking is cancelled already")});
    }
    b.set_state(v1::Booking::CANCELLED);
    *b.mutable_cancel_time() = server::Timestamp(now_());
    if (absl::Status s = Repo::UpdateBooking(c, pool, ids[3], b); !s.ok()) {
      return s;
    }
    if (absl::Status s = AuditChange(c, caller, "CancelBooking", before, b);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = Repo::ReleaseNights(c, pool, ids[3]); !s.ok()) {
      return s;
    }
    if (absl::Status s =
            placement_.Promote(c, caller, Kind::kPool, pool, *facts);
        !s.ok()) {
      return s;
    }
    *response = std::move(b);
    return absl::OkStatus();
  });
}

absl::Status BookingApi::GetBooking(const auth::Principal& caller,
                                    const v1::GetBookingRequest& request,
                                    v1::Booking* response) {
  WMO_ASSIGN_OR_RETURN(ids, ParseName(request.name(),
                                      "providers/*/locations/*/bedPools/*/"
                                      "bookings/*",
                                      "name"));
  const SiteKey pool{ids[0], ids[1], ids[2]};
  // Anyone but a municipality must be the provider, found or not.
  if (caller.kind != auth::PrincipalKind::kMunicipality) {
    if (absl::Status s =
            RequireProviderOf(caller, request.name(), "read bookings");
        !s.ok()) {
      return s;
    }
  }
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        WMO_ASSIGN_OR_RETURN(b, Repo::GetBooking(c, pool, ids[3]));
        if (absl::Status s = RequireProviderOrClientsMunicipality(
                caller, pool, b.assignment(), "read bookings");
            !s.ok()) {
          return s;
        }
        *response = std::move(b);
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  return audit::RecordRead(db_, caller, request.name(), "GetBooking",
                           {response->name()});
}

absl::Status BookingApi::ListBookings(const auth::Principal& caller,
                                      const v1::ListBookingsRequest& request,
                                      v1::ListBookingsResponse* response) {
  // A municipality reads the bookings of its own clients.
  const std::string clients = ClientsOf(caller);
  if (clients.empty()) {
    if (absl::Status s =
            RequireProviderOf(caller, request.parent(), "list bookings");
        !s.ok()) {
      return s;
    }
  }
  WMO_ASSIGN_OR_RETURN(key, ChildKey(request.parent(), "bedPools", "parent"));
  WMO_ASSIGN_OR_RETURN(page, server::ParseKeyPage(request));
  for (const auto& [text, field] : {std::pair{request.from_date(), "from_date"},
                                    std::pair{request.to_date(), "to_date"}}) {
    if (text.empty()) continue;
    if (auto d = rules::ParseDate(text, field); !d.ok()) return d.status();
  }
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        WMO_ASSIGN_OR_RETURN(
            rows,
            Repo::ListBookings(c, key, request.from_date(), request.to_date(),
                               request.show_cancelled(), clients, page.after,
                               page.size + 1));
        response->Clear();
        PageByKey(rows, page, response->mutable_bookings(),
                  response->mutable_next_page_token());
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  return audit::RecordRead(db_, caller,
                           absl::StrCat(request.parent(), "/bookings"),
                           "ListBookings", NamesOf(response->bookings()));
}

// ---------------------------------------------------------------------------
// Waitlists of pools and groups.

absl::Status BookingApi::JoinWaitlist(const auth::Principal& caller,
                                      const v1::JoinWaitlistRequest& request,
                                      v1::WaitlistEntry* response) {
  if (absl::Status s = RequireProviderOf(caller, request.parent(),
                                         "put clients on waitlists");
      !s.ok()) {
    return s;
  }
  auto once = Once(request, "waitlistEntries");
  if (!once.ok()) return once.status();
  WMO_ASSIGN_OR_RETURN(parent, WaitlistParent(request.parent(), "parent"));
  // Named copies, not a structured binding: the lambdas below capture them.
  const Kind kind = parent.first;
  const SiteKey key = parent.second;
  Placement::Request r;
  r.kind = kind;
  r.parent = key;
  r.caller = &caller;
  r.operation = "JoinWaitlist";
  v1::WaitlistEntry entry = request.entry();
  server::ClearOutputOnly(entry);
  if ((kind == Kind::kPool) != entry.has_booking() ||
      (kind == Kind::kGroup) != entry.has_enrolment()) {
    return Malformed({Violation("CP-FORMAT", "", "entry",
                                "a bed pool's waitlist takes a booking, a "
                                "group's an enrolment")});
  }
  r.booking = entry.booking();
  r.enrolment = entry.enrolment();
  if (auto days = RequestedDays(kind == Kind::kPool ? &r.booking : nullptr,
                                kind == Kind::kGroup ? &r.enrolment : nullptr);
      !days.ok()) {
    return days.status();
  }
  WMO_ASSIGN_OR_RETURN(catalog, SiteCatalog(db_, kind, key));
  const std::string& assignment =
      kind == Kind::kPool ? r.booking.assignment() : r.enrolment.assignment();
  WMO_ASSIGN_OR_RETURN(facts, placement_.FetchFacts(assignment, catalog));
  const std::string id = NewId();
  entry.set_name(absl::StrCat(ParentName(kind, key), "/waitlistEntries/", id));
  r.waitlist_entry = entry.name();
  *entry.mutable_create_time() = server::Timestamp(now_());
  *entry.mutable_update_time() = entry.create_time();
  bool booked = false;
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    v1::WaitlistEntry stored = entry;
    std::string made;
    // Made at once when it fits; waits when only capacity is missing.
    bool full = false;
    absl::Status s =
        placement_.Make(c, r, facts, &made, nullptr, nullptr, &full);
    booked = s.ok() && kind == Kind::kPool;
    if (s.ok()) {
      stored.set_state(v1::WaitlistEntry::FULFILLED);
      stored.set_fulfilled_by(made);
    } else {
      if (!full) return s;
      stored.set_state(v1::WaitlistEntry::WAITING);
    }
    if (absl::Status w = Repo::InsertWaitlistEntry(c, kind, key, id, stored);
        !w.ok()) {
      return w;
    }
    if (absl::Status w =
            AuditChange(c, caller, "JoinWaitlist", v1::WaitlistEntry(), stored);
        !w.ok()) {
      return w;
    }
    *response = std::move(stored);
    return response->name();
  };
  auto replay = [&](store::Connection& c,
                    const std::string& name) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(first,
                         Repo::GetWaitlistEntry(c, kind, key, IdOf(name)));
    *response = std::move(first);
    return absl::OkStatus();
  };
  absl::Status status = db_.Transaction([&](store::Connection& c) {
    booked = false;
    return store::CreateOnce(c, *once, create, replay);
  });
  // Counted once the transaction is in, not on each rerun of it.
  if (status.ok() && booked) placement_.CountBooking("booked");
  return status;
}

absl::Status BookingApi::ListWaitlist(const auth::Principal& caller,
                                      const v1::ListWaitlistRequest& request,
                                      v1::ListWaitlistResponse* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.parent(), "list waitlists");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(parent, WaitlistParent(request.parent(), "parent"));
  WMO_ASSIGN_OR_RETURN(page, server::ParsePage(request));
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        WMO_ASSIGN_OR_RETURN(rows,
                             Repo::ListWaitlist(c, parent.first, parent.second,
                                                page.offset, page.size + 1));
        response->Clear();
        Page(rows, page, response->mutable_entries(),
             response->mutable_next_page_token());
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  return audit::RecordRead(db_, caller,
                           absl::StrCat(request.parent(), "/waitlistEntries"),
                           "ListWaitlist", NamesOf(response->entries()));
}

absl::Status BookingApi::GetWaitlistEntry(
    const auth::Principal& caller, const v1::GetWaitlistEntryRequest& request,
    v1::WaitlistEntry* response) {
  if (absl::Status s =
          RequireProviderOf(caller, request.name(), "read waitlists");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, ParseWaitlistEntry(request.name(), "name"));
  absl::Status read =
      db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
        WMO_ASSIGN_OR_RETURN(
            entry, Repo::GetWaitlistEntry(c, key.kind, key.parent, key.id));
        *response = std::move(entry);
        return absl::OkStatus();
      });
  if (!read.ok()) return read;
  return audit::RecordRead(db_, caller, request.name(), "GetWaitlistEntry",
                           {response->name()});
}

absl::Status BookingApi::LeaveWaitlist(const auth::Principal& caller,
                                       const v1::LeaveWaitlistRequest& request,
                                       v1::WaitlistEntry* response) {
  if (absl::Status s = RequireProviderOf(caller, request.name(),
                                         "take clients off waitlists");
      !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, ParseWaitlistEntry(request.name(), "name"));
  return db_.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(
        entry, Repo::GetWaitlistEntry(c, key.kind, key.parent, key.id));
    if (entry.state() != v1::WaitlistEntry::WAITING) {
      return Refused(absl::StatusCode::kFailedPrecondition, "refused",
                     {Violation("CP-STATE", "", "name",
                                "the entry is not waiting any more")});
    }
    const v1::WaitlistEntry before = entry;
    entry.set_state(v1::WaitlistEntry::LEFT);
    *entry.mutable_update_time() = server::Timestamp(now_());
    if (absl::Status s =
            Repo::UpdateWaitlistEntry(c, key.kind, key.parent, key.id, entry);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = AuditChange(c, caller, "LeaveWaitlist", before, entry);
        !s.ok()) {
      return s;
    }
    *response = std::move(entry);
    return absl::OkStatus();
  });
}

}  // namespace wmo::capacity
