#include "services/iwmo/iwmo_api.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "libs/iwmo/delivery.h"
#include "libs/iwmo/reading.h"
#include "libs/iwmo/retour.h"
#include "libs/iwmo/schema.h"
#include "libs/iwmo/wmo301.h"
#include "libs/iwmo/wmo323.h"
#include "libs/iwmo/xml_document.h"
#include "libs/iwmo/xpath_values.h"
#include "libs/rules/dates.h"
#include "libs/rules/identifiers.h"
#include "libs/server/api.h"
#include "libs/server/digest.h"
#include "libs/server/log.h"
#include "libs/server/status.h"
#include "services/iwmo/iwmo_repository.h"

namespace wmo::iwmo {
namespace {

using Repo = IwmoRepository;

// The messages providers send a municipality, and what this system takes
// in so far.
constexpr absl::string_view kFromProviders[] = {
    "WMO302", "WMO305", "WMO307", "WMO315", "WMO317", "WMO320", "WMO323"};

// How long a claimed message is taken to be in progress: past it, a claim
// without an answer is one a crash left, and the message is processed
// again when it comes. Far longer than the largest message takes.
constexpr absl::Duration kClaimLease = absl::Minutes(2);

// Assignment changes made into messages per read of the outbox: each may
// cost a search of its client's assignments, and a read has a deadline.
// The rest comes with the next read.
constexpr size_t kChangesPerRead = 200;

// The products a WMO305, 307 or 315 may hold: a client has a handful, and
// each is a call to the assignment service.
constexpr size_t kMaxClientProducts = 100;

// The key the requests and assignments of a message are made under, so
// that the same message sent again makes none twice. Other content under
// the identification (sent after a failure let it go) has a key of its
// own: its requests are judged afresh (9347 for a reference taken by the
// first) rather than refused as another body under the same request id.
std::string KeyOf(const MessageHeader& header,
                  const std::string& content_sha256) {
  return server::Sha256Hex(absl::StrCat(header.sender, "/", header.message, "/",
                                        header.id, "/", content_sha256))
      .substr(0, 24);
}

// A provider's retour on a message of the outbox.
bool IsRetourOnOutbox(absl::string_view message) {
  return message == "WMO302" || message == "WMO320";
}

absl::Status InProgress() {
  return server::WithReason(
      absl::UnavailableError("this message is being processed; send it again "
                             "in a while to get its answer"),
      "IWMO_IN_PROGRESS");
}

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

// The element of a WMO317 a violation of its change request is about: the
// product of "request.change.alterations[1].start_date", or the request.
std::string LocationOfField(const Wmo317& m, absl::string_view field) {
  auto index = [&](absl::string_view list) -> std::optional<size_t> {
    const std::string prefix = absl::StrCat("request.change.", list, "[");
    if (!absl::StartsWith(field, prefix)) return std::nullopt;
    size_t i = 0;
    const absl::string_view rest = field.substr(prefix.size());
    if (!absl::SimpleAtoi(rest.substr(0, rest.find(']')), &i)) {
      return std::nullopt;
    }
    return i;
  };
  if (auto i = index("unchanged"); i && *i < m.unchanged.size()) {
    return m.unchanged[*i].location;
  }
  if (auto i = index("alterations"); i && *i < m.altered.size()) {
    return m.altered[*i].wanted.location;
  }
  if (auto i = index("additions"); i && *i < m.added.size()) {
    return m.added[*i].location;
  }
  return "/Bericht/Client/Verzoek";
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

// The return codes of a refused request; none when it carries no rule
// (the service could not decide).
std::vector<std::string> CodesOf(const absl::Status& status) {
  return ReturnCodes(server::Violations(status));
}

}  // namespace

absl::StatusOr<IwmoApi::Incoming> IwmoApi::Identify(
    const auth::Principal& caller, const v1::SubmitMessageRequest& request,
    rules::Date today) {
  if (caller.kind != auth::PrincipalKind::kProvider &&
      caller.kind != auth::PrincipalKind::kMunicipality) {
    return absl::PermissionDeniedError(
        "iWmo messages come from providers, and from municipalities "
        "importing their assignments (WMO301): call as the party that sends "
        "the message");
  }
  const google::api::HttpBody& body = request.message();
  if (!IsXml(body.content_type())) {
    return absl::InvalidArgumentError(
        "message.content_type: send the message as application/xml");
  }
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
  // A municipality moving from another system imports its assignments as
  // the WMO301s it sent.
  const bool import = header->message == "WMO301";
  if (!import && std::find(std::begin(kFromProviders), std::end(kFromProviders),
                           header->message) == std::end(kFromProviders)) {
    return Unanswerable(
        "IWMO_UNKNOWN_MESSAGE", "/Bericht",
        absl::StrCat(header->message,
                     " goes from a municipality to a provider; providers "
                     "send ",
                     absl::StrJoin(kFromProviders, ", "),
                     ", municipalities import WMO301"));
  }
  if (import != (caller.kind == auth::PrincipalKind::kMunicipality)) {
    return absl::PermissionDeniedError(
        import ? "a WMO301 is imported by the municipality that sent it"
               : absl::StrCat(header->message,
                              " comes from a provider: call as the provider "
                              "that sends it"));
  }
  const MessageSchema* schema = SchemaOf(header->message);
  if (schema == nullptr) {
    return server::WithReason(
        absl::UnimplementedError(
            absl::StrCat(header->message, " is not taken in by this system")),
        "IWMO_MESSAGE_NOT_TAKEN");
  }
  if (IsRetourOnOutbox(header->message)) {
    // A retour keeps the parties of the message it returns: the provider
    // is its Ontvanger.
    if (header->receiver != caller.tenant) {
      return absl::PermissionDeniedError(absl::StrCat(
          "/Bericht/Header/Ontvanger: a provider returns the messages sent "
          "to it, ",
          caller.tenant));
    }
    return Incoming{*std::move(doc), *std::move(header), schema,
                    server::Sha256Hex(body.data())};
  }
  if (std::optional<Fault> fault = CheckAnswerable(*header)) {
    return Unanswerable(
        "IWMO_HEADER_UNUSABLE", fault->location,
        absl::StrCat(fault->location, ": ", fault->description));
  }
  if (header->sender != caller.tenant) {
    return absl::PermissionDeniedError(
        absl::StrCat("/Bericht/Header/Afzender: ",
                     import ? "a municipality imports its own messages, as "
                            : "a provider sends as its own AGB code, ",
                     caller.tenant));
  }
  const std::string& municipality = import ? header->sender : header->receiver;
  absl::StatusOr<bool> served =
      catalogs_.ServesMunicipality(municipality, today);
  if (!served.ok()) return served.status();
  if (!*served) {
    return server::WithReason(
        absl::PermissionDeniedError(absl::StrCat(
            import ? "/Bericht/Header/Afzender" : "/Bericht/Header/Ontvanger",
            ": municipality ", municipality, " is not served by this system")),
        "MUNICIPALITY_NOT_SERVED");
  }
  return Incoming{*std::move(doc), *std::move(header), schema,
                  server::Sha256Hex(body.data())};
}

absl::Status IwmoApi::SubmitMessage(const auth::Principal& caller,
                                    const v1::SubmitMessageRequest& request,
                                    google::api::HttpBody* retour) {
  // Facts: the message, who sent it to whom, and whether it came before.
  const rules::Date today = server::TodayBy(now_);
  absl::StatusOr<Incoming> in = Identify(caller, request, today);
  if (!in.ok()) return in.status();
  const MessageHeader& header = in->header;
  if (IsRetourOnOutbox(header.message)) return Acknowledge(*in, retour);
  const Answered answered = AnsweredOf(header);
  const std::string today_text = rules::FormatDate(today);
  auto answer = [&](std::string xml) {
    retour->set_content_type("application/xml");
    retour->set_data(std::move(xml));
    return absl::OkStatus();
  };
  // A refusal is not kept. Its identification comes from what it refuses,
  // on which day and why: the same message refused again the same way gets
  // the same one, any other refusal another.
  auto refuse = [&](const std::vector<std::string>& codes, const Fault* fault) {
    const std::string id = absl::StrCat(
        "X", server::Sha256Hex(absl::StrCat(in->sha256, today_text,
                                            absl::StrJoin(codes, ",")))
                 .substr(0, 11));
    return answer(WriteRefusal(answered, codes, fault, id, today_text));
  };
  const Repo::Key key{header.sender, header.message, header.id};
  std::optional<Repo::Taken> taken;
  absl::Status read = db_.ReadTransaction([&](store::Connection& c) {
    WMO_ASSIGN_OR_RETURN(found, Repo::Find(c, key));
    taken = std::move(found);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  if (taken.has_value() && taken->content_sha256 != in->sha256) {
    // TR056: one identification per sender and kind of message.
    return refuse({"9056"}, nullptr);
  }
  if (taken.has_value() && taken->retour.has_value()) {
    return answer(*std::move(taken->retour));
  }
  if (taken.has_value()) {
    absl::StatusOr<google::protobuf::Timestamp> claimed =
        server::ParseTimestamp(taken->receive_time, "receive_time");
    if (claimed.ok() &&
        absl::FromUnixSeconds(claimed->seconds()) + kClaimLease > now_()) {
      return InProgress();
    }
  }

  // Decide: the checks of the national validation, then the system date.
  if (std::optional<Fault> fault = CheckSchema(in->doc, *in->schema)) {
    return refuse({kRejected}, &*fault);
  }
  std::optional<Wmo323> declared;
  std::optional<DeliveryMessage> delivered;
  std::optional<Wmo315> requested;
  std::optional<Wmo317> changed;
  std::optional<Wmo301> imported;
  std::optional<Fault> fault;
  size_t products = 0;
  if (header.message == "WMO301") {
    imported = ReadWmo301(in->doc);
    fault = CheckWmo301Rules(*imported);
    products = imported->products.size();
  } else if (header.message == "WMO323") {
    declared = ReadWmo323(in->doc);
    fault = CheckWmo323Rules(*declared);
  } else if (header.message == "WMO315") {
    requested = ReadWmo315(in->doc);
    fault = CheckWmo315Rules(*requested);
    products = requested->products.size();
  } else if (header.message == "WMO317") {
    changed = ReadWmo317(in->doc);
    fault = CheckWmo317Rules(*changed);
    products = changed->unchanged.size() + changed->altered.size() +
               changed->added.size();
  } else {
    delivered = ReadDeliveryMessage(in->doc, header.message);
    fault = CheckDeliveryRules(*delivered);
    products = delivered->products.size();
  }
  if (fault) return refuse({kRejected}, &*fault);
  if (products > kMaxClientProducts) {
    const Fault too_many{"/Bericht/Client", "IWMO-SIZE",
                         absl::StrCat("at most ", kMaxClientProducts,
                                      " products per message; split it")};
    return refuse({kRejected}, &too_many);
  }
  if (rules::ParseDate(header.date, "Dagtekening").value_or(today) > today) {
    // TR135: a message is not dated after the day it arrives.
    return refuse({"8848"}, nullptr);
  }

  // Claim the identification, then hand the meaning to the service that
  // owns it: its rules decide the rest.
  int64_t number = 0;
  if (taken.has_value()) {
    // Claimed before and never answered (a crash): processed again.
    number = taken->retour_number;
  } else {
    absl::StatusOr<std::optional<int64_t>> claimed = Claim(key, in->sha256);
    if (!claimed.ok()) return claimed.status();
    if (!claimed->has_value()) return refuse({"9056"}, nullptr);
    number = **claimed;
  }
  absl::StatusOr<WriteRetour> write;
  if (declared) {
    write = Declare(caller, answered, *declared, today_text);
  } else if (requested) {
    write = RequestAssignments(*in, *requested, answered, today_text);
  } else if (changed) {
    write = RequestChange(*in, *changed, answered, today_text);
  } else if (imported) {
    write = Import(*in, *imported, answered, today_text);
  } else {
    write = RecordDelivery(caller, *in, *delivered, answered, today_text);
  }
  if (!write.ok()) {
    // The claim goes, so that the same message may come again. What was
    // recorded before the failure is recorded again without change (the
    // services take a repeated start, stop or declaration as such).
    absl::Status released = db_.Transaction(
        [&](store::Connection& c) { return Repo::Release(c, key); });
    if (!released.ok()) server::LogWarning(released.message());
    return write.status();
  }

  // Commit: the answer, kept with the message.
  absl::StatusOr<std::string> kept =
      Keep(key, (*write)(absl::StrCat("R", number)));
  if (!kept.ok()) return kept.status();
  return answer(*std::move(kept));
}

absl::StatusOr<std::optional<int64_t>> IwmoApi::Claim(
    const IwmoRepository::Key& key, const std::string& sha256) {
  std::optional<int64_t> number;
  absl::Status claimed = db_.Transaction([&](store::Connection& c) {
    number.reset();
    WMO_ASSIGN_OR_RETURN(found, Repo::Find(c, key));
    if (found.has_value()) {  // claimed meanwhile
      return found->content_sha256 == sha256 ? InProgress() : absl::OkStatus();
    }
    WMO_ASSIGN_OR_RETURN(
        claim, Repo::Claim(c, key, sha256,
                           server::TimeText(server::Timestamp(now_()))));
    number = claim;
    return absl::OkStatus();
  });
  if (!claimed.ok()) return claimed;
  return number;
}

absl::StatusOr<std::string> IwmoApi::Keep(const IwmoRepository::Key& key,
                                          const std::string& retour) {
  // A first answer kept meanwhile (the same message, sent twice at once)
  // is the answer.
  std::optional<std::string> kept;
  absl::Status stored = db_.Transaction([&](store::Connection& c) {
    if (absl::Status s = Repo::Answer(
            c, key, retour, server::TimeText(server::Timestamp(now_())));
        !s.ok()) {
      return s;
    }
    WMO_ASSIGN_OR_RETURN(found, Repo::Find(c, key));
    if (found.has_value()) kept = std::move(found->retour);
    return absl::OkStatus();
  });
  if (!stored.ok()) return stored;
  return kept.value_or(retour);
}

absl::StatusOr<IwmoApi::WriteRetour> IwmoApi::Declare(
    const auth::Principal& caller, const Answered& answered,
    const Wmo323& message, const std::string& today) {
  declaration::v1::SubmitDeclarationRequest submit;
  submit.set_parent(absl::StrCat("providers/", caller.tenant));
  *submit.mutable_declaration() = ToDeclaration(message);
  absl::StatusOr<declaration::v1::Declaration> judged =
      declarations_.Submit(submit);
  if (judged.ok()) {
    if (judged->lines_size() != static_cast<int>(message.LineCount())) {
      return absl::InternalError(
          absl::StrCat("the declaration service judged ", judged->lines_size(),
                       " lines of ", message.LineCount()));
    }
    return [&message, &answered, judged = *std::move(judged),
            today](const std::string& id) {
      return WriteWmo325(message, answered, judged, id, today);
    };
  }
  std::vector<std::string> refused = CodesOf(judged.status());
  if (refused.empty()) return judged.status();  // nothing decided
  return [&message, &answered, refused, today](const std::string& id) {
    return WriteWmo325Refused(message, answered, refused, id, today);
  };
}

IwmoApi::WriteRetour IwmoApi::TechnicalRetour(const Incoming& in,
                                              const Answered& answered,
                                              CodesByLocation codes,
                                              const std::string& today) {
  return
      [&in, &answered, codes = std::move(codes), today](const std::string& id) {
        return WriteTechnicalRetour(in.doc, answered, codes, id, today);
      };
}

absl::StatusOr<IwmoApi::WriteRetour> IwmoApi::RecordDelivery(
    const auth::Principal& caller, const Incoming& in,
    const DeliveryMessage& message, const Answered& answered,
    const std::string& today) {
  const std::string& municipality = in.header.receiver;
  CodesByLocation codes;
  for (size_t i = 0; i < message.products.size(); ++i) {
    const DeliveryProduct& p = message.products[i];
    std::vector<std::string>& judged = codes[p.location];
    const std::optional<int64_t> number =
        WholeNumber(p.assignment_number.value_or(""));
    if (!number.has_value()) {
      // TR019: without its number a product cannot be linked.
      judged = {"9019"};
      continue;
    }
    const std::string name =
        absl::StrCat("municipalities/", municipality, "/assignments/", *number);
    const bool withdraw = NormalizeSpace(p.status) == "3";
    absl::Status recorded;
    if (message.is_stop()) {
      assignment::v1::RecordDeliveryStopRequest stop;
      stop.set_name(name);
      stop.set_provider_agb(caller.tenant);
      stop.set_stop_date(std::string(TrimXmlSpace(p.end_date.value_or(""))));
      stop.set_stop_reason(p.end_reason.value_or(""));
      stop.set_withdraw(withdraw);
      stop.set_start_date(std::string(TrimXmlSpace(p.start_date)));
      stop.set_client_bsn(message.client.bsn);
      recorded = deliveries_.RecordStop(stop);
    } else {
      assignment::v1::RecordDeliveryStartRequest start;
      start.set_name(name);
      start.set_provider_agb(caller.tenant);
      start.set_start_date(std::string(TrimXmlSpace(p.start_date)));
      start.set_withdraw(withdraw);
      start.set_client_bsn(message.client.bsn);
      recorded = deliveries_.RecordStart(start);
    }
    if (recorded.ok()) continue;
    if (absl::IsNotFound(recorded)) {
      judged = {"9019"};  // no such assignment of this municipality
      continue;
    }
    judged = CodesOf(recorded);
    if (judged.empty()) return recorded;  // nothing decided
  }
  return TechnicalRetour(in, answered, std::move(codes), today);
}

absl::StatusOr<IwmoApi::WriteRetour> IwmoApi::RequestAssignments(
    const Incoming& in, const Wmo315& message, const Answered& answered,
    const std::string& today) {
  const MessageHeader& header = in.header;
  // The message's requests are one batch; retried, each request is its
  // first result again (request ids from the message's key).
  const std::string key = KeyOf(header, in.sha256);
  CodesByLocation codes;
  for (size_t i = 0; i < message.products.size(); ++i) {
    const RequestedProduct& p = message.products[i];
    std::vector<std::string>& judged = codes[p.wanted.location];
    absl::StatusOr<assignment::v1::RequestAssignmentRequest> request =
        AssignmentRequestOf(message, p, header.receiver);
    if (!request.ok()) return request.status();
    request->set_request_id(absl::StrCat("iwmo-", key, "-", i));
    request->mutable_request()->set_batch(absl::StrCat("iwmo-", key));
    if (request->request().requested().product().empty()) {
      // TR381: no product of the municipality's catalog has this category
      // and code.
      judged = {"S329"};
      continue;
    }
    absl::Status requested = requests_.Request(*request).status();
    if (requested.ok()) continue;
    judged = CodesOf(requested);
    if (judged.empty()) return requested;  // nothing decided
  }
  return TechnicalRetour(in, answered, std::move(codes), today);
}

absl::StatusOr<IwmoApi::WriteRetour> IwmoApi::RequestChange(
    const Incoming& in, const Wmo317& message, const Answered& answered,
    const std::string& today) {
  const std::string& municipality = in.header.receiver;
  const std::string assignments =
      absl::StrCat("municipalities/", municipality, "/assignments/");
  assignment::v1::RequestAssignmentRequest request;
  request.set_parent(absl::StrCat("municipalities/", municipality));
  // A retry is the first request again.
  const std::string key = KeyOf(in.header, in.sha256);
  request.set_request_id(absl::StrCat("iwmo-", key));
  assignment::v1::AssignmentRequest& r = *request.mutable_request();
  r.set_provider_reference(std::string(TrimXmlSpace(message.reference)));
  r.set_request_reason(NormalizeSpace(message.reason));
  r.mutable_requested()->set_municipality(municipality);
  r.mutable_requested()->mutable_client()->set_bsn(
      std::string(TrimXmlSpace(message.bsn)));
  assignment::v1::ChangeRequest& change = *r.mutable_change();
  for (const UnchangedProduct& p : message.unchanged) {
    change.add_unchanged(
        absl::StrCat(assignments, WholeNumber(p.number).value_or(0)));
  }
  for (const AlteredProduct& p : message.altered) {
    assignment::v1::Assignment wanted;
    SetPeriodAndExtent(p.wanted, wanted);
    assignment::v1::Alteration& alteration = *change.add_alterations();
    alteration.set_assignment(
        absl::StrCat(assignments, WholeNumber(p.number).value_or(0)));
    alteration.set_start_date(wanted.start_date());
    alteration.set_end_date(wanted.end_date());
    if (wanted.has_extent()) *alteration.mutable_extent() = wanted.extent();
    alteration.set_budget_cents(wanted.budget_cents());
  }
  CodesByLocation codes;
  for (const WantedProduct& p : message.added) {
    assignment::v1::Assignment& added = *change.add_additions();
    added.set_municipality(municipality);
    SetPeriodAndExtent(p, added);
    if (absl::Status s = SetProduct(p, added); !s.ok()) return s;
    // TR381: no product of the municipality's catalog has this category
    // and code.
    if (added.product().empty()) codes[p.location] = {"S329"};
  }
  if (codes.empty()) {
    absl::Status requested = requests_.Request(request).status();
    if (!requested.ok()) {
      const std::vector<type::v1::RuleViolation> violations =
          server::Violations(requested);
      if (violations.empty()) return requested;  // nothing decided
      for (const type::v1::RuleViolation& v : violations) {
        std::vector<std::string>& judged =
            codes[LocationOfField(message, v.field())];
        const std::string code =
            IsReturnCode(v.return_code()) ? v.return_code() : kRejected;
        if (std::find(judged.begin(), judged.end(), code) == judged.end()) {
          judged.push_back(code);
        }
      }
    }
  }
  return TechnicalRetour(in, answered, std::move(codes), today);
}

absl::StatusOr<IwmoApi::WriteRetour> IwmoApi::Import(const Incoming& in,
                                                     const Wmo301& message,
                                                     const Answered& answered,
                                                     const std::string& today) {
  const std::string& municipality = in.header.sender;
  // A retry creates nothing twice: the request ids come from the message.
  const std::string key = KeyOf(in.header, in.sha256);
  const assignment::v1::Client client = ClientOf(message);
  CodesByLocation codes;
  for (size_t i = 0; i < message.products.size(); ++i) {
    const AssignedProduct& p = message.products[i];
    // A deleted assignment is no current one: nothing to import.
    if (NormalizeSpace(p.change_reason.value_or("")) == "13") continue;
    std::vector<std::string>& judged = codes[p.wanted.location];
    assignment::v1::CreateAssignmentRequest create;
    create.set_parent(absl::StrCat("municipalities/", municipality));
    create.set_request_id(absl::StrCat("iwmo-", key, "-", i));
    assignment::v1::Assignment& a = *create.mutable_assignment();
    a.set_municipality(municipality);
    a.set_number(absl::StrCat(WholeNumber(p.number).value_or(0)));
    *a.mutable_client() = client;
    a.set_provider_agb(in.header.receiver);
    SetPeriodAndExtent(p.wanted, a);
    if (absl::Status s = SetProduct(p.wanted, a); !s.ok()) return s;
    if (a.product().empty()) {
      judged = {"S329"};  // TR381: the catalog has no such product
      continue;
    }
    absl::Status created = requests_.Create(create).status();
    if (created.ok()) continue;
    judged = CodesOf(created);
    if (judged.empty()) return created;  // nothing decided
  }
  return TechnicalRetour(in, answered, std::move(codes), today);
}

absl::StatusOr<assignment::v1::RequestAssignmentRequest>
IwmoApi::AssignmentRequestOf(const Wmo315& message, const RequestedProduct& p,
                             const std::string& municipality) {
  assignment::v1::RequestAssignmentRequest request;
  request.set_parent(absl::StrCat("municipalities/", municipality));
  assignment::v1::AssignmentRequest& r = *request.mutable_request();
  r.set_provider_reference(std::string(TrimXmlSpace(p.reference)));
  assignment::v1::Assignment& a = *r.mutable_requested();
  a.set_municipality(municipality);
  const Person& person = message.client;
  assignment::v1::Client& client = *a.mutable_client();
  client.set_bsn(std::string(TrimXmlSpace(person.bsn)));
  // An unknown birth date (DatumGebruik 3) is no date.
  if (person.birth_date_use.value_or("") != "3") {
    client.set_birth_date(std::string(TrimXmlSpace(person.birth_date)));
  }
  client.set_gender(NormalizeSpace(person.gender));
  client.mutable_name()->set_surname(person.surname);
  if (person.surname_prefix) {
    client.mutable_name()->set_surname_prefix(*person.surname_prefix);
  }
  if (person.initials) client.mutable_name()->set_initials(*person.initials);
  SetPeriodAndExtent(p.wanted, a);
  if (absl::Status s = SetProduct(p.wanted, a); !s.ok()) return s;
  return request;
}

absl::Status IwmoApi::SetProduct(const WantedProduct& wanted,
                                 assignment::v1::Assignment& a) {
  absl::StatusOr<rules::Date> start = rules::ParseDate(a.start_date(), "");
  if (!start.ok()) return absl::OkStatus();
  absl::StatusOr<std::string> catalog =
      catalogs_.CatalogServing(a.municipality(), *start);
  if (!catalog.ok()) return catalog.status();
  if (catalog->empty()) return absl::OkStatus();
  absl::StatusOr<std::shared_ptr<const catalog::v1::Catalog>> version =
      catalogs_.CatalogOn(*catalog, *start);
  if (!version.ok()) return version.status();
  const std::string category = NormalizeSpace(wanted.category.value_or(""));
  const std::string code = NormalizeSpace(wanted.code.value_or(""));
  // Without a code, a category names a product only when it holds one.
  const catalog::v1::Product* found = nullptr;
  for (const catalog::v1::Product& product : (*version)->products()) {
    if (product.category() != category ||
        (!code.empty() && product.code() != code)) {
      continue;
    }
    if (found != nullptr) return absl::OkStatus();  // ambiguous
    found = &product;
  }
  if (found != nullptr) {
    a.set_catalog(*catalog);
    a.set_product(found->id());
  }
  return absl::OkStatus();
}

absl::Status IwmoApi::MakeOutboxMessages(const std::string& provider) {
  // Facts: the changes since the outbox's cursor, and for each client
  // whose assignments changed, its assignments at the provider.
  int64_t cursor = 0;
  absl::Status read = db_.ReadTransaction([&](store::Connection& c) {
    WMO_ASSIGN_OR_RETURN(at, Repo::OutboxCursor(c, provider));
    cursor = at;
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  assignment::v1::ListAssignmentChangesRequest page;
  page.set_parent(absl::StrCat("providers/", provider));
  page.set_after_sequence(cursor);
  page.set_page_size(kChangesPerRead);
  WMO_ASSIGN_OR_RETURN(changes, requests_.Changes(page));
  if (changes.empty()) return absl::OkStatus();
  const std::string today = rules::FormatDate(server::TodayBy(now_));
  // A client's changes make one WMO301, at the place of its last change.
  // A change request granted tells the client's assignments too.
  auto told_of_client = [](const assignment::v1::AssignmentChange& change) {
    return change.has_assignment() ||
           change.assignment_request().state() ==
               assignment::v1::AssignmentRequest::GRANTED;
  };
  auto client_of = [](const assignment::v1::AssignmentChange& change) {
    const assignment::v1::Assignment& a =
        change.has_assignment() ? change.assignment()
                                : change.assignment_request().requested();
    return std::make_pair(a.municipality(), a.client().bsn());
  };
  std::map<std::pair<std::string, std::string>, size_t> last;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> changed;
  for (size_t i = 0; i < changes.size(); ++i) {
    if (!told_of_client(changes[i])) continue;
    last[client_of(changes[i])] = i;
    if (changes[i].has_assignment()) {
      changed[client_of(changes[i])].insert(changes[i].assignment().name());
    }
  }
  std::vector<Repo::Outgoing> messages;
  for (size_t i = 0; i < changes.size(); ++i) {
    const assignment::v1::AssignmentChange& change = changes[i];
    if (!told_of_client(change)) {
      const assignment::v1::AssignmentRequest& r = change.assignment_request();
      Repo::Outgoing& m = messages.emplace_back();
      m.record.set_message("WMO319");
      m.record.set_municipality(r.requested().municipality());
      m.record.set_state(v1::OutboxMessage::PENDING);
      m.write = [r, provider, today](const std::string& id) {
        return WriteWmo319({r.requested().municipality(), provider, id, today},
                           r);
      };
      continue;
    }
    const auto key = client_of(change);
    if (last[key] != i) continue;
    assignment::v1::SearchAssignmentsRequest search;
    search.set_parent(absl::StrCat("municipalities/", key.first));
    search.set_client_bsn(key.second);
    search.set_provider_agb(provider);
    WMO_ASSIGN_OR_RETURN(all, requests_.Search(search));
    // The current ones, and those that changed, whatever became of them.
    std::vector<assignment::v1::Assignment> told;
    for (assignment::v1::Assignment& a : all) {
      const bool current = a.state() != assignment::v1::Assignment::DELETED &&
                           (a.end_date().empty() || a.end_date() >= today);
      if (current || changed[key].count(a.name())) {
        told.push_back(std::move(a));
      }
    }
    if (told.empty()) continue;
    // The client as the most recent version that names it fully.
    const assignment::v1::Assignment* named = &told.front();
    for (const assignment::v1::Assignment& a : told) {
      const bool complete = MissingForWmo301(a.client()).empty();
      if ((complete && !MissingForWmo301(named->client()).empty()) ||
          (complete &&
           a.update_time().seconds() > named->update_time().seconds())) {
        named = &a;
      }
    }
    Repo::Outgoing& m = messages.emplace_back();
    m.record.set_message("WMO301");
    m.record.set_municipality(key.first);
    const std::string missing = MissingForWmo301(named->client());
    if (!missing.empty()) {
      m.record.set_state(v1::OutboxMessage::INCOMPLETE);
      m.record.set_incomplete_reason(absl::StrCat(
          "a WMO301 needs ", missing,
          ": give them on the client's assignments at this provider"));
      continue;
    }
    m.record.set_state(v1::OutboxMessage::PENDING);
    assignment::v1::Client client = named->client();
    m.write = [municipality = key.first, provider, today,
               client = std::move(client),
               told = std::move(told)](const std::string& id) {
      return WriteWmo301({municipality, provider, id, today}, client, told);
    };
  }
  // Commit: the messages and the cursor together.
  const int64_t to = changes.back().sequence();
  return db_.Transaction([&](store::Connection& c) {
    return Repo::AddToOutbox(c, provider, cursor, to, messages,
                             server::Timestamp(now_()));
  });
}

absl::Status IwmoApi::ListOutboxMessages(
    const auth::Principal& caller, const v1::ListOutboxMessagesRequest& request,
    v1::ListOutboxMessagesResponse* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, server::ParseName(request.parent(), "providers/*", "parent"));
  const std::string& provider = ids[0];
  if (provider != "-" && !rules::IsValidAgb(provider)) {
    return absl::InvalidArgumentError(
        "parent: providers/<AGB code of 8 digits>, or providers/- for a "
        "municipality's messages to every provider");
  }
  Repo::OutboxFilter filter{provider == "-" ? "" : provider, "",
                            static_cast<int>(request.state()), false};
  if (caller.kind == auth::PrincipalKind::kProvider) {
    if (provider != caller.tenant) {
      return absl::PermissionDeniedError(absl::StrCat(
          "a provider lists its own outbox: providers/", caller.tenant));
    }
    // What is kept is listed even when no new message can be made now.
    if (absl::Status s = MakeOutboxMessages(provider); !s.ok()) {
      server::LogWarning(
          absl::StrCat("the outbox of provider ", provider,
                       " is not brought up to date: ", s.message()));
    }
  } else if (caller.kind == auth::PrincipalKind::kMunicipality) {
    filter.municipality = caller.tenant;
    filter.incomplete = true;
  } else {
    return absl::PermissionDeniedError(
        "the outbox is the provider's, and the sending municipality's");
  }
  WMO_ASSIGN_OR_RETURN(page, server::ParseKeyPage(request));
  return db_.ReadTransaction([&](store::Connection& c) -> absl::Status {
    // One more than a page tells whether another page follows.
    WMO_ASSIGN_OR_RETURN(
        rows, Repo::ListOutbox(c, filter, page.after, page.size + 1));
    response->Clear();
    for (size_t i = 0; i < rows.size() && i < page.size; ++i) {
      *response->add_outbox_messages() = std::move(rows[i]);
    }
    const auto& listed = response->outbox_messages();
    response->set_next_page_token(server::NextPageTokenAfter(
        page, listed.empty() ? "" : Repo::OutboxKey(*listed.rbegin()),
        rows.size() > page.size));
    return absl::OkStatus();
  });
}

absl::Status IwmoApi::GetOutboxMessage(
    const auth::Principal& caller, const v1::GetOutboxMessageRequest& request,
    google::api::HttpBody* message) {
  WMO_ASSIGN_OR_RETURN(
      ids,
      server::ParseName(request.name(), "providers/*/iwmo/outbox/*", "name"));
  int64_t number = 0;
  if (!absl::StartsWith(ids[1], "U") ||
      !absl::SimpleAtoi(ids[1].substr(1), &number)) {
    return absl::InvalidArgumentError(
        "name: providers/<AGB>/iwmo/outbox/U<number>, as listed");
  }
  const bool provider =
      caller.kind == auth::PrincipalKind::kProvider && caller.tenant == ids[0];
  if (!provider && caller.kind != auth::PrincipalKind::kMunicipality) {
    return absl::PermissionDeniedError(
        "the outbox is the provider's, and the sending municipality's");
  }
  std::optional<Repo::Sent> sent;
  absl::Status read = db_.ReadTransaction([&](store::Connection& c) {
    WMO_ASSIGN_OR_RETURN(found, Repo::FindSent(c, number));
    sent = std::move(found);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  // Another provider's message, or another municipality's, is not there
  // for this caller.
  if (!sent.has_value() || sent->record.name() != request.name() ||
      (!provider && sent->record.municipality() != caller.tenant) ||
      (provider && sent->record.state() == v1::OutboxMessage::INCOMPLETE)) {
    return absl::NotFoundError(absl::StrCat("no message ", request.name()));
  }
  if (sent->record.state() == v1::OutboxMessage::INCOMPLETE) {
    return server::WithReason(
        absl::FailedPreconditionError(sent->record.incomplete_reason()),
        "IWMO_INCOMPLETE");
  }
  message->set_content_type("application/xml");
  message->set_data(std::move(sent->xml));
  return absl::OkStatus();
}

absl::Status IwmoApi::Acknowledge(const Incoming& in,
                                  google::api::HttpBody* answer) {
  const MessageHeader& header = in.header;
  // No retour answers a retour: a fault is the request's.
  if (std::optional<Fault> fault = CheckSchema(in.doc, *in.schema)) {
    return Unanswerable(
        "IWMO_SCHEMA", fault->location,
        absl::StrCat(fault->location, ": ", fault->description));
  }
  const std::string name = absl::StrCat(
      "providers/", header.receiver, "/iwmo/outbox/", TrimXmlSpace(header.id));
  int64_t number = 0;
  const absl::string_view id = TrimXmlSpace(header.id);
  const bool ours =
      absl::StartsWith(id, "U") && absl::SimpleAtoi(id.substr(1), &number);
  const std::string answered_kind =
      header.message == "WMO302" ? "WMO301" : "WMO319";
  const std::vector<std::string> codes = ReturnCodesIn(in.doc);
  v1::OutboxMessage record;
  absl::Status stored = db_.Transaction([&](store::Connection& c) {
    std::optional<Repo::Sent> sent;
    if (ours) {
      WMO_ASSIGN_OR_RETURN(found, Repo::FindSent(c, number));
      sent = std::move(found);
    }
    if (!sent.has_value() || sent->record.name() != name ||
        sent->record.municipality() != header.sender ||
        sent->record.message() != answered_kind ||
        sent->record.state() == v1::OutboxMessage::INCOMPLETE) {
      return absl::NotFoundError(absl::StrCat(
          "/Bericht/Header/BerichtIdentificatie: no ", answered_kind, " ", id,
          " of municipality ", header.sender, " to you"));
    }
    record = std::move(sent->record);
    const v1::OutboxMessage::State state = codes.empty()
                                               ? v1::OutboxMessage::ACCEPTED
                                               : v1::OutboxMessage::REJECTED;
    if (record.state() != v1::OutboxMessage::PENDING) {
      // The same retour again gets the same answer; another is refused.
      if (record.state() == state &&
          std::equal(codes.begin(), codes.end(), record.return_codes().begin(),
                     record.return_codes().end())) {
        return absl::OkStatus();
      }
      return server::WithReason(
          absl::FailedPreconditionError(absl::StrCat(
              name, " was acknowledged already, with another retour")),
          "IWMO_ACKNOWLEDGED");
    }
    record.set_state(state);
    *record.mutable_return_codes() = {codes.begin(), codes.end()};
    *record.mutable_acknowledge_time() = server::Timestamp(now_());
    return Repo::Acknowledge(c, number, record);
  });
  if (!stored.ok()) return stored;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(record, &json).ok()) {
    return absl::InternalError("the outbox message could not be written");
  }
  answer->set_content_type("application/json");
  answer->set_data(std::move(json));
  return absl::OkStatus();
}

}  // namespace wmo::iwmo
