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

// A StartProduct (WMO305) or StopProduct (WMO307).
struct TestDeliveryProduct {
  std::optional<std::string> assignment_number = "1001";
  std::optional<std::string> category = "02";
  std::optional<std::string> code = "02A01";
  std::optional<std::string> assignment_start;
  std::string start_date = "2026-09-01";
  // For a stop only.
  std::string end_reason = "02";
  std::string end_date = "2026-09-30";
  std::string status = "1";
};

// A WMO305 (start) or, with `stop`, a WMO307 from provider 12345678 to
// municipality 0988.
struct TestDelivery {
  bool stop = false;
  std::string sender = "12345678";
  std::string receiver = "0988";
  std::string id = "S1";
  std::string date = "2026-10-02";
  std::string bsn = "999993653";
  std::string birth_date = "1950-03-01";
  std::optional<std::string> birth_date_use;
  std::string gender = "2";
  std::string surname = "Jansen";
  std::optional<std::string> surname_prefix;
  std::optional<std::string> initials = "J";
  std::vector<TestDeliveryProduct> products = {TestDeliveryProduct()};

  std::string Render() const;
};

// An AangevraagdProduct (WMO315): by default 10 hours a week of product
// 02A01 for a quarter, referred by the municipality.
struct TestRequestedProduct {
  std::string reference = "REF-1";
  std::optional<std::string> decision_number;
  std::optional<std::string> decision_start;
  std::optional<std::string> category = "02";
  std::optional<std::string> code = "02A01";
  std::string start = "2026-10-01";
  std::optional<std::string> end = "2026-12-31";
  // Volume, unit and frequency of the Omvang; no Omvang without a unit.
  std::string volume = "10";
  std::optional<std::string> unit = "04";
  std::string frequency = "2";
  std::optional<std::string> budget;
  std::string referrer_type = "01";
  std::optional<std::string> referrer_name;
  std::optional<std::string> referrer_agb;
  std::optional<std::string> framework;  // Raamcontract
  std::optional<std::string> comment;
};

// A WMO315 from provider 12345678 to municipality 0988.
struct TestRequest {
  std::string sender = "12345678";
  std::string receiver = "0988";
  std::string id = "V1";
  std::string date = "2026-10-02";
  std::string bsn = "999993653";
  std::string birth_date = "1950-03-01";
  std::optional<std::string> birth_date_use;
  std::string gender = "2";
  std::string surname = "Jansen";
  std::optional<std::string> initials = "J";
  std::optional<std::string> comment;
  std::vector<TestRequestedProduct> products = {TestRequestedProduct()};

  std::string Render() const;
};

// A product to change or to add in a WMO317: by default 12 hours a week of
// 02A01 from 2026-11-01 to the end of the year.
struct TestWantedProduct {
  std::optional<std::string> assignment_number;  // to change: its number
  std::optional<std::string> category = "02";    // to add: its product
  std::optional<std::string> code = "02A01";
  std::string start = "2026-11-01";
  std::optional<std::string> end = "2026-12-31";
  std::string volume = "12";
  std::optional<std::string> unit = "04";
  std::string frequency = "2";
  std::optional<std::string> budget;
};

// A WMO317 from provider 12345678 to municipality 0988: assignment 1001
// unchanged, 1002 to change.
struct TestChangeRequest {
  std::string sender = "12345678";
  std::string receiver = "0988";
  std::string id = "W1";
  std::string date = "2026-10-02";
  std::string bsn = "999993653";
  std::string reference = "CHG-1";
  std::string reason = "1";
  std::vector<std::string> unchanged = {"1001"};
  std::vector<TestWantedProduct> altered = {[] {
    TestWantedProduct p;
    p.assignment_number = "1002";
    return p;
  }()};
  std::vector<TestWantedProduct> added;

  std::string Render() const;
};

}  // namespace wmo::iwmo::testing

#endif  // WMO_LIBS_IWMO_TEST_MESSAGES_H_
