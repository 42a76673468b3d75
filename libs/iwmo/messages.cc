// The messages this system reads, in the model of schema.h: the data types
// of the basisschema they use and the structure of each message, element by
// element in the order of the standard.

#include <memory>

#include "libs/iwmo/retour.h"
#include "libs/iwmo/schema.h"

namespace wmo::iwmo {
namespace {

// Everything below refers to what is above it, so one object holds it all
// and is built once.
struct Model {
  // Data types (LDT_*), named as in the standard.
  SimpleType agb{.name = "LDT_AgbCode",
                 .min_length = 1,
                 .max_length = 8,
                 .pattern = Pattern::kDigits,
                 .digits = 8};
  SimpleType bsn{.name = "LDT_BurgerServicenummer",
                 .min_length = 1,
                 .max_length = 9,
                 .pattern = Pattern::kDigits,
                 .digits = 9};
  SimpleType municipality{.name = "LDT_Gemeente",
                          .min_length = 1,
                          .pattern = Pattern::kDigits,
                          .digits = 4};
  SimpleType date{.name = "LDT_Datum",
                  .base = Base::kDate,
                  .pattern = Pattern::kNoTimeZone};
  SimpleType message_id{.name = "LDT_IdentificatieBericht",
                        .min_length = 1,
                        .max_length = 12,
                        .pattern = Pattern::kNonBlank};
  SimpleType version{
      .name = "LDT_Versie", .min_length = 1, .pattern = Pattern::kVersion};
  SimpleType amount{.name = "LDT_Bedrag",
                    .base = Base::kInteger,
                    .min_value = 0,
                    .max_value = 99999999};
  SimpleType total{.name = "LDT_TotaalBedrag",
                   .base = Base::kInteger,
                   .min_value = 0,
                   .max_value = 999999999999};
  SimpleType number{.name = "LDT_Nummer",
                    .base = Base::kInteger,
                    .min_value = 0,
                    .max_value = 999999999};
  SimpleType volume{.name = "LDT_Volume",
                    .base = Base::kInteger,
                    .min_value = 0,
                    .max_value = 99999999};
  SimpleType debit_credit{
      .name = "LDT_DebetCredit", .max_length = 1, .values = {"C", "D"}};
  SimpleType unit{.name = "LDT_Eenheid",
                  .max_length = 2,
                  .values = {"01", "04", "14", "16", "82", "83", "84"}};
  SimpleType product_category{
      .name = "LDT_ProductCategorie",
      .max_length = 2,
      .values = {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10",
                 "11", "12", "13", "14", "15", "16", "17", "18"}};
  SimpleType product_code{.name = "LDT_ProductCode",
                          .min_length = 1,
                          .max_length = 5,
                          .pattern = Pattern::kNonBlank};
  SimpleType reference_number{
      .name = "LDT_ReferentieNummer", .min_length = 1, .max_length = 20};
  // DeclaratieNummer: LDT_IdentificatieDeclaratie narrowed in WMO323.
  SimpleType declaration_number{.name = "LDT_IdentificatieDeclaratie",
                                .min_length = 1,
                                .max_length = 12,
                                .pattern = Pattern::kAlphanumeric};
  SimpleType message_version{.name = "LDT_BerichtVersie",
                             .base = Base::kInteger,
                             .min_value = 0,
                             .max_value = 99,
                             .pattern = Pattern::kLiteral,
                             .literal = "3"};
  SimpleType message_subversion{.name = "LDT_BerichtSubversie",
                                .base = Base::kInteger,
                                .min_value = 0,
                                .max_value = 99,
                                .pattern = Pattern::kLiteral,
                                .literal = "2"};
  SimpleType return_code{
      .name = "LDT_RetourCode",
      .max_length = 4,
      .values = {"0001", "0200", "0233", "0611", "8001", "8017", "8021", "8187",
                 "8214", "8848", "9019", "9056", "9063", "9069", "9071", "9074",
                 "9307", "9308", "9319", "9321", "9322", "9326", "9332", "9333",
                 "9338", "9339", "9340", "9341", "9346", "9347", "9349", "9350",
                 "9351", "9355", "9357", "9359", "9360", "9361", "9365", "9366",
                 "9367", "9369", "9373", "9374", "9375", "9379", "9384", "9385",
                 "9387", "9388", "9389", "9390", "9411", "9412", "9413", "9414",
                 "9415", "S300", "S329"}};
  SimpleType date_use{
      .name = "LDT_DatumGebruik", .max_length = 1, .values = {"1", "2", "3"}};
  SimpleType gender{
      .name = "LDT_Geslacht", .max_length = 1, .values = {"0", "1", "2"}};
  SimpleType name_text{.name = "LDT_Naam",
                       .min_length = 1,
                       .max_length = 200,
                       .pattern = Pattern::kNonBlank};
  SimpleType prefix{.name = "LDT_Voorvoegsel",
                    .min_length = 1,
                    .max_length = 10,
                    .pattern = Pattern::kNonBlank};
  SimpleType initials{.name = "LDT_Voorletters",
                      .min_length = 1,
                      .max_length = 6,
                      .pattern = Pattern::kLetters};
  SimpleType delivery_status{.name = "LDT_StatusAanlevering",
                             .max_length = 1,
                             .values = {"1", "2", "3", "9"}};
  SimpleType end_reason{.name = "LDT_RedenBeeindiging",
                        .max_length = 2,
                        .values = {"02", "19", "20", "21", "22", "23", "31",
                                   "36", "37", "38", "39"}};
  SimpleType provider_reference{.name = "LDT_Referentie",
                                .min_length = 1,
                                .max_length = 36,
                                .pattern = Pattern::kNonBlank};
  SimpleType comment{
      .name = "LDT_Commentaar", .min_length = 1, .pattern = Pattern::kText};
  SimpleType budget{.name = "LDT_Budget",
                    .base = Base::kInteger,
                    .min_value = 0,
                    .max_value = 99999999};
  SimpleType frequency{.name = "LDT_Frequentie",
                       .max_length = 1,
                       .values = {"1", "2", "4", "6"}};
  SimpleType yes_no{.name = "LDT_JaNee", .max_length = 1, .values = {"1", "2"}};
  SimpleType referrer_type{
      .name = "LDT_TypeVerwijzer",
      .max_length = 2,
      .values = {"01", "02", "03", "04", "05", "06", "08"}};
  SimpleType referrer_name{.name = "LDT_NaamVerwijzer",
                           .min_length = 1,
                           .max_length = 64,
                           .pattern = Pattern::kNonBlank};
  // The types of the WMO301 and its retour.
  SimpleType time{.name = "LDT_Tijd", .base = Base::kTime};
  SimpleType change_reason{
      .name = "LDT_RedenWijziging",
      .max_length = 2,
      .values = {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10",
                 "11", "12", "13", "14"}};
  SimpleType name_use{.name = "LDT_NaamGebruik",
                      .max_length = 1,
                      .values = {"1", "2", "3", "4", "5", "6"}};
  SimpleType communication{.name = "LDT_Communicatievorm",
                           .max_length = 1,
                           .values = {"1", "2", "3"}};
  SimpleType language{.name = "LDT_Taal",
                      .min_length = 1,
                      .max_length = 25,
                      .pattern = Pattern::kNonBlank};
  SimpleType legal_status{.name = "LDT_JuridischeStatus",
                          .max_length = 2,
                          .values = {"01", "02", "03", "04", "05", "11", "12"}};
  SimpleType representation{.name = "LDT_WettelijkeVertegenwoordiging",
                            .max_length = 2,
                            .values = {"06", "07", "08", "09", "10"}};
  SimpleType person_id{.name = "LDT_Persoonsid",
                       .min_length = 1,
                       .max_length = 20,
                       .pattern = Pattern::kNonBlank};
  SimpleType relation_order{.name = "LDT_RelatieVolgorde",
                            .base = Base::kInteger,
                            .min_value = 0,
                            .max_value = 99};
  SimpleType relation_kind{
      .name = "LDT_SoortRelatie",
      .max_length = 2,
      .values = {"03", "04", "05", "06", "07", "08", "09", "10",
                 "11", "12", "13", "14", "15", "16", "17", "18",
                 "19", "20", "21", "22", "23", "24", "25"}};
  SimpleType address_kind{.name = "LDT_AdresSoort",
                          .max_length = 2,
                          .values = {"01", "02", "03", "04"}};
  SimpleType organisation{.name = "LDT_Organisatienaam",
                          .min_length = 1,
                          .max_length = 35,
                          .pattern = Pattern::kNonBlank};
  SimpleType email{.name = "LDT_Emailadres",
                   .min_length = 1,
                   .max_length = 80,
                   .pattern = Pattern::kNonBlank};
  SimpleType phone_number{.name = "LDT_Telefoonnummer",
                          .min_length = 1,
                          .max_length = 15,
                          .pattern = Pattern::kAnyDigits};
  SimpleType country_number{.name = "LDT_Landnummer",
                            .min_length = 1,
                            .max_length = 4,
                            .pattern = Pattern::kNonBlank};
  SimpleType house_number{.name = "LDT_Huisnummer",
                          .base = Base::kInteger,
                          .min_value = 0,
                          .max_value = 99999};
  SimpleType house_letter{.name = "LDT_Huisletter",
                          .min_length = 1,
                          .max_length = 1,
                          .pattern = Pattern::kNonBlank};
  SimpleType house_addition{.name = "LDT_HuisnummerToevoeging",
                            .min_length = 1,
                            .max_length = 4,
                            .pattern = Pattern::kNonBlank};
  SimpleType residence{.name = "LDT_AanduidingWoonadres",
                       .max_length = 2,
                       .values = {"AB", "BY", "TO", "WW"}};
  SimpleType postcode{.name = "LDT_Postcode",
                      .min_length = 1,
                      .max_length = 8,
                      .pattern = Pattern::kNonBlank};
  SimpleType street{.name = "LDT_Straatnaam",
                    .min_length = 1,
                    .max_length = 24,
                    .pattern = Pattern::kNonBlank};
  SimpleType town{.name = "LDT_Plaatsnaam",
                  .min_length = 1,
                  .max_length = 80,
                  .pattern = Pattern::kNonBlank};
  // ISO 3166 two-letter codes, as the basisschema lists them.
  SimpleType country{
      .name = "LDT_LandCode",
      .max_length = 2,
      .values = {
          "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS",
          "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG",
          "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT",
          "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI",
          "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY",
          "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH",
          "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB",
          "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ",
          "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT",
          "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT",
          "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP",
          "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS",
          "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH",
          "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU",
          "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI",
          "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
          "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA",
          "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG",
          "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
          "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK",
          "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG",
          "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU",
          "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"}};
  SimpleType request_answer{
      .name = "LDT_VerzoekAntwoord", .max_length = 1, .values = {"1", "2"}};
  SimpleType rejection_reason{
      .name = "LDT_RedenAfwijzingVerzoek",
      .max_length = 2,
      .values = {"1", "2", "3", "4", "5", "6", "7", "8", "9"}};
  // The BerichtCode of one message: LDT_BerichtCode narrowed to its value.
  static SimpleType MessageCode(const char* literal) {
    return {.name = "LDT_BerichtCode",
            .min_length = 1,
            .max_length = 3,
            .pattern = Pattern::kLiteral,
            .literal = literal};
  }
  SimpleType code_301 = MessageCode("414");
  SimpleType code_302 = MessageCode("415");
  SimpleType code_320 = MessageCode("483");
  SimpleType code_305 = MessageCode("418");
  SimpleType code_307 = MessageCode("420");
  SimpleType code_315 = MessageCode("444");
  SimpleType request_reason{
      .name = "LDT_RedenVerzoek", .max_length = 1, .values = {"1", "2"}};
  SimpleType code_317 = MessageCode("480");
  SimpleType code_323 = MessageCode("484");

