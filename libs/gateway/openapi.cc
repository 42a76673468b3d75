#include "libs/gateway/openapi.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/api/field_behavior.pb.h"
#include "google/api/httpbody.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/rpc/status.pb.h"
#include "libs/gateway/request_builder.h"
#include "nlohmann/json.hpp"

namespace wmo::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using Json = nlohmann::ordered_json;
using Kind = TemplateSegment::Kind;

constexpr absl::string_view kSchemaPrefix = "#/components/schemas/";

// Whether the field is annotated with google.api.field_behavior `behavior`.
bool Has(const FieldDescriptor& field, google::api::FieldBehavior behavior) {
  const auto& options = field.options();
  for (int i = 0; i < options.ExtensionSize(google::api::field_behavior); ++i) {
    if (options.GetExtension(google::api::field_behavior, i) == behavior) {
      return true;
    }
  }
  return false;
}

// The operations a path item can hold; a custom rule kind beyond these has
// no place in the document.
const absl::flat_hash_set<std::string>* const kOpenApiMethods =
    new absl::flat_hash_set<std::string>{"get",  "put",     "post",  "delete",
                                         "head", "options", "patch", "trace"};

bool IsWrapper(const Descriptor& type) {
  return type.file()->name() == "google/protobuf/wrappers.proto";
}

// Adds a description without hiding a $ref: OpenAPI 3.0 ignores the
// siblings of "$ref", so a described reference goes through allOf.
Json Described(Json schema, const std::string& description) {
  if (description.empty()) return schema;
  if (schema.contains("$ref")) {
    return Json{{"allOf", Json::array({std::move(schema)})},
                {"description", description}};
  }
  schema["description"] = description;
  return schema;
}

// Collects component schemas while operations are built.
class SchemaSet {
 public:
  explicit SchemaSet(const ProtoDocs* docs) : docs_(docs) {}

  std::string Comment(const auto& descriptor) const {
    return docs_ == nullptr ? "" : docs_->Comment(descriptor);
  }

  // The schema of a whole message as JSON: a well-known type inline, any
  // other a reference to its component.
  Json MessageSchema(const Descriptor& type) {
    const std::string& name = type.full_name();
    if (name == "google.protobuf.Timestamp") {
      return {{"type", "string"}, {"format", "date-time"}};
    }
    if (name == "google.protobuf.Duration") {
      return {{"type", "string"}, {"pattern", "^-?[0-9]+(\\.[0-9]+)?s$"}};
    }
    if (name == "google.protobuf.FieldMask") {
      return {{"type", "string"},
              {"description", "Comma-separated lowerCamelCase field paths."}};
    }
    if (name == "google.protobuf.Struct") {
      return {{"type", "object"}, {"additionalProperties", true}};
    }
    if (name == "google.protobuf.Value") return Json::object();
    if (name == "google.protobuf.ListValue") {
      return {{"type", "array"}, {"items", Json::object()}};
    }
    if (name == "google.protobuf.Empty") return {{"type", "object"}};
    if (name == "google.protobuf.Any") {
      return {{"type", "object"},
              {"properties", {{"@type", {{"type", "string"}}}}},
              {"required", Json::array({"@type"})},
              {"additionalProperties", true}};
    }
    if (IsWrapper(type)) {
      Json schema = ScalarSchema(*type.FindFieldByName("value"));
      schema["nullable"] = true;
      return schema;
    }
    AddMessage(type);
    return {{"$ref", absl::StrCat(kSchemaPrefix, name)}};
  }

  // The schema of a field's value, repeated and map fields included.
  Json FieldSchema(const FieldDescriptor& field) {
    if (field.is_map()) {
      return {{"type", "object"},
              {"additionalProperties",
               SingleSchema(*field.message_type()->map_value())}};
    }
    if (field.is_repeated()) {
      return {{"type", "array"}, {"items", SingleSchema(field)}};
    }
    return SingleSchema(field);
  }

