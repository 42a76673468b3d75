#include "libs/server/options.h"

#include <algorithm>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace wmo::server {
namespace {

struct Flag {
  std::string name;
  const char* help;
  std::function<absl::Status(const std::string&, ServerOptions&)> set;
};

absl::Status SetPort(const std::string& name, const std::string& value,
                     int& port) {
  int p = 0;
  if (!absl::SimpleAtoi(value, &p) || p < 0 || p > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", name, "=", value, ": not a port; give a number 0..65535"));
  }
  port = p;
  return absl::OkStatus();
}

absl::Status SetDatabaseUrl(const std::string& name, const std::string& value,
                            std::string& url) {
  if (!value.empty() && !absl::StartsWith(value, "postgres://") &&
      !absl::StartsWith(value, "postgresql://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name,
                     ": only PostgreSQL URLs (postgres://…) are supported; "
                     "leave it empty for SQLite"));
  }
  url = value;
  return absl::OkStatus();
}

absl::Status SetServices(const std::string& value, ServerOptions& o) {
  o.services.clear();
  if (value == "all") {
    o.services.insert(KnownServices().begin(), KnownServices().end());
    return absl::OkStatus();
  }
  for (absl::string_view s : absl::StrSplit(value, ',', absl::SkipEmpty())) {
    const std::string name(absl::StripAsciiWhitespace(s));
    if (std::find(KnownServices().begin(), KnownServices().end(), name) ==
        KnownServices().end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--services: unknown service \"", name, "\"; choose from ",
          absl::StrJoin(KnownServices(), ","), " or all"));
    }
    o.services.insert(name);
  }
  if (o.services.empty()) {
    return absl::InvalidArgumentError("--services: name at least one service");
  }
  return absl::OkStatus();
}

std::vector<Flag> MakeFlags() {
  std::vector<Flag> flags{
      {"services", "comma-separated roles to serve, or all (default all)",
       [](const std::string& v, ServerOptions& o) {
         return SetServices(v, o);
       }},
      {"host", "address to listen on (default 127.0.0.1)",
       [](const std::string& v, ServerOptions& o) {
         if (v.empty()) {
           return absl::InvalidArgumentError("--host: give an address");
         }
         o.host = v;
         return absl::OkStatus();
       }},
      {"grpc_port", "gRPC port (default 50051; 0 picks a free one)",
       [](const std::string& v, ServerOptions& o) {
         return SetPort("grpc_port", v, o.grpc_port);
       }},
      {"http_port", "REST gateway port (default 8080; 0 picks a free one)",
       [](const std::string& v, ServerOptions& o) {
         return SetPort("http_port", v, o.http_port);
       }},
      {"metrics_port",
       "Prometheus metrics port (default 9464; 0 picks a free one)",
       [](const std::string& v, ServerOptions& o) {
         return SetPort("metrics_port", v, o.metrics_port);
       }},
      {"data_dir",
       "directory for SQLite files and the development key (default "
       "./var); not used when every service has a database URL and "
       "--auth=jwt",
       [](const std::string& v, ServerOptions& o) {
         o.data_dir = v;
         return absl::OkStatus();
       }},
      {"catalog_dir", "directory of catalog files (default ./catalogs)",
       [](const std::string& v, ServerOptions& o) {
         o.catalog_dir = v;
         return absl::OkStatus();
       }},
      {"database_url",
       "postgres://user:pass@host:port/db for every service (one schema "
       "each); default SQLite files under data_dir",
       [](const std::string& v, ServerOptions& o) {
         return SetDatabaseUrl("database_url", v, o.database_url);
       }},
      {"catalog_address",
       "host:port of the catalog service when this process does not serve "
       "it",
       [](const std::string& v, ServerOptions& o) {
         o.catalog_address = v;
         return absl::OkStatus();
       }},
      {"assignment_address",
       "host:port of the assignment service when this process does not "
       "serve it",
       [](const std::string& v, ServerOptions& o) {
         o.assignment_address = v;
         return absl::OkStatus();
       }},
      {"declaration_address",
       "host:port of the declaration service when this process does not "
       "serve it",
       [](const std::string& v, ServerOptions& o) {
         o.declaration_address = v;
         return absl::OkStatus();
       }},
      {"drain_seconds",
       "on SIGTERM, how long requests in flight may take before they are "
       "cancelled (default 10)",
       [](const std::string& v, ServerOptions& o) {
         int seconds = 0;
         if (!absl::SimpleAtoi(v, &seconds) || seconds < 0 || seconds > 600) {
           return absl::InvalidArgumentError(absl::StrCat(
               "--drain_seconds=", v, ": give whole seconds from 0 to 600"));
         }
         o.drain = absl::Seconds(seconds);
         return absl::OkStatus();
       }},
      {"redis_url",
       "redis://host:port for the shared cache; default in-process only",
       [](const std::string& v, ServerOptions& o) {
         if (!v.empty() && !absl::StartsWith(v, "redis://")) {
           return absl::InvalidArgumentError(absl::StrCat(
               "--redis_url=", v, ": write it as redis://host:port"));
         }
         o.redis_url = v;
         return absl::OkStatus();
       }},
      {"auth",
       "jwt (default: bearer tokens checked with --jwt_keys) or dev (a "
       "signing key under data_dir, tokens from `wmo-server token`, "
       "loopback only)",
       [](const std::string& v, ServerOptions& o) {
         if (v == "jwt") {
           o.auth = ServerOptions::Auth::kJwt;
         } else if (v == "dev") {
           o.auth = ServerOptions::Auth::kDev;
         } else {
           return absl::InvalidArgumentError(
               absl::StrCat("--auth=", v, ": choose jwt or dev"));
         }
         return absl::OkStatus();
       }},
      {"jwt_keys",
       "JWKS file with the keys (RS256, ES256) that sign bearer tokens; read "
       "again when it changes",
       [](const std::string& v, ServerOptions& o) {
         o.jwt_keys = v;
         return absl::OkStatus();
       }},
      {"jwt_issuer", "the \"iss\" bearer tokens must carry",
       [](const std::string& v, ServerOptions& o) {
         o.jwt_issuer = v;
         return absl::OkStatus();
       }},
      {"jwt_audience", "the \"aud\" bearer tokens must carry (default wmo)",
       [](const std::string& v, ServerOptions& o) {
         o.jwt_audience = v;
         return absl::OkStatus();
       }},
      {"log_format",
       "text (default: time, level, message, key=value fields) or json "
       "(one object per line)",
       [](const std::string& v, ServerOptions& o) {
         if (v == "text") {
           o.log_format = LogFormat::kText;
         } else if (v == "json") {
           o.log_format = LogFormat::kJson;
         } else {
           return absl::InvalidArgumentError(
               absl::StrCat("--log_format=", v, ": choose text or json"));
         }
         return absl::OkStatus();
       }},
      {"tls_cert",
       "PEM certificate (chain) for TLS on the gRPC port and for calls to "
       "the other roles",
       [](const std::string& v, ServerOptions& o) {
         o.tls_cert = v;
         return absl::OkStatus();
       }},
      {"tls_key", "PEM private key of --tls_cert",
       [](const std::string& v, ServerOptions& o) {
         o.tls_key = v;
         return absl::OkStatus();
       }},
      {"tls_client_ca",
       "PEM CA certificates: every gRPC caller must present a certificate "
       "they signed (mTLS; its subject names the caller when no token does)",
       [](const std::string& v, ServerOptions& o) {
         o.tls_client_ca = v;
         return absl::OkStatus();
       }},
  };
  for (const std::string& service : KnownServices()) {
    const std::string name = service + "_database_url";
    flags.push_back({name, "database_url for this service only",
                     [service, name](const std::string& v, ServerOptions& o) {
                       return SetDatabaseUrl(name, v,
                                             o.service_database_urls[service]);
                     }});
  }
  return flags;
}