  // The header of a message whose BerichtCode is `code`, from `sender` to
  // `receiver` (an AGB code or a municipality).
  ComplexType Header(const SimpleType& code, const SimpleType& sender,
                     const SimpleType& receiver) const {
    return {{
        {"BerichtCode", Space::kMessage, &code},
        {"BerichtVersie", Space::kMessage, &message_version},
        {"BerichtSubversie", Space::kMessage, &message_subversion},
        {"Afzender", Space::kMessage, &sender},
        {"Ontvanger", Space::kMessage, &receiver},
        {"BerichtIdentificatie", Space::kMessage, nullptr,
         &message_identification},
        {"XsdVersie", Space::kMessage, nullptr, &xsd_version},
    }};
  }
  ComplexType ProviderHeader(const SimpleType& code) const {
    return Header(code, agb, municipality);
  }

  // Composite types (CDT_*): their children are in the basisschema's
  // namespace.
  ComplexType message_identification{{
      {"Identificatie", Space::kBase, &message_id},
      {"Dagtekening", Space::kBase, &date},
  }};
  ComplexType xsd_version{{
      {"BasisschemaXsdVersie", Space::kBase, &version},
      {"BerichtXsdVersie", Space::kBase, &version},
  }};
  ComplexType closed_period{{
      {"Begindatum", Space::kBase, &date},
      {"Einddatum", Space::kBase, &date},
  }};
  ComplexType amount_with_direction{{
      {"Bedrag", Space::kBase, &amount},
      {"DebetCredit", Space::kBase, &debit_credit},
  }};
  ComplexType total_with_direction{{
      {"TotaalBedrag", Space::kBase, &total},
      {"DebetCredit", Space::kBase, &debit_credit},
  }};
  ComplexType reference{{
      {"ReferentieNummer", Space::kBase, &reference_number},
      {.name = "VorigReferentieNummer",
       .space = Space::kBase,
       .simple = &reference_number,
       .min_occurs = 0},
  }};

