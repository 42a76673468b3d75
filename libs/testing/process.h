#ifndef WMO_LIBS_TESTING_PROCESS_H_
#define WMO_LIBS_TESTING_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace wmo::testing {

// A child process with its stderr captured, for tests of real binaries.
class Process {
 public:
  // Starts `argv[0]` with the arguments; stdout is discarded. When this
  // process runs as root and `user` is given, the child runs as that user
  // (PostgreSQL refuses to run as root).
  explicit Process(const std::vector<std::string>& argv,
                   const std::string& user = "");
  ~Process();  // kills the child if it still runs

  // Reads stderr until a line containing `text` appears or the child closes
  // stderr (exits); returns whether it appeared. Everything read is kept.
  bool WaitForOutput(const std::string& text);
  // Sends `signal` and waits for the exit; returns the exit code, or
  // 128 + signal number when killed by a signal.
  int Stop(int signal);
  // Waits for the child to exit by itself.
  int Wait();

  const std::string& output() const { return output_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  std::string output_;
};

// The port wmo-server printed after `label` ("gRPC", "REST", "metrics") in
// its start-up lines; 0 when none.
int PortAfter(const std::string& output, const std::string& label);

// CPU seconds (user and system) process `pid` has used so far.
double CpuSeconds(pid_t pid);

// A field of /proc/<pid>/status ("VmRSS", "VmHWM") in MB; 0 when absent.
double MemoryMb(pid_t pid, const std::string& field);

// What a shell command printed (stdout and stderr) and whether it exited 0.
struct ShellResult {
  std::string output;
  bool ok = false;
};

// Runs `command` with sh, in a group so that a here-document may end it.
ShellResult RunShell(const std::string& command);

}  // namespace wmo::testing

#endif  // WMO_LIBS_TESTING_PROCESS_H_
