#ifndef WMO_LIBS_SERVER_API_H_
#define WMO_LIBS_SERVER_API_H_

// Helpers every service's API layer shares: resource names, paging, dates.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "libs/rules/dates.h"

namespace wmo::server {

// Splits `name` by `pattern`, whose `*` segments are the ids returned in
// order: ParseName("catalogs/a/products/b", "catalogs/*/products/*", "name")
// → {"a", "b"}. INVALID_ARGUMENT naming `field` and the pattern otherwise.
absl::StatusOr<std::vector<std::string>> ParseName(absl::string_view name,
                                                   absl::string_view pattern,
                                                   absl::string_view field);

// What time it is for the services. Injected (ServerOptions::clock), so
// that every rule depending on the day, and every time a service stamps,
// runs at a fixed moment in tests.
using Clock = std::function<absl::Time()>;

// The day it is by `clock` in the Europe/Amsterdam calendar.
rules::Date TodayBy(const Clock& clock);

// `time` to the second: what every *_time field holds (AIP-142).
google::protobuf::Timestamp Timestamp(absl::Time time);

// A timestamp as RFC 3339 text in UTC to the second
// ("2024-03-01T09:00:00Z"): what stores keep in columns and sort by.
std::string TimeText(const google::protobuf::Timestamp& time);

// The timestamp RFC 3339 `text` gives; INVALID_ARGUMENT naming `field`.
absl::StatusOr<google::protobuf::Timestamp> ParseTimestamp(
    absl::string_view text, absl::string_view field);

// The date in `text`, or `today` when empty.
absl::StatusOr<rules::Date> DateOrToday(absl::string_view text,
                                        absl::string_view field,
                                        rules::Date today);

// A page of a list: where to start and how many to take, for which query.
// A list pages by offset (NextPageToken) or, where it can be long, by key
// (NextPageTokenAfter: the next page starts after the last item's sort key,
// so that it costs one index seek however deep and skips nothing when
// items are added before it).
struct Page {
  size_t offset = 0;
  // The sort key of the previous page's last item; "" on the first page.
  std::string after;
  size_t size = 0;
  // A digest of the list request without its paging.
  std::string query;
};

// Reads the page_size of list `request` (0 → `default_size`, capped at
// `max_size`; negative is an error) and its opaque page_token, made by
// NextPageToken for the same request: a token used with other filters is
// refused (a client's BSN is not part of what the token is bound to).
absl::StatusOr<Page> ParsePage(const google::protobuf::Message& request,
                               int default_size = 50, int max_size = 500);

// ParsePage for a list that pages by key: an offset token (from before the
// list paged by key) is refused rather than read as the first page.
absl::StatusOr<Page> ParseKeyPage(const google::protobuf::Message& request,
                                  int default_size = 50, int max_size = 500);

// The token for the page after `page` when `total` items exist, or "".
std::string NextPageToken(const Page& page, size_t total);

// A two-part page key "{first}/{rest}" (a sort column, then an id that may
// itself hold slashes) as its parts; "" and "" for the first page.
std::pair<std::string, std::string> SplitPageKey(absl::string_view key);

// The token for the page after `page`, whose last item has sort key
// `last_key`, when `more` items follow; "" otherwise.
std::string NextPageTokenAfter(const Page& page, absl::string_view last_key,
                               bool more);

// A create's request_id (store::CreateOnce): empty, or at most 64 printable
// ASCII characters without spaces. INVALID_ARGUMENT with rule REQUEST-ID on
// field request_id otherwise; checked before a create does any work.
absl::Status CheckRequestId(absl::string_view request_id);

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_API_H_