  ComplexType birth_date{{
      {"Datum", Space::kBase, &date},
      {.name = "DatumGebruik",
       .space = Space::kBase,
       .simple = &date_use,
       .min_occurs = 0},
  }};
  ComplexType surname{{
      {"Achternaam", Space::kBase, &name_text},
      {.name = "Voorvoegsel",
       .space = Space::kBase,
       .simple = &prefix,
       .min_occurs = 0},
  }};
  ComplexType short_name{{
      {"Geslachtsnaam", Space::kBase, nullptr, &surname},
      {.name = "Voornamen",
       .space = Space::kBase,
       .simple = &name_text,
       .min_occurs = 0},
      {.name = "Voorletters",
       .space = Space::kBase,
       .simple = &initials,
       .min_occurs = 0},
  }};
  ComplexType product{{
      {"Categorie", Space::kBase, &product_category},
      {.name = "Code",
       .space = Space::kBase,
       .simple = &product_code,
       .min_occurs = 0},
  }};

  // WMO305, start zorg, and WMO307, stop zorg: provider to municipality.
  // The product's first fields, up to its start, which the two share.
  std::vector<Element> ProductHead() const {
    return {
        {.name = "ToewijzingNummer",
         .space = Space::kMessage,
         .simple = &number,
         .min_occurs = 0},
        {.name = "Product",
         .space = Space::kMessage,
         .complex = &product,
         .min_occurs = 0},
        {.name = "ToewijzingIngangsdatum",
         .space = Space::kMessage,
         .simple = &date,
         .min_occurs = 0},
        {"Begindatum", Space::kMessage, &date},
    };
  }
  ComplexType start_product = [this] {
    ComplexType t{ProductHead()};
    t.sequence.push_back(
        {"StatusAanlevering", Space::kMessage, &delivery_status});
    return t;
  }();
  ComplexType stop_product = [this] {
    ComplexType t{ProductHead()};
    t.sequence.push_back({"RedenBeeindiging", Space::kMessage, &end_reason});
    t.sequence.push_back({"Einddatum", Space::kMessage, &date});
    t.sequence.push_back(
        {"StatusAanlevering", Space::kMessage, &delivery_status});
    return t;
  }();
  ComplexType start_products{{
      {.name = "StartProduct",
       .space = Space::kMessage,
       .complex = &start_product,
       .max_occurs = -1},
  }};
  ComplexType stop_products{{
      {.name = "StopProduct",
       .space = Space::kMessage,
       .complex = &stop_product,
       .max_occurs = -1},
  }};
  // The client of a 305 or 307, with `products`.
  ComplexType DeliveryClient(const char* products_name,
                             const ComplexType& products) const {
    return {{
        {"Bsn", Space::kMessage, &bsn},
        {"Geboortedatum", Space::kMessage, nullptr, &birth_date},
        {"Geslacht", Space::kMessage, &gender},
        {"Naam", Space::kMessage, nullptr, &short_name},
        {products_name, Space::kMessage, nullptr, &products},
    }};
  }
  ComplexType client_305 = DeliveryClient("StartProducten", start_products);
  ComplexType client_307 = DeliveryClient("StopProducten", stop_products);
  ComplexType header_305 = ProviderHeader(code_305);
  ComplexType header_307 = ProviderHeader(code_307);
  ComplexType root_305{{
      {"Header", Space::kMessage, nullptr, &header_305},
      {"Client", Space::kMessage, nullptr, &client_305},
  }};
  ComplexType root_307{{
      {"Header", Space::kMessage, nullptr, &header_307},
      {"Client", Space::kMessage, nullptr, &client_307},
  }};
  MessageSchema wmo305{"WMO305", &root_305};
  MessageSchema wmo307{"WMO307", &root_307};

