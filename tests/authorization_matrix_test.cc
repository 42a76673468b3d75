// Who may call what: every route of the REST gateway, and every gRPC method
// behind it, called by each kind of caller, against a table of the expected
// statuses. The routes come from the gateway's own OpenAPI document and the
// methods from the service descriptors, so a new one without a row here
// fails the test.
#include <array>
#include <future>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cmd/wmo-server/app_testing.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "libs/auth/key_files.h"
#include "libs/auth/token_signer.h"
#include "libs/gateway/request_builder.h"
#include "libs/gateway/route.h"
#include "libs/gateway/status_mapping.h"
#include "libs/testing/credentials.h"
#include "libs/testing/http.h"
#include "libs/testing/temp_dir.h"
#include "nlohmann/json.hpp"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"
#include "wmo/declaration/v1/declaration_service.grpc.pb.h"

namespace wmo {
namespace {

using nlohmann::json;

// The callers, in the order of a row's expected statuses.
enum Caller {
  kNoToken,
  kProviderA,      // 99990303, to whom the fixtures belong
  kProviderB,      // 99990302, contracted in the same catalog
  kMunicipalityX,  // 0988, which made the fixtures
  kMunicipalityY,  // 0946, of the same region
  kOperator,       //
  kExpired,        // provider A's token, expired an hour ago
  kOtherAudience,  // provider A's token, for another audience
  kCallers,
};

constexpr const char* kCallerNames[kCallers] = {
    "no token",       "provider A", "provider B", "municipality X",
    "municipality Y", "operator",   "expired",    "other audience"};

constexpr char kA[] = "99990303";
constexpr char kX[] = "0988";

// One route, a request to it, and what each caller gets.
struct Row {
  std::string operation;  // the OpenAPI operationId
  std::string method;
  std::string path;  // with the query string
  std::string body;
  std::array<int, kCallers> expect;
};

class AuthorizationMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WMO_START_APP_OR_SKIP(app_, "sqlite", dir_);
    MakeBearers();
    MakeFixtures();
  }

  void MakeBearers() {
    bearers_[kProviderA] = testing::BearerFor(*app_, testing::Provider(kA));
    bearers_[kProviderB] =
        testing::BearerFor(*app_, testing::Provider("99990302"));
    bearers_[kMunicipalityX] =
        testing::BearerFor(*app_, testing::Municipality(kX));
    bearers_[kMunicipalityY] =
        testing::BearerFor(*app_, testing::Municipality("0946"));
    bearers_[kOperator] = testing::BearerFor(*app_, testing::Operator());
    absl::StatusOr<std::string> key =
        auth::LoadOrCreateDevKey(app_->options().data_dir);
    ASSERT_TRUE(key.ok()) << key.status();
    auto sign = [&](absl::Time issued, const std::string& audience) {
      absl::StatusOr<std::string> token =
          auth::SignToken(*key, auth::kDevKeyId, testing::Provider(kA),
                          {auth::kDevIssuer, audience, issued, absl::Hours(1)});
      EXPECT_TRUE(token.ok()) << token.status();
      return absl::StrCat("Bearer ", token.value_or(""));
    };
    bearers_[kExpired] = sign(absl::Now() - absl::Hours(2), auth::kDevAudience);
    bearers_[kOtherAudience] = sign(absl::Now(), "not-wmo");
  }

