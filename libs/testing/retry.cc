#include "libs/testing/retry.h"

#include <chrono>
#include <thread>

namespace wmo::testing {

grpc::Status RetryWhileBusy(const std::function<grpc::Status()>& call) {
  constexpr int kAttempts = 100;
  grpc::Status status = call();
  for (int attempt = 1;
       attempt < kAttempts &&
       status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
       ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    status = call();
  }
  return status;
}

}  // namespace wmo::testing
