#include "services/assignment/assignment_client.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace wmo::assignment {

absl::StatusOr<std::vector<v1::Assignment>> AssignmentClient::BatchGet(
    const std::string& municipality, const std::vector<std::string>& numbers,
    std::map<std::string, v1::QualifyingCover>* covers) {
  constexpr size_t kBatch = 1000;  // BatchGetAssignments' limit
  std::vector<v1::Assignment> found;
  found.reserve(numbers.size());
  for (size_t from = 0; from < numbers.size(); from += kBatch) {
    v1::BatchGetAssignmentsRequest request;
    request.set_parent(absl::StrCat("municipalities/", municipality));
    request.set_allow_missing(true);
    request.set_with_qualifying_cover(covers != nullptr);
    const size_t to = std::min(numbers.size(), from + kBatch);
    for (size_t i = from; i < to; ++i) request.add_names(numbers[i]);
    v1::BatchGetAssignmentsResponse response;
    absl::Status status = stub_.Invoke([&](auto& stub, auto& context) {
      return stub.BatchGetAssignments(&context, request, &response);
    });
    if (!status.ok()) return status;
    for (auto& a : *response.mutable_assignments()) {
      found.push_back(std::move(a));
    }
    for (auto& cover : *response.mutable_qualifying_covers()) {
      if (covers == nullptr) break;
      // The name ends in the number: .../assignments/{number}.
      const std::string& name = cover.assignment();
      (*covers)[name.substr(name.rfind('/') + 1)] = std::move(cover);
    }
  }
  return found;
}

absl::StatusOr<v1::RecordAssignmentUsageResponse> AssignmentClient::RecordUsage(
    const std::vector<v1::AssignmentUsage>& usages) {
  v1::RecordAssignmentUsageRequest request;
  for (const v1::AssignmentUsage& usage : usages) *request.add_usages() = usage;
  v1::RecordAssignmentUsageResponse response;
  absl::Status status = stub_.Invoke([&](auto& stub, auto& context) {
    return stub.RecordAssignmentUsage(&context, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

absl::Status AssignmentClient::RecordStart(
    const v1::RecordDeliveryStartRequest& request) {
  v1::Assignment response;
  return stub_.Invoke([&](auto& stub, auto& context) {
    return stub.RecordDeliveryStart(&context, request, &response);
  });
}

absl::Status AssignmentClient::RecordStop(
    const v1::RecordDeliveryStopRequest& request) {
  v1::Assignment response;
  return stub_.Invoke([&](auto& stub, auto& context) {
    return stub.RecordDeliveryStop(&context, request, &response);
  });
}

absl::StatusOr<v1::AssignmentRequest> AssignmentClient::Request(
    const v1::RequestAssignmentRequest& request) {
  v1::AssignmentRequest response;
  absl::Status status = stub_.Invoke([&](auto& stub, auto& context) {
    return stub.RequestAssignment(&context, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<std::vector<v1::AssignmentChange>> AssignmentClient::Changes(
    const v1::ListAssignmentChangesRequest& request) {
  v1::ListAssignmentChangesResponse response;
  absl::Status status = stub_.Invoke([&](auto& stub, auto& context) {
    return stub.ListAssignmentChanges(&context, request, &response);
  });
  if (!status.ok()) return status;
  return std::vector<v1::AssignmentChange>(response.changes().begin(),
                                           response.changes().end());
}

absl::StatusOr<std::vector<v1::Assignment>> AssignmentClient::Search(
    v1::SearchAssignmentsRequest request) {
  std::vector<v1::Assignment> found;
  request.set_page_size(500);
  do {
    v1::ListAssignmentsResponse page;
    absl::Status status = stub_.Invoke([&](auto& stub, auto& context) {
      return stub.SearchAssignments(&context, request, &page);
    });
    if (!status.ok()) return status;
    for (v1::Assignment& a : *page.mutable_assignments()) {
      found.push_back(std::move(a));
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return found;
}

absl::StatusOr<v1::Assignment> AssignmentClient::Create(
    const v1::CreateAssignmentRequest& request) {
  v1::Assignment response;
  absl::Status status = stub_.Invoke([&](auto& stub, auto& context) {
    return stub.CreateAssignment(&context, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

}  // namespace wmo::assignment
