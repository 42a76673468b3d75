// The iWmo message layer against the whole app in-process (real catalog,
// assignment and declaration services, real stores), over REST as a
// provider's system would call it: a WMO323 gets the same verdicts as the
// same declaration in JSON, its WMO325 is what the official validation
// accepts, refusals keep nothing, and a message sent again gets the same
// answer.

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cmd/wmo-server/app_testing.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "libs/iwmo/oracle.h"
#include "libs/iwmo/retour.h"
#include "libs/iwmo/test_messages.h"
#include "libs/iwmo/wmo301.h"
#include "libs/iwmo/wmo323.h"
#include "libs/iwmo/xml_document.h"
#include "libs/testing/http.h"
#include "libs/testing/temp_dir.h"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"
#include "wmo/declaration/v1/declaration_service.grpc.pb.h"
#include "wmo/iwmo/v1/iwmo_service.grpc.pb.h"

namespace wmo::iwmo {
namespace {

using iwmo::testing::TestLine;
using iwmo::testing::TestWmo323;
using ::testing::HasSubstr;
using ::testing::Not;
using wmo::assignment::v1::Assignment;

namespace dv1 = ::wmo::declaration::v1;

constexpr char kMunicipality[] = "0988";  // Weert, midden-limburg-2024
constexpr char kProvider[] = "99990303";  // contracted for lot 5 (KDV)
constexpr int64_t kKdvTariff = 16400;     // cents per etmaal
constexpr char kBsn[] = "111222333";

class IwmoServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_START_APP_OR_SKIP(app_, GetParam(), dir_);
    assignment_ = CreateKdv(*app_);
  }

  // A KDV assignment for January to June 2027 (the apps' clock says
  // 2027-03-01), 20 etmalen in total.
  static Assignment CreateKdv(const App& app) {
    Assignment a;
    a.mutable_client()->set_bsn(kBsn);
    a.mutable_client()->set_birth_date("1950-03-01");
    a.set_provider_agb(kProvider);
    a.set_catalog("midden-limburg-2024");
    a.set_product("kdv");
    a.set_basis("1");
    a.mutable_extent()->set_volume(20);
    a.mutable_extent()->set_unit(wmo::type::v1::UNIT_DAY_NIGHT);
    a.mutable_extent()->set_frequency(wmo::type::v1::FREQUENCY_TOTAL);
    a.set_start_date("2027-01-01");
    a.set_end_date("2027-06-30");
    auto* result = a.add_results();
    result->set_life_domain("Wonen");
    result->set_activity_type(wmo::assignment::v1::ACTIVITY_TYPE_HELP);
    auto stub = wmo::assignment::v1::AssignmentService::NewStub(
        wmo::testing::ChannelTo(app));
    grpc::ClientContext context;
    wmo::assignment::v1::CreateAssignmentRequest request;
    request.set_parent(absl::StrCat("municipalities/", kMunicipality));
    *request.mutable_assignment() = a;
    Assignment created;
    grpc::Status s = stub->CreateAssignment(&context, request, &created);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return created;
  }

  // A KDV line of `volume` etmalen in February 2027.
  TestLine Line(const std::string& reference, int64_t volume,
                int64_t tariff = kKdvTariff) const {
    TestLine line;
    line.reference = reference;
    line.assignment_number = assignment_.number();
    line.product_category = assignment_.product_category();
    line.product_code = assignment_.product_code();
    line.start_date = "2027-02-01";
    line.end_date = "2027-02-28";
    line.volume = absl::StrCat(volume);
    line.unit = "14";
    line.tariff = absl::StrCat(tariff);
    line.amount = absl::StrCat(volume * tariff);
    return line;
  }

  // A WMO315 asking KDV for April to June 2027 for client 999993653.
  testing::TestRequest KdvRequest() const {
    testing::TestRequest m;
    m.sender = kProvider;
    m.receiver = kMunicipality;
    m.id = "V1";
    m.date = "2027-03-01";
    m.bsn = "999993653";
    testing::TestRequestedProduct& kdv = m.products[0];
    kdv.category = assignment_.product_category();
    kdv.code = assignment_.product_code();
    kdv.start = "2027-04-01";
    kdv.end = "2027-06-30";
    kdv.volume = "10";
    kdv.unit = "14";
    kdv.frequency = "6";
    return m;
  }

  // A declaration of February 2027 holding `lines`.
  static TestWmo323 Declaration(std::vector<TestLine> lines,
                                const std::string& id = "M1") {
    TestWmo323 m;
    m.sender = kProvider;
    m.receiver = kMunicipality;
    m.id = id;
    m.date = "2027-03-01";
    m.number = "F2027";
    m.period_start = "2027-02-01";
    m.period_end = "2027-02-28";
    m.signed_date = "2027-03-01";
    m.clients[0].bsn = kBsn;
    m.clients[0].lines = std::move(lines);
    return m;
  }

