#include "libs/server/log.h"

#include <cstdint>
#include <cstdio>
#include <mutex>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace wmo::server {
namespace {

void Log(absl::string_view level, absl::string_view message) {
  const std::string line =
      absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                    absl::UTCTimeZone()),
                   " ", level, " ", message, "\n");
  // One write per line keeps lines from interleaving between threads.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

void LogInfo(absl::string_view message) { Log("INFO", message); }
void LogWarning(absl::string_view message) { Log("WARN", message); }
void LogError(absl::string_view message) { Log("ERROR", message); }

std::string NewRequestId() {
  static std::mutex mu;
  static absl::BitGen* gen = new absl::BitGen();
  uint64_t bits[2];
  {
    std::lock_guard lock(mu);
    bits[0] = (*gen)();
    bits[1] = (*gen)();
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bits), sizeof(bits)));
}

}  // namespace wmo::server
