#include "libs/server/executor.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace wmo::server {
namespace {

TEST(ExecutorTest, RunsEveryTaskSubmittedFromManyThreadsBeforeItIsGone) {
  constexpr size_t kSubmitters = 4, kTasks = 500;
  // Written by the tasks on the executor's threads, read here after the
  // executor is gone: its destructor must run every task and join first.
  std::vector<int> done(kSubmitters * kTasks, 0);
  {
    Executor executor(3);
    std::vector<std::thread> submitters;
    submitters.reserve(kSubmitters);
    for (size_t s = 0; s < kSubmitters; ++s) {
      submitters.emplace_back([&, s] {
        for (size_t t = 0; t < kTasks; ++t) {
          executor.Submit([&done, i = s * kTasks + t] { done[i] += 1; });
        }
      });
    }
    for (auto& t : submitters) t.join();
  }
  for (size_t i = 0; i < done.size(); ++i) {
    ASSERT_EQ(done[i], 1) << "task " << i;
  }
}

}  // namespace
}  // namespace wmo::server