  static wmo::testing::HttpResponse Post(
      const App& app, const std::string& xml,
      const auth::Principal& as = wmo::testing::Provider(kProvider)) {
    return wmo::testing::HttpRequest(
        app.http_port(), "POST", "/v1/iwmo/messages", xml,
        {{"Authorization", wmo::testing::BearerFor(app, as)},
         {"Content-Type", "application/xml"}});
  }

  // The declaration as the provider's JSON client would submit it.
  static wmo::testing::HttpResponse PostJson(const App& app,
                                             const dv1::Declaration& d) {
    std::string json;
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(d, &json).ok());
    return wmo::testing::HttpRequest(
        app.http_port(), "POST",
        absl::StrCat("/v1/providers/", kProvider, "/declarations"), json,
        {{"Authorization",
          wmo::testing::BearerFor(app, wmo::testing::Provider(kProvider))}});
  }

  absl::StatusOr<dv1::Declaration> Stored(const std::string& number) {
    auto stub =
        dv1::DeclarationService::NewStub(wmo::testing::ChannelTo(*app_));
    grpc::ClientContext context;
    dv1::GetDeclarationRequest request;
    request.set_name(
        absl::StrCat("providers/", kProvider, "/declarations/", number));
    dv1::Declaration d;
    grpc::Status s = stub->GetDeclaration(&context, request, &d);
    if (!s.ok()) return absl::Status(absl::StatusCode(s.error_code()), "");
    return d;
  }

  wmo::testing::TempDir dir_;
  std::unique_ptr<App> app_;
  Assignment assignment_;
};

// One declaration with an approved line (January, declared late) and one
// over the assigned volume (TR321) at another tariff (TR418), as XML to
// one app and as JSON to another that holds the same assignment: the same
// verdict on every line, and the 325 lists exactly the rejected one with
// the codes of its rules.
TEST_P(IwmoServiceTest, GivesTheVerdictsOfTheSameDeclarationInJson) {
  TestLine january = Line("A1", 5);
  january.start_date = "2027-01-01";
  january.end_date = "2027-01-31";
  const TestWmo323 message =
      Declaration({january, Line("A2", 500, kKdvTariff + 1)});
  const wmo::testing::HttpResponse xml = Post(*app_, message.Render());
  ASSERT_EQ(xml.status, 200) << xml.body;
  EXPECT_THAT(xml.head, HasSubstr("application/xml"));

  wmo::testing::TempDir other_dir;
  std::unique_ptr<App> other;
  WMO_START_APP_OR_SKIP(other, GetParam(), other_dir);
  ASSERT_EQ(CreateKdv(*other).number(), assignment_.number());
  auto parsed = XmlDocument::Parse(message.Render());
  ASSERT_TRUE(parsed.ok());
  const wmo::testing::HttpResponse json =
      PostJson(*other, ToDeclaration(ReadWmo323(*parsed)));
  ASSERT_EQ(json.status, 200) << json.body;
  dv1::Declaration by_json;
  const auto parsed_json =
      google::protobuf::util::JsonStringToMessage(json.body, &by_json);
  ASSERT_TRUE(parsed_json.ok()) << parsed_json << json.body.substr(0, 500);

  absl::StatusOr<dv1::Declaration> by_xml = Stored("F2027");
  ASSERT_TRUE(by_xml.ok()) << by_xml.status() << xml.body;
  ASSERT_EQ(by_xml->lines_size(), 2);
  ASSERT_EQ(by_json.lines_size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(by_xml->lines(i).verdict().outcome(),
              by_json.lines(i).verdict().outcome())
        << i;
    std::vector<std::string> xml_rules, json_rules;
    for (const auto& v : by_xml->lines(i).verdict().violations()) {
      xml_rules.push_back(v.rule_id());
    }
    for (const auto& v : by_json.lines(i).verdict().violations()) {
      json_rules.push_back(v.rule_id());
    }
    EXPECT_EQ(xml_rules, json_rules) << i;
  }
  EXPECT_EQ(by_json.lines(0).verdict().outcome(), dv1::Verdict::APPROVED);
  EXPECT_EQ(by_json.lines(1).verdict().outcome(), dv1::Verdict::REJECTED);

  // The 325: the second line with its codes, 5 etmalen granted.
  EXPECT_THAT(xml.body, Not(HasSubstr("<iwmo:ReferentieNummer>A1<")));
  EXPECT_THAT(xml.body, HasSubstr("<iwmo:ReferentieNummer>A2<"));
  EXPECT_THAT(xml.body, HasSubstr("<RetourCode>9321</RetourCode>"));
  EXPECT_THAT(xml.body, HasSubstr("<RetourCode>0611</RetourCode>"));
  EXPECT_THAT(xml.body, HasSubstr(absl::StrCat(
                            "<TotaalToegekendBedrag><iwmo:TotaalBedrag>",
                            5 * kKdvTariff, "<")));
  if (!testing::ReferenceDir().empty()) {
    auto official = testing::JudgeOfficially("WMO325", {xml.body});
    EXPECT_TRUE(official[0].accepted()) << official[0].detail << xml.body;
  }
}