  // One value of the field, ignoring that it may repeat.
  Json SingleSchema(const FieldDescriptor& field) {
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      return MessageSchema(*field.message_type());
    }
    return ScalarSchema(field);
  }

  Json ScalarSchema(const FieldDescriptor& field) {
    switch (field.type()) {
      case FieldDescriptor::TYPE_DOUBLE:
        return {{"type", "number"}, {"format", "double"}};
      case FieldDescriptor::TYPE_FLOAT:
        return {{"type", "number"}, {"format", "float"}};
      // The JSON mapping writes 64-bit integers as strings so that
      // JavaScript clients keep every digit.
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64:
        return {{"type", "string"}, {"format", "int64"}};
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64:
        return {{"type", "string"}, {"format", "uint64"}};
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_SINT32:
      case FieldDescriptor::TYPE_SFIXED32:
        return {{"type", "integer"}, {"format", "int32"}};
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32:
        return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}};
      case FieldDescriptor::TYPE_BOOL:
        return {{"type", "boolean"}};
      case FieldDescriptor::TYPE_STRING:
        return {{"type", "string"}};
      case FieldDescriptor::TYPE_BYTES:
        return {{"type", "string"}, {"format", "byte"}};
      case FieldDescriptor::TYPE_ENUM:
        AddEnum(*field.enum_type());
        return {{"$ref",
                 absl::StrCat(kSchemaPrefix, field.enum_type()->full_name())}};
      case FieldDescriptor::TYPE_MESSAGE:
      case FieldDescriptor::TYPE_GROUP:
        return MessageSchema(*field.message_type());
    }
    return Json::object();
  }

  Json Components() const { return schemas_; }

 private:
  void AddMessage(const Descriptor& type) {
    if (!seen_.insert(type.full_name()).second) return;
    // Claim the slot first: recursive messages refer back to it.
    schemas_[type.full_name()] = Json::object();
    Json properties = Json::object();
    Json required = Json::array();
    for (int i = 0; i < type.field_count(); ++i) {
      const FieldDescriptor& field = *type.field(i);
      Json property = Described(FieldSchema(field), Comment(field));
      // What the server sets is read-only; what a request must carry is
      // required (field_behavior, AIP-203).
      if (Has(field, google::api::OUTPUT_ONLY)) property["readOnly"] = true;
      if (Has(field, google::api::REQUIRED)) {
        required.push_back(field.json_name());
      }
      properties[field.json_name()] = std::move(property);
    }
    Json schema = {{"type", "object"}};
    if (std::string c = Comment(type); !c.empty()) schema["description"] = c;
    schema["properties"] = std::move(properties);
    if (!required.empty()) schema["required"] = std::move(required);
    schemas_[type.full_name()] = std::move(schema);
  }

  void AddEnum(const EnumDescriptor& type) {
    if (!seen_.insert(type.full_name()).second) return;
    Json names = Json::array();
    std::vector<std::string> lines;
    if (std::string c = Comment(type); !c.empty()) lines.push_back(c);
    for (int i = 0; i < type.value_count(); ++i) {
      const auto& value = *type.value(i);
      names.push_back(value.name());
      if (std::string c = Comment(value); !c.empty()) {
        lines.push_back(absl::StrCat("- ", value.name(), ": ", c));
      }
    }
    Json schema = {{"type", "string"}, {"enum", std::move(names)}};
    if (!lines.empty()) schema["description"] = absl::StrJoin(lines, "\n");
    schemas_[type.full_name()] = std::move(schema);
  }

  const ProtoDocs* docs_;
  absl::flat_hash_set<std::string> seen_;
  Json schemas_ = Json::object();
};

// The canonical (proto name) dotted path of a field path in `type`, or the
// path itself when it does not resolve.
std::string CanonicalPath(const Descriptor& type, const std::string& path) {
  auto fields = ResolveFieldPath(type, path);
  if (!fields.ok()) return path;
  return absl::StrJoin(*fields, ".",
                       [](std::string* out, const FieldDescriptor* f) {
                         out->append(f->name());
                       });
}

const FieldDescriptor* LeafField(const Descriptor& type,
                                 const std::string& path) {
  auto fields = ResolveFieldPath(type, path);
  return fields.ok() ? fields->back() : nullptr;
}

struct PathParts {
  std::string path;
  Json parameters = Json::array();
};