  // WMO315, verzoek om toewijzing: provider to municipality.
  ComplexType extent{{
      {"Volume", Space::kBase, &volume},
      {"Eenheid", Space::kBase, &unit},
      {"Frequentie", Space::kBase, &frequency},
  }};
  ComplexType referrer{{
      {"Type", Space::kBase, &referrer_type},
      {.name = "Naam",
       .space = Space::kBase,
       .simple = &referrer_name,
       .min_occurs = 0},
      {.name = "ZorgverlenerCode",
       .space = Space::kBase,
       .simple = &agb,
       .min_occurs = 0},
  }};
  // An element that may be absent, of the message's namespace or
  // (OptionalBase) of the basisschema's.
  static Element Optional(const char* name, const SimpleType* simple,
                          const ComplexType* complex = nullptr,
                          Space space = Space::kMessage) {
    return {.name = name,
            .space = space,
            .simple = simple,
            .complex = complex,
            .min_occurs = 0};
  }
  static Element OptionalBase(const char* name, const SimpleType* simple,
                              const ComplexType* complex = nullptr) {
    return Optional(name, simple, complex, Space::kBase);
  }
  ComplexType requested_product{{
      {"ReferentieAanbieder", Space::kMessage, &provider_reference},
      Optional("BeschikkingNummer", &number),
      Optional("Product", nullptr, &product),
      Optional("BeschikkingIngangsdatum", &date),
      {"ToewijzingIngangsdatum", Space::kMessage, &date},
      Optional("ToewijzingEinddatum", &date),
      Optional("Omvang", nullptr, &extent),
      Optional("Budget", &budget),
      {"Verwijzer", Space::kMessage, nullptr, &referrer},
      Optional("Raamcontract", &yes_no),
      Optional("Commentaar", &comment),
  }};
  ComplexType requested_products{{
      {.name = "AangevraagdProduct",
       .space = Space::kMessage,
       .complex = &requested_product,
       .max_occurs = -1},
  }};
  ComplexType client_315{{
      {"Bsn", Space::kMessage, &bsn},
      {"Geboortedatum", Space::kMessage, nullptr, &birth_date},
      {"Geslacht", Space::kMessage, &gender},
      {"Naam", Space::kMessage, nullptr, &short_name},
      Optional("Commentaar", &comment),
      {"AangevraagdeProducten", Space::kMessage, nullptr, &requested_products},
  }};
  ComplexType header_315 = ProviderHeader(code_315);
  ComplexType root_315{{
      {"Header", Space::kMessage, nullptr, &header_315},
      {"Client", Space::kMessage, nullptr, &client_315},
  }};
  MessageSchema wmo315{"WMO315", &root_315};