TEST_P(IwmoServiceTest, AnswersOverGrpcToo) {
  auto stub = v1::IwmoService::NewStub(
      wmo::testing::ChannelTo(*app_, wmo::testing::Provider(kProvider)));
  grpc::ClientContext context;
  v1::SubmitMessageRequest request;
  request.mutable_message()->set_content_type("application/xml");
  request.mutable_message()->set_data(Declaration({Line("A1", 5)}).Render());
  google::api::HttpBody retour;
  const grpc::Status status = stub->SubmitMessage(&context, request, &retour);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(retour.content_type(), "application/xml");
  EXPECT_THAT(retour.data(), HasSubstr("<RetourCode>8001</RetourCode>"));
}

TEST_P(IwmoServiceTest, AnswersAMessageSentAgainTheSameWay) {
  const std::string xml = Declaration({Line("A1", 5)}).Render();
  const wmo::testing::HttpResponse first = Post(*app_, xml);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_THAT(first.body, HasSubstr("<RetourCode>8001</RetourCode>"));
  const wmo::testing::HttpResponse again = Post(*app_, xml);
  EXPECT_EQ(again.body, first.body);

  // The same identification with other content: TR056.
  const wmo::testing::HttpResponse reused =
      Post(*app_, Declaration({Line("A9", 1)}).Render());
  ASSERT_EQ(reused.status, 200) << reused.body;
  EXPECT_THAT(reused.body, HasSubstr("<RetourCode>9056</RetourCode>"));
  EXPECT_THAT(reused.body, Not(HasSubstr("DeclaratieAntwoord")));
}