  // What the rows name: an assignment of X given to A, a declaration of A
  // addressed to X, a request of A to X. The capacity rows name sites of A
  // that do not exist: A gets 404 or 400 where others are refused.
  void MakeFixtures() {
    json assignment =
        Call(kMunicipalityX, "POST",
             absl::StrCat("/v1/municipalities/", kX, "/assignments"),
             R"({
      "client": {"bsn": "111222333", "birthDate": "1950-03-01"},
      "providerAgb": "99990303", "catalog": "midden-limburg-2024",
      "product": "kdv", "basis": "1",
      "extent": {"volume": 10, "unit": "UNIT_DAY_NIGHT",
                 "frequency": "FREQUENCY_TOTAL"},
      "startDate": "2024-03-01", "endDate": "2024-06-30",
      "results": [{"lifeDomain": "Wonen",
                   "activityType": "ACTIVITY_TYPE_HELP"}]})");
    assignment_ = assignment.value("name", "");
    ASSERT_FALSE(assignment_.empty()) << assignment.dump();
    const std::string number = assignment.value("number", "");
    // KDV in midden-limburg-2024: 164 euros per day-night unit.
    json declaration = Call(
        kProviderA, "POST", absl::StrCat("/v1/providers/", kA, "/declarations"),
        absl::StrCat(R"({"number": "D1", "municipality": "0988",
          "period": "2024-03", "lines": [{"reference": "R1",
          "assignmentNumber": ")",
                     number, R"(", "clientBsn": "111222333",
          "productCategory": "04", "productCode": "04KDV",
          "startDate": "2024-03-01", "endDate": "2024-03-31",
          "volume": "2", "unit": "UNIT_DAY_NIGHT", "tariffCents": "16400",
          "amountCents": "32800", "direction": "DEBIT"}]})"));
    declaration_ = declaration.value("name", "");
    ASSERT_FALSE(declaration_.empty()) << declaration.dump();
    json request =
        Call(kProviderA, "POST",
             absl::StrCat("/v1/municipalities/", kX, "/assignmentRequests"),
             R"({"providerReference": "ref-1", "requested": {
          "municipality": "0988",
          "client": {"bsn": "999993653", "birthDate": "1950-03-01"},
          "providerAgb": "99990303", "catalog": "midden-limburg-2024",
          "product": "kdv", "basis": "1",
          "extent": {"volume": 10, "unit": "UNIT_DAY_NIGHT",
                     "frequency": "FREQUENCY_TOTAL"},
          "startDate": "2024-03-01", "endDate": "2024-06-30",
          "results": [{"lifeDomain": "Wonen",
                       "activityType": "ACTIVITY_TYPE_HELP"}]}})");
    request_ = request.value("name", "");
    ASSERT_FALSE(request_.empty()) << request.dump();
  }

  json Call(Caller caller, const std::string& method, const std::string& path,
            const std::string& body) {
    testing::HttpResponse r = Http(caller, method, path, body);
    EXPECT_EQ(r.status, 200) << method << " " << path << ": " << r.body;
    return json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  }

  testing::HttpResponse Http(Caller caller, const std::string& method,
                             const std::string& path, const std::string& body) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (caller != kNoToken)
      headers.push_back({"Authorization", bearers_[caller]});
    if (!body.empty()) headers.push_back({"Content-Type", "application/json"});
    return testing::HttpRequest(app_->http_port(), method, path, body, headers);
  }

  // The table. 401 for the three columns without valid credentials on
  // every row; what differs is who of the others may.
  std::vector<Row> Rows() const {
    const std::string m = absl::StrCat("/v1/municipalities/", kX);
    const std::string p = absl::StrCat("/v1/providers/", kA);
    const std::string a = "/v1/" + assignment_;
    const std::string d = "/v1/" + declaration_;
    const std::string request_id = request_.substr(request_.rfind('/') + 1);
    const std::string loc = p + "/locations/nowhere";
    const std::string group = loc + "/groups/none";
    const std::string pool = loc + "/bedPools/none";
    constexpr int U = 401;  // no valid credentials
    auto row = [&](std::string operation, std::string method, std::string path,
                   std::string body, int provider_a, int provider_b,
                   int municipality_x, int municipality_y, int op) {
      return Row{std::move(operation),
                 std::move(method),
                 std::move(path),
                 std::move(body),
                 {U, provider_a, provider_b, municipality_x, municipality_y, op,
                  U, U}};
    };
    // clang-format off
    return {
      // operation, method, path, body:
      //                                        A    B    X    Y    operator
      row("AssignmentService_CreateAssignment", "POST", m + "/assignments", "{}",
                                                403, 403, 400, 403, 403),
      row("AssignmentService_GetAssignment", "GET", a, "",
                                                200, 403, 200, 403, 403),
      row("AssignmentService_GetAssignmentUsage", "GET", a + "/usage", "",
                                                200, 403, 200, 403, 403),
      row("AssignmentService_BatchGetAssignments", "GET",
          m + "/assignments:batchGet?names=" + assignment_, "",
                                                200, 404, 200, 403, 403),

      row("AssignmentService_ListAssignments", "GET", m + "/assignments", "",
                                                200, 200, 200, 403, 403),
      row("AssignmentService_SearchAssignments", "POST",
          m + "/assignments:search", R"({"clientBsn": "111222333"})",
                                                200, 200, 200, 403, 403),
      row("AssignmentService_UpdateAssignment", "PATCH",
          m + "/assignments/404404", "{}",       403, 403, 400, 403, 403),
      row("AssignmentService_EndAssignment", "POST",
          m + "/assignments/404404:end", "{}",   403, 403, 400, 403, 403),
      row("AssignmentService_DeleteAssignment", "DELETE",
          m + "/assignments/404404", "",         403, 403, 404, 403, 403),
      row("AssignmentService_RecordDeliveryStart", "POST",
          m + "/assignments/404404:start",
          R"({"providerAgb": "99990303", "startDate": "2024-03-04"})",
                                                404, 403, 403, 403, 403),
      row("AssignmentService_RecordDeliveryStop", "POST",
          m + "/assignments/404404:stop",
          R"({"providerAgb": "99990303", "stopDate": "2024-03-04",
              "stopReason": "19"})",             404, 403, 403, 403, 403),
      row("AssignmentService_RequestAssignment", "POST",
          m + "/assignmentRequests", "{}",       400, 400, 403, 403, 403),
      row("AssignmentService_GetAssignmentRequest", "GET",
          "/v1/" + request_, "",                 200, 404, 200, 403, 403),
      row("AssignmentService_ListAssignmentRequests", "GET",
          m + "/assignmentRequests", "",         200, 200, 200, 403, 403),
      row("AssignmentService_AnswerAssignmentRequest", "POST",
          m + "/assignmentRequests/" + request_id + ":answer",
          R"({"grant": false, "rejectionReason": "99"})",
                                                403, 403, 400, 403, 403),
      row("AssignmentService_ListAuditEntries", "GET",
          a + "/auditEntries", "",               403, 403, 200, 403, 200),
      row("AssignmentService_ListAuditEntries_2", "GET",
          m + "/assignmentRequests/" + request_id + "/auditEntries", "",
                                                403, 403, 200, 403, 200),

      row("CapacityService_CreateLocation", "POST", p + "/locations", "{}",
                                                400, 403, 403, 403, 403),
      row("CapacityService_GetLocation", "GET", loc, "",
                                                404, 403, 403, 403, 403),
      row("CapacityService_ListLocations", "GET", p + "/locations", "",
                                                200, 403, 403, 403, 403),
      row("CapacityService_UpdateLocation", "PATCH", loc, "{}",
                                                404, 403, 403, 403, 403),
      row("CapacityService_DeleteLocation", "DELETE", loc, "",
                                                404, 403, 403, 403, 403),
      row("CapacityService_CreateGroup", "POST", loc + "/groups", "{}",
                                                400, 403, 403, 403, 403),
      row("CapacityService_GetGroup", "GET", group, "",
                                                404, 403, 403, 403, 403),
      row("CapacityService_ListGroups", "GET", loc + "/groups", "",
                                                200, 403, 403, 403, 403),
      row("CapacityService_UpdateGroup", "PATCH", group, "{}",
                                                404, 403, 403, 403, 403),
      row("CapacityService_DeleteGroup", "DELETE", group, "",
                                                404, 403, 403, 403, 403),
      row("CapacityService_CreateBedPool", "POST", loc + "/bedPools", "{}",
                                                400, 403, 403, 403, 403),
      row("CapacityService_GetBedPool", "GET", pool, "",
                                                404, 403, 403, 403, 403),
      row("CapacityService_ListBedPools", "GET", loc + "/bedPools", "",
                                                200, 403, 403, 403, 403),
      row("CapacityService_UpdateBedPool", "PATCH", pool, "{}",
                                                404, 403, 403, 403, 403),
      row("CapacityService_DeleteBedPool", "DELETE", pool, "",
                                                404, 403, 403, 403, 403),
      row("CapacityService_CreateEnrolment", "POST", group + "/enrolments",
          "{}",                                  400, 403, 403, 403, 403),
      row("CapacityService_EndEnrolment", "POST",
          group + "/enrolments/none:end", R"({"endDate": "2024-03-04"})",
                                                404, 403, 403, 403, 403),
      // A municipality reads the enrolments and bookings of its clients.
      row("CapacityService_ListEnrolments", "GET", group + "/enrolments", "",
                                                200, 403, 200, 200, 403),
      row("CapacityService_CreateBooking", "POST", pool + "/bookings", "{}",
                                                400, 403, 403, 403, 403),
      // A municipality reads its own clients' bookings and enrolments.
      row("CapacityService_GetBooking", "GET", pool + "/bookings/none", "",
                                                404, 403, 404, 404, 403),
      row("CapacityService_GetEnrolment", "GET", group + "/enrolments/none",
          "",                                    404, 403, 404, 404, 403),
      row("CapacityService_GetWaitlistEntry", "GET", pool + "/waitlistEntries/none",
          "",                                    404, 403, 403, 403, 403),
      row("CapacityService_GetWaitlistEntry_2", "GET",
          group + "/waitlistEntries/none", "",          404, 403, 403, 403, 403),
      row("CapacityService_CancelBooking", "POST",
          pool + "/bookings/none:cancel", "{}",  404, 403, 403, 403, 403),
      row("CapacityService_ListBookings", "GET", pool + "/bookings", "",
                                                200, 403, 200, 200, 403),
      row("CapacityService_SearchAvailability", "GET",
          "/v1/availability?catalog=midden-limburg-2024&product=kdv"
          "&fromDate=2024-03-04&toDate=2024-03-10", "",
                                                200, 200, 200, 200, 403),
      row("CapacityService_GetOccupancy", "GET",
          loc + "/occupancy?fromDate=2024-03-04&toDate=2024-03-10", "",
                                                404, 403, 403, 403, 403),
      row("CapacityService_JoinWaitlist", "POST", pool + "/waitlistEntries", "{}",
                                                400, 403, 403, 403, 403),
      row("CapacityService_JoinWaitlist_2", "POST", group + "/waitlistEntries", "{}",
                                                400, 403, 403, 403, 403),
      row("CapacityService_ListWaitlist", "GET", pool + "/waitlistEntries", "",
                                                200, 403, 403, 403, 403),
      row("CapacityService_ListWaitlist_2", "GET",
          group + "/waitlistEntries", "",       200, 403, 403, 403, 403),
      row("CapacityService_LeaveWaitlist", "POST",
          pool + "/waitlistEntries/none:leave", "{}",
                                                404, 403, 403, 403, 403),
      row("CapacityService_LeaveWaitlist_2", "POST",
          group + "/waitlistEntries/none:leave", "{}",
                                                404, 403, 403, 403, 403),
      row("CapacityService_ListAuditEntries", "GET", loc + "/auditEntries",
          "",                                    200, 403, 403, 403, 200),

      row("CatalogService_ListCatalogs", "GET", "/v1/catalogs", "",
                                                200, 200, 200, 200, 200),
      row("CatalogService_GetCatalog", "GET",
          "/v1/catalogs/midden-limburg-2024", "",
                                                200, 200, 200, 200, 200),
      row("CatalogService_ListProducts", "GET",
          "/v1/catalogs/midden-limburg-2024/products", "",
                                                200, 200, 200, 200, 200),
      row("CatalogService_GetProduct", "GET",
          "/v1/catalogs/midden-limburg-2024/products/kdv", "",
                                                200, 200, 200, 200, 200),
      row("CatalogService_BatchGetProducts", "GET",
          "/v1/catalogs/midden-limburg-2024/products:batchGet?names=kdv", "",
                                                200, 200, 200, 200, 200),
      row("CatalogService_ResolveTariff", "GET",
          "/v1/catalogs/midden-limburg-2024/products/kdv:resolveTariff"
          "?date=2024-03-01&basis=1", "",                200, 200, 200, 200, 200),
      // Contracts are part of the published catalog (which provider holds
      // which lot): every caller reads them.
      row("CatalogService_ListContracts", "GET",
          "/v1/catalogs/midden-limburg-2024/contracts", "",
                                                200, 200, 200, 200, 200),
      row("CatalogService_GetContract", "GET",
          "/v1/catalogs/midden-limburg-2024/contracts/99990303", "",
                                                200, 200, 200, 200, 200),
      row("CatalogService_CheckContract", "GET",
          "/v1/catalogs/midden-limburg-2024:checkContract"
          "?providerAgb=99990303&product=kdv&date=2024-03-01", "",
                                                200, 200, 200, 200, 200),
      row("CatalogService_ImportCatalog", "POST", "/v1/catalogs:import",
          "{}",                                  403, 403, 403, 403, 400),
      row("CatalogService_ListAuditEntries", "GET",
          "/v1/catalogs/midden-limburg-2024/auditEntries", "",
                                                403, 403, 403, 403, 200),

      row("DeclarationService_SubmitDeclaration", "POST", p + "/declarations",
          "{}",                                  400, 403, 403, 403, 403),
      row("DeclarationService_ValidateDeclaration", "POST",
          p + "/declarations:validate", "{}",    400, 403, 403, 403, 403),
      row("DeclarationService_GetDeclaration", "GET", d, "",
                                                200, 403, 200, 403, 403),
      row("DeclarationService_ListDeclarationLines", "GET", d + "/lines", "",
                                                200, 403, 200, 403, 403),
      // A municipality lists the declarations addressed to it.
      row("DeclarationService_ListDeclarations", "GET", p + "/declarations",
          "",                                    200, 403, 200, 200, 403),
      row("DeclarationService_GetSettlement", "GET",
          p + "/settlements/2024-03", "",   200, 403, 200, 200, 403),
      row("DeclarationService_ListAuditEntries", "GET", d + "/auditEntries",
          "",                                    200, 403, 403, 403, 200),

      // iWmo messages come from providers (and municipalities' imports);
      // a body that is not XML is refused before anything else is read.
      row("IwmoService_SubmitMessage", "POST", "/v1/iwmo/messages", "{}",
                                                400, 400, 400, 400, 403),
      // A provider's outbox is its own; a municipality lists what it sent.
      row("IwmoService_ListOutboxMessages", "GET",
          std::string("/v1/providers/") + kA + "/iwmo/outbox", "",
                                                200, 403, 200, 200, 403),
      row("IwmoService_GetOutboxMessage", "GET",
          std::string("/v1/providers/") + kA + "/iwmo/outbox/U404", "",
                                                404, 403, 404, 404, 403),
    };
    // clang-format on
  }

  testing::TempDir dir_;
  std::unique_ptr<App> app_;
  std::array<std::string, kCallers> bearers_;
  std::string assignment_, declaration_, request_;
};

