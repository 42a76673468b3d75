#include "libs/server/api.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/server/status.h"

namespace wmo::server {
namespace {

constexpr absl::string_view kTokenPrefix = "offset:";
// No list is this long; larger offsets come from forged tokens.
constexpr size_t kMaxOffset = 1'000'000'000;

}  // namespace

absl::StatusOr<std::vector<std::string>> ParseName(absl::string_view name,
                                                   absl::string_view pattern,
                                                   absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  std::vector<absl::string_view> want = absl::StrSplit(pattern, '/');
  std::vector<std::string> ids;
  bool ok = parts.size() == want.size();
  for (size_t i = 0; ok && i < want.size(); ++i) {
    if (want[i] == "*") {
      ok = !parts[i].empty();
      ids.emplace_back(parts[i]);
    } else {
      ok = parts[i] == want[i];
    }
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", name, "\" is not a resource name of the form ", pattern,
        "; fill in every * with an id"));
  }
  return ids;
}

rules::Date TodayBy(const Clock& clock) { return rules::TodayAt(clock()); }

std::string Timestamp(absl::Time time) {
  return absl::FormatTime(absl::RFC3339_sec, time, absl::UTCTimeZone());
}

absl::StatusOr<rules::Date> DateOrToday(absl::string_view text,
                                        absl::string_view field,
                                        rules::Date today) {
  if (text.empty()) return today;
  return rules::ParseDate(text, field);
}

absl::StatusOr<Page> ParsePage(int page_size, absl::string_view page_token,
                               int default_size, int max_size) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(
        "page_size: must not be negative; leave it 0 for the default");
  }
  Page page;
  page.size = page_size == 0 ? default_size : std::min(page_size, max_size);
  if (!page_token.empty()) {
    std::string decoded;
    if (!absl::WebSafeBase64Unescape(page_token, &decoded) ||
        !absl::StartsWith(decoded, kTokenPrefix) ||
        !absl::SimpleAtoi(
            absl::string_view(decoded).substr(kTokenPrefix.size()),
            &page.offset) ||
        page.offset > kMaxOffset) {
      return absl::InvalidArgumentError(
          "page_token: not a token from this list; pass next_page_token of "
          "the previous response unchanged");
    }
  }
  return page;
}

std::string NextPageToken(const Page& page, size_t total) {
  const size_t next = page.offset + page.size;
  if (next >= total) return "";
  return absl::WebSafeBase64Escape(absl::StrCat(kTokenPrefix, next));
}

absl::Status CheckRequestId(absl::string_view request_id) {
  bool printable = true;
  for (char ch : request_id) printable = printable && ch > 0x20 && ch < 0x7F;
  if (request_id.size() <= 64 && printable) return absl::OkStatus();
  return ViolationStatus(
      absl::StatusCode::kInvalidArgument, "malformed request_id",
      {Violation("REQUEST-ID", "", "request_id",
                 "give at most 64 printable ASCII characters without spaces, "
                 "such as a UUID")});
}

}  // namespace wmo::server