TEST_P(IwmoServiceTest, RefusesABrokenMessageWholeAndKeepsNothing) {
  TestWmo323 message = Declaration({Line("A1", 5)});
  message.clients[0].lines[0].unit = "99";
  const wmo::testing::HttpResponse retour = Post(*app_, message.Render());
  ASSERT_EQ(retour.status, 200) << retour.body;
  EXPECT_THAT(retour.body, HasSubstr("<RetourCode>0001</RetourCode>"));
  EXPECT_THAT(retour.body,
              HasSubstr("XSD at /Bericht/Declaratie/Clienten/Client/"
                        "Prestaties/Prestatie/Eenheid"));
  EXPECT_EQ(Stored("F2027").status().code(), absl::StatusCode::kNotFound);
  if (!testing::ReferenceDir().empty()) {
    auto official = testing::JudgeOfficially("WMO325", {retour.body});
    EXPECT_TRUE(official[0].accepted()) << official[0].detail << retour.body;
  }

  // A rule of the official validation: the product period is not in one
  // month (CS337).
  message = Declaration({Line("A1", 5)}, "M2");
  message.clients[0].lines[0].start_date = "2027-01-15";
  const wmo::testing::HttpResponse rule = Post(*app_, message.Render());
  EXPECT_THAT(rule.body, HasSubstr("CS337 at "));
  EXPECT_EQ(Stored("F2027").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(IwmoServiceTest, RefusesWhatNoRetourCanAnswer) {
  const wmo::testing::HttpResponse broken = Post(*app_, "<Bericht><Header>");
  EXPECT_EQ(broken.status, 400);
  EXPECT_THAT(broken.body, HasSubstr("IWMO_NOT_WELL_FORMED"));
  EXPECT_THAT(broken.body, HasSubstr("0001"));

  const wmo::testing::HttpResponse foreign =
      Post(*app_, "<Bericht xmlns=\"urn:other\"/>");
  EXPECT_EQ(foreign.status, 400);
  EXPECT_THAT(foreign.body, HasSubstr("IWMO_UNKNOWN_MESSAGE"));

  const wmo::testing::HttpResponse json = wmo::testing::HttpRequest(
      app_->http_port(), "POST", "/v1/iwmo/messages", "{}",
      {{"Authorization",
        wmo::testing::BearerFor(*app_, wmo::testing::Provider(kProvider))}});
  EXPECT_EQ(json.status, 400);
  EXPECT_THAT(json.body, HasSubstr("application/xml"));
}

TEST_P(IwmoServiceTest, ASenderSendsAsItself) {
  const std::string xml = Declaration({Line("A1", 5)}).Render();
  EXPECT_EQ(Post(*app_, xml, wmo::testing::Provider("12345678")).status, 403);
  EXPECT_EQ(Post(*app_, xml, wmo::testing::Municipality(kMunicipality)).status,
            403);
  TestWmo323 elsewhere = Declaration({Line("A1", 5)});
  elsewhere.receiver = "0363";  // Amsterdam: no catalog here serves it
  const wmo::testing::HttpResponse unserved = Post(*app_, elsewhere.Render());
  EXPECT_EQ(unserved.status, 403);
  EXPECT_THAT(unserved.body, HasSubstr("MUNICIPALITY_NOT_SERVED"));
  EXPECT_EQ(Stored("F2027").status().code(), absl::StatusCode::kNotFound);
}

// WMO305 and WMO307 move the assignment's delivery: started, stopped for
// a while, the stop withdrawn (StatusAanlevering 3), the start withdrawn;
// each answered by a WMO306 or WMO308 with a code per product, and a
// product of no assignment gets 9019.
TEST_P(IwmoServiceTest, StartsAndStopsDelivery) {
  auto delivery = [&] {
    auto stub = wmo::assignment::v1::AssignmentService::NewStub(
        wmo::testing::ChannelTo(*app_));
    grpc::ClientContext context;
    wmo::assignment::v1::GetAssignmentRequest request;
    request.set_name(assignment_.name());
    Assignment a;
    EXPECT_TRUE(stub->GetAssignment(&context, request, &a).ok());
    return a.delivery();
  };
  auto message = [&](bool stop, const std::string& id,
                     const std::string& status) {
    testing::TestDelivery m;
    m.stop = stop;
    m.sender = kProvider;
    m.receiver = kMunicipality;
    m.id = id;
    m.date = "2027-03-01";
    m.bsn = kBsn;
    m.products[0].assignment_number = assignment_.number();
    m.products[0].category = assignment_.product_category();
    m.products[0].code = assignment_.product_code();
    m.products[0].start_date = "2027-01-11";
    m.products[0].end_reason = "20";
    m.products[0].end_date = "2027-02-19";
    m.products[0].status = status;
    return m;
  };
  std::vector<std::pair<std::string, std::string>> retours;  // kind, xml

  testing::TestDelivery start = message(false, "S1", "1");
  start.products.push_back(start.products[0]);
  start.products[1].assignment_number = "999999";  // no such assignment
  wmo::testing::HttpResponse r = Post(*app_, start.Render());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(
      r.body,
      HasSubstr("<RetourCode>0200</RetourCode></RetourCodes></StartProduct>"));
  EXPECT_THAT(
      r.body,
      HasSubstr("<RetourCode>9019</RetourCode></RetourCodes></StartProduct>"));
  retours.emplace_back("WMO306", r.body);
  EXPECT_EQ(delivery().start_date(), "2027-01-11");

  r = Post(*app_, message(true, "T1", "1").Render());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(
      r.body,
      HasSubstr("<RetourCode>0200</RetourCode></RetourCodes></StopProduct>"));
  retours.emplace_back("WMO308", r.body);
  EXPECT_EQ(delivery().stop_date(), "2027-02-19");
  EXPECT_EQ(delivery().stop_reason(), "20");

  // Withdrawing the start now is too late: delivery stopped since.
  r = Post(*app_, message(false, "S2", "3").Render());
  EXPECT_THAT(r.body, HasSubstr("<RetourCode>9071</RetourCode>"));
  retours.emplace_back("WMO306", r.body);

  r = Post(*app_, message(true, "T2", "3").Render());
  EXPECT_THAT(
      r.body,
      HasSubstr("<RetourCode>0200</RetourCode></RetourCodes></StopProduct>"));
  EXPECT_EQ(delivery().stop_date(), "");
  EXPECT_EQ(delivery().start_date(), "2027-01-11");

  r = Post(*app_, message(false, "S3", "3").Render());
  EXPECT_THAT(
      r.body,
      HasSubstr("<RetourCode>0200</RetourCode></RetourCodes></StartProduct>"));
  EXPECT_EQ(delivery().start_date(), "");
  retours.emplace_back("WMO306", r.body);

  if (!testing::ReferenceDir().empty()) {
    for (const auto& [kind, xml] : retours) {
      auto official = testing::JudgeOfficially(kind, {xml});
      EXPECT_TRUE(official[0].accepted()) << official[0].detail << xml;
    }
  }
}

// A product names its assignment and its client: another client's
// assignment cannot be started; a stop names the start it ends; the same
// start sent again in a new message is recorded without change.
TEST_P(IwmoServiceTest, LinksDeliveryToTheAssignmentOfItsClient) {
  testing::TestDelivery start;
  start.sender = kProvider;
  start.receiver = kMunicipality;
  start.id = "S1";
  start.date = "2027-03-01";
  start.bsn = "999993653";  // not the assignment's client
  start.products[0].assignment_number = assignment_.number();
  start.products[0].start_date = "2027-01-11";
  wmo::testing::HttpResponse r = Post(*app_, start.Render());
  EXPECT_THAT(r.body, HasSubstr("<RetourCode>9019</RetourCode>"));

  start.bsn = kBsn;
  start.id = "S2";
  r = Post(*app_, start.Render());
  EXPECT_THAT(r.body, HasSubstr("<RetourCode>0200</RetourCode></RetourCodes>"
                                "</StartProduct>"));
  start.id = "S3";  // the same start again, in a new message
  r = Post(*app_, start.Render());
  EXPECT_THAT(r.body, HasSubstr("<RetourCode>0200</RetourCode></RetourCodes>"
                                "</StartProduct>"));

  testing::TestDelivery stop = start;
  stop.stop = true;
  stop.id = "T1";
  stop.products[0].start_date = "2027-01-12";  // not the start recorded
  stop.products[0].end_date = "2027-02-19";
  stop.products[0].end_reason = "20";
  r = Post(*app_, stop.Render());
  EXPECT_THAT(r.body, HasSubstr("<RetourCode>9069</RetourCode>"));
}

// The same identification may serve a 305 and a 323: it is unique per kind
// of message (TR056).
TEST_P(IwmoServiceTest, AnIdentificationIsUniquePerKindOfMessage) {
  ASSERT_EQ(Post(*app_, Declaration({Line("A1", 5)}, "M1").Render()).status,
            200);
  testing::TestDelivery start;
  start.sender = kProvider;
  start.receiver = kMunicipality;
  start.id = "M1";
  start.date = "2027-03-01";
  start.bsn = kBsn;
  start.products[0].assignment_number = assignment_.number();
  start.products[0].start_date = "2027-01-11";
  const wmo::testing::HttpResponse r = Post(*app_, start.Render());
  EXPECT_THAT(r.body, Not(HasSubstr("9056")));
  EXPECT_THAT(
      r.body,
      HasSubstr("<RetourCode>0200</RetourCode></RetourCodes></StartProduct>"));
}

// A WMO315 becomes one request per product, the message's products a
// batch: the municipality sees them in its queue, with the client's name;
// a product the catalog does not know gets S329; another request for the
// client while these are open gets 9374 (TR374); the same message again
// gets the same WMO316.
TEST_P(IwmoServiceTest, RequestsAssignmentsPerProduct) {
  testing::TestRequest m = KdvRequest();
  m.products.push_back(m.products[0]);
  m.products[1].reference = "REF-2";
  m.products[1].code = "99X99";  // in no catalog
  wmo::testing::HttpResponse r = Post(*app_, m.Render());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("<ReferentieAanbieder>REF-1</"
                                "ReferentieAanbieder>"));
  EXPECT_THAT(r.body, HasSubstr("<RetourCode>0200</RetourCode></RetourCodes>"
                                "</AangevraagdProduct>"));
  EXPECT_THAT(r.body, HasSubstr("<RetourCode>S329</RetourCode></RetourCodes>"
                                "</AangevraagdProduct>"));
  if (!testing::ReferenceDir().empty()) {
    auto official = testing::JudgeOfficially("WMO316", {r.body});
    EXPECT_TRUE(official[0].accepted()) << official[0].detail << r.body;
  }
  EXPECT_EQ(Post(*app_, m.Render()).body, r.body);

  auto stub = wmo::assignment::v1::AssignmentService::NewStub(
      wmo::testing::ChannelTo(*app_));
  grpc::ClientContext context;
  wmo::testing::ActAs(context, *app_,
                      wmo::testing::Municipality(kMunicipality));
  wmo::assignment::v1::ListAssignmentRequestsRequest list;
  list.set_parent(absl::StrCat("municipalities/", kMunicipality));
  wmo::assignment::v1::ListAssignmentRequestsResponse listed;
  grpc::Status s = stub->ListAssignmentRequests(&context, list, &listed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(listed.assignment_requests_size(), 1);
  const wmo::assignment::v1::AssignmentRequest& asked =
      listed.assignment_requests(0);
  EXPECT_EQ(asked.provider_reference(), "REF-1");
  EXPECT_FALSE(asked.batch().empty());
  EXPECT_EQ(asked.requested().product(), "kdv");
  EXPECT_EQ(asked.requested().client().name().surname(), "Jansen");
  EXPECT_EQ(asked.requested().extent().volume(), 10);

  m.id = "V2";
  m.products.resize(1);
  m.products[0].reference = "REF-3";
  r = Post(*app_, m.Render());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("<RetourCode>9374</RetourCode>"));
}

// The round trip of a request: the provider's 315, the municipality's
// notice that it investigates (a 319 in the provider's outbox), its grant
// (a 301 with all the client's assignments at the provider, naming the
// provider's reference), and the provider's retours (320, 302) recorded
// against them. A client whose assignments lack a name and an address gets
// no 301: the municipality sees why.
TEST_P(IwmoServiceTest, AnswersARequestThroughTheOutbox) {
  const testing::TestRequest m = KdvRequest();
  ASSERT_EQ(Post(*app_, m.Render()).status, 200);

  auto stub = wmo::assignment::v1::AssignmentService::NewStub(
      wmo::testing::ChannelTo(*app_));
  auto as_municipality = [&](grpc::ClientContext& context) {
    wmo::testing::ActAs(context, *app_,
                        wmo::testing::Municipality(kMunicipality));
  };
  wmo::assignment::v1::ListAssignmentRequestsResponse listed;
  {
    grpc::ClientContext context;
    as_municipality(context);
    wmo::assignment::v1::ListAssignmentRequestsRequest list;
    list.set_parent(absl::StrCat("municipalities/", kMunicipality));
    ASSERT_TRUE(stub->ListAssignmentRequests(&context, list, &listed).ok());
    ASSERT_EQ(listed.assignment_requests_size(), 1);
  }
  const std::string request = listed.assignment_requests(0).name();
  auto answer =
      [&](const std::function<void(
              wmo::assignment::v1::AnswerAssignmentRequestRequest&)>& how) {
        grpc::ClientContext context;
        as_municipality(context);
        wmo::assignment::v1::AnswerAssignmentRequestRequest a;
        a.set_name(request);
        how(a);
        wmo::assignment::v1::AssignmentRequest out;
        grpc::Status s = stub->AnswerAssignmentRequest(&context, a, &out);
        EXPECT_TRUE(s.ok()) << s.error_message();
      };
  auto outbox = [&](const auth::Principal& as, const std::string& path) {
    wmo::testing::HttpResponse r = wmo::testing::HttpRequest(
        app_->http_port(), "GET", path, "",
        {{"Authorization", wmo::testing::BearerFor(*app_, as)}});
    EXPECT_EQ(r.status, 200) << r.body;
    v1::ListOutboxMessagesResponse out;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &out).ok())
        << r.body;
    return out;
  };
  const std::string mine =
      absl::StrCat("/v1/providers/", kProvider, "/iwmo/outbox");
  const auth::Principal provider = wmo::testing::Provider(kProvider);

  answer([](auto& a) { a.set_investigate(true); });
  v1::ListOutboxMessagesResponse box = outbox(provider, mine);
  // The KDV assignment of the fixture names no client: its 301 waits.
  ASSERT_EQ(box.outbox_messages_size(), 1) << box.DebugString();
  const v1::OutboxMessage notice = box.outbox_messages(0);
  EXPECT_EQ(notice.message(), "WMO319");
  EXPECT_EQ(notice.state(), v1::OutboxMessage::PENDING);
  EXPECT_EQ(notice.sequence(), 2);

  answer([&](auto& a) {
    a.set_grant(true);
    // What the municipality grants: the KDV of the fixture, from April, and
    // the client's address.
    Assignment& granted = *a.mutable_assignment();
    granted = assignment_;
    granted.clear_name();
    granted.clear_number();
    granted.clear_client();
    granted.set_start_date("2027-04-01");
    granted.mutable_extent()->set_volume(10);
    auto* contact = granted.mutable_client()->mutable_contact();
    contact->set_postcode("6001AB");
    contact->set_house_number(7);
  });
  box = outbox(provider, absl::StrCat(mine, "?state=PENDING"));
  ASSERT_EQ(box.outbox_messages_size(), 2) << box.DebugString();
  const v1::OutboxMessage told = box.outbox_messages(1);
  EXPECT_EQ(told.message(), "WMO301");
  EXPECT_EQ(told.sequence(), 3);

  auto get = [&](const std::string& name) {
    return wmo::testing::HttpRequest(
        app_->http_port(), "GET", absl::StrCat("/v1/", name), "",
        {{"Authorization", wmo::testing::BearerFor(*app_, provider)}});
  };
  const wmo::testing::HttpResponse xml301 = get(told.name());
  ASSERT_EQ(xml301.status, 200) << xml301.body;
  EXPECT_THAT(xml301.body, HasSubstr("<ReferentieAanbieder>REF-1<"));
  EXPECT_THAT(xml301.body, HasSubstr("<iwmo:Achternaam>Jansen<"));
  const wmo::testing::HttpResponse xml319 = get(notice.name());
  ASSERT_EQ(xml319.status, 200) << xml319.body;
  EXPECT_THAT(xml319.body, HasSubstr("<VerzoekAntwoord>2<"));
  if (!testing::ReferenceDir().empty()) {
    EXPECT_TRUE(testing::JudgeOfficially("WMO301", {xml301.body})[0].accepted())
        << xml301.body;
    EXPECT_TRUE(testing::JudgeOfficially("WMO319", {xml319.body})[0].accepted())
        << xml319.body;
  }

  // The provider's retours: the 319 taken, the 301 refused.
  const std::string id319 = notice.name().substr(notice.name().rfind('/') + 1);
  const std::string id301 = told.name().substr(told.name().rfind('/') + 1);
  auto retour = [&](const std::string& kind, const std::string& sent,
                    const CodesByLocation& codes) {
    auto doc = XmlDocument::Parse(sent);
    EXPECT_TRUE(doc.ok());
    auto header = ReadHeader(*doc);
    EXPECT_TRUE(header.ok());
    const Answered answered{kind, header->sender, header->receiver, header->id,
                            header->date};
    return WriteTechnicalRetour(*doc, answered, codes, "P1", "2027-03-01");
  };
  wmo::testing::HttpResponse r = Post(*app_, retour("WMO319", xml319.body, {}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("\"ACCEPTED\""));
  const std::string refusal = retour(
      "WMO301", xml301.body,
      {{"/Bericht/Client/ToegewezenProducten/ToegewezenProduct", {"9332"}}});
  r = Post(*app_, refusal);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("\"REJECTED\""));
  EXPECT_EQ(Post(*app_, refusal).body, r.body);  // the same again
  // Another provider cannot acknowledge it.
  EXPECT_EQ(Post(*app_, refusal, wmo::testing::Provider("99990302")).status,
            403);

  // The municipality sees what became of its messages, and why the first
  // 301 was not sent.
  box = outbox(wmo::testing::Municipality(kMunicipality),
               "/v1/providers/-/iwmo/outbox");
  ASSERT_EQ(box.outbox_messages_size(), 3) << box.DebugString();
  EXPECT_EQ(box.outbox_messages(0).state(), v1::OutboxMessage::INCOMPLETE);
  EXPECT_THAT(box.outbox_messages(0).incomplete_reason(), HasSubstr("name"));
  EXPECT_EQ(box.outbox_messages(1).state(), v1::OutboxMessage::ACCEPTED);
  EXPECT_EQ(box.outbox_messages(2).state(), v1::OutboxMessage::REJECTED);
  EXPECT_THAT(box.outbox_messages(2).return_codes(),
              ::testing::ElementsAre("9332"));
  // The provider does not see the one not sent, nor another's outbox.
  EXPECT_EQ(outbox(provider, mine).outbox_messages_size(), 2);
  EXPECT_EQ(
      wmo::testing::HttpRequest(
          app_->http_port(), "GET", mine, "",
          {{"Authorization", wmo::testing::BearerFor(
                                 *app_, wmo::testing::Provider("99990302"))}})
          .status,
      403);
}

