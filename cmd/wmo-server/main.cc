// wmo-server: runs the chosen services (default all) until SIGINT/SIGTERM,
// then drains in-flight calls and exits 0. Any start-up problem is one line
// on stderr and exit code 1.
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "cmd/wmo-server/app.h"
#include "libs/server/log.h"
#include "libs/server/options.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = wmo::server::ParseOptions(args, std::getenv);
  if (!options.ok()) {
    std::fprintf(stderr, "wmo-server: %s\n",
                 std::string(options.status().message()).c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(wmo::server::OptionsHelp().c_str(), stdout);
    return 0;
  }

  // Debian's Abseil is built without NDEBUG, so every absl::Mutex (gRPC
  // takes several per call) would keep a lock graph for deadlock detection:
  // about 5% of the server's time under load. Tests keep it on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // Signals are taken synchronously by this thread only.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  wmo::App app(*options);
  if (absl::Status s = app.Start(); !s.ok()) {
    std::fprintf(stderr, "wmo-server: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  const std::string& host = options->host;
  wmo::server::LogInfo(absl::StrCat(
      "wmo-server serving ", absl::StrJoin(options->services, ","),
      "\n  gRPC     ", host, ":", app.grpc_port(),
      " (health, reflection)\n  REST     http://", host, ":", app.http_port(),
      "/v1/catalogs  (OpenAPI: /openapi.json)\n  metrics  http://", host, ":",
      app.metrics_port(), "/metrics\n  data     ", options->data_dir,
      "  catalogs ", options->catalog_dir));

  int signal = 0;
  sigwait(&signals, &signal);
  wmo::server::LogInfo(absl::StrCat("signal ", signal, ": draining"));
  app.Shutdown();
  wmo::server::LogInfo("stopped");
  return 0;
}
