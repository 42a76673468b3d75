#include "libs/gateway/http_rule.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace wmo::gateway {
namespace {

using Kind = TemplateSegment::Kind;

bool IsIdentifier(absl::string_view s) {
  if (s.empty() || absl::ascii_isdigit(s[0])) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(c) && c != '_') return false;
  }
  return true;
}

bool IsFieldPath(absl::string_view path) {
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (!IsIdentifier(part)) return false;
  }
  return true;
}

// Recursive-descent parser over the template grammar. Variables cannot nest,
// so the recursion is at most two levels deep.
class TemplateParser {
 public:
  explicit TemplateParser(absl::string_view text) : text_(text) {}

  absl::Status Run(std::vector<TemplateSegment>* segments,
                   std::vector<TemplateVariable>* variables,
                   std::string* verb) {
    if (text_.empty() || text_[0] != '/') {
      return Error("must start with '/'");
    }
    pos_ = 1;
    if (absl::Status s = ParseSegments(/*in_variable=*/false); !s.ok()) {
      return s;
    }
    if (pos_ < text_.size()) {
      // ParseSegments stops at the end, at '}' or at ':'.
      if (text_[pos_] == '}') return Error("unbalanced '}'");
      absl::string_view rest = text_.substr(pos_ + 1);
      if (rest.empty() || rest.find_first_of("/{}*:=") != rest.npos) {
        return Error("the custom verb after ':' must be a plain word");
      }
      verb_ = std::string(rest);
    }
    for (size_t i = 0; i + 1 < segments_.size(); ++i) {
      if (segments_[i].kind == Kind::kMulti) {
        return Error("'**' must be the last segment");
      }
    }
    absl::flat_hash_set<std::string> seen;
    for (const TemplateVariable& v : variables_) {
      if (!seen.insert(v.field_path).second) {
        return Error(absl::StrCat("field '", v.field_path, "' bound twice"));
      }
    }
    *segments = std::move(segments_);
    *variables = std::move(variables_);
    *verb = std::move(verb_);
    return absl::OkStatus();
  }

 private:
  absl::Status Error(absl::string_view why) const {
    return absl::InvalidArgumentError(
        absl::StrCat("bad path template \"", text_, "\": ", why));
  }

  // Segments separated by '/', up to the end, a ':' or (in a variable) '}'.
  absl::Status ParseSegments(bool in_variable) {
    while (true) {
      if (absl::Status s = ParseSegment(in_variable); !s.ok()) return s;
      if (pos_ == text_.size()) return absl::OkStatus();
      switch (text_[pos_]) {
        case '/':
          ++pos_;
          break;
        case '}':
          return absl::OkStatus();
        case ':':
          if (in_variable) return Error("':' inside a variable");
          return absl::OkStatus();
        default:
          return Error(absl::StrCat("unexpected '", text_.substr(pos_, 1),
                                    "' at offset ", pos_));
      }
    }
  }

  absl::Status ParseSegment(bool in_variable) {
    if (pos_ == text_.size() || text_[pos_] == '/' || text_[pos_] == ':' ||
        text_[pos_] == '}') {
      return Error(absl::StrCat("empty segment at offset ", pos_));
    }
    if (text_[pos_] == '*') {
      if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
        segments_.push_back({Kind::kMulti, ""});
        pos_ += 2;
      } else {
        segments_.push_back({Kind::kSingle, ""});
        pos_ += 1;
      }
      return absl::OkStatus();
    }
    if (text_[pos_] == '{') {
      if (in_variable) return Error("variables cannot nest");
      return ParseVariable();
    }
    size_t end = text_.find_first_of("/:{}*", pos_);
    if (end == text_.npos) end = text_.size();
    segments_.push_back(
        {Kind::kLiteral, std::string(text_.substr(pos_, end - pos_))});
    pos_ = end;
    return absl::OkStatus();
  }

  absl::Status ParseVariable() {
    ++pos_;  // '{'
    size_t end = text_.find_first_of("=}", pos_);
    if (end == text_.npos) return Error("unterminated variable");
    absl::string_view field = text_.substr(pos_, end - pos_);
    if (!IsFieldPath(field)) {
      return Error(absl::StrCat("'", field, "' is not a field path"));
    }
    TemplateVariable variable;
    variable.field_path = std::string(field);
    variable.first_segment = static_cast<int>(segments_.size());
    pos_ = end;
    if (text_[pos_] == '=') {
      ++pos_;
      if (absl::Status s = ParseSegments(/*in_variable=*/true); !s.ok()) {
        return s;
      }
      if (pos_ == text_.size()) return Error("unterminated variable");
    } else {
      // "{var}" is short for "{var=*}".
      segments_.push_back({Kind::kSingle, ""});
    }
    ++pos_;  // '}'
    variable.end_segment = static_cast<int>(segments_.size());
    variables_.push_back(std::move(variable));
    return absl::OkStatus();
  }

  absl::string_view text_;
  size_t pos_ = 0;
  std::vector<TemplateSegment> segments_;
  std::vector<TemplateVariable> variables_;
  std::string verb_;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Rank(Kind kind) {
  switch (kind) {
    case Kind::kLiteral:
      return 0;
    case Kind::kSingle:
      return 1;
    case Kind::kMulti:
      return 2;
  }
  return 2;
}

}  // namespace

