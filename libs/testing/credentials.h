#ifndef WMO_LIBS_TESTING_CREDENTIALS_H_
#define WMO_LIBS_TESTING_CREDENTIALS_H_

#include <functional>
#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "libs/auth/principal.h"

namespace wmo::testing {

// "Bearer <token>" for `caller`: a development token signed with the key
// under `data_dir`, valid for an hour; "" when there is no key there.
std::string DevBearer(const std::string& data_dir,
                      const auth::Principal& caller);

// A channel to `target` whose calls carry "authorization: <bearer>" unless
// a call sets its own (or `bearer` is empty).
std::shared_ptr<grpc::Channel> ChannelWithBearer(
    const std::string& target, const std::string& bearer,
    const grpc::ChannelArguments& args = grpc::ChannelArguments());

// A channel to `target` whose unary calls act as the tenant owning the
// resource the request names in its "parent", "name" or "location" field
// (or those of its first message field): "providers/{agb}/..." as that
// provider, "municipalities/{cbs}/..." as that municipality, anything else
// (and streams) as `fallback`. `bearer_for` makes the authorization value
// for a principal. A call that sets its own authorization keeps it.
std::shared_ptr<grpc::Channel> OwnerChannel(
    const std::string& target, auth::Principal fallback,
    std::function<std::string(const auth::Principal&)> bearer_for);

}  // namespace wmo::testing

#endif  // WMO_LIBS_TESTING_CREDENTIALS_H_