  // WMO317, verzoek om wijziging: provider to municipality.
  ComplexType unchanged_317{{
      {"ToewijzingNummer", Space::kMessage, &number},
  }};
  ComplexType altered_317{{
      {"ToewijzingNummer", Space::kMessage, &number},
      {"GewensteIngangsdatum", Space::kMessage, &date},
      Optional("Einddatum", &date),
      Optional("Omvang", nullptr, &extent),
      Optional("Budget", &budget),
  }};
  ComplexType new_317{{
      Optional("Product", nullptr, &product),
      {"GewensteIngangsdatum", Space::kMessage, &date},
      Optional("Einddatum", &date),
      Optional("Omvang", nullptr, &extent),
      Optional("Budget", &budget),
  }};
  // A list of at least one `name`.
  static ComplexType ListOf(const char* name, const ComplexType& item) {
    return {{{.name = name,
              .space = Space::kMessage,
              .complex = &item,
              .max_occurs = -1}}};
  }
  ComplexType unchanged_list_317 = ListOf("OngewijzigdProduct", unchanged_317);
  ComplexType altered_list_317 = ListOf("TeWijzigenProduct", altered_317);
  ComplexType new_list_317 = ListOf("NieuwProduct", new_317);
  ComplexType request_317{{
      {"ReferentieAanbieder", Space::kMessage, &provider_reference},
      {"RedenVerzoek", Space::kMessage, &request_reason},
      Optional("OngewijzigdeProducten", nullptr, &unchanged_list_317),
      Optional("TeWijzigenProducten", nullptr, &altered_list_317),
      Optional("NieuweProducten", nullptr, &new_list_317),
  }};
  ComplexType client_317{{
      {"Bsn", Space::kMessage, &bsn},
      {"Verzoek", Space::kMessage, nullptr, &request_317},
  }};
  ComplexType header_317 = ProviderHeader(code_317);
  ComplexType root_317{{
      {"Header", Space::kMessage, nullptr, &header_317},
      {"Client", Space::kMessage, nullptr, &client_317},
  }};
  MessageSchema wmo317{"WMO317", &root_317};

