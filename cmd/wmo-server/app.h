#ifndef WMO_CMD_WMO_SERVER_APP_H_
#define WMO_CMD_WMO_SERVER_APP_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "libs/server/options.h"
#include "libs/store/store.h"

namespace wmo {

// The whole server: the chosen services on one gRPC server, the REST gateway
// in front of them over an in-process channel, and the metrics endpoint.
// Tests start it in-process on port 0; main() runs it until a signal.
class App {
 public:
  explicit App(server::ServerOptions options);
  ~App();

  // Opens the stores, imports the catalog files, and starts serving. On
  // error nothing keeps running and the status says what to fix in one line.
  absl::Status Start();

  // Stops accepting calls and lets in-flight ones finish (up to a deadline).
  void Shutdown();

  const server::ServerOptions& options() const { return options_; }

  // A channel into this server's services that counts as another role of
  // this process, as the services' own calls to each other do (valid after
  // Start): for a bench or test that stands in for a role.
  std::shared_ptr<grpc::Channel> RoleChannel() const;

  // Bound ports, valid after Start.
  int grpc_port() const;
  int http_port() const;
  int metrics_port() const;

 private:
  struct State;
  // The verifier of bearer tokens options_.auth asks for.
  absl::Status StartAuthentication(State& s);

  server::ServerOptions options_;
  std::unique_ptr<State> state_;
};

// The store of one service as `options` configure it, not migrated:
// PostgreSQL (the service's own schema) when a URL is configured, else its
// SQLite file under the data directory. App opens its stores with it; tests
// use it to plant rows the API cannot make.
absl::StatusOr<std::unique_ptr<store::Database>> OpenStoreOf(
    const server::ServerOptions& options, const std::string& service);

}  // namespace wmo

#endif  // WMO_CMD_WMO_SERVER_APP_H_