// The operationIds of the gateway's OpenAPI document: one per route.
std::set<std::string> OperationsOf(const json& openapi) {
  std::set<std::string> operations;
  for (const auto& [path, item] : openapi["paths"].items()) {
    for (const auto& [verb, operation] : item.items()) {
      operations.insert(operation["operationId"].get<std::string>());
    }
  }
  return operations;
}

TEST_F(AuthorizationMatrixTest, EveryRouteOverRest) {
  const std::vector<Row> rows = Rows();
  testing::HttpResponse document =
      testing::HttpGet(app_->http_port(), "/openapi.json");
  ASSERT_EQ(document.status, 200);
  std::set<std::string> in_table;
  for (const Row& r : rows) {
    EXPECT_TRUE(in_table.insert(r.operation).second) << r.operation;
  }
  EXPECT_EQ(in_table, OperationsOf(json::parse(document.body)))
      << "every route of the gateway has exactly one row";

  for (const Row& r : rows) {
    for (int c = 0; c < kCallers; ++c) {
      testing::HttpResponse got =
          Http(static_cast<Caller>(c), r.method, r.path, r.body);
      EXPECT_EQ(got.status, r.expect[c])
          << r.operation << " as " << kCallerNames[c] << ": " << r.method << " "
          << r.path << " → " << got.body;
      if (got.status == 401) {
        EXPECT_NE(got.head.find("WWW-Authenticate: Bearer"), std::string::npos)
            << r.operation;
      }
    }
  }
}