  // The retours of the messages a municipality sends (WMO302, WMO320):
  // the header of the message returned, then the retour's own.
  ComplexType return_codes{{
      {.name = "RetourCode",
       .space = Space::kMessage,
       .simple = &return_code,
       .max_occurs = -1},
  }};
  Element Codes() const {
    return {"RetourCodes", Space::kMessage, nullptr, &return_codes};
  }
  // `t` with its return codes last: a message class of a retour.
  ComplexType WithCodes(ComplexType t) const {
    t.sequence.push_back(Codes());
    return t;
  }
  ComplexType MunicipalityRetourHeader(const SimpleType& code) const {
    ComplexType t = Header(code, municipality, agb);
    t.sequence.insert(
        t.sequence.end(),
        {{"IdentificatieRetour", Space::kMessage, &message_id},
         {"DagtekeningRetour", Space::kMessage, &date},
         Optional("XsltVersie", &version),
         {"XsdVersieRetour", Space::kMessage, nullptr, &xsd_version},
         Optional("RetourCodes", nullptr, &return_codes)});
    return t;
  }

  // WMO320: the provider's retour on a WMO319.
  ComplexType answer_320 = WithCodes({{
      {"ReferentieAanbieder", Space::kMessage, &provider_reference},
      {"VerzoekAntwoord", Space::kMessage, &request_answer},
      Optional("RedenAfwijzingVerzoek", &rejection_reason),
  }});
  ComplexType header_320 = MunicipalityRetourHeader(code_320);
  ComplexType root_320{{
      {"Header", Space::kMessage, nullptr, &header_320},
      Optional("Antwoord", nullptr, &answer_320),
  }};
  MessageSchema wmo320{"WMO320", &root_320};

