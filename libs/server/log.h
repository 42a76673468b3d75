#ifndef WMO_LIBS_SERVER_LOG_H_
#define WMO_LIBS_SERVER_LOG_H_

#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"

namespace wmo::server {

// How log lines are written: `TIME LEVEL message key=value ...` for people,
// or one JSON object per line for a log pipeline.
enum class LogFormat { kText, kJson };

// Sets the format (text until called) and routes gRPC's own log lines
// through this log. Call once, before the server starts its threads.
void InitLogging(LogFormat format);

// One field of a log event: text, or a number (a JSON number in JSON).
class LogField {
 public:
  LogField(absl::string_view key, absl::string_view text)
      : key_(key), value_(text) {}
  LogField(absl::string_view key, const char* text) : key_(key), value_(text) {}
  LogField(absl::string_view key, const std::string& text)
      : key_(key), value_(text) {}
  LogField(absl::string_view key, double number);
  LogField(absl::string_view key, int number);

  absl::string_view key() const { return key_; }
  // The text, or the number as text.
  const std::string& value() const { return value_; }
  bool is_number() const { return is_number_; }
  double number() const { return number_; }
  bool is_integer() const { return is_integer_; }

 private:
  absl::string_view key_;
  std::string value_;
  bool is_number_ = false;
  bool is_integer_ = false;
  double number_ = 0;
};

// One event, one line on stderr. Neither messages nor fields ever carry a
// BSN, a token or a request body.
void LogInfo(absl::string_view message,
             std::initializer_list<LogField> fields = {});
void LogWarning(absl::string_view message,
                std::initializer_list<LogField> fields = {});
void LogError(absl::string_view message,
              std::initializer_list<LogField> fields = {});

// A new request id: 128 random bits in hex, enough to find one request in
// the logs of every service it passed.
std::string NewRequestId();

// The longest request id a caller may send (x-request-id).
inline constexpr size_t kMaxRequestIdBytes = 128;

// Whether a caller's request id may be used as it is: printable ASCII of
// at most kMaxRequestIdBytes, so that it cannot break a log line or carry
// much besides an id.
bool IsValidRequestId(absl::string_view id);

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_LOG_H_
