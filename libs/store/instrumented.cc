#include "libs/store/instrumented.h"

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"

namespace wmo::store {
namespace {

bool IsStoreFailure(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
      return true;
    default:
      return false;
  }
}

class InstrumentedDatabase final : public Database {
 public:
  InstrumentedDatabase(std::unique_ptr<Database> db,
                       prometheus::Counter& errors)
      : db_(std::move(db)), errors_(errors) {}

  absl::Status Transaction(
      absl::FunctionRef<absl::Status(Connection&)> fn) override {
    // Failures inside `fn` that came from the store are counted by the
    // connection wrapper; a business refusal is not a store error.
    return db_->Transaction([&](Connection& c) {
      CountingConnection counting(c, errors_);
      return fn(counting);
    });
  }

  absl::Status ReadTransaction(
      absl::FunctionRef<absl::Status(Connection&)> fn) override {
    return db_->ReadTransaction([&](Connection& c) {
      CountingConnection counting(c, errors_);
      return fn(counting);
    });
  }

  absl::Status MigrationTransaction(
      absl::string_view service,
      absl::FunctionRef<absl::Status(Connection&)> fn) override {
    return db_->MigrationTransaction(service, [&](Connection& c) {
      CountingConnection counting(c, errors_);
      return fn(counting);
    });
  }

  absl::StatusOr<ResultSet> Execute(absl::string_view sql,
                                    absl::Span<const Value> params) override {
    auto result = db_->Execute(sql, params);
    if (!result.ok() && IsStoreFailure(result.status().code())) {
      errors_.Increment();
    }
    return result;
  }

  absl::string_view backend() const override { return db_->backend(); }

 private:
  class CountingConnection final : public Connection {
   public:
    CountingConnection(Connection& c, prometheus::Counter& errors)
        : c_(c), errors_(errors) {}
    absl::StatusOr<ResultSet> Execute(absl::string_view sql,
                                      absl::Span<const Value> params) override {
      auto result = c_.Execute(sql, params);
      if (!result.ok() && IsStoreFailure(result.status().code())) {
        errors_.Increment();
      }
      return result;
    }
    absl::Status ExecuteScript(absl::string_view sql) override {
      absl::Status s = c_.ExecuteScript(sql);
      if (!s.ok() && IsStoreFailure(s.code())) errors_.Increment();
      return s;
    }

   private:
    Connection& c_;
    prometheus::Counter& errors_;
  };

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
  auto& counter = family.Add(
      {{"service", service}, {"backend", std::string(db->backend())}});
  return std::make_unique<InstrumentedDatabase>(std::move(db), counter);
}

}  // namespace wmo::store
