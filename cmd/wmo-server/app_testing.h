#ifndef WMO_CMD_WMO_SERVER_APP_TESTING_H_
#define WMO_CMD_WMO_SERVER_APP_TESTING_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cmd/wmo-server/app.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "libs/auth/principal.h"
#include "libs/testing/temp_dir.h"
#include "wmo/type/v1/types.pb.h"

namespace wmo::testing {

// What service tests share: the whole app in-process, and reading its
// errors.

// The time of every StartApp app (ServerOptions::clock): 2027-03-01, after
// every day the tests declare.
inline const absl::Time kTestNow = absl::FromUnixSeconds(1803902400);

// Starts every service on free ports with the real catalogs and
// development keys (--auth=dev), on SQLite under `dir` ("sqlite") or on a
// fresh database of the test PostgreSQL ("postgres"). FAILED_PRECONDITION
// when that PostgreSQL is not running here: the test should skip.
absl::StatusOr<std::unique_ptr<App>> StartApp(const std::string& backend,
                                              const TempDir& dir);

// Who tests call as unless they say otherwise: municipality 0988 (the
// municipality of most examples), subject "test-client".
auth::Principal TestCaller();

// Principals tests act as (subject "test-client").
auth::Principal Municipality(const std::string& cbs);
auth::Principal Provider(const std::string& agb);
auth::Principal Operator();

// Who owns what a REST path names: a provider for /v1/providers/{agb}/...,
// a municipality for /v1/municipalities/{cbs}/..., TestCaller() otherwise.
auth::Principal OwnerOfPath(const std::string& path);

// Makes the call of `context` act as `caller` (its own authorization
// metadata, which a channel's default does not override).
void ActAs(grpc::ClientContext& context, const App& app,
           const auth::Principal& caller);

// "Bearer <token>" for `caller`, signed with the app's development key:
// the value of an authorization header.
std::string BearerFor(const App& app,
                      const auth::Principal& caller = TestCaller());

// A channel to the app's gRPC port over loopback whose calls carry a token
// for `caller` (unless a call sets its own authorization metadata).
std::shared_ptr<grpc::Channel> ChannelTo(const App& app,
                                         const auth::Principal& caller);

// A channel whose calls act as the owner of what they name, as the real
// callers would be: a provider for providers/{agb}/..., a municipality for
// municipalities/{cbs}/..., TestCaller() otherwise (testing::OwnerChannel).
std::shared_ptr<grpc::Channel> ChannelTo(const App& app);

// A channel whose calls carry no credentials.
std::shared_ptr<grpc::Channel> AnonymousChannelTo(const App& app);

// A channel to `port` on loopback with a TCP connection of its own, as a
// separate client process would have (benchmarks), its calls carrying
// `bearer` (an authorization value; none when empty); connected, or nullptr
// when nothing answers within 10 s.
std::shared_ptr<grpc::Channel> SeparateChannelTo(int port,
                                                 const std::string& bearer);

// The same to the app's gRPC port, as `caller`.
std::shared_ptr<grpc::Channel> SeparateChannelTo(
    const App& app, const auth::Principal& caller = TestCaller());

// The wmo.type.v1.RuleViolations detail of a status, and its rule ids.
std::vector<wmo::type::v1::RuleViolation> ViolationsOf(
    const grpc::Status& status);
std::vector<std::string> RuleIds(const grpc::Status& status);

// A BSN passing the 11-proef: the same for the same n, distinct for
// distinct n >= 0.
std::string TestBsn(int n);

// Starts the app into `app` (a std::unique_ptr<App>) or skips the test.
#define WMO_START_APP_OR_SKIP(app, backend, dir)                          \
  do {                                                                    \
    auto started = ::wmo::testing::StartApp(backend, dir);                \
    if (started.status().code() == absl::StatusCode::kFailedPrecondition) \
      GTEST_SKIP() << started.status().message();                         \
    ASSERT_TRUE(started.ok()) << started.status();                        \
    (app) = *std::move(started);                                          \
  } while (0)

}  // namespace wmo::testing

#endif  // WMO_CMD_WMO_SERVER_APP_TESTING_H_
