#include "libs/iwmo/person.h"

#include "absl/strings/str_cat.h"
#include "libs/iwmo/reading.h"
#include "libs/iwmo/xpath_values.h"

namespace wmo::iwmo {
namespace {

// CS139: the date agrees with how much of it is known (1: day unknown, the
// 1st; 2: day and month unknown, 1 January; 3: unknown, 1900-01-01).
bool BirthDateFitsItsUse(absl::string_view date, absl::string_view use) {
  if (use == "3") return date == "1900-01-01";
  if (use == "2") return SubstringAfter(date, "-") == "01-01";
  if (use == "1") return SubstringAfter(SubstringAfter(date, "-"), "-") == "01";
  return true;
}

}  // namespace

Person ReadPerson(const _xmlNode* client) {
  Person p;
  p.bsn = TextAt(client, "Bsn");
  const _xmlNode* birth = Child(client, "Geboortedatum");
  p.birth_date = TextAt(birth, "Datum");
  p.birth_date_use = OptionalTextAt(birth, "DatumGebruik");
  p.gender = TextAt(client, "Geslacht");
  const _xmlNode* name = Child(client, "Naam");
  const _xmlNode* surname = Child(name, "Geslachtsnaam");
  p.surname = TextAt(surname, "Achternaam");
  p.surname_prefix = OptionalTextAt(surname, "Voorvoegsel");
  p.first_names = OptionalTextAt(name, "Voornamen");
  p.initials = OptionalTextAt(name, "Voorletters");
  return p;
}

std::optional<Fault> CheckBirthDate(absl::string_view date,
                                    const std::optional<std::string>& use,
                                    absl::string_view message_date,
                                    absl::string_view owner) {
  const std::string birth = absl::StrCat(owner, "/Geboortedatum/Datum");
  const std::string how = use.value_or("");
  if (!BirthDateFitsItsUse(date, how)) {
    return Fault{birth, "CS139",
                 "the birth date does not fit DatumGebruik: 1 has the 1st "
                 "of the month, 2 the 1st of January, 3 is 1900-01-01"};
  }
  // TR002: born at most 120 years before the message, unless unknown.
  if (!(how == "3" && date == "1900-01-01") &&
      DateNumber(date) + 1200000 < DateNumber(message_date.substr(0, 10))) {
    return Fault{birth, "TR002",
                 "the birth date lies more than 120 years before the "
                 "message"};
  }
  if (IsBefore(message_date, date)) {
    return Fault{birth, "TR134",
                 "the birth date lies after the message's Dagtekening"};
  }
  return std::nullopt;
}

std::optional<Fault> CheckPerson(const Person& p,
                                 absl::string_view message_date,
                                 absl::string_view client) {
  if (!PassesElevenTest(p.bsn)) {
    return Fault{absl::StrCat(client, "/Bsn"), "CS002",
                 "the BSN does not pass the 11-proef"};
  }
  return CheckBirthDate(p.birth_date, p.birth_date_use, message_date, client);
}

}  // namespace wmo::iwmo
