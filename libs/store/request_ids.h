#ifndef WMO_LIBS_STORE_REQUEST_IDS_H_
#define WMO_LIBS_STORE_REQUEST_IDS_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/store/store.h"

namespace wmo::store {

// Safe retries of creates (AIP-155): a caller's request id names one create
// within a scope (the collection it creates in). The store remembers a digest
// of the request and the name of what it made, in the same transaction as
// the create, so a retry gets the first result and a reused id with another
// request is refused.

// The table, for a service's migrations (the same SQL on both backends).
// `body_sha256` is empty for ids recorded before digests were kept; such an
// id matches any request.
inline constexpr char kRequestIdsTable[] =
    "CREATE TABLE create_requests ("
    " scope TEXT NOT NULL,"
    " request_id TEXT NOT NULL,"
    " body_sha256 TEXT NOT NULL,"
    " resource TEXT NOT NULL,"
    " PRIMARY KEY (scope, request_id));";

// A create's request id and where it applies.
struct CreateRequest {
  // The collection created in, such as "municipalities/0988/assignments".
  std::string scope;
  // The caller's id, checked by server::CheckRequestId before the create
  // starts; empty when the caller gave none (no retry safety).
  std::string request_id;
  // server::RequestDigest of the request.
  std::string body_sha256;
};

// Inside a create's transaction: when an earlier create with the request's
// id made a resource, `replay` answers with it; otherwise `create` makes the
// resource, returns its name, and the id is recorded with it. Without an id,
// only `create` runs. ALREADY_EXISTS naming the id for an id used with
// another request.
absl::Status CreateOnce(
    Connection& c, const CreateRequest& request,
    absl::FunctionRef<absl::StatusOr<std::string>(Connection&)> create,
    absl::FunctionRef<absl::Status(Connection&, const std::string&)> replay);

}  // namespace wmo::store

#endif  // WMO_LIBS_STORE_REQUEST_IDS_H_