  // WMO302: the provider's retour on a WMO301, the client and its
  // assignments as sent, each class with its codes.
  ComplexType full_name{{
      {"Geslachtsnaam", Space::kBase, nullptr, &surname},
      {.name = "Partnernaam",
       .space = Space::kBase,
       .complex = &surname,
       .min_occurs = 0},
      {.name = "Voornamen",
       .space = Space::kBase,
       .simple = &name_text,
       .min_occurs = 0},
      {.name = "Voorletters",
       .space = Space::kBase,
       .simple = &initials,
       .min_occurs = 0},
      {"NaamGebruik", Space::kBase, &name_use},
  }};
  ComplexType communication_way{{
      {"Vorm", Space::kBase, &communication},
      {.name = "Taal",
       .space = Space::kBase,
       .simple = &language,
       .min_occurs = 0},
  }};
  ComplexType house{{
      {"Huisnummer", Space::kBase, &house_number},
      OptionalBase("Huisletter", &house_letter),
      OptionalBase("HuisnummerToevoeging", &house_addition),
      OptionalBase("AanduidingWoonadres", &residence),
  }};
  ComplexType address{{
      OptionalBase("Huis", nullptr, &house),
      OptionalBase("Postcode", &postcode),
      OptionalBase("Straatnaam", &street),
      OptionalBase("Plaatsnaam", &town),
      OptionalBase("LandCode", &country),
  }};
  ComplexType phone{{
      {"Telefoonnummer", Space::kBase, &phone_number},
      {"Landnummer", Space::kBase, &country_number},
  }};
  ComplexType phones{{
      {"Telefoon01", Space::kBase, nullptr, &phone},
      OptionalBase("Telefoon02", nullptr, &phone),
  }};
  ComplexType open_period{{
      OptionalBase("Begindatum", &date),
      OptionalBase("Einddatum", &date),
  }};
  // `t` with element `name` of type `now`: a 302's class in place of the
  // 301's.
  static ComplexType Retyped(ComplexType t, absl::string_view name,
                             const ComplexType* now) {
    for (Element& e : t.sequence) {
      if (name == e.name) e.complex = now;
    }
    return t;
  }
  ComplexType contact_301{{
      {"Soort", Space::kMessage, &address_kind},
      Optional("Adres", nullptr, &address),
      Optional("Organisatie", &organisation),
      Optional("Telefoon", nullptr, &phones),
      Optional("Emailadres", &email),
      Optional("Periode", nullptr, &open_period),
  }};
  ComplexType relation_301{{
      {"Nummer", Space::kMessage, &person_id},
      Optional("Volgorde", &relation_order),
      {"Soort", Space::kMessage, &relation_kind},
      Optional("Geboortedatum", nullptr, &birth_date),
      Optional("Geslacht", &gender),
      {"Naam", Space::kMessage, nullptr, &full_name},
      {"Contact", Space::kMessage, nullptr, &contact_301},
  }};
  ComplexType assigned_301{{
      {"ToewijzingNummer", Space::kMessage, &number},
      Optional("ReferentieAanbieder", &provider_reference),
      Optional("Product", nullptr, &product),
      {"Toewijzingsdatum", Space::kMessage, &date},
      {"Toewijzingstijd", Space::kMessage, &time},
      {"Ingangsdatum", Space::kMessage, &date},
      Optional("Einddatum", &date),
      Optional("RedenWijziging", &change_reason),
      Optional("Omvang", nullptr, &extent),
      Optional("Budget", &budget),
      Optional("Commentaar", &comment),
  }};
  ComplexType relations_301 = ListOf("Relatie", relation_301);
  ComplexType contacts_301 = ListOf("Contact", contact_301);
  ComplexType assigned_products_301 = ListOf("ToegewezenProduct", assigned_301);
  ComplexType client_301{{
      {"Bsn", Space::kMessage, &bsn},
      {"Geboortedatum", Space::kMessage, nullptr, &birth_date},
      {"Geslacht", Space::kMessage, &gender},
      {"Naam", Space::kMessage, nullptr, &full_name},
      Optional("Communicatie", nullptr, &communication_way),
      Optional("JuridischeStatus", &legal_status),
      Optional("WettelijkeVertegenwoordiging", &representation),
      Optional("Commentaar", &comment),
      Optional("Relaties", nullptr, &relations_301),
      {"Contactgegevens", Space::kMessage, nullptr, &contacts_301},
      {"ToegewezenProducten", Space::kMessage, nullptr, &assigned_products_301},
  }};
  ComplexType header_301 = Header(code_301, municipality, agb);
  ComplexType root_301{{
      {"Header", Space::kMessage, nullptr, &header_301},
      {"Client", Space::kMessage, nullptr, &client_301},
  }};
  MessageSchema wmo301{"WMO301", &root_301};

  // The 302: the 301's classes, each with its codes.
  ComplexType contact_302 = WithCodes(contact_301);
  ComplexType relation_302 =
      WithCodes(Retyped(relation_301, "Contact", &contact_302));
  ComplexType relations_302 = ListOf("Relatie", relation_302);
  ComplexType contacts_302 = ListOf("Contact", contact_302);
  ComplexType assigned_302 = WithCodes(assigned_301);
  ComplexType assigned_products_302 = ListOf("ToegewezenProduct", assigned_302);
  ComplexType client_302 =
      WithCodes(Retyped(Retyped(Retyped(client_301, "Relaties", &relations_302),
                                "Contactgegevens", &contacts_302),
                        "ToegewezenProducten", &assigned_products_302));
  ComplexType header_302 = MunicipalityRetourHeader(code_302);
  ComplexType root_302{{
      {"Header", Space::kMessage, nullptr, &header_302},
      Optional("Client", nullptr, &client_302),
  }};
  MessageSchema wmo302{"WMO302", &root_302};