// Spells the template the OpenAPI way (see the header) and describes each
// path parameter.
PathParts ExpandPath(const Route& route, SchemaSet& schemas) {
  const auto& segments = route.path.segments();
  const auto& variables = route.path.variables();
  const Descriptor& input = *route.method->input_type();

  std::vector<const TemplateVariable*> owner(segments.size(), nullptr);
  for (const TemplateVariable& v : variables) {
    for (int i = v.first_segment; i < v.end_segment; ++i) owner[i] = &v;
  }
  std::vector<std::string> names(segments.size());
  std::set<std::string> used;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].kind == Kind::kLiteral) continue;
    std::string base;
    if (i > 0 && segments[i - 1].kind == Kind::kLiteral &&
        (owner[i] == nullptr ||
         owner[i]->first_segment < static_cast<int>(i))) {
      base = absl::StrCat(segments[i - 1].literal, "Id");
    } else if (owner[i] != nullptr) {
      base = owner[i]->field_path;
    } else {
      base = absl::StrCat("segment", i + 1);
    }
    std::string name = base;
    for (int n = 2; !used.insert(name).second; ++n) {
      name = absl::StrCat(base, n);
    }
    names[i] = name;
  }

  auto spell = [&](size_t begin, size_t end) {
    std::vector<std::string> parts;
    for (size_t i = begin; i < end; ++i) {
      parts.push_back(segments[i].kind == Kind::kLiteral
                          ? segments[i].literal
                          : absl::StrCat("{", names[i], "}"));
    }
    return absl::StrJoin(parts, "/");
  };

  PathParts out;
  out.path = absl::StrCat("/", spell(0, segments.size()));
  if (!route.path.verb().empty()) {
    absl::StrAppend(&out.path, ":", route.path.verb());
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].kind == Kind::kLiteral) continue;
    std::vector<std::string> description;
    if (const TemplateVariable* v = owner[i]; v != nullptr) {
      if (v->end_segment - v->first_segment > 1) {
        description.push_back(absl::StrCat(
            "Part of `", v->field_path, "`, which the path sets to `",
            spell(v->first_segment, v->end_segment), "`."));
      }
      if (const FieldDescriptor* f = LeafField(input, v->field_path)) {
        if (std::string c = schemas.Comment(*f); !c.empty()) {
          description.push_back(c);
        }
      }
    }
    if (segments[i].kind == Kind::kMulti) {
      description.push_back("May span several path segments.");
    }
    Json parameter = {{"name", names[i]},
                      {"in", "path"},
                      {"required", true},
                      {"schema", {{"type", "string"}}}};
    if (!description.empty()) {
      parameter["description"] = absl::StrJoin(description, "\n");
    }
    out.parameters.push_back(std::move(parameter));
  }
  return out;
}

bool SettableFromUrl(const Descriptor& type) {
  const std::string& name = type.full_name();
  return IsWrapper(type) || name == "google.protobuf.Timestamp" ||
         name == "google.protobuf.Duration" ||
         name == "google.protobuf.FieldMask";
}

// Every field the path and body leave to the query string, nested messages
// by dotted names; `stack` stops recursive message types.
void AddQueryParameters(const Descriptor& type, const std::string& proto_prefix,
                        const std::string& json_prefix,
                        const std::set<std::string>& bound,
                        const std::string& body_field,
                        std::vector<const Descriptor*>& stack,
                        SchemaSet& schemas, Json& parameters) {
  stack.push_back(&type);
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    const std::string canonical = proto_prefix + field.name();
    if ((proto_prefix.empty() && field.name() == body_field) ||
        bound.contains(canonical) || field.is_map()) {
      continue;
    }
    const std::string name = json_prefix + field.json_name();
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        !SettableFromUrl(*field.message_type())) {
      const Descriptor* sub = field.message_type();
      if (!field.is_repeated() &&
          std::find(stack.begin(), stack.end(), sub) == stack.end()) {
        AddQueryParameters(*sub, canonical + ".", name + ".", bound, body_field,
                           stack, schemas, parameters);
      }
      continue;
    }
    Json parameter = {{"name", name},
                      {"in", "query"},
                      {"schema", schemas.FieldSchema(field)}};
    if (Has(field, google::api::REQUIRED)) parameter["required"] = true;
    if (std::string c = schemas.Comment(field); !c.empty()) {
      parameter["description"] = c;
    }
    parameters.push_back(std::move(parameter));
  }
  stack.pop_back();
}

Json JsonContent(Json schema) {
  return {{"application/json", {{"schema", std::move(schema)}}}};
}

// A google.api.HttpBody travels as itself, in the content type the field's
// or method's comment names.
bool IsHttpBody(const Descriptor* type) {
  return type == google::api::HttpBody::descriptor();
}

Json RawContent() {
  return {{"*/*", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}};
}

