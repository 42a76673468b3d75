#ifndef WMO_LIBS_SERVER_OPTIONS_H_
#define WMO_LIBS_SERVER_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/server/log.h"

namespace wmo::server {

// The roles a process can play; the default is all of them (all-in-one).
inline const std::vector<std::string>& KnownServices() {
  static const auto* const kServices = new std::vector<std::string>{
      "catalog", "assignment", "declaration", "capacity", "iwmo"};
  return *kServices;
}

// Which roles each role calls: where a role runs without them, it is told
// their address (--<callee>_address). Calls flow one way: catalog calls
// none, and no role calls iwmo or capacity.
inline const std::map<std::string, std::vector<std::string>>& RoleCallees() {
  static const auto* const kCallees =
      new std::map<std::string, std::vector<std::string>>{
          {"catalog", {}},
          {"assignment", {"catalog"}},
          {"declaration", {"assignment", "catalog"}},
          {"capacity", {"assignment", "catalog"}},
          {"iwmo", {"declaration", "assignment", "catalog"}}};
  return *kCallees;
}

struct ServerOptions {
  // Default: all of them.
  std::set<std::string> services{KnownServices().begin(),
                                 KnownServices().end()};
  std::string host = "127.0.0.1";
  int grpc_port = 50051;
  // Port 0 picks a free port (tests); the bound ports are logged.
  int http_port = 8080;
  int metrics_port = 9464;
  // The largest request or response message any service takes or gives;
  // also the REST body limit and the in-process channels' bound, so that
  // every hop agrees on one size. Not a flag.
  int max_message_bytes = 64 << 20;
  // Declaration lines that submits and validations may hold at once, over
  // all calls and streams (each takes some hundreds of bytes while checked).
  // Not a flag.
  int64_t max_declaration_lines_in_flight = 400'000;
  // How long a service's queue may hold calls before it refuses new ones
  // (RESOURCE_EXHAUSTED): the bound on waiting that keeps answers in time
  // under overload. Not a flag.
  absl::Duration max_queue_delay = absl::Milliseconds(100);
  // On stop, how long requests in flight get before they are cancelled.
  absl::Duration drain = absl::Seconds(10);
  // How often each service's store is checked for readiness and health.
  // Not a flag.
  absl::Duration health_check_period = absl::Seconds(1);
  std::string data_dir = "./var";
  std::string catalog_dir = "./catalogs";
  // PostgreSQL for every service (one schema each); empty for SQLite files
  // under data_dir.
  std::string database_url;
  // Per service overrides of database_url, by service name.
  std::map<std::string, std::string> service_database_urls;
  // Where the catalog service runs when this process does not serve it
  // (host:port); ignored when it does.
  std::string catalog_address;
  // The same for the assignment and declaration services.
  std::string assignment_address;
  std::string declaration_address;
  // Redis for the shared second-level cache; empty for in-process only.
  std::string redis_url;

  // What time it is (not a flag): tests fix it so that what depends on the
  // day (care not yet given, TR137) does not change with the calendar.
  std::function<absl::Time()> clock = absl::Now;

  // Identity. kJwt: bearer tokens checked with the keys of jwt_keys (a JWKS
  // file, read again when it changes), issued by jwt_issuer for
  // jwt_audience; the server does not start without them. kDev: a signing
  // key made under data_dir, tokens from `wmo-server token`, and only a
  // loopback host.
  enum class Auth { kJwt, kDev };
  Auth auth = Auth::kJwt;
  std::string jwt_keys;
  std::string jwt_issuer;
  std::string jwt_audience = "wmo";
  // TLS on the gRPC port (PEM files): this server's certificate and key,
  // also presented when it calls the other roles of a split deployment.
  // With tls_client_ca every gRPC caller must present a certificate that CA
  // signed (its subject names the principal when no token does), and the
  // other roles' certificates are checked against it.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  LogFormat log_format = LogFormat::kText;

  // The database URL of one service ("" for SQLite).
  const std::string& DatabaseUrl(const std::string& service) const {
    auto it = service_database_urls.find(service);
    return it != service_database_urls.end() ? it->second : database_url;
  }
  // Whether data_dir is used: for a served service without a database URL
  // (its SQLite file), or for the development key.
  bool UsesDataDir() const {
    if (auth == Auth::kDev) return true;
    for (const std::string& service : services) {
      if (DatabaseUrl(service).empty()) return true;
    }
    return false;
  }
  bool help = false;
  // --version: print the version and commit, and exit.
  bool version = false;
};

// Reads options from `args` (without the program name) as --name=value, each
// also settable by the environment variable WMO_<NAME> (command line wins).
// Returns INVALID_ARGUMENT with one line naming the flag for anything else.
absl::StatusOr<ServerOptions> ParseOptions(
    const std::vector<std::string>& args,
    const std::function<const char*(const char*)>& getenv);

// One line per flag, for --help.
std::string OptionsHelp();

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_OPTIONS_H_
