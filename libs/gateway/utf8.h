#ifndef WMO_LIBS_GATEWAY_UTF8_H_
#define WMO_LIBS_GATEWAY_UTF8_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace wmo::gateway {

// The length of the well-formed UTF-8 sequence starting at `text[pos]`, or 0
// when the bytes there are not one (overlong forms, surrogates and values
// past U+10FFFF included).
size_t Utf8SequenceLength(absl::string_view text, size_t pos);

// True when all of `text` is well-formed UTF-8; proto3 string fields and JSON
// text must be.
bool IsValidUtf8(absl::string_view text);

}  // namespace wmo::gateway

#endif  // WMO_LIBS_GATEWAY_UTF8_H_