Json Operation(const Route& route, const std::string& operation_id,
               Json path_parameters, SchemaSet& schemas) {
  const auto& method = *route.method;
  const Descriptor& input = *method.input_type();
  Json operation = {{"operationId", operation_id},
                    {"tags", Json::array({method.service()->name()})}};
  if (std::string c = schemas.Comment(method); !c.empty()) {
    operation["description"] = c;
  }

  Json parameters = std::move(path_parameters);
  if (route.body != "*") {
    std::set<std::string> bound;
    for (const TemplateVariable& v : route.path.variables()) {
      bound.insert(CanonicalPath(input, v.field_path));
    }
    std::vector<const Descriptor*> stack;
    AddQueryParameters(input, "", "", bound, route.body, stack, schemas,
                       parameters);
  }
  if (!parameters.empty()) operation["parameters"] = std::move(parameters);

  if (route.body == "*") {
    operation["requestBody"] = {
        {"required", true},
        {"content", JsonContent(schemas.MessageSchema(input))}};
  } else if (!route.body.empty()) {
    const FieldDescriptor& field = *input.FindFieldByName(route.body);
    Json body = {{"required", true},
                 {"content", IsHttpBody(field.message_type())
                                 ? RawContent()
                                 : JsonContent(schemas.FieldSchema(field))}};
    if (std::string c = schemas.Comment(field); !c.empty()) {
      body["description"] = c;
    }
    operation["requestBody"] = std::move(body);
  }

  const Descriptor& output = *method.output_type();
  Json response_schema =
      IsHttpBody(&output) ? Json()
      : route.response_body.empty()
          ? schemas.MessageSchema(output)
          : schemas.FieldSchema(*output.FindFieldByName(route.response_body));
  std::string ok_description = schemas.Comment(output);
  if (ok_description.empty()) ok_description = "OK";
  const Json status_schema =
      schemas.MessageSchema(*google::rpc::Status::descriptor());
  operation["responses"] = {
      {"200",
       {{"description", ok_description},
        {"content", IsHttpBody(&output)
                        ? RawContent()
                        : JsonContent(std::move(response_schema))}}},
      {"401",
       {{"description",
         "No valid bearer token (missing, expired, another issuer or "
         "audience, an unknown key); the message says which."},
        {"headers",
         {{"WWW-Authenticate",
           {{"description", "Bearer realm=\"wmo\""},
            {"schema", {{"type", "string"}}}}}}},
        {"content", JsonContent(status_schema)}}},
      {"403",
       {{"description",
         "The token's principal may not do this; the message says who "
         "may."},
        {"content", JsonContent(status_schema)}}},
      {"default",
       {{"description",
         "An error: the HTTP status follows the gRPC code, the body is a "
         "google.rpc.Status with its details."},
        {"content", JsonContent(schemas.MessageSchema(
                        *google::rpc::Status::descriptor()))}}}};
  return operation;
}

}  // namespace

std::string BuildOpenApi(const OpenApiInfo& info,
                         const std::vector<Route>& routes,
                         const ProtoDocs* docs) {
  SchemaSet schemas(docs);
  Json tags = Json::array();
  absl::flat_hash_set<std::string> tagged;
  absl::flat_hash_map<const google::protobuf::MethodDescriptor*, int> bindings;
  Json paths = Json::object();

  for (const Route& route : routes) {
    const auto& service = *route.method->service();
    if (tagged.insert(service.full_name()).second) {
      Json tag = {{"name", service.name()}};
      if (std::string c = schemas.Comment(service); !c.empty()) {
        tag["description"] = c;
      }
      tags.push_back(std::move(tag));
    }
    std::string operation_id =
        absl::StrCat(service.name(), "_", route.method->name());
    if (int n = ++bindings[route.method]; n > 1) {
      absl::StrAppend(&operation_id, "_", n);
    }
    const std::string verb = absl::AsciiStrToLower(route.http_method);
    if (!kOpenApiMethods->contains(verb)) continue;  // not expressible
    PathParts parts = ExpandPath(route, schemas);
    Json& item = paths[parts.path];
    // Routing prefers the first of two equal rules; so does the document.
    if (item.contains(verb)) continue;
    item[verb] =
        Operation(route, operation_id, std::move(parts.parameters), schemas);
  }

  // Every operation takes a bearer token (the open endpoints, /healthz,
  // /readyz and this document, are not operations of the API).
  Json document = {
      {"openapi", "3.0.3"},
      {"info", {{"title", info.title}, {"version", info.version}}},
      {"tags", std::move(tags)},
      {"security", Json::array({{{"bearer", Json::array()}}})},
      {"paths", std::move(paths)},
      {"components",
       {{"schemas", schemas.Components()},
        {"securitySchemes",
         {{"bearer",
           {{"type", "http"},
            {"scheme", "bearer"},
            {"bearerFormat", "JWT"},
            {"description",
             "A JWT (RS256 or ES256) naming the principal in "
             "wmo_principal and wmo_tenant, and the subject in sub."}}}}}}}};
  // Replacing invalid UTF-8 instead of throwing keeps exceptions inside.
  return document.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace wmo::gateway
