#ifndef WMO_LIBS_AUTH_KEY_FILES_H_
#define WMO_LIBS_AUTH_KEY_FILES_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/auth/token_verifier.h"

namespace wmo::auth {

// Development tokens (--auth=dev): issuer, audience and key id.
inline constexpr char kDevIssuer[] = "wmo-server-dev";
inline constexpr char kDevAudience[] = "wmo";
inline constexpr char kDevKeyId[] = "dev";

// The development signing key under `data_dir` (dev-signing-key.pem, EC
// P-256, readable by its owner only), made on first use. Its PEM.
absl::StatusOr<std::string> LoadOrCreateDevKey(const std::string& data_dir);

// The public key of a development signing key, as a verifier takes it.
absl::StatusOr<std::vector<VerificationKey>> DevVerificationKeys(
    const std::string& private_pem);

// The JWKS of the development key under `data_dir` (made on first use):
// what a server started with --auth=jwt and issuer kDevIssuer takes to
// check development tokens where --auth=dev cannot serve (a laptop's
// cluster, whose probes do not come from loopback).
absl::StatusOr<std::string> DevJwks(const std::string& data_dir);

// A development token for `principal`, signed with the key under
// `data_dir`, issued at `now` for `lifetime`: what `wmo-server token`
// prints. NOT_FOUND when there is no key there yet (a new one would sign
// tokens the running server does not take).
absl::StatusOr<std::string> DevToken(const std::string& data_dir,
                                     const Principal& principal, absl::Time now,
                                     absl::Duration lifetime);

// Keeps a verifier's keys those of a JWKS file, so that keys rotate without
// a restart: Load reads the file (an error when it cannot be read or holds
// no usable key), Watch reads it again every `period` on a thread of its
// own and replaces the keys when the content changed. A changed file that
// does not parse keeps the keys as they were and is reported to `on_error`.
class JwksFile {
 public:
  JwksFile(std::string path, TokenVerifier& verifier,
           std::function<void(const absl::Status&)> on_error);
  ~JwksFile();  // Stops watching.

  JwksFile(const JwksFile&) = delete;
  JwksFile& operator=(const JwksFile&) = delete;

  // Reads the file and sets the keys when its content differs from the
  // last read.
  absl::Status Load();

  void Watch(absl::Duration period);

 private:
  const std::string path_;
  TokenVerifier& verifier_;
  const std::function<void(const absl::Status&)> on_error_;
  std::string content_;  // Last content set as keys; Load's thread only.
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread watcher_;
};

}  // namespace wmo::auth

#endif  // WMO_LIBS_AUTH_KEY_FILES_H_