// A WMO317 is one change request: refused per product where it does not
// fit the client's assignments (9357 for a change from a past day), taken
// whole otherwise (its WMO318 all 0200); the municipality's rejection
// reaches the provider as a WMO319.
TEST_P(IwmoServiceTest, TakesARequestForAChangeAndAnswersIt) {
  testing::TestChangeRequest m;
  m.sender = kProvider;
  m.receiver = kMunicipality;
  m.id = "W1";
  m.date = "2027-03-01";
  m.bsn = kBsn;
  m.unchanged.clear();
  testing::TestWantedProduct& more = m.altered[0];
  more.assignment_number = assignment_.number();
  more.category.reset();
  more.code.reset();
  more.start = "2027-02-01";  // past, and not the assignment's start
  more.end = "2027-06-30";
  more.volume = "25";
  more.unit = "14";
  more.frequency = "6";
  std::vector<std::string> retours;
  wmo::testing::HttpResponse r = Post(*app_, m.Render());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("<RetourCode>9357</RetourCode></RetourCodes>"
                                "</TeWijzigenProduct>"));
  retours.push_back(r.body);

  m.id = "W2";
  more.start = "2027-04-01";
  r = Post(*app_, m.Render());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, Not(HasSubstr("<RetourCode>9")));
  retours.push_back(r.body);
  m.id = "W3";  // another while it is open
  m.reference = "CHG-2";
  r = Post(*app_, m.Render());
  EXPECT_THAT(r.body, HasSubstr("<RetourCode>9374</RetourCode></RetourCodes>"
                                "</Verzoek>"));
  if (!testing::ReferenceDir().empty()) {
    for (const std::string& xml : retours) {
      EXPECT_TRUE(testing::JudgeOfficially("WMO318", {xml})[0].accepted())
          << xml;
    }
  }

  auto stub = wmo::assignment::v1::AssignmentService::NewStub(
      wmo::testing::ChannelTo(*app_));
  wmo::assignment::v1::ListAssignmentRequestsResponse listed;
  {
    grpc::ClientContext context;
    wmo::testing::ActAs(context, *app_,
                        wmo::testing::Municipality(kMunicipality));
    wmo::assignment::v1::ListAssignmentRequestsRequest list;
    list.set_parent(absl::StrCat("municipalities/", kMunicipality));
    ASSERT_TRUE(stub->ListAssignmentRequests(&context, list, &listed).ok());
  }
  ASSERT_EQ(listed.assignment_requests_size(), 1);
  const auto& asked = listed.assignment_requests(0);
  ASSERT_EQ(asked.change().alterations_size(), 1);
  EXPECT_EQ(asked.change().alterations(0).assignment(), assignment_.name());
  EXPECT_EQ(asked.change().alterations(0).extent().volume(), 25);
  {
    grpc::ClientContext context;
    wmo::testing::ActAs(context, *app_,
                        wmo::testing::Municipality(kMunicipality));
    wmo::assignment::v1::AnswerAssignmentRequestRequest answer;
    answer.set_name(asked.name());
    answer.set_rejection_reason("3");
    wmo::assignment::v1::AssignmentRequest out;
    grpc::Status s = stub->AnswerAssignmentRequest(&context, answer, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  const wmo::testing::HttpResponse listing = wmo::testing::HttpRequest(
      app_->http_port(), "GET",
      absl::StrCat("/v1/providers/", kProvider, "/iwmo/outbox"), "",
      {{"Authorization",
        wmo::testing::BearerFor(*app_, wmo::testing::Provider(kProvider))}});
  ASSERT_EQ(listing.status, 200) << listing.body;
  v1::ListOutboxMessagesResponse box;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(listing.body, &box).ok());
  ASSERT_EQ(box.outbox_messages_size(), 1) << listing.body;
  const wmo::testing::HttpResponse answer = wmo::testing::HttpRequest(
      app_->http_port(), "GET",
      absl::StrCat("/v1/", box.outbox_messages(0).name()), "",
      {{"Authorization",
        wmo::testing::BearerFor(*app_, wmo::testing::Provider(kProvider))}});
  EXPECT_THAT(answer.body, HasSubstr("<ReferentieAanbieder>CHG-1<"));
  EXPECT_THAT(answer.body, HasSubstr("<RedenAfwijzingVerzoek>3<"));
  if (!testing::ReferenceDir().empty()) {
    EXPECT_TRUE(testing::JudgeOfficially("WMO319", {answer.body})[0].accepted())
        << answer.body;
  }
}

