// libFuzzer target: whatever a provider's system sends to the iWmo
// endpoint goes through the reader of its message: parse, identify, check
// the schema and the message rules, map onto the API, and write the
// retours it may get (answers, refusals). Nothing may crash, leak or run
// away, and every retour written must be well-formed XML.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "libs/iwmo/delivery.h"
#include "libs/iwmo/retour.h"
#include "libs/iwmo/schema.h"
#include "libs/iwmo/wmo301.h"
#include "libs/iwmo/wmo315.h"
#include "libs/iwmo/wmo317.h"
#include "libs/iwmo/wmo323.h"
#include "libs/iwmo/xml_document.h"

namespace {

// A retour the system wrote parses again: anything else is a bug in the
// writer (unescaped text, a broken comment).
void ExpectWellFormed(const std::string& xml) {
  if (!wmo::iwmo::XmlDocument::Parse(xml).ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wmo::iwmo;  // NOLINT(google-build-using-namespace)
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<XmlDocument> doc = XmlDocument::Parse(bytes);
  if (!doc.ok()) return 0;
  absl::StatusOr<MessageHeader> header = ReadHeader(*doc);
  if (!header.ok()) return 0;
  const MessageSchema* schema = SchemaOf(header->message);
  if (schema == nullptr) return 0;
  std::optional<Fault> fault = CheckSchema(*doc, *schema);
  const Answered answered{header->message, header->sender, header->receiver,
                          header->id, header->date};
  const std::string& kind = header->message;
  if (kind == "WMO302" || kind == "WMO320") {
    // A provider's retour gets no retour: its codes are what is read of it.
    if (!fault) {
      for (const std::string& code : ReturnCodesIn(*doc)) {
        if (code.empty()) std::abort();
      }
    }
    return 0;
  }
  if (!fault && kind == "WMO301") {
    const Wmo301 message = ReadWmo301(*doc);
    fault = CheckWmo301Rules(message);
    if (!fault) {
      if (ClientOf(message).bsn().empty()) std::abort();
      ExpectWellFormed(WriteTechnicalRetour(
          *doc, answered, {{message.products[0].wanted.location, {"9332"}}},
          "R3", "2026-11-30"));
    }
  }
  if (!fault && kind == "WMO315") {
    const Wmo315 message = ReadWmo315(*doc);
    fault = CheckWmo315Rules(message);
    if (!fault) {
      ExpectWellFormed(WriteTechnicalRetour(
          *doc, answered, {{message.products[0].wanted.location, {"9374"}}},
          "R3", "2026-11-30"));
    }
  }
  if (!fault && kind == "WMO317") {
    const Wmo317 message = ReadWmo317(*doc);
    fault = CheckWmo317Rules(message);
    if (!fault) {
      ExpectWellFormed(WriteTechnicalRetour(
          *doc, answered, {{"/Bericht/Client/Verzoek", {"9349"}}}, "R3",
          "2026-11-30"));
    }
  }
  if (!fault && (kind == "WMO305" || kind == "WMO307")) {
    const DeliveryMessage message = ReadDeliveryMessage(*doc, kind);
    fault = CheckDeliveryRules(message);
    if (!fault) {
      ExpectWellFormed(WriteTechnicalRetour(
          *doc, answered, {{message.products[0].location, {"9019"}}}, "R3",
          "2026-11-30"));
    }
  }
  if (!fault && kind == "WMO323") {
    const Wmo323 message = ReadWmo323(*doc);
    fault = CheckWmo323Rules(message);
    if (!fault) {
      // Half the lines rejected, as a verdict might.
      wmo::declaration::v1::Declaration verdict = ToDeclaration(message);
      for (int i = 0; i < verdict.lines_size(); ++i) {
        auto* judged = verdict.mutable_lines(i)->mutable_verdict();
        judged->set_outcome(i % 2 == 0
                                ? wmo::declaration::v1::Verdict::APPROVED
                                : wmo::declaration::v1::Verdict::REJECTED);
        if (i % 2 == 1) judged->add_violations()->set_return_code("9321");
      }
      ExpectWellFormed(
          WriteWmo325(message, answered, verdict, "R1", "2026-11-30"));
      ExpectWellFormed(
          WriteWmo325Refused(message, answered, {"9333"}, "R2", "2026-11-30"));
    }
  }
  if (!CheckAnswerable(*header)) {
    ExpectWellFormed(WriteRefusal(
        answered, {kRejected}, fault ? &*fault : nullptr, "X1", "2026-11-30"));
  }
  return 0;
}
