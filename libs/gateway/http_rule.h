#ifndef WMO_LIBS_GATEWAY_HTTP_RULE_H_
#define WMO_LIBS_GATEWAY_HTTP_RULE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wmo::gateway {

// One segment of a path template.
struct TemplateSegment {
  enum class Kind {
    kLiteral,  // matches exactly `literal`
    kSingle,   // "*": exactly one non-empty segment
    kMulti,    // "**": zero or more segments; only ever the last segment
  };
  Kind kind = Kind::kLiteral;
  std::string literal;
};

// A `{field.path=...}` part of a template: the segments
// [first_segment, end_segment) bind the request field `field_path`.
struct TemplateVariable {
  std::string field_path;
  int first_segment = 0;
  int end_segment = 0;
};

// A variable's value taken from a request path.
struct BoundVariable {
  std::string field_path;
  std::string value;
};

// A google.api.http path template such as
// "/v1/{name=catalogs/*/products/*}:resolveTariff" (grammar in
// google/api/http.proto).
class PathTemplate {
 public:
  // Parses `text`; INVALID_ARGUMENT saying what is wrong otherwise.
  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // Matches the raw (still percent-encoded, query-less) path of a request.
  // Returns the variables' values, percent-decoded as the spec asks: fully for
  // single-segment variables, all but "%2F" for multi-segment ones (so that a
  // decoded value never gains a segment). Nullopt when the path does not
  // match or holds a malformed escape.
  std::optional<std::vector<BoundVariable>> Match(absl::string_view path) const;

  // True when both templates may match one path and this one should win:
  // a custom verb beats none, then position by position a literal beats "*"
  // which beats "**". Lets "/v1/{name=catalogs/*}:check" win over
  // "/v1/{name=catalogs/*}" and "/v1/catalogs:import" over
  // "/v1/{name=catalogs/*}".
  bool MoreSpecificThan(const PathTemplate& other) const;

  // The text the template was parsed from.
  const std::string& text() const { return text_; }
  const std::vector<TemplateSegment>& segments() const { return segments_; }
  const std::vector<TemplateVariable>& variables() const { return variables_; }
  // The custom verb without its ':', empty when there is none.
  const std::string& verb() const { return verb_; }

 private:
  std::string text_;
  std::vector<TemplateSegment> segments_;
  std::vector<TemplateVariable> variables_;
  std::string verb_;
};

// Percent-decodes `text`. With `keep_encoded_slash`, "%2F" and "%2f" stay as
// they are. INVALID_ARGUMENT for a '%' not followed by two hex digits.
absl::StatusOr<std::string> PercentDecode(absl::string_view text,
                                          bool keep_encoded_slash);

}  // namespace wmo::gateway

#endif  // WMO_LIBS_GATEWAY_HTTP_RULE_H_
