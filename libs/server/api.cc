#include "libs/server/api.h"

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/server/digest.h"
#include "libs/server/status.h"

namespace wmo::server {
namespace {

// A token: "o:<offset>:<query>", base64; the query is a digest of the
// request without its paging, so a token fits only the list it came from.
constexpr absl::string_view kTokenKind = "o";
constexpr absl::string_view kKeyTokenKind = "k";
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

google::protobuf::Timestamp Timestamp(absl::Time time) {
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(time));
  return out;
}

std::string TimeText(const google::protobuf::Timestamp& time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

absl::StatusOr<google::protobuf::Timestamp> ParseTimestamp(
    absl::string_view text, absl::string_view field) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", text,
                     "\" is not an RFC 3339 time; write it as "
                     "2024-03-01T09:00:00Z"));
  }
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(time));
  out.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(out.seconds()))));
  return out;
}

absl::StatusOr<rules::Date> DateOrToday(absl::string_view text,
                                        absl::string_view field,
                                        rules::Date today) {
  if (text.empty()) return today;
  return rules::ParseDate(text, field);
}

absl::StatusOr<Page> ParsePage(const google::protobuf::Message& request,
                               int default_size, int max_size) {
  const auto* descriptor = request.GetDescriptor();
  const auto* reflection = request.GetReflection();
  const auto* size_field = descriptor->FindFieldByName("page_size");
  const auto* token_field = descriptor->FindFieldByName("page_token");
  const int page_size =
      size_field != nullptr ? reflection->GetInt32(request, size_field) : 0;
  const std::string page_token =
      token_field != nullptr ? reflection->GetString(request, token_field) : "";
  if (page_size < 0) {
    return absl::InvalidArgumentError(
        "page_size: must not be negative; leave it 0 for the default");
  }
  // The query: the request without its paging, and without a client's
  // BSN, whose digest a token must not carry (nine digits are quickly
  // tried).
  std::unique_ptr<google::protobuf::Message> query(request.New());
  query->CopyFrom(request);
  for (const char* left_out : {"page_size", "page_token", "client_bsn"}) {
    if (const auto* f = descriptor->FindFieldByName(left_out)) {
      query->GetReflection()->ClearField(query.get(), f);
    }
  }
  Page page;
  page.query = RequestDigest(*query).substr(0, 16);
  page.size = page_size == 0 ? default_size : std::min(page_size, max_size);
  if (page_token.empty()) return page;
  std::string decoded;
  std::vector<absl::string_view> parts;
  if (absl::WebSafeBase64Unescape(page_token, &decoded)) {
    // kind:offset:query, or kind:query:key (a key may hold colons).
    parts = absl::StrSplit(decoded, absl::MaxSplits(':', 2));
  }
  if (parts.size() == 3 && parts[0] == kKeyTokenKind && !parts[2].empty()) {
    if (parts[1] != page.query) {
      return absl::InvalidArgumentError(
          "page_token: it was made for other filters; keep the filters of the "
          "first page, or start again without a token");
    }
    page.after = std::string(parts[2]);
    return page;
  }
  if (parts.size() != 3 || parts[0] != kTokenKind ||
      !absl::SimpleAtoi(parts[1], &page.offset) || page.offset > kMaxOffset) {
    return absl::InvalidArgumentError(
        "page_token: not a token from this list; pass next_page_token of "
        "the previous response unchanged");
  }
  if (parts[2] != page.query) {
    return absl::InvalidArgumentError(
        "page_token: it was made for other filters; keep the filters of the "
        "first page, or start again without a token");
  }
  return page;
}

absl::StatusOr<Page> ParseKeyPage(const google::protobuf::Message& request,
                                  int default_size, int max_size) {
  absl::StatusOr<Page> page = ParsePage(request, default_size, max_size);
  if (page.ok() && page->offset > 0) {
    return absl::InvalidArgumentError(
        "page_token: not a token from this list; pass next_page_token of "
        "the previous response unchanged");
  }
  return page;
}

std::string NextPageToken(const Page& page, size_t total) {
  const size_t next = page.offset + page.size;
  if (next >= total) return "";
  return absl::WebSafeBase64Escape(
      absl::StrCat(kTokenKind, ":", next, ":", page.query));
}

std::pair<std::string, std::string> SplitPageKey(absl::string_view key) {
  const size_t cut = key.find('/');
  if (cut == absl::string_view::npos) return {std::string(key), ""};
  return {std::string(key.substr(0, cut)), std::string(key.substr(cut + 1))};
}

std::string NextPageTokenAfter(const Page& page, absl::string_view last_key,
                               bool more) {
  if (!more || last_key.empty()) return "";
  return absl::WebSafeBase64Escape(
      absl::StrCat(kKeyTokenKind, ":", page.query, ":", last_key));
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
