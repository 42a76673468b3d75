#include "services/iwmo/iwmo_api.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/iwmo/retour.h"
#include "libs/iwmo/schema.h"
#include "libs/iwmo/wmo323.h"
#include "libs/iwmo/xml_document.h"
#include "libs/rules/dates.h"
#include "libs/server/digest.h"
#include "libs/server/status.h"
#include "services/iwmo/iwmo_repository.h"

namespace wmo::iwmo {
namespace {

using Repo = IwmoRepository;

// The messages providers send a municipality, and what this system takes
// in so far.
constexpr absl::string_view kFromProviders[] = {
    "WMO302", "WMO305", "WMO307", "WMO315", "WMO317", "WMO320", "WMO323"};

bool IsXml(absl::string_view content_type) {
  const absl::string_view media = absl::StripAsciiWhitespace(
      content_type.substr(0, content_type.find(';')));
  return absl::EqualsIgnoreCase(media, "application/xml") ||
         absl::EqualsIgnoreCase(media, "text/xml");
}

// A body no retour can answer: refused as a request, with where and the
// return code a retour would have carried.
absl::Status Unanswerable(absl::string_view reason, absl::string_view field,
                          absl::string_view message) {
  return server::WithReason(
      server::ViolationStatus(
          absl::StatusCode::kInvalidArgument, "no iWmo message to answer",
          {server::Violation("XSD", kRejected, field, message)}),
      reason);
}

Answered AnsweredOf(const MessageHeader& header) {
  Answered a{header.message, header.sender, header.receiver, header.id,
             header.date};
  // A retour names the message's XSD versions, or its own where those are
  // unusable.
  if (IsValidVersion(header.basis_xsd_version) &&
      IsValidVersion(header.message_xsd_version)) {
    a.basis_xsd_version = header.basis_xsd_version;
    a.message_xsd_version = header.message_xsd_version;
  }
  return a;
}

// The return codes of a refused request: each rule's own, 0001 for one
// without a code of the list.
std::vector<std::string> CodesOf(const absl::Status& status) {
  std::vector<std::string> codes;
  for (const type::v1::RuleViolation& v : server::Violations(status)) {
    const std::string code =
        IsReturnCode(v.return_code()) ? v.return_code() : kRejected;
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) {
      codes.push_back(code);
    }
  }
  return codes;
}

}  // namespace