// What other care a client has, and when, is for the declaration service
// only: nobody else gets the qualifying cover, not even the assignment's
// own municipality or provider.
TEST_F(AuthorizationMatrixTest, QualifyingCoverIsForTheServicesOnly) {
  const std::string path =
      "/v1/municipalities/0988/assignments:batchGet?withQualifyingCover=true"
      "&names=" +
      assignment_;
  for (Caller c : {kProviderA, kMunicipalityX, kOperator}) {
    EXPECT_EQ(Http(c, "GET", path, "").status, 403) << kCallerNames[c];
  }
}

// The same table over gRPC, each row's request made by the gateway's own
// transcoding and sent to the service directly; the status is compared
// through the gateway's mapping of codes to HTTP statuses.
TEST_F(AuthorizationMatrixTest, EveryMethodOverGrpc) {
  const std::vector<std::string> services = {
      "wmo.catalog.v1.CatalogService", "wmo.assignment.v1.AssignmentService",
      "wmo.declaration.v1.DeclarationService",
      "wmo.capacity.v1.CapacityService", "wmo.iwmo.v1.IwmoService"};
  std::vector<gateway::Route> routes;
  std::set<std::string> methods;  // every method of the services
  for (const std::string& name : services) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      methods.insert(service->method(i)->full_name());
    }
    absl::StatusOr<std::vector<gateway::Route>> r = gateway::RoutesOf(*service);
    ASSERT_TRUE(r.ok()) << r.status();
    for (auto& route : *r) routes.push_back(std::move(route));
  }
  const gateway::Router router(std::move(routes));
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", app_->grpc_port()),
                          grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  google::protobuf::DynamicMessageFactory factory;
  std::set<std::string> covered;

  for (const Row& r : Rows()) {
    const std::vector<std::string> parts =
        absl::StrSplit(r.path, absl::MaxSplits('?', 1));
    gateway::RouteMatch match = router.Find(r.method, parts[0]);
    ASSERT_NE(match.route, nullptr) << r.operation;
    const auto& method = *match.route->method;
    covered.insert(method.full_name());
    auto query = gateway::ParseQueryString(parts.size() > 1 ? parts[1] : "");
    ASSERT_TRUE(query.ok()) << query.status();
    std::unique_ptr<google::protobuf::Message> request(
        factory.GetPrototype(method.input_type())->New());
    ASSERT_TRUE(gateway::BuildRequest(match.route->body, r.body,
                                      match.variables, *query, request.get())
                    .ok())
        << r.operation;
    const std::string wire = request->SerializeAsString();
    for (int c = 0; c < kCallers; ++c) {
      grpc::ClientContext context;
      if (c != kNoToken) context.AddMetadata("authorization", bearers_[c]);
      grpc::Slice slice(wire);
      grpc::ByteBuffer in(&slice, 1), out;
      std::promise<grpc::Status> done;
      stub.UnaryCall(
          &context,
          absl::StrCat("/", method.service()->full_name(), "/", method.name()),
          grpc::StubOptions(), &in, &out,
          [&done](const grpc::Status& s) { done.set_value(s); });
      const grpc::Status status = done.get_future().get();
      EXPECT_EQ(gateway::HttpStatusForGrpcCode(status.error_code()),
                r.expect[c])
          << r.operation << " as " << kCallerNames[c] << ": "
          << status.error_code() << " " << status.error_message();
    }
  }

  // The one method without a route: declarations by stream. Only their
  // provider may send them; the stream is checked at its first part.
  const std::string stream_method =
      "wmo.declaration.v1.DeclarationService.SubmitDeclarationStream";
  covered.insert(stream_method);
  auto declarations = declaration::v1::DeclarationService::NewStub(channel);
  const std::array<int, kCallers> stream_expect = {401, 400, 403, 403,
                                                   403, 403, 401, 401};
  for (int c = 0; c < kCallers; ++c) {
    grpc::ClientContext context;
    if (c != kNoToken) context.AddMetadata("authorization", bearers_[c]);
    auto stream = declarations->SubmitDeclarationStream(&context);
    declaration::v1::SubmitDeclarationStreamRequest first;
    first.set_parent(absl::StrCat("providers/", kA));
    stream->Write(first);
    stream->WritesDone();
    declaration::v1::SubmitDeclarationStreamResponse part;
    while (stream->Read(&part)) {
    }
    const grpc::Status status = stream->Finish();
    EXPECT_EQ(gateway::HttpStatusForGrpcCode(status.error_code()),
              stream_expect[c])
        << "SubmitDeclarationStream as " << kCallerNames[c] << ": "
        << status.error_message();
  }
  // Usage comes only from the declaration service, another role of this
  // system (its in-process mark or a service certificate): every token is
  // refused.
  const std::string usage_method =
      "wmo.assignment.v1.AssignmentService.RecordAssignmentUsage";
  covered.insert(usage_method);
  auto assignments = assignment::v1::AssignmentService::NewStub(channel);
  const std::array<int, kCallers> usage_expect = {401, 403, 403, 403,
                                                  403, 403, 401, 401};
  for (int c = 0; c < kCallers; ++c) {
    grpc::ClientContext context;
    if (c != kNoToken) context.AddMetadata("authorization", bearers_[c]);
    assignment::v1::RecordAssignmentUsageRequest request;
    request.add_usages()->set_assignment(assignment_);
    request.mutable_usages(0)->set_approved_lines(0);
    request.mutable_usages(0)->set_revision(1000);
    assignment::v1::RecordAssignmentUsageResponse response;
    const grpc::Status status =
        assignments->RecordAssignmentUsage(&context, request, &response);
    EXPECT_EQ(gateway::HttpStatusForGrpcCode(status.error_code()),
              usage_expect[c])
        << "RecordAssignmentUsage as " << kCallerNames[c] << ": "
        << status.error_message();
  }
  // A provider's changes go to the iWmo service, another role acting for
  // the provider: from outside, every token is refused, the provider's own
  // too.
  const std::string changes_method =
      "wmo.assignment.v1.AssignmentService.ListAssignmentChanges";
  covered.insert(changes_method);
  for (int c = 0; c < kCallers; ++c) {
    grpc::ClientContext context;
    if (c != kNoToken) context.AddMetadata("authorization", bearers_[c]);
    assignment::v1::ListAssignmentChangesRequest request;
    request.set_parent(absl::StrCat("providers/", kA));
    assignment::v1::ListAssignmentChangesResponse response;
    const grpc::Status status =
        assignments->ListAssignmentChanges(&context, request, &response);
    EXPECT_EQ(gateway::HttpStatusForGrpcCode(status.error_code()),
              usage_expect[c])
        << "ListAssignmentChanges as " << kCallerNames[c] << ": "
        << status.error_message();
  }
  EXPECT_EQ(covered, methods) << "every gRPC method has a row";
}

}  // namespace
}  // namespace wmo
