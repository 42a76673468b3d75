#ifndef WMO_LIBS_TESTING_RETRY_H_
#define WMO_LIBS_TESTING_RETRY_H_

#include <functional>

#include "grpcpp/support/status.h"

namespace wmo::testing {

// Makes `call` again, after a short pause, while it answers
// RESOURCE_EXHAUSTED: a busy service sheds a call before doing any of its
// work, and its answer tells the client to retry. Tests that fire many calls
// at once use this, as a client would; slow sanitizer builds shed more.
grpc::Status RetryWhileBusy(const std::function<grpc::Status()>& call);

}  // namespace wmo::testing

#endif  // WMO_LIBS_TESTING_RETRY_H_
