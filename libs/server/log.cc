#include "libs/server/log.h"

#include <cstdint>
#include <memory>
#include <mutex>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpc/support/log.h"
#include "nlohmann/json.hpp"
#include "spdlog/logger.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/stdout_sinks.h"

namespace wmo::server {
namespace {

// spdlog writes each line with one call under its sink's lock, so lines
// of different threads never interleave.
struct Logger {
  LogFormat format = LogFormat::kText;
  std::shared_ptr<spdlog::logger> logger;
};

std::shared_ptr<spdlog::logger> MakeLogger(LogFormat format) {
  auto logger = std::make_shared<spdlog::logger>(
      "wmo", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  // JSON: the time and level by spdlog, the rest (already JSON members)
  // as the message.
  const char* pattern =
      format == LogFormat::kJson
          ? R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})"
          : "%Y-%m-%dT%H:%M:%S.%eZ %l %v";
  logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      pattern, spdlog::pattern_time_type::utc));
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  return logger;
}

Logger& Current() {
  static Logger* logger =
      new Logger{LogFormat::kText, MakeLogger(LogFormat::kText)};
  return *logger;
}

// A message as one line of text: control characters (a status's detail
// may hold newlines) escaped, UTF-8 kept.
std::string OneLine(absl::string_view text) {
  std::string line;
  line.reserve(text.size());
  for (char c : text) {
    if (c == '\n') {
      line += "\\n";
    } else if (c == '\t') {
      line += "\\t";
    } else if ((c >= 0 && c < 0x20) || c == 0x7F) {
      absl::StrAppendFormat(&line, "\\x%02x", static_cast<int>(c));
    } else {
      line += c;
    }
  }
  return line;
}

// A text value as key=value: bare when it is one word, quoted otherwise.
std::string TextValue(const std::string& value) {
  bool bare = !value.empty();
  for (char c : value) {
    bare = bare && (c > ' ' || c < 0) && c != '"' && c != '=' && c != 0x7F;
  }
  return bare ? value : absl::StrCat("\"", absl::Utf8SafeCEscape(value), "\"");
}

void Log(spdlog::level::level_enum level, absl::string_view message,
         std::initializer_list<LogField> fields) {
  const Logger& current = Current();
  std::string line;
  if (current.format == LogFormat::kJson) {
    // In the order given, after the message.
    nlohmann::ordered_json members = nlohmann::ordered_json::object();
    members["msg"] = std::string(message);
    for (const LogField& field : fields) {
      auto& member = members[std::string(field.key())];
      if (field.is_integer()) {
        member = static_cast<int64_t>(field.number());
      } else if (field.is_number()) {
        member = field.number();
      } else {
        member = field.value();
      }
    }
    // Replacement of invalid UTF-8 keeps a line a line of JSON whatever a
    // message quotes.
    line = members.dump(-1, ' ', false,
                        nlohmann::ordered_json::error_handler_t::replace);
    line = line.substr(1, line.size() - 2);  // The members, without braces.
  } else {
    line = OneLine(message);
    for (const LogField& field : fields) {
      absl::StrAppend(&line, " ", field.key(), "=", TextValue(field.value()));
    }
  }
  current.logger->log(level, "{}", line);
}

// gRPC's own lines, as many as GRPC_VERBOSITY lets through (ERROR unless
// set otherwise).
void LogFromGrpc(gpr_log_func_args* args) {
  const spdlog::level::level_enum level =
      args->severity == GPR_LOG_SEVERITY_ERROR  ? spdlog::level::err
      : args->severity == GPR_LOG_SEVERITY_INFO ? spdlog::level::info
                                                : spdlog::level::debug;
  Log(level, args->message,
      {{"source", "grpc"},
       {"at", absl::StrCat(args->file == nullptr ? "" : args->file, ":",
                           args->line)}});
}

}  // namespace

LogField::LogField(absl::string_view key, double number)
    : key_(key),
      value_(absl::StrFormat("%.6g", number)),
      is_number_(true),
      number_(number) {}

LogField::LogField(absl::string_view key, int number)
    : key_(key),
      value_(absl::StrCat(number)),
      is_number_(true),
      is_integer_(true),
      number_(number) {}

void InitLogging(LogFormat format) {
  Logger& current = Current();
  current.format = format;
  current.logger = MakeLogger(format);
  gpr_set_log_function(LogFromGrpc);
}

void LogInfo(absl::string_view message,
             std::initializer_list<LogField> fields) {
  Log(spdlog::level::info, message, fields);
}
void LogWarning(absl::string_view message,
                std::initializer_list<LogField> fields) {
  Log(spdlog::level::warn, message, fields);
}
void LogError(absl::string_view message,
              std::initializer_list<LogField> fields) {
  Log(spdlog::level::err, message, fields);
}

bool IsValidRequestId(absl::string_view id) {
  if (id.size() > kMaxRequestIdBytes) return false;
  for (char c : id) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

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
