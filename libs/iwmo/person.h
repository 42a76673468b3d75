#ifndef WMO_LIBS_IWMO_PERSON_H_
#define WMO_LIBS_IWMO_PERSON_H_

// The client as the messages from providers name it (WMO305, 307, 315):
// BSN, birth date, gender and short name (CDT_VerkorteNaam). Personal
// data: never logged, never in a fault's description.

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "libs/iwmo/schema.h"
#include "libs/iwmo/xml_document.h"

namespace wmo::iwmo {

struct Person {
  std::string bsn;
  std::string birth_date;                     // Geboortedatum/Datum
  std::optional<std::string> birth_date_use;  // Geboortedatum/DatumGebruik
  std::string gender;                         // Geslacht
  std::string surname;                        // Naam/Geslachtsnaam/Achternaam
  std::optional<std::string> surname_prefix;  // .../Voorvoegsel
  std::optional<std::string> first_names;     // Naam/Voornamen
  std::optional<std::string> initials;        // Naam/Voorletters
};

// The person of `client`, an element the schema check found valid.
Person ReadPerson(const _xmlNode* client);

// The first rule the birth date `date` (with DatumGebruik `use`) of the
// element at `owner` breaks: CS139, TR002 (at most 120 years before
// `message_date`), TR134 (not after it).
std::optional<Fault> CheckBirthDate(absl::string_view date,
                                    const std::optional<std::string>& use,
                                    absl::string_view message_date,
                                    absl::string_view owner);

// The first rule of the official validation the person breaks: CS002 (the
// 11-proef), CS139 (the birth date fits DatumGebruik), TR002 (born at most
// 120 years before `message_date`), TR134 (not after it). `client` is the
// element's location.
std::optional<Fault> CheckPerson(const Person& person,
                                 absl::string_view message_date,
                                 absl::string_view client);

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_PERSON_H_