  // WMO323, declaratie: provider to municipality.
  ComplexType header_323 = ProviderHeader(code_323);
  ComplexType line_323{{
      {"ProductReferentie", Space::kMessage, nullptr, &reference},
      {"ToewijzingNummer", Space::kMessage, &number},
      {"ProductCategorie", Space::kMessage, &product_category},
      {"ProductCode", Space::kMessage, &product_code},
      {"ProductPeriode", Space::kMessage, nullptr, &closed_period},
      {"GeleverdVolume", Space::kMessage, &volume},
      {"Eenheid", Space::kMessage, &unit},
      {.name = "ProductTarief",
       .space = Space::kMessage,
       .simple = &amount,
       .min_occurs = 0},
      {"IngediendBedrag", Space::kMessage, nullptr, &amount_with_direction},
  }};
  ComplexType lines_323{{
      {.name = "Prestatie",
       .space = Space::kMessage,
       .complex = &line_323,
       .max_occurs = -1},
  }};
  ComplexType client_323{{
      {"Bsn", Space::kMessage, &bsn},
      {"Prestaties", Space::kMessage, nullptr, &lines_323},
  }};
  ComplexType clients_323{{
      {.name = "Client",
       .space = Space::kMessage,
       .complex = &client_323,
       .max_occurs = -1},
  }};
  ComplexType declaration_323{{
      {"DeclaratieNummer", Space::kMessage, &declaration_number},
      {"DeclaratiePeriode", Space::kMessage, nullptr, &closed_period},
      {"DeclaratieDagtekening", Space::kMessage, &date},
      {"TotaalIngediendBedrag", Space::kMessage, nullptr,
       &total_with_direction},
      {"Clienten", Space::kMessage, nullptr, &clients_323},
  }};
  ComplexType root_323{{
      {"Header", Space::kMessage, nullptr, &header_323},
      {"Declaratie", Space::kMessage, nullptr, &declaration_323},
  }};
  MessageSchema wmo323{"WMO323", &root_323};
};

const Model& TheModel() {
  static const Model* const model = new Model();
  return *model;
}

}  // namespace

const MessageSchema* SchemaOf(absl::string_view message) {
  const Model& model = TheModel();
  for (const MessageSchema* schema :
       {&model.wmo301, &model.wmo302, &model.wmo305, &model.wmo307,
        &model.wmo315, &model.wmo317, &model.wmo320, &model.wmo323}) {
    if (message == schema->message) return schema;
  }
  return nullptr;
}

bool IsReturnCode(absl::string_view code) {
  return IsValid(code, TheModel().return_code);
}

bool IsValidVersion(absl::string_view version) {
  return IsValid(version, TheModel().version);
}

std::optional<Fault> CheckAnswerable(const MessageHeader& header) {
  const Model& model = TheModel();
  const struct {
    const std::string* value;
    const SimpleType* type;
    const char* location;
  } fields[] = {
      // A WMO301 goes from a municipality to a provider; the others
      // answered go the other way.
      {&header.sender,
       header.message == "WMO301" ? &model.municipality : &model.agb,
       "/Bericht/Header/Afzender"},
      {&header.receiver,
       header.message == "WMO301" ? &model.agb : &model.municipality,
       "/Bericht/Header/Ontvanger"},
      {&header.id, &model.message_id,
       "/Bericht/Header/BerichtIdentificatie/Identificatie"},
      {&header.date, &model.date,
       "/Bericht/Header/BerichtIdentificatie/Dagtekening"},
  };
  for (const auto& field : fields) {
    if (!IsValid(*field.value, *field.type)) {
      return Fault{field.location, "XSD",
                   "missing or invalid; a retour cannot be addressed "
                   "without it"};
    }
  }
  return std::nullopt;
}

}  // namespace wmo::iwmo