absl::Status IwmoApi::SubmitMessage(const auth::Principal& caller,
                                    const v1::SubmitMessageRequest& request,
                                    google::api::HttpBody* retour) {
  if (caller.kind != auth::PrincipalKind::kProvider) {
    return absl::PermissionDeniedError(
        "iWmo messages come from providers: call as the provider that sends "
        "the message");
  }
  const google::api::HttpBody& body = request.message();
  if (!IsXml(body.content_type())) {
    return absl::InvalidArgumentError(
        "message.content_type: send the message as application/xml");
  }

  // Facts: the message, who sent it to whom, and whether it was answered.
  absl::StatusOr<XmlDocument> doc = XmlDocument::Parse(body.data());
  if (!doc.ok()) {
    return Unanswerable("IWMO_NOT_WELL_FORMED", "message",
                        doc.status().message());
  }
  absl::StatusOr<MessageHeader> header = ReadHeader(*doc);
  if (!header.ok()) {
    return Unanswerable("IWMO_UNKNOWN_MESSAGE", "/Bericht",
                        header.status().message());
  }
  if (std::find(std::begin(kFromProviders), std::end(kFromProviders),
                header->message) == std::end(kFromProviders)) {
    return Unanswerable(
        "IWMO_UNKNOWN_MESSAGE", "/Bericht",
        absl::StrCat(header->message,
                     " goes from a municipality to a provider; providers "
                     "send ",
                     absl::StrJoin(kFromProviders, ", ")));
  }
  const MessageSchema* schema = SchemaOf(header->message);
  if (schema == nullptr) {
    return server::WithReason(
        absl::UnimplementedError(absl::StrCat(
            header->message,
            " is not taken in yet; this system takes WMO323 declarations")),
        "IWMO_MESSAGE_NOT_TAKEN");
  }
  if (std::optional<Fault> fault = CheckAnswerable(*header)) {
    return Unanswerable(
        "IWMO_HEADER_UNUSABLE", fault->location,
        absl::StrCat(fault->location, ": ", fault->description));
  }
  if (header->sender != caller.tenant) {
    return absl::PermissionDeniedError(absl::StrCat(
        "/Bericht/Header/Afzender: a provider sends as its own AGB code, ",
        caller.tenant));
  }
  const rules::Date today = server::TodayBy(now_);
  absl::StatusOr<bool> served =
      catalogs_.ServesMunicipality(header->receiver, today);
  if (!served.ok()) return served.status();
  if (!*served) {
    return server::WithReason(
        absl::PermissionDeniedError(
            absl::StrCat("/Bericht/Header/Ontvanger: municipality ",
                         header->receiver, " is not served by this system")),
        "MUNICIPALITY_NOT_SERVED");
  }
  const std::string sha = server::Sha256Hex(body.data());
  const Answered answered = AnsweredOf(*header);
  const std::string today_text = rules::FormatDate(today);
  // A refusal is not kept: its identification comes from what it refuses,
  // so the same message is refused the same way.
  auto refuse = [&](const std::vector<std::string>& codes, const Fault* fault) {
    retour->set_content_type("application/xml");
    retour->set_data(WriteRefusal(answered, codes, fault,
                                  absl::StrCat("X", sha.substr(0, 11)),
                                  today_text));
    return absl::OkStatus();
  };

  std::optional<Repo::Answered> seen;
  absl::Status read = db_.ReadTransaction([&](store::Connection& c) {
    auto found = Repo::Find(c, header->sender, header->id);
    if (!found.ok()) return found.status();
    seen = *std::move(found);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  if (seen.has_value()) {
    if (seen->content_sha256 != sha) {
      // TR056: one identification per message and sender.
      return refuse({"9056"}, nullptr);
    }
    retour->set_content_type("application/xml");
    retour->set_data(seen->retour);
    return absl::OkStatus();
  }

  // Decide: the checks of the national validation, then the system date.
  if (std::optional<Fault> fault = CheckSchema(*doc, *schema)) {
    return refuse({kRejected}, &*fault);
  }
  const Wmo323 message = ReadWmo323(*doc);
  if (std::optional<Fault> fault = CheckWmo323Rules(message)) {
    return refuse({kRejected}, &*fault);
  }
  if (rules::ParseDate(header->date, "Dagtekening").value_or(today) > today) {
    // TR135: a message is not dated after the day it arrives.
    return refuse({"8848"}, nullptr);
  }

  // The declaration's own rules, where its data lives.
  declaration::v1::SubmitDeclarationRequest submit;
  submit.set_parent(absl::StrCat("providers/", caller.tenant));
  *submit.mutable_declaration() = ToDeclaration(message);
  absl::StatusOr<declaration::v1::Declaration> judged =
      declarations_.Submit(submit);
  std::vector<std::string> refused;
  if (!judged.ok()) {
    refused = CodesOf(judged.status());
    if (refused.empty()) return judged.status();  // nothing decided
  }

  // Commit: the answer, kept with the message it answers.
  std::string written;
  absl::Status stored = db_.Transaction([&](store::Connection& c) {
    auto found = Repo::Find(c, header->sender, header->id);
    if (!found.ok()) return found.status();
    if (found->has_value()) {  // answered meanwhile, by a retry
      written = (*found)->retour;
      return absl::OkStatus();
    }
    auto number = Repo::NextRetourNumber(c);
    if (!number.ok()) return number.status();
    const std::string id = absl::StrCat("R", *number);
    written = judged.ok()
                  ? WriteWmo325(message, *judged, id, today_text)
                  : WriteWmo325Refused(message, refused, id, today_text);
    return Repo::Insert(
        c, {header->sender, header->id, header->message, sha, *number, written,
            server::TimeText(server::Timestamp(now_()))});
  });
  if (!stored.ok()) return stored;
  retour->set_content_type("application/xml");
  retour->set_data(std::move(written));
  return absl::OkStatus();
}

}  // namespace wmo::iwmo
