#ifndef WMO_LIBS_TESTING_CREDENTIALS_H_
#define WMO_LIBS_TESTING_CREDENTIALS_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "libs/auth/principal.h"

namespace wmo::testing {

// "Bearer <token>" for `caller`: a development token signed with the key
// under `data_dir` (made when missing), valid for an hour.
std::string DevBearer(const std::string& data_dir,
                      const auth::Principal& caller);

// A channel to `target` whose calls carry "authorization: <bearer>" unless
// a call sets its own (or `bearer` is empty).
std::shared_ptr<grpc::Channel> ChannelWithBearer(
    const std::string& target, const std::string& bearer,
    const grpc::ChannelArguments& args = grpc::ChannelArguments());

}  // namespace wmo::testing

#endif  // WMO_LIBS_TESTING_CREDENTIALS_H_
