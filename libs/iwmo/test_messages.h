#ifndef WMO_LIBS_IWMO_TEST_MESSAGES_H_
#define WMO_LIBS_IWMO_TEST_MESSAGES_H_

// For tests and benchmarks: iWmo messages built field by field. Every field
// is text, so a test can put anything in it, valid or not; the defaults make
// a valid message.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wmo::iwmo::testing {

// A Prestatie of a WMO323.
struct TestLine {
  std::string reference = "R1";
  std::optional<std::string> previous_reference;
  std::string assignment_number = "1001";
  std::string product_category = "02";
  std::string product_code = "02A01";
  std::string start_date = "2026-09-01";
  std::string end_date = "2026-09-30";
  std::string volume = "10";
  std::string unit = "04";
  std::optional<std::string> tariff = "5000";
  std::string amount = "50000";
  std::string direction = "D";
};

struct TestClient {
  std::string bsn = "999993653";
  std::vector<TestLine> lines = {TestLine()};
};

// A WMO323 from provider 12345678 to municipality 0988 declaring
// September 2026.
struct TestWmo323 {
  std::string sender = "12345678";
  std::string receiver = "0988";
  std::string id = "M1";
  std::string date = "2026-10-02";
  std::string number = "D1";
  std::string period_start = "2026-09-01";
  std::string period_end = "2026-09-30";
  std::string signed_date = "2026-10-02";
  // Computed from the lines when not set: debits less credits.
  std::optional<std::string> total;
  std::optional<std::string> total_direction;
  std::vector<TestClient> clients = {TestClient()};

  // The message, one element a line and indented unless `indent` is false.
  std::string Render(bool indent = true) const;
};

}  // namespace wmo::iwmo::testing

#endif  // WMO_LIBS_IWMO_TEST_MESSAGES_H_
