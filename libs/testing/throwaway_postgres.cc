#include "libs/testing/throwaway_postgres.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/testing/http.h"

namespace wmo::testing {
namespace {

namespace fs = std::filesystem;

std::string PostgresBin() {
  std::string best;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string bin = (entry.path() / "bin").string();
    if (fs::exists(bin + "/initdb") && bin > best) best = bin;
  }
  return best;
}

// The processes whose parent is `parent`, from /proc.
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    pid_t pid = 0;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &pid)) continue;
    // A process may end between the listing and this read: then the read
    // fails (ESRCH) and the process is skipped.
    std::string stat(512, '\0');
    const int fd = open((entry.path() / "stat").c_str(), O_RDONLY);
    if (fd < 0) continue;
    const ssize_t n = read(fd, stat.data(), stat.size());
    close(fd);
    if (n <= 0) continue;
    stat.resize(static_cast<size_t>(n));
    // "pid (comm) state ppid ...": comm may hold spaces.
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::vector<std::string> fields =
        absl::StrSplit(stat.substr(close + 2), ' ');
    pid_t ppid = 0;
    if (fields.size() > 1 && absl::SimpleAtoi(fields[1], &ppid) &&
        ppid == parent) {
      children.push_back(pid);
    }
  }
  return children;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ThrowAwayPostgres>> ThrowAwayPostgres::Start(
    const TempDir& dir) {
  const std::string bin = PostgresBin();
  if (bin.empty()) {
    return absl::FailedPreconditionError(
        "PostgreSQL is not installed; run scripts/setup");
  }
  const std::string data = (dir.path() / "pg").string();
  fs::create_directories(data);
  // As root, the server runs as the postgres user, which must own its files.
  std::string user;
  if (getuid() == 0) {
    user = "postgres";
    if (const passwd* pg = getpwnam("postgres"); pg != nullptr) {
      chown(dir.path().c_str(), pg->pw_uid, pg->pw_gid);
      chown(data.c_str(), pg->pw_uid, pg->pw_gid);
    }
  }
  Process initdb({bin + "/initdb", "-D", data + "/data", "-U", "wmo",
                  "--auth=trust", "-E", "UTF8", "--no-sync"},
                 user);
  if (int code = initdb.Wait(); code != 0) {
    return absl::InternalError(
        absl::StrCat("initdb failed (", code, "): ", initdb.output()));
  }
  const int port = FreePort();
  auto pg = std::unique_ptr<ThrowAwayPostgres>(new ThrowAwayPostgres());
  pg->server_ = std::make_unique<Process>(
      std::vector<std::string>{bin + "/postgres", "-D", data + "/data", "-h",
                               "127.0.0.1", "-p", absl::StrCat(port), "-k",
                               data, "-c", "fsync=off", "-c",
                               "full_page_writes=off"},
      user);
  if (!pg->server_->WaitForOutput("ready to accept connections")) {
    return absl::InternalError(
        absl::StrCat("PostgreSQL did not start: ", pg->server_->output()));
  }
  pg->url_ = absl::StrCat("postgresql://wmo@127.0.0.1:", port, "/postgres");
  return pg;
}

ThrowAwayPostgres::~ThrowAwayPostgres() {
  if (server_ == nullptr) return;
  Thaw();
  server_->Stop(SIGQUIT);  // Immediate shutdown; the files go with dir.
}

void ThrowAwayPostgres::SignalAll(int signal) {
  kill(server_->pid(), signal);
  for (pid_t child : ChildrenOf(server_->pid())) kill(child, signal);
}

void ThrowAwayPostgres::Freeze() { SignalAll(SIGSTOP); }
void ThrowAwayPostgres::Thaw() { SignalAll(SIGCONT); }

}  // namespace wmo::testing
