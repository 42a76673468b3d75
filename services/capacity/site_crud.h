#ifndef WMO_SERVICES_CAPACITY_SITE_CRUD_H_
#define WMO_SERVICES_CAPACITY_SITE_CRUD_H_

#include <set>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "libs/server/update_mask.h"
#include "libs/store/request_ids.h"
#include "libs/store/store.h"
#include "services/capacity/capacity_common.h"

namespace wmo::capacity::site_crud {

// The create, read, list and change of locations, groups and bed pools,
// written once: SiteApi says per kind what to check. Only site_api.cc
// includes this header.

// How the generic operations below reach one kind of site: its key and
// name, and the repository's functions for it.
struct Locations {
  using Resource = v1::Location;
  static constexpr absl::string_view kWhat = "location";
  // The request field that carries it.
  static constexpr absl::string_view kField = "location.";
  static absl::StatusOr<SiteKey> Key(const std::string& name,
                                     const std::string& field) {
    return LocationKey(name, field);
  }
  static std::string Name(const SiteKey& k) { return LocationName(k); }
  static absl::StatusOr<Resource> Get(store::Connection& c, const SiteKey& k) {
    return Repo::GetLocation(c, k);
  }
  static absl::Status Insert(store::Connection& c, const SiteKey& k,
                             const Resource& r) {
    return Repo::InsertLocation(c, k, r);
  }
  static absl::Status Update(store::Connection& c, const SiteKey& k,
                             const Resource& r) {
    return Repo::UpdateLocation(c, k, r);
  }
};

struct Groups {
  using Resource = v1::Group;
  static constexpr absl::string_view kWhat = "group";
  static constexpr absl::string_view kField = "group.";
  static absl::StatusOr<SiteKey> Key(const std::string& name,
                                     const std::string& field) {
    return ChildKey(name, "groups", field);
  }
  static std::string Name(const SiteKey& k) { return GroupName(k); }
  static absl::StatusOr<Resource> Get(store::Connection& c, const SiteKey& k) {
    return Repo::GetGroup(c, k);
  }
  static absl::Status Insert(store::Connection& c, const SiteKey& k,
                             const Resource& r) {
    return Repo::InsertGroup(c, k, r);
  }
  static absl::Status Update(store::Connection& c, const SiteKey& k,
                             const Resource& r) {
    return Repo::UpdateGroup(c, k, r);
  }
};

struct Pools {
  using Resource = v1::BedPool;
  static constexpr absl::string_view kWhat = "bed pool";
  static constexpr absl::string_view kField = "bed_pool.";
  static absl::StatusOr<SiteKey> Key(const std::string& name,
                                     const std::string& field) {
    return ChildKey(name, "bedPools", field);
  }
  static std::string Name(const SiteKey& k) { return PoolName(k); }
  static absl::StatusOr<Resource> Get(store::Connection& c, const SiteKey& k) {
    return Repo::GetPool(c, k);
  }
  static absl::Status Insert(store::Connection& c, const SiteKey& k,
                             const Resource& r) {
    return Repo::InsertPool(c, k, r);
  }
  static absl::Status Update(store::Connection& c, const SiteKey& k,
                             const Resource& r) {
    return Repo::UpdatePool(c, k, r);
  }
};

// Reads site `name` for its provider.
template <typename Site>
absl::Status GetSite(store::Database& db, const auth::Principal& caller,
                     const std::string& name, absl::string_view verb,
                     typename Site::Resource* response) {
  if (absl::Status s = RequireProviderOf(caller, name, verb); !s.ok()) {
    return s;
  }
  WMO_ASSIGN_OR_RETURN(key, Site::Key(name, "name"));
  return db.ReadTransaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(found, Site::Get(c, key));
    *response = std::move(found);
    return absl::OkStatus();
  });
}

// A page of the sites `read` finds.
template <typename Resource>
absl::Status ListSites(store::Database& db,
                       const google::protobuf::Message& request,
                       absl::FunctionRef<absl::StatusOr<std::vector<Resource>>(
                           store::Connection&, size_t offset, size_t limit)>
                           read,
                       google::protobuf::RepeatedPtrField<Resource>* out,
                       std::string* next) {
  WMO_ASSIGN_OR_RETURN(page, server::ParsePage(request));
  return db.ReadTransaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(rows, read(c, page.offset, page.size + 1));
    out->Clear();
    Page(rows, page, out, next);
    return absl::OkStatus();
  });
}

// Creates `site` as `key` once per request id, after `check` passes in the
// same transaction.
template <typename Site>
absl::Status CreateSite(
    store::Database& db, const auth::Principal& caller,
    const store::CreateRequest& once, const SiteKey& key,
    typename Site::Resource site, absl::string_view operation,
    const server::Clock& now,
    absl::FunctionRef<absl::Status(store::Connection&)> check,
    typename Site::Resource* response) {
  server::ClearOutputOnly(site);
  site.set_name(Site::Name(key));
  *site.mutable_create_time() = server::Timestamp(now());
  *site.mutable_update_time() = site.create_time();
  site.set_etag(server::Etag(1));
  auto create = [&](store::Connection& c) -> absl::StatusOr<std::string> {
    if (absl::Status s = check(c); !s.ok()) return s;
    absl::Status s = Site::Insert(c, key, site);
    if (absl::IsAlreadyExists(s)) return IdInUse(Site::kWhat, site.name());
    if (!s.ok()) return s;
    if (absl::Status a =
            AuditChange(c, caller, operation, typename Site::Resource(), site);
        !a.ok()) {
      return a;
    }
    *response = site;
    return site.name();
  };
  auto replay = [&](store::Connection& c, const std::string&) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(first, Site::Get(c, key));
    *response = std::move(first);
    return absl::OkStatus();
  };
  return db.Transaction([&](store::Connection& c) {
    return store::CreateOnce(c, once, create, replay);
  });
}

// Changes the `fields` of site `key` to `patch`'s (server::FieldsToUpdate
// said which may) when `etag` is empty or current, after `check` of the
// changed site passes in the same transaction.
template <typename Site>
absl::Status UpdateSite(
    store::Database& db, const auth::Principal& caller, const SiteKey& key,
    const std::string& etag, const std::vector<std::string>& fields,
    const typename Site::Resource& patch, absl::string_view operation,
    const server::Clock& now,
    absl::FunctionRef<absl::Status(store::Connection&,
                                   const typename Site::Resource& before,
                                   typename Site::Resource& after)>
        check,
    typename Site::Resource* response) {
  return db.Transaction([&](store::Connection& c) -> absl::Status {
    WMO_ASSIGN_OR_RETURN(site, Site::Get(c, key));
    const typename Site::Resource before = site;
    if (absl::Status s = server::CheckEtag(etag, site.etag(), Site::kWhat);
        !s.ok()) {
      return s;
    }
    if (absl::Status s =
            server::KeepsImmutable(patch, site, Site::kField, "CP-FORMAT");
        !s.ok()) {
      return s;
    }
    server::CopyFields(fields, patch, site);
    if (absl::Status s = check(c, before, site); !s.ok()) return s;
    *site.mutable_update_time() = server::Timestamp(now());
    site.set_etag(server::NextEtag(site.etag()));
    if (absl::Status s = Site::Update(c, key, site); !s.ok()) return s;
    if (absl::Status s = AuditChange(c, caller, operation, before, site);
        !s.ok()) {
      return s;
    }
    *response = site;
    return absl::OkStatus();
  });
}

}  // namespace wmo::capacity::site_crud

#endif  // WMO_SERVICES_CAPACITY_SITE_CRUD_H_
