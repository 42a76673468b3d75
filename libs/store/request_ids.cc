#include "libs/store/request_ids.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"

namespace wmo::store {

namespace {

// The name of the resource an earlier create with `request_id` in `scope`
// made, or nullopt; ALREADY_EXISTS when that create had another request.
absl::StatusOr<std::optional<std::string>> FindCreateRequest(
    Connection& c, absl::string_view scope, absl::string_view request_id,
    absl::string_view body_sha256) {
  auto rows = c.Execute(
      "SELECT body_sha256, resource FROM create_requests"
      " WHERE scope = ? AND request_id = ?",
      {std::string(scope), std::string(request_id)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  const std::string& recorded = ResultSet::Text((*rows)[0], 0);
  if (!recorded.empty() && recorded != body_sha256) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request_id ", request_id,
        " was used before for another request; send the same request to "
        "retry it, or a new request_id for a new one"));
  }
  return ResultSet::Text((*rows)[0], 1);
}

// Records the create; a concurrent create with the same id makes one of the
// two transactions fail and rerun, finding the other's.
absl::Status SaveCreateRequest(Connection& c, absl::string_view scope,
                               absl::string_view request_id,
                               absl::string_view body_sha256,
                               absl::string_view resource) {
  absl::Status s =
      c.Execute(
           "INSERT INTO create_requests (scope, request_id, body_sha256,"
           " resource) VALUES (?, ?, ?, ?)",
           {std::string(scope), std::string(request_id),
            std::string(body_sha256), std::string(resource)})
          .status();
  // Two creates with one id raced: rerun, and the rerun finds the winner's.
  if (absl::IsAlreadyExists(s)) return MarkRetryable(s);
  return s;
}

}  // namespace

absl::Status CreateOnce(
    Connection& c, const CreateRequest& request,
    absl::FunctionRef<absl::StatusOr<std::string>(Connection&)> create,
    absl::FunctionRef<absl::Status(Connection&, const std::string&)> replay) {
  if (request.request_id.empty()) return create(c).status();
  auto earlier = FindCreateRequest(c, request.scope, request.request_id,
                                   request.body_sha256);
  if (!earlier.ok()) return earlier.status();
  if (*earlier) return replay(c, **earlier);
  auto made = create(c);
  if (!made.ok()) return made.status();
  return SaveCreateRequest(c, request.scope, request.request_id,
                           request.body_sha256, *made);
}

}  // namespace wmo::store
