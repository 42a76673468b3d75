// wmo-server: runs the chosen services (default all) until SIGINT/SIGTERM,
// then drains in-flight calls and exits 0. Any start-up problem is one line
// on stderr and exit code 1. `wmo-server token ...` prints a development
// token instead, and `wmo-server jwks` the development key's JWKS.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cmd/wmo-server/app.h"
#include "libs/auth/key_files.h"
#include "libs/auth/principal.h"
#include "libs/server/build_info.h"
#include "libs/server/log.h"
#include "libs/server/options.h"

namespace {

// The --name=value flags of a subcommand into `flags`, which holds the
// known names with their defaults. False (having said why) on any other.
bool ParseSubcommandFlags(const std::vector<std::string>& args,
                          const char* usage,
                          std::map<std::string, std::string>& flags) {
  for (const std::string& arg : args) {
    const size_t eq = arg.find('=');
    const std::string name = arg.rfind("--", 0) == 0 && eq != std::string::npos
                                 ? arg.substr(2, eq - 2)
                                 : "";
    if (flags.count(name) == 0) {
      std::fprintf(stderr, "wmo-server: unexpected \"%s\"; usage: %s\n",
                   arg.c_str(), usage);
      return false;
    }
    flags[name] = arg.substr(eq + 1);
  }
  return true;
}

std::string DefaultDataDir() {
  const char* dir = std::getenv("WMO_DATA_DIR");
  return dir != nullptr ? dir : "./var";
}

// `wmo-server token --kind=K [--tenant=CODE] [--subject=NAME] [--ttl=8h]
// [--data_dir=DIR]`: a development token (--auth=dev) on stdout.
int PrintDevToken(const std::vector<std::string>& args) {
  std::map<std::string, std::string> flags = {{"data_dir", DefaultDataDir()},
                                              {"kind", ""},
                                              {"tenant", ""},
                                              {"subject", "developer"},
                                              {"ttl", "8h"}};
  if (!ParseSubcommandFlags(
          args,
          "wmo-server token --kind=municipality|provider|operator "
          "[--tenant=CODE] [--subject=NAME] [--ttl=8h] [--data_dir=DIR]",
          flags)) {
    return 2;
  }
  absl::Duration ttl;
  if (!absl::ParseDuration(flags["ttl"], &ttl) || ttl <= absl::ZeroDuration()) {
    std::fprintf(stderr,
                 "wmo-server token: --ttl=%s: give a duration such "
                 "as 30m or 8h\n",
                 flags["ttl"].c_str());
    return 2;
  }
  absl::StatusOr<wmo::auth::Principal> principal = wmo::auth::MakePrincipal(
      flags["kind"], flags["tenant"], flags["subject"]);
  absl::StatusOr<std::string> token =
      principal.ok()
          ? wmo::auth::DevToken(flags["data_dir"], *principal, absl::Now(), ttl)
          : absl::StatusOr<std::string>(principal.status());
  if (!token.ok()) {
    std::fprintf(stderr, "wmo-server token: %s\n",
                 std::string(token.status().message()).c_str());
    return 2;
  }
  std::printf("%s\n", token->c_str());
  return 0;
}

// `wmo-server jwks [--data_dir=DIR]`: the JWKS of the development key on
// stdout, for a server that checks development tokens with --auth=jwt
// --jwt_issuer=wmo-server-dev (the dev Kubernetes overlay).
int PrintDevJwks(const std::vector<std::string>& args) {
  std::map<std::string, std::string> flags = {{"data_dir", DefaultDataDir()}};
  if (!ParseSubcommandFlags(args, "wmo-server jwks [--data_dir=DIR]", flags)) {
    return 2;
  }
  // As the server would, on first use.
  std::error_code ec;
  std::filesystem::create_directories(flags["data_dir"], ec);
  absl::StatusOr<std::string> jwks = wmo::auth::DevJwks(flags["data_dir"]);
  if (!jwks.ok()) {
    std::fprintf(stderr, "wmo-server jwks: %s\n",
                 std::string(jwks.status().message()).c_str());
    return 2;
  }
  std::printf("%s\n", jwks->c_str());
  return 0;
}

// --auth=dev: tokens to try the API with, valid for 8 hours, on stdout:
// credentials are no log events, and must not reach a log pipeline.
void PrintDevTokens(const wmo::server::ServerOptions& options, int http_port) {
  using wmo::auth::PrincipalKind;
  const struct {
    const char* label;
    wmo::auth::Principal principal;
  } kCallers[] = {{"municipality 0988",
                   {PrincipalKind::kMunicipality, "0988", "developer"}},
                  {"provider 99990303",
                   {PrincipalKind::kProvider, "99990303", "developer"}},
                  {"operator", {PrincipalKind::kOperator, "", "developer"}}};
  std::string first;
  for (const auto& caller : kCallers) {
    absl::StatusOr<std::string> token = wmo::auth::DevToken(
        options.data_dir, caller.principal, absl::Now(), absl::Hours(8));
    if (!token.ok()) return;
    if (first.empty()) first = *token;
    std::printf("development token (8 h) for %s: %s\n", caller.label,
                token->c_str());
  }
  std::printf(
      "try: curl -s -H \"Authorization: Bearer %s\" "
      "http://%s:%d/v1/municipalities/0988/assignments\n"
      "(more tokens: wmo-server token --kind=...)\n",
      first.c_str(), options.host.c_str(), http_port);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "token") {
    return PrintDevToken({args.begin() + 1, args.end()});
  }
  if (!args.empty() && args[0] == "jwks") {
    return PrintDevJwks({args.begin() + 1, args.end()});
  }
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
  if (options->version) {
    std::printf("wmo-server %s (commit %s)\n",
                std::string(wmo::server::Version()).c_str(),
                std::string(wmo::server::Commit()).c_str());
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

  wmo::server::InitLogging(options->log_format);
  wmo::App app(*options);
  if (absl::Status s = app.Start(); !s.ok()) {
    wmo::server::LogError(absl::StrCat("wmo-server: ", s.message()));
    return 1;
  }
  const std::string& host = options->host;
  // One line each, the addresses in a fixed column for people to read.
  using wmo::server::LogInfo;
  LogInfo(absl::StrCat("wmo-server serving ",
                       absl::StrJoin(options->services, ",")));
  LogInfo(absl::StrCat("gRPC     ", host, ":", app.grpc_port(),
                       " (health, reflection)"));
  LogInfo(absl::StrCat("REST     http://", host, ":", app.http_port(),
                       "/v1/catalogs  (OpenAPI: /openapi.json)"));
  LogInfo(absl::StrCat(
      "data     ",
      options->UsesDataDir() ? options->data_dir : "(PostgreSQL only)",
      "  catalogs ", options->catalog_dir));
  // Last: tests and scripts wait for this line.
  LogInfo(absl::StrCat("metrics  http://", host, ":", app.metrics_port(),
                       "/metrics"));
  if (options->auth == wmo::server::ServerOptions::Auth::kDev) {
    PrintDevTokens(*options, app.http_port());
  }

  int signal = 0;
  sigwait(&signals, &signal);
  wmo::server::LogInfo(absl::StrCat("signal ", signal, ": draining"));
  app.Shutdown();
  wmo::server::LogInfo("stopped");
  return 0;
}
