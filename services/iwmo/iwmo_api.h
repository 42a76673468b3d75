#ifndef WMO_SERVICES_IWMO_IWMO_API_H_
#define WMO_SERVICES_IWMO_IWMO_API_H_

#include "absl/status/status.h"
#include "google/api/httpbody.pb.h"
#include "libs/auth/principal.h"
#include "libs/server/api.h"
#include "libs/store/store.h"
#include "services/catalog/catalog_source.h"
#include "services/declaration/declaration_client.h"
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
  IwmoApi(store::Database& db, declaration::DeclarationSink& declarations,
          catalog::CatalogSource& catalogs, server::Clock now = absl::Now)
      : db_(db),
        declarations_(declarations),
        catalogs_(catalogs),
        now_(std::move(now)) {}

  absl::Status SubmitMessage(const auth::Principal& caller,
                             const v1::SubmitMessageRequest& request,
                             google::api::HttpBody* retour);

 private:
  store::Database& db_;
  declaration::DeclarationSink& declarations_;
  catalog::CatalogSource& catalogs_;
  server::Clock now_;
};

}  // namespace wmo::iwmo

#endif  // WMO_SERVICES_IWMO_IWMO_API_H_
