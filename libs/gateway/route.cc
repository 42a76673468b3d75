#include "libs/gateway/route.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"
#include "google/protobuf/descriptor.h"
#include "libs/gateway/request_builder.h"

namespace wmo::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

absl::Status RuleError(const MethodDescriptor& method, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("google.api.http rule of ", method.full_name(), ": ", why));
}

absl::StatusOr<Route> RouteOf(const MethodDescriptor& method,
                              const google::api::HttpRule& rule) {
  Route route;
  route.method = &method;
  std::string path;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      route.http_method = "GET";
      path = rule.get();
      break;
    case google::api::HttpRule::kPut:
      route.http_method = "PUT";
      path = rule.put();
      break;
    case google::api::HttpRule::kPost:
      route.http_method = "POST";
      path = rule.post();
      break;
    case google::api::HttpRule::kDelete:
      route.http_method = "DELETE";
      path = rule.delete_();
      break;
    case google::api::HttpRule::kPatch:
      route.http_method = "PATCH";
      path = rule.patch();
      break;
    case google::api::HttpRule::kCustom:
      route.http_method = absl::AsciiStrToUpper(rule.custom().kind());
      path = rule.custom().path();
      break;
    case google::api::HttpRule::PATTERN_NOT_SET:
      return RuleError(method, "no HTTP method and path");
  }
  if (route.http_method.empty()) return RuleError(method, "empty custom kind");
  absl::StatusOr<PathTemplate> parsed = PathTemplate::Parse(path);
  if (!parsed.ok()) return RuleError(method, parsed.status().message());
  route.path = *std::move(parsed);

  const auto& input = *method.input_type();
  for (const TemplateVariable& v : route.path.variables()) {
    auto fields = ResolveFieldPath(input, v.field_path);
    if (!fields.ok()) return RuleError(method, fields.status().message());
    const FieldDescriptor* leaf = fields->back();
    if (leaf->is_repeated() ||
        leaf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      return RuleError(method,
                       absl::StrCat("path variable \"", v.field_path,
                                    "\" must be a singular scalar field"));
    }
  }
  route.body = rule.body();
  if (!route.body.empty() && route.body != "*" &&
      input.FindFieldByName(route.body) == nullptr) {
    return RuleError(method, absl::StrCat("body field \"", route.body,
                                          "\" is not in ", input.full_name()));
  }
  route.response_body = rule.response_body();
  if (!route.response_body.empty()) {
    const FieldDescriptor* field =
        method.output_type()->FindFieldByName(route.response_body);
    if (field == nullptr || field->is_map() ||
        field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return RuleError(method,
                       absl::StrCat("response_body \"", route.response_body,
                                    "\" must name a message field"));
    }
  }
  return route;
}

}  // namespace

absl::StatusOr<std::vector<Route>> RoutesOf(
    const google::protobuf::ServiceDescriptor& service) {
  std::vector<Route> routes;
  for (int i = 0; i < service.method_count(); ++i) {
    const MethodDescriptor& method = *service.method(i);
    if (!method.options().HasExtension(google::api::http)) continue;
    if (method.client_streaming() || method.server_streaming()) {
      return RuleError(method, "streaming methods cannot be served over HTTP");
    }
    const google::api::HttpRule& rule =
        method.options().GetExtension(google::api::http);
    std::vector<const google::api::HttpRule*> rules = {&rule};
    for (const google::api::HttpRule& extra : rule.additional_bindings()) {
      if (!extra.additional_bindings().empty()) {
        return RuleError(method, "additional_bindings cannot nest");
      }
      rules.push_back(&extra);
    }
    for (const google::api::HttpRule* r : rules) {
      absl::StatusOr<Route> route = RouteOf(method, *r);
      if (!route.ok()) return route.status();
      routes.push_back(*std::move(route));
    }
  }
  return routes;
}

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {}

RouteMatch Router::Find(absl::string_view http_method,
                        absl::string_view path) const {
  RouteMatch result;
  for (const Route& route : routes_) {
    std::optional<std::vector<BoundVariable>> variables =
        route.path.Match(path);
    if (!variables.has_value()) continue;
    if (result.path_match == nullptr ||
        route.path.MoreSpecificThan(result.path_match->path)) {
      result.path_match = &route;
    }
    if (route.http_method == http_method) {
      if (result.route == nullptr ||
          route.path.MoreSpecificThan(result.route->path)) {
        result.route = &route;
        result.variables = *std::move(variables);
      }
    } else if (std::find(result.allowed_methods.begin(),
                         result.allowed_methods.end(),
                         route.http_method) == result.allowed_methods.end()) {
      result.allowed_methods.push_back(route.http_method);
    }
  }
  if (result.route != nullptr) {
    result.allowed_methods.clear();
  } else {
    std::sort(result.allowed_methods.begin(), result.allowed_methods.end());
  }
  return result;
}

}  // namespace wmo::gateway
