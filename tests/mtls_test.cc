// Mutual TLS on the gRPC port, with certificates made by openssl for the
// test: the split roles call each other over it, a municipal system
// authenticates with its certificate alone, and a caller without a
// certificate of the deployment's CA is refused.
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "cmd/wmo-server/app.h"
#include "cmd/wmo-server/app_testing.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/testing/catalogs.h"
#include "libs/testing/http.h"
#include "libs/testing/temp_dir.h"
#include "nlohmann/json.hpp"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"
#include "wmo/declaration/v1/declaration_service.grpc.pb.h"

namespace wmo {
namespace {

using nlohmann::json;

class MtlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Run(absl::StrCat("cd ", dir_.path().string(), " && ", kMakeCerts));
    ASSERT_FALSE(HasFatalFailure());
  }

  // A CA for the deployment and one outside it; certificates signed by
  // them: the two roles (OU=service), a municipal system (municipality
  // 0988), and a stranger with the same subject signed by the other CA.
  static constexpr char kMakeCerts[] = R"(set -e
    ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > san.ext
    for ca in ca other-ca; do
      openssl req -x509 $ec -keyout $ca.key -out $ca.pem -days 2 \
        -subj "/CN=$ca" 2>/dev/null
    done
    leaf() {  # name, CA, subject
      openssl req $ec -keyout $1.key -out $1.csr -subj "$3" 2>/dev/null
      openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key -CAcreateserial \
        -days 2 -extfile san.ext -out $1.pem 2>/dev/null
    }
    leaf assignment ca "/OU=service/CN=assignment"
    leaf declaration ca "/OU=service/CN=declaration"
    leaf weert ca "/O=0988/OU=municipality/CN=case-system"
    leaf portal ca "/O=99990303/OU=provider/CN=portal-system"
    leaf stranger other-ca "/O=0988/OU=municipality/CN=case-system"
  )";

  static void Run(const std::string& command) {
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }

  std::string Pem(const std::string& name) const {
    std::ifstream in(dir_.File(name + ".pem"));
    return {std::istreambuf_iterator<char>(in), {}};
  }
  std::string Key(const std::string& name) const {
    std::ifstream in(dir_.File(name + ".key"));
    return {std::istreambuf_iterator<char>(in), {}};
  }

  // A role on free ports (gRPC on `grpc_port` when not 0), on SQLite, with
  // its certificate and the deployment's CA, finding the other role at
  // `elsewhere`.
  std::unique_ptr<App> StartRole(const std::string& name,
                                 std::set<std::string> services,
                                 const std::string& elsewhere,
                                 int grpc_port = 0) {
    server::ServerOptions options;
    options.grpc_port = grpc_port;
    options.http_port = options.metrics_port = 0;
    // One data directory: one development signing key for both roles (as
    // one JWKS in production); each service keeps its own database file.
    options.data_dir = dir_.File("var");
    options.catalog_dir = testing::SourceDir() + "/catalogs";
    options.auth = server::ServerOptions::Auth::kDev;
    options.services = std::move(services);
    options.catalog_address = options.assignment_address =
        options.declaration_address = elsewhere;
    options.tls_cert = dir_.File(name + ".pem");
    options.tls_key = dir_.File(name + ".key");
    options.tls_client_ca = dir_.File("ca.pem");
    auto app = std::make_unique<App>(options);
    absl::Status s = app->Start();
    EXPECT_TRUE(s.ok()) << s;
    return s.ok() ? std::move(app) : nullptr;
  }

  // A channel to `port` presenting certificate `name` (none when empty),
  // trusting `ca`.
  std::shared_ptr<grpc::Channel> ChannelAs(int port, const std::string& name,
                                           const std::string& ca = "ca") {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = Pem(ca);
    if (!name.empty()) {
      ssl.pem_cert_chain = Pem(name);
      ssl.pem_private_key = Key(name);
    }
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                               grpc::SslCredentials(ssl));
  }

  testing::TempDir dir_;
};