absl::StatusOr<std::string> PercentDecode(absl::string_view text,
                                          bool keep_encoded_slash) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    int lo = hi >= 0 ? HexValue(text[i + 2]) : -1;
    if (lo < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed percent escape in \"", text, "\""));
    }
    char decoded = static_cast<char>(hi * 16 + lo);
    if (decoded == '/' && keep_encoded_slash) {
      out.append(text.data() + i, 3);
    } else {
      out.push_back(decoded);
    }
    i += 2;
  }
  return out;
}

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  PathTemplate result;
  TemplateParser parser(text);
  if (absl::Status s =
          parser.Run(&result.segments_, &result.variables_, &result.verb_);
      !s.ok()) {
    return s;
  }
  result.text_ = std::string(text);
  return result;
}

std::optional<std::vector<BoundVariable>> PathTemplate::Match(
    absl::string_view path) const {
  if (path.empty() || path[0] != '/') return std::nullopt;
  path.remove_prefix(1);
  if (!verb_.empty()) {
    if (path.size() <= verb_.size() || !absl::EndsWith(path, verb_) ||
        path[path.size() - verb_.size() - 1] != ':') {
      return std::nullopt;
    }
    path.remove_suffix(verb_.size() + 1);
  }
  std::vector<absl::string_view> parts;
  if (!path.empty()) parts = absl::StrSplit(path, '/');

  const bool ends_in_multi =
      !segments_.empty() && segments_.back().kind == Kind::kMulti;
  const size_t fixed = ends_in_multi ? segments_.size() - 1 : segments_.size();
  if (ends_in_multi ? parts.size() < fixed : parts.size() != fixed) {
    return std::nullopt;
  }
  for (absl::string_view part : parts) {
    if (part.empty()) return std::nullopt;
  }
  for (size_t i = 0; i < fixed; ++i) {
    if (segments_[i].kind != Kind::kLiteral) continue;
    absl::StatusOr<std::string> decoded =
        PercentDecode(parts[i], /*keep_encoded_slash=*/false);
    if (!decoded.ok() || *decoded != segments_[i].literal) return std::nullopt;
  }

  std::vector<BoundVariable> bound;
  bound.reserve(variables_.size());
  for (const TemplateVariable& v : variables_) {
    size_t end = v.end_segment;
    bool multi_segment = end - v.first_segment > 1;
    if (end == segments_.size() && ends_in_multi) {
      end = parts.size();
      multi_segment = true;
    }
    std::string raw =
        absl::StrJoin(parts.begin() + v.first_segment,
                      parts.begin() + static_cast<std::ptrdiff_t>(end), "/");
    absl::StatusOr<std::string> value = PercentDecode(raw, multi_segment);
    if (!value.ok()) return std::nullopt;
    bound.push_back({v.field_path, *std::move(value)});
  }
  return bound;
}

bool PathTemplate::MoreSpecificThan(const PathTemplate& other) const {
  if (verb_.empty() != other.verb_.empty()) return !verb_.empty();
  const size_t n = std::min(segments_.size(), other.segments_.size());
  for (size_t i = 0; i < n; ++i) {
    int mine = Rank(segments_[i].kind);
    int theirs = Rank(other.segments_[i].kind);
    if (mine != theirs) return mine < theirs;
  }
  return segments_.size() > other.segments_.size();
}

}  // namespace wmo::gateway