const std::vector<Flag>& Flags() {
  static const auto* const kFlags = new std::vector<Flag>(MakeFlags());
  return *kFlags;
}

}  // namespace

absl::StatusOr<ServerOptions> ParseOptions(
    const std::vector<std::string>& args,
    const std::function<const char*(const char*)>& getenv) {
  ServerOptions options;
  for (const Flag& flag : Flags()) {
    const std::string env =
        absl::AsciiStrToUpper(absl::StrCat("WMO_", flag.name));
    if (const char* value = getenv(env.c_str()); value != nullptr) {
      if (absl::Status s = flag.set(value, options); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(env, ": ", s.message()));
      }
    }
  }
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      continue;
    }
    if (arg == "--version") {
      options.version = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg.find('=') == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unexpected argument \"", arg, "\"; flags look like --name=value"));
    }
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq - 2);
    auto it = std::find_if(Flags().begin(), Flags().end(),
                           [&](const Flag& f) { return name == f.name; });
    if (it == Flags().end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, "; see --help for the flags"));
    }
    if (absl::Status s = it->set(arg.substr(eq + 1), options); !s.ok()) {
      return s;
    }
  }
  return options;
}

std::string OptionsHelp() {
  std::string out =
      "usage: wmo-server [--name=value ...]; each flag can also be set by "
      "the environment variable WMO_<NAME>\n"
      "       wmo-server --version: the version and commit\n"
      "       wmo-server token --kind=...: a development token (--auth=dev)\n"
      "       wmo-server jwks [--data_dir=DIR]: the development key's JWKS, "
      "for a server that checks development tokens with --auth=jwt\n";
  for (const Flag& flag : Flags()) {
    absl::StrAppend(&out, "  --", flag.name, "  ", flag.help, "\n");
  }
  absl::StrAppend(&out, "roles and the roles they call:\n");
  for (const std::string& role : KnownServices()) {
    const std::vector<std::string>& callees = RoleCallees().at(role);
    absl::StrAppend(&out, "  ", role, ": ",
                    callees.empty() ? "-" : absl::StrJoin(callees, ","), "\n");
  }
  return out;
}

}  // namespace wmo::server