// A municipality moving from another system imports the WMO301s it sent:
// each current assignment is created with its number through the checks
// of any create, and the WMO302 says per assignment how it went: 0200,
// S329 for a product its catalog lacks, 9332 for a number in use. The same
// message again gets the same answer; a provider cannot import.
TEST_P(IwmoServiceTest, ImportsAMunicipalitysAssignments) {
  constexpr char kDoetinchem[] = "0222";  // toekomst-sociaal-domein-2023
  constexpr char kCompleet[] = "99990301";
  wmo::assignment::v1::Client client;
  client.set_bsn("999993653");
  client.set_birth_date("1950-03-01");
  client.set_gender("1");
  client.mutable_name()->set_surname("Bakker");
  client.mutable_contact()->set_postcode("7001AB");
  client.mutable_contact()->set_house_number(3);
  auto hours = [](const std::string& number, const std::string& code) {
    Assignment a;
    a.set_number(number);
    a.set_product_category("02");
    a.set_product_code(code);
    a.set_start_date("2027-01-01");
    a.set_end_date("2027-03-31");
    a.mutable_extent()->set_volume(4);
    a.mutable_extent()->set_unit(wmo::type::v1::UNIT_HOUR);
    a.mutable_extent()->set_frequency(wmo::type::v1::FREQUENCY_PER_WEEK);
    a.set_state(Assignment::ACTIVE);
    a.set_revision(1);
    a.mutable_update_time()->set_seconds(1798761600);  // 2027-01-01
    return a;
  };
  const std::string xml =
      WriteWmo301({kDoetinchem, kCompleet, "MIG1", "2027-03-01"}, client,
                  {hours("70001", "02A01"), hours("70002", "99X99")});
  const auth::Principal doetinchem = wmo::testing::Municipality(kDoetinchem);
  wmo::testing::HttpResponse r = Post(*app_, xml, doetinchem);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("<ToewijzingNummer>70001</ToewijzingNummer>"));
  EXPECT_THAT(r.body, HasSubstr("<RetourCode>0200</RetourCode></RetourCodes>"
                                "</ToegewezenProduct>"));
  EXPECT_THAT(r.body, HasSubstr("<RetourCode>S329</RetourCode></RetourCodes>"
                                "</ToegewezenProduct>"));
  if (!testing::ReferenceDir().empty()) {
    EXPECT_TRUE(testing::JudgeOfficially("WMO302", {r.body})[0].accepted())
        << r.body;
  }
  EXPECT_EQ(Post(*app_, xml, doetinchem).body, r.body);

  auto stub = wmo::assignment::v1::AssignmentService::NewStub(
      wmo::testing::ChannelTo(*app_));
  grpc::ClientContext context;
  wmo::testing::ActAs(context, *app_, doetinchem);
  wmo::assignment::v1::GetAssignmentRequest get;
  get.set_name(
      absl::StrCat("municipalities/", kDoetinchem, "/assignments/70001"));
  Assignment imported;
  grpc::Status s = stub->GetAssignment(&context, get, &imported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(imported.product(), "begeleiding-acuut");
  EXPECT_EQ(imported.provider_agb(), kCompleet);
  EXPECT_EQ(imported.client().name().surname(), "Bakker");
  EXPECT_EQ(imported.client().contact().postcode(), "7001AB");

  // The same number in another message, for another client: in use.
  client.set_bsn(kBsn);
  const std::string again =
      WriteWmo301({kDoetinchem, kCompleet, "MIG2", "2027-03-01"}, client,
                  {hours("70001", "02A01")});
  r = Post(*app_, again, doetinchem);
  EXPECT_THAT(r.body, HasSubstr("<RetourCode>9332</RetourCode>"));
  // Only the municipality that sent it imports it.
  EXPECT_EQ(Post(*app_, again, wmo::testing::Municipality("0197")).status, 403);
  EXPECT_EQ(Post(*app_, again, wmo::testing::Provider(kCompleet)).status, 403);
}

INSTANTIATE_TEST_SUITE_P(Stores, IwmoServiceTest,
                         ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace wmo::iwmo
