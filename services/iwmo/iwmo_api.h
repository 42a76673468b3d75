#ifndef WMO_SERVICES_IWMO_IWMO_API_H_
#define WMO_SERVICES_IWMO_IWMO_API_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "google/api/httpbody.pb.h"
#include "libs/auth/principal.h"
#include "libs/iwmo/delivery.h"
#include "libs/iwmo/schema.h"
#include "libs/iwmo/wmo301.h"
#include "libs/iwmo/wmo315.h"
#include "libs/iwmo/wmo317.h"
#include "libs/iwmo/wmo323.h"
#include "libs/iwmo/xml_document.h"
#include "libs/server/api.h"
#include "libs/store/store.h"
#include "services/assignment/assignment_client.h"
#include "services/catalog/catalog_source.h"
#include "services/declaration/declaration_client.h"
#include "services/iwmo/iwmo_repository.h"
#include "wmo/iwmo/v1/iwmo_service.pb.h"

namespace wmo::iwmo {

// The operations of wmo.iwmo.v1.IwmoService: a message in, checked as the
// national validation checks it, its meaning handed to the service that
// owns it, its retour out and kept.
class IwmoApi {
 public:
  // `declarations` judges and keeps declarations (WMO323); `catalogs` says
  // which municipalities this system serves; `now` dates the retours and is
  // the system date of TR135.
  // `deliveries` records starts and stops of delivery (WMO305, WMO307);
  // `requests` takes requests for assignments (WMO315).
  IwmoApi(store::Database& db, declaration::DeclarationSink& declarations,
          assignment::DeliveryRecorder& deliveries,
          assignment::RequestDesk& requests, catalog::CatalogSource& catalogs,
          server::Clock now = absl::Now)
      : db_(db),
        declarations_(declarations),
        deliveries_(deliveries),
        requests_(requests),
        catalogs_(catalogs),
        now_(std::move(now)) {}

  absl::Status SubmitMessage(const auth::Principal& caller,
                             const v1::SubmitMessageRequest& request,
                             google::api::HttpBody* retour);
  // A provider lists its own outbox (making the messages its assignment
  // changes call for first); a municipality the messages it sent.
  absl::Status ListOutboxMessages(const auth::Principal& caller,
                                  const v1::ListOutboxMessagesRequest& request,
                                  v1::ListOutboxMessagesResponse* response);
  absl::Status GetOutboxMessage(const auth::Principal& caller,
                                const v1::GetOutboxMessageRequest& request,
                                google::api::HttpBody* message);

 private:
  // A message that can be answered: parsed, its kind known, sent by the
  // caller to a municipality served here.
  struct Incoming {
    XmlDocument doc;
    MessageHeader header;
    const MessageSchema* schema;
    std::string sha256;  // of the body, to know it again
  };
  // The message of `request`, or why no retour can answer it (or the
  // caller may not send it).
  absl::StatusOr<Incoming> Identify(const auth::Principal& caller,
                                    const v1::SubmitMessageRequest& request,
                                    rules::Date today);
  // Claims `key` for the message with `sha256`: its retour's number, or
  // nullopt when another message took the identification meanwhile.
  absl::StatusOr<std::optional<int64_t>> Claim(const IwmoRepository::Key& key,
                                               const std::string& sha256);
  // Keeps `retour` as the answer to `key`; the answer kept (a first one
  // kept meanwhile wins).
  absl::StatusOr<std::string> Keep(const IwmoRepository::Key& key,
                                   const std::string& retour);

  // Writes the retour of a message that was processed, given its
  // identification.
  using WriteRetour = std::function<std::string(const std::string& id)>;

  // What writes the technical retour of `in` with `codes`; `in` and
  // `answered` outlive it (the call's).
  static WriteRetour TechnicalRetour(const Incoming& in,
                                     const Answered& answered,
                                     CodesByLocation codes,
                                     const std::string& today);

  // Hands a WMO323 to the declaration service; what writes its WMO325.
  absl::StatusOr<WriteRetour> Declare(const auth::Principal& caller,
                                      const Answered& answered,
                                      const Wmo323& message,
                                      const std::string& today);
  // Records each product of a WMO305 or WMO307 with the assignment
  // service; what writes its WMO306 or WMO308.
  absl::StatusOr<WriteRetour> RecordDelivery(const auth::Principal& caller,
                                             const Incoming& in,
                                             const DeliveryMessage& message,
                                             const Answered& answered,
                                             const std::string& today);
  // Hands each product of a WMO315 to the assignment service as a request,
  // the products of one message as one batch; what writes its WMO316.
  absl::StatusOr<WriteRetour> RequestAssignments(const Incoming& in,
                                                 const Wmo315& message,
                                                 const Answered& answered,
                                                 const std::string& today);

  // Records a provider's retour (WMO302, WMO320) on the outbox message it
  // returns: ACCEPTED when it carries no return code but 0200, REJECTED
  // with its codes otherwise. The answer is the outbox message, as JSON.
  absl::Status Acknowledge(const Incoming& in, google::api::HttpBody* answer);

  // Adds to the provider's outbox the messages its assignment changes
  // since the last call for: a WMO319 per request rejected or investigated,
  // a WMO301 per client whose assignments changed (after its last change,
  // with all its current assignments at the provider). Acts for the
  // provider.
  absl::Status MakeOutboxMessages(const std::string& provider);

  // Creates each current assignment of a municipality's WMO301 (its
  // migration import) with its number, through the checks of any create;
  // what writes its WMO302, with a code per assignment.
  absl::StatusOr<WriteRetour> Import(const Incoming& in, const Wmo301& message,
                                     const Answered& answered,
                                     const std::string& today);

  // Hands a WMO317 to the assignment service as one change request; what
  // writes its WMO318.
  absl::StatusOr<WriteRetour> RequestChange(const Incoming& in,
                                            const Wmo317& message,
                                            const Answered& answered,
                                            const std::string& today);

  // Sets the catalog and product of `assignment` (of a municipality, with
  // its start date) to the catalog's product with the category and code
  // `wanted` names; neither when the catalog has no such product, or, for
  // a category without a code, more than one.
  absl::Status SetProduct(const WantedProduct& wanted,
                          assignment::v1::Assignment& assignment);

  // The request for `product` of `message` to `municipality`; the product
  // is the one of the municipality's catalog with its category and code,
  // none when there is no such product.
  absl::StatusOr<assignment::v1::RequestAssignmentRequest> AssignmentRequestOf(
      const Wmo315& message, const RequestedProduct& product,
      const std::string& municipality);

  store::Database& db_;
  declaration::DeclarationSink& declarations_;
  assignment::DeliveryRecorder& deliveries_;
  assignment::RequestDesk& requests_;
  catalog::CatalogSource& catalogs_;
  server::Clock now_;
};

}  // namespace wmo::iwmo

#endif  // WMO_SERVICES_IWMO_IWMO_API_H_
