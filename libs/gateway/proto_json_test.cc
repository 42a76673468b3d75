#include "libs/gateway/proto_json.h"

#include <iterator>
#include <memory>
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/empty.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testdata/gateway_test.pb.h"
#include "wmo/assignment/v1/assignment_service.pb.h"
#include "wmo/capacity/v1/capacity_service.pb.h"
#include "wmo/catalog/v1/catalog_service.pb.h"
#include "wmo/declaration/v1/declaration_service.pb.h"

namespace wmo::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Strings that need each kind of escape, and some that need none.
const char* const kStrings[] = {"",
                                "kdv",
                                "Zoë & Daniël",
                                "say \"hi\"",
                                "a\\b",
                                "tab\there",
                                "line\nbreak\r",
                                "\x01\x1f\x7f",
                                "<script>",
                                "\xe2\x80\xa8\xe2\x80\xa9",
                                "€ 12,50"};

// Sets every field of `message` to pseudo-random values; lists get 0 to 3
// elements and nesting stops at depth 4.
void Fill(Message* message, std::mt19937& random, int depth) {
  const Descriptor& type = *message->GetDescriptor();
  const auto* r = message->GetReflection();
  auto pick = [&random](int n) {
    return std::uniform_int_distribution<int>(0, n - 1)(random);
  };
  if (&type == google::protobuf::Timestamp::descriptor()) {
    // A valid time (years 1970-9999), with 0, 3, 6 or 9 fractional digits.
    auto* time = static_cast<google::protobuf::Timestamp*>(message);
    time->set_seconds(
        std::uniform_int_distribution<int64_t>(0, 253402300799)(random));
    constexpr int kNanos[] = {0, 5000000, 123000, 987654321};
    time->set_nanos(kNanos[pick(4)]);
    return;
  }
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    if (pick(4) == 0) continue;  // Some fields stay unset.
    const int count = field->is_repeated() ? pick(4) : 1;
    for (int k = 0; k < count; ++k) {
      const bool rep = field->is_repeated();
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32: {
          const int32_t v = static_cast<int32_t>(random()) >> pick(31);
          rep ? r->AddInt32(message, field, v) : r->SetInt32(message, field, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_INT64: {
          const int64_t v =
              static_cast<int64_t>((uint64_t{random()} << 32) | random()) >>
              pick(63);
          rep ? r->AddInt64(message, field, v) : r->SetInt64(message, field, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_UINT32: {
          const uint32_t v = random() >> pick(32);
          rep ? r->AddUInt32(message, field, v)
              : r->SetUInt32(message, field, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_UINT64: {
          const uint64_t v =
              ((uint64_t{random()} << 32) | random()) >> pick(64);
          rep ? r->AddUInt64(message, field, v)
              : r->SetUInt64(message, field, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_BOOL:
          rep ? r->AddBool(message, field, pick(2) == 1)
              : r->SetBool(message, field, pick(2) == 1);
          break;
        case FieldDescriptor::CPPTYPE_ENUM: {
          // Now and then a number the enum does not name.
          const auto& e = *field->enum_type();
          const int v = pick(8) == 0 ? 1000 + pick(5)
                                     : e.value(pick(e.value_count()))->number();
          rep ? r->AddEnumValue(message, field, v)
              : r->SetEnumValue(message, field, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_STRING: {
          const std::string v = kStrings[pick(std::size(kStrings))];
          rep ? r->AddString(message, field, v)
              : r->SetString(message, field, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE:
          if (depth < 4) {
            Fill(rep ? r->AddMessage(message, field)
                     : r->MutableMessage(message, field),
                 random, depth + 1);
          }
          break;
        default:
          FAIL() << field->full_name() << " is not a type the API uses";
      }
    }
  }
}

std::string Direct(const Message& message) {
  std::string json;
  AppendJson(message, &json);
  return json;
}

// protobuf's printer writing every field without presence, even at its
// default, with the strings, enums and lists at their default taken out
// again: what AppendJson writes (every enum's zero is *_UNSPECIFIED).
nlohmann::json Library(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string text;
  EXPECT_TRUE(
      google::protobuf::util::MessageToJsonString(message, &text, options)
          .ok());
  nlohmann::json json = nlohmann::json::parse(text);
  const auto drop_defaults = [](nlohmann::json& object, auto& self) -> void {
    for (auto it = object.begin(); it != object.end();) {
      nlohmann::json& value = it.value();
      if (value.is_object()) self(value, self);
      if (value.is_array()) {
        for (nlohmann::json& item : value) {
          if (item.is_object()) self(item, self);
        }
      }
      const bool at_default =
          value == "" || value == nlohmann::json::array() ||
          (value.is_string() &&
           absl::EndsWith(value.get<std::string>(), "_UNSPECIFIED"));
      it = at_default ? object.erase(it) : std::next(it);
    }
  };
  drop_defaults(json, drop_defaults);
  return json;
}

// Every response message of the four services, filled many ways: the JSON
// is the same document as protobuf's printer makes, and parses back (by the
// library) to the same message.
TEST(ProtoJsonTest, AgreesWithProtobufOnEveryResponseOfTheApi) {
  // A message of each service's file names the file (and links it in).
  const google::protobuf::ServiceDescriptor* services[] = {
      catalog::v1::ListCatalogsRequest::descriptor()->file()->FindServiceByName(
          "CatalogService"),
      assignment::v1::CreateAssignmentRequest::descriptor()
          ->file()
          ->FindServiceByName("AssignmentService"),
      declaration::v1::SubmitDeclarationRequest::descriptor()
          ->file()
          ->FindServiceByName("DeclarationService"),
      capacity::v1::CreateLocationRequest::descriptor()
          ->file()
          ->FindServiceByName("CapacityService")};
  std::mt19937 random(20261130);
  int checked = 0;
  for (const auto* service : services) {
    ASSERT_NE(service, nullptr);
    for (int m = 0; m < service->method_count(); ++m) {
      const Descriptor& type = *service->method(m)->output_type();
      ASSERT_TRUE(RendersDirectly(type)) << type.full_name();
      const Message& prototype =
          *google::protobuf::MessageFactory::generated_factory()->GetPrototype(
              &type);
      for (int round = 0; round < 20; ++round) {
        std::unique_ptr<Message> message(prototype.New());
        Fill(message.get(), random, 0);
        const std::string ours = Direct(*message);
        SCOPED_TRACE(type.full_name() + ": " + ours);
        EXPECT_EQ(nlohmann::json::parse(ours), Library(*message));
        std::unique_ptr<Message> back(prototype.New());
        ASSERT_TRUE(
            google::protobuf::util::JsonStringToMessage(ours, back.get()).ok());
        EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*message,
                                                                       *back));
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 500);
}

TEST(ProtoJsonTest, WritesTheProto3Forms) {
  catalog::v1::Tariff tariff;
  // Numbers and booleans are written at their default too; strings and
  // messages are not.
  EXPECT_EQ(Direct(tariff), R"({"cents":"0","example":false})");
  tariff.set_cents(-16400);  // 64 bits: a string.
  tariff.set_example(true);
  tariff.set_valid_from("2024-01-01");
  tariff.mutable_source()->set_seed("003");
  EXPECT_EQ(Direct(tariff),
            R"({"validFrom":"2024-01-01","cents":"-16400","example":true,)"
            R"("source":{"seed":"003"}})");

  catalog::v1::Product product;
  product.set_id("kdv");
  product.set_kind(catalog::v1::PRODUCT_KIND_SHORT_STAY);
  product.add_tariffs();
  product.add_tariffs()->set_cents(1);
  EXPECT_EQ(
      Direct(product),
      R"({"id":"kdv","kind":"PRODUCT_KIND_SHORT_STAY","tariffs":)"
      R"([{"cents":"0","example":false},{"cents":"1","example":false}]})");
  // A number the enum does not name (from a newer peer) stays a number.
  product.set_kind(static_cast<catalog::v1::ProductKind>(77));
  std::string tariffs;
  AppendJson(product, *product.GetDescriptor()->FindFieldByName("tariffs"),
             &tariffs);
  EXPECT_EQ(tariffs,
            R"([{"cents":"0","example":false},{"cents":"1","example":false}])");
  EXPECT_NE(Direct(product).find(R"("kind":77)"), std::string::npos);

  EXPECT_EQ(Direct(google::protobuf::Empty()), "{}");
}

TEST(ProtoJsonTest, EscapesWhatJsonAndEmbeddingNeed) {
  gatewaytest::v1::DeleteWidgetRequest request;
  request.set_name("\"\\/\b\f\n\r\t\x01<b>\x7f \xe2\x80\xa8\xe2\x80\xa9 Zoë €");
  EXPECT_EQ(Direct(request),
            R"({"name":"\"\\/\b\f\n\r\t\u0001\u003cb\u003e\u007f )"
            R"(\u2028\u2029 Zoë €","force":false})");
  gatewaytest::v1::DeleteWidgetRequest back;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(Direct(request), &back).ok());
  EXPECT_EQ(back.name(), request.name());
}

TEST(ProtoJsonTest, LeavesSpecialFormsToTheLibrary) {
  // Widget has a Timestamp and a map; ListWidgetsRequest also a wrapper,
  // a double and bytes.
  EXPECT_FALSE(RendersDirectly(*gatewaytest::v1::Widget::descriptor()));
  EXPECT_FALSE(
      RendersDirectly(*gatewaytest::v1::ListWidgetsRequest::descriptor()));
  EXPECT_FALSE(RendersDirectly(*gatewaytest::v1::WidgetFilter::descriptor()));
  // A Timestamp is a string, written directly as a field, not on its own.
  EXPECT_FALSE(RendersDirectly(*google::protobuf::Timestamp::descriptor()));
  EXPECT_TRUE(RendersDirectly(*gatewaytest::v1::Dimensions::descriptor()));
  EXPECT_TRUE(RendersDirectly(*google::protobuf::Empty::descriptor()));
}

}  // namespace
}  // namespace wmo::gateway
