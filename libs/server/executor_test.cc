#include "libs/server/executor.h"

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wmo::server {
namespace {

TEST(ExecutorTest, RunsEveryTaskSubmittedFromManyThreadsBeforeItIsGone) {
  constexpr size_t kSubmitters = 4, kTasks = 500;
  // Written by the tasks on the executor's threads, read here after the
  // executor is gone: its destructor must run every task and join first.
  std::vector<int> done(kSubmitters * kTasks, 0);
  {
    Executor executor("test", 3, kSubmitters * kTasks, std::chrono::hours(1));
    std::vector<std::thread> submitters;
    submitters.reserve(kSubmitters);
    for (size_t s = 0; s < kSubmitters; ++s) {
      submitters.emplace_back([&, s] {
        for (size_t t = 0; t < kTasks; ++t) {
          ASSERT_TRUE(executor.TrySubmit(
              [&done, i = s * kTasks + t] { done[i] += 1; }));
        }
      });
    }
    for (auto& t : submitters) t.join();
  }
  for (size_t i = 0; i < done.size(); ++i) {
    ASSERT_EQ(done[i], 1) << "task " << i;
  }
}

TEST(ExecutorTest, RefusesTasksPastItsQueueBoundAndTakesThemAgainAfter) {
  Executor executor("widget", 1, 2, std::chrono::hours(1));
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> running;
  ASSERT_TRUE(executor.TrySubmit([&] {
    running.set_value();
    released.wait();
  }));
  running.get_future().wait();  // The one thread is busy; the queue is empty.
  std::atomic<int> ran = 0;
  EXPECT_TRUE(executor.TrySubmit([&] { ++ran; }));
  EXPECT_TRUE(executor.TrySubmit([&] { ++ran; }));
  EXPECT_FALSE(executor.TrySubmit([&] { ++ran; }));
  const absl::Status full = executor.Full();
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(full.message(), ::testing::HasSubstr("widget"));
  release.set_value();
  while (ran < 2) std::this_thread::yield();
  EXPECT_TRUE(executor.TrySubmit([&] { ++ran; }));
  // Done before `ran` goes out of scope (it is declared after the executor,
  // whose destructor would otherwise run the task on a dead counter).
  while (ran < 3) std::this_thread::yield();
}

TEST(ExecutorTest, RefusesNewTasksWhileItsOldestHasWaitedTooLong) {
  constexpr auto kMaxDelay = std::chrono::milliseconds(20);
  Executor executor("widget", 1, 100, kMaxDelay);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> running;
  ASSERT_TRUE(executor.TrySubmit([&] {
    running.set_value();
    released.wait();
  }));
  running.get_future().wait();
  std::atomic<int> ran = 0;
  // Far from the length bound, but the queue stops moving.
  ASSERT_TRUE(executor.TrySubmit([&] { ++ran; }));
  std::this_thread::sleep_for(kMaxDelay + std::chrono::milliseconds(5));
  EXPECT_FALSE(executor.TrySubmit([&] { ++ran; }));
  EXPECT_THAT(executor.Full().message(), ::testing::HasSubstr("20 ms"));
  // Once the queue drains, new work is taken again.
  release.set_value();
  while (ran < 1) std::this_thread::yield();
  EXPECT_TRUE(executor.TrySubmit([&] { ++ran; }));
  while (ran < 2) std::this_thread::yield();
}

}  // namespace
}  // namespace wmo::server
