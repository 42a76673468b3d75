#include "libs/store/instrumented.h"

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"

namespace wmo::store {
namespace {

// Failures of the store itself; an ABORTED the body returns (stale etag)
// is a business answer unless the store marked it as a conflict.
bool IsStoreFailure(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kResourceExhausted:
      return true;
    default:
      return IsRetryable(s);
  }
}

class InstrumentedDatabase final : public Database {
 public:
  InstrumentedDatabase(std::unique_ptr<Database> db,
                       prometheus::Counter& errors)
      : db_(std::move(db)), errors_(errors) {}

  // Each call counts once, by its final outcome: a conflict that a rerun
  // resolved is no error; one that outlived the reruns is.
  absl::Status Transaction(
      absl::FunctionRef<absl::Status(Connection&)> fn) override {
    return Count(db_->Transaction(fn));
  }
  absl::Status SerialTransaction(
      absl::string_view key,
      absl::FunctionRef<absl::Status(Connection&)> fn) override {
    return Count(db_->SerialTransaction(key, fn));
  }
  absl::Status ReadTransaction(
      absl::FunctionRef<absl::Status(Connection&)> fn) override {
    return Count(db_->ReadTransaction(fn));
  }
  absl::Status MigrationTransaction(
      absl::string_view service,
      absl::FunctionRef<absl::Status(Connection&)> fn) override {
    return Count(db_->MigrationTransaction(service, fn));
  }
  absl::StatusOr<ResultSet> Execute(absl::string_view sql,
                                    absl::Span<const Value> params) override {
    auto result = db_->Execute(sql, params);
    Count(result.status());
    return result;
  }

  absl::string_view backend() const override { return db_->backend(); }
  void OnRerun(const std::function<void()>& on_rerun) override {
    db_->OnRerun(on_rerun);
  }

 private:
  absl::Status Count(absl::Status s) {
    if (!s.ok() && IsStoreFailure(s)) errors_.Increment();
    return s;
  }

  std::unique_ptr<Database> db_;
  prometheus::Counter& errors_;
};

}  // namespace

std::unique_ptr<Database> Instrument(std::unique_ptr<Database> db,
                                     prometheus::Registry& registry,
                                     const std::string& service) {
  auto& family = prometheus::BuildCounter()
                     .Name("wmo_store_errors_total")
                     .Help("Store statements that failed in the store.")
                     .Register(registry);
  const prometheus::Labels labels = {{"service", service},
                                     {"backend", std::string(db->backend())}};
  auto& counter = family.Add(labels);
  auto& reruns = prometheus::BuildCounter()
                     .Name("wmo_store_transaction_reruns_total")
                     .Help(
                         "Transactions rerun after a serialization conflict "
                         "with a concurrent one: contention.")
                     .Register(registry)
                     .Add(labels);
  db->OnRerun([&reruns] { reruns.Increment(); });
  return std::make_unique<InstrumentedDatabase>(std::move(db), counter);
}

}  // namespace wmo::store