TEST_F(MtlsTest, SplitRolesCallEachOtherAndCertificatesNameCallers) {
  // The assignment role (with the catalog) and the declaration role apart,
  // calling each other over mutual TLS (on ports known before either
  // starts: each needs the other's address).
  const int declaration_port = testing::FreePort();
  std::unique_ptr<App> assignments =
      StartRole("assignment", {"catalog", "assignment"},
                absl::StrCat("127.0.0.1:", declaration_port));
  ASSERT_NE(assignments, nullptr);
  std::unique_ptr<App> declarations = StartRole(
      "declaration", {"declaration"},
      absl::StrCat("127.0.0.1:", assignments->grpc_port()), declaration_port);
  ASSERT_NE(declarations, nullptr);

  // The municipal system creates an assignment with its certificate alone:
  // no token, the certificate's subject is the principal.
  auto stub = assignment::v1::AssignmentService::NewStub(
      ChannelAs(assignments->grpc_port(), "weert"));
  assignment::v1::CreateAssignmentRequest create;
  create.set_parent("municipalities/0988");
  *create.mutable_assignment() = testing::WeertKdv();
  assignment::v1::Assignment created;
  {
    grpc::ClientContext context;
    grpc::Status s = stub->CreateAssignment(&context, create, &created);
    ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
  }
  {
    grpc::ClientContext context;
    type::v1::ListAuditEntriesRequest request;
    request.set_parent(created.name());
    type::v1::ListAuditEntriesResponse trail;
    ASSERT_TRUE(stub->ListAuditEntries(&context, request, &trail).ok());
    ASSERT_GE(trail.entries_size(), 1);
    EXPECT_EQ(trail.entries(0).actor(),
              "municipality 0988 (subject case-system)");
  }

  // Only another role may name whom it acts for: not the municipal system.
  {
    grpc::ClientContext context;
    context.AddMetadata("x-wmo-on-behalf-of", "operator::ops");
    type::v1::ListAuditEntriesRequest request;
    request.set_parent("municipalities/-/assignments/-");
    type::v1::ListAuditEntriesResponse trail;
    const grpc::Status s = stub->ListAuditEntries(&context, request, &trail);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << s.error_message();
    EXPECT_EQ(trail.entries_size(), 0);
  }

  // The provider validates a declaration at the declaration role's
  // gateway; the role looks the assignment up over mutual TLS, on behalf
  // of the provider.
  const std::string line = absl::StrCat(
      R"({"number": "D1", "municipality": "0988", "period": "2024-03",
      "lines": [{"reference": "R1", "assignmentNumber": ")",
      created.number(), R"(", "clientBsn": "111222333",
      "productCategory": "04", "productCode": "04KDV",
      "startDate": "2024-03-01", "endDate": "2024-03-31", "volume": 2,
      "unit": "UNIT_DAY_NIGHT", "tariffCents": 16400, "amountCents": 32800,
      "direction": "DEBIT"}]})");
  testing::HttpResponse validated = testing::HttpRequest(
      declarations->http_port(), "POST",
      "/v1/providers/99990303/declarations:validate", line,
      {{"Authorization",
        testing::BearerFor(*declarations, testing::Provider("99990303"))},
       {"Content-Type", "application/json"}});
  ASSERT_EQ(validated.status, 200) << validated.body;
  json verdict = json::parse(validated.body)["lines"][0]["verdict"];
  EXPECT_EQ(verdict["outcome"], "APPROVED") << validated.body;

  // The same by a provider's system with its certificate alone: the
  // declaration role has no token to pass on, so it names the provider to
  // the assignment role, which believes it from a service certificate.
  {
    auto portal = declaration::v1::DeclarationService::NewStub(
        ChannelAs(declarations->grpc_port(), "portal"));
    declaration::v1::ValidateDeclarationRequest request;
    request.set_parent("providers/99990303");
    declaration::v1::Declaration& d = *request.mutable_declaration();
    d.set_number("D2");
    d.set_municipality("0988");
    d.set_period("2024-03");
    declaration::v1::Line& l = *d.add_lines();
    l.set_reference("R1");
    l.set_assignment_number(created.number());
    l.set_client_bsn("111222333");
    l.set_product_category("04");
    l.set_product_code("04KDV");
    l.set_start_date("2024-03-01");
    l.set_end_date("2024-03-31");
    l.set_volume(2);
    l.set_unit(type::v1::UNIT_DAY_NIGHT);
    l.set_tariff_cents(16400);
    l.set_amount_cents(32800);
    l.set_direction(declaration::v1::Line::DEBIT);
    grpc::ClientContext context;
    declaration::v1::Declaration checked;
    const grpc::Status s =
        portal->ValidateDeclaration(&context, request, &checked);
    ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
    ASSERT_EQ(checked.lines_size(), 1);
    EXPECT_EQ(checked.lines(0).verdict().outcome(),
              declaration::v1::Verdict::APPROVED)
        << checked.lines(0).verdict().DebugString();
  }

  // Without a certificate of the deployment's CA there is no connection:
  // none at all, or the same subject signed by another CA.
  for (const std::string& name : {std::string(), std::string("stranger")}) {
    auto refused = assignment::v1::AssignmentService::NewStub(
        ChannelAs(assignments->grpc_port(), name));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    assignment::v1::GetAssignmentRequest get;
    get.set_name(created.name());
    assignment::v1::Assignment out;
    const grpc::Status s = refused->GetAssignment(&context, get, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE)
        << (name.empty() ? "no certificate" : name) << ": "
        << s.error_message();
    EXPECT_TRUE(out.name().empty());
  }
}

TEST_F(MtlsTest, FlagsThatDoNotGoTogetherStopTheStart) {
  server::ServerOptions options;
  options.grpc_port = options.http_port = options.metrics_port = 0;
  options.data_dir = dir_.File("var");
  options.catalog_dir = testing::SourceDir() + "/catalogs";
  options.auth = server::ServerOptions::Auth::kDev;
  options.tls_client_ca = dir_.File("ca.pem");
  App without_cert(options);
  absl::Status s = without_cert.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("--tls_cert"), std::string::npos) << s;

  options.tls_cert = dir_.File("assignment.pem");
  options.tls_key = dir_.File("missing.key");
  App missing_key(options);
  s = missing_key.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("--tls_key="), std::string::npos) << s;
}

}  // namespace
}  // namespace wmo
