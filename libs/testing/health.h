#ifndef WMO_LIBS_TESTING_HEALTH_H_
#define WMO_LIBS_TESTING_HEALTH_H_

#include <chrono>
#include <string>

#include "grpcpp/channel.h"

namespace wmo::testing {

// grpc.health.v1.HealthCheckResponse.ServingStatus values.
enum class Serving { kUnknown = 0, kServing = 1, kNotServing = 2 };

// grpc.health.v1.Health/Check for `service` ("" for the whole server);
// kUnknown when the call itself fails.
Serving HealthOf(
    grpc::Channel& channel, const std::string& service,
    std::chrono::milliseconds deadline = std::chrono::milliseconds(2000));

}  // namespace wmo::testing

#endif  // WMO_LIBS_TESTING_HEALTH_H_
