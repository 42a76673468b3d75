#include "libs/auth/key_files.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "libs/auth/keys.h"
#include "libs/auth/token_signer.h"

namespace wmo::auth {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

absl::StatusOr<std::string> LoadOrCreateDevKey(const std::string& data_dir) {
  const std::string path = absl::StrCat(data_dir, "/dev-signing-key.pem");
  if (access(path.c_str(), F_OK) == 0) return ReadFile(path);
  absl::StatusOr<std::string> pem = NewEcPrivateKeyPem();
  if (!pem.ok()) return pem.status();
  // Written whole under another name, then linked into place: a process
  // starting at the same time never reads half a key, and of two new keys
  // one wins (link fails when the name exists) and both use it.
  std::string temp = absl::StrCat(path, ".XXXXXX");
  const int fd = mkstemp(temp.data());  // Mode 0600.
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create the development signing key under ",
                     data_dir, ": ", std::strerror(errno)));
  }
  const bool written = write(fd, pem->data(), pem->size()) ==
                           static_cast<ssize_t>(pem->size()) &&
                       fsync(fd) == 0;
  const bool closed = close(fd) == 0;
  const bool linked =
      written && closed && link(temp.c_str(), path.c_str()) == 0;
  const int link_error = errno;
  unlink(temp.c_str());
  if (linked) return pem;
  if (written && closed && link_error == EEXIST) return ReadFile(path);
  return absl::FailedPreconditionError(
      absl::StrCat("cannot write the development signing key ", path, ": ",
                   std::strerror(link_error)));
}

namespace {

// The JWKS that lists the public half of a development key.
absl::StatusOr<std::string> DevJwksOf(const std::string& private_pem) {
  absl::StatusOr<std::string> jwk = PublicJwk(private_pem, kDevKeyId);
  if (!jwk.ok()) return jwk.status();
  return absl::StrCat(R"({"keys":[)", *jwk, "]}");
}

}  // namespace

absl::StatusOr<std::vector<VerificationKey>> DevVerificationKeys(
    const std::string& private_pem) {
  absl::StatusOr<std::string> jwks = DevJwksOf(private_pem);
  if (!jwks.ok()) return jwks.status();
  return ParseJwks(*jwks);
}

absl::StatusOr<std::string> DevJwks(const std::string& data_dir) {
  absl::StatusOr<std::string> pem = LoadOrCreateDevKey(data_dir);
  if (!pem.ok()) return pem.status();
  return DevJwksOf(*pem);
}

absl::StatusOr<std::string> DevToken(const std::string& data_dir,
                                     const Principal& principal, absl::Time now,
                                     absl::Duration lifetime) {
  absl::StatusOr<std::string> pem = LoadOrCreateDevKey(data_dir);
  if (!pem.ok()) return pem.status();
  return SignToken(*pem, kDevKeyId, principal,
                   {kDevIssuer, kDevAudience, now, lifetime});
}

JwksFile::JwksFile(std::string path, TokenVerifier& verifier,
                   std::function<void(const absl::Status&)> on_error)
    : path_(std::move(path)),
      verifier_(verifier),
      on_error_(std::move(on_error)) {}

JwksFile::~JwksFile() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

absl::Status JwksFile::Load() {
  absl::StatusOr<std::string> content = ReadFile(path_);
  if (!content.ok()) return content.status();
  if (*content == content_) return absl::OkStatus();
  absl::StatusOr<std::vector<VerificationKey>> keys = ParseJwks(*content);
  if (!keys.ok()) {
    return absl::Status(
        keys.status().code(),
        absl::StrCat("JWKS file ", path_, ": ", keys.status().message()));
  }
  verifier_.SetKeys(*std::move(keys));
  content_ = *std::move(content);
  return absl::OkStatus();
}

void JwksFile::Watch(absl::Duration period) {
  watcher_ = std::thread([this, period] {
    std::unique_lock lock(mu_);
    while (!stop_cv_.wait_for(lock, absl::ToChronoNanoseconds(period),
                              [this] { return stopping_; })) {
      lock.unlock();
      if (absl::Status s = Load(); !s.ok() && on_error_) on_error_(s);
      lock.lock();
    }
  });
}

}  // namespace wmo::auth
