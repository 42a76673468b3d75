#ifndef WMO_LIBS_TESTING_HTTP_H_
#define WMO_LIBS_TESTING_HTTP_H_

#include <string>

namespace wmo::testing {

struct HttpResponse {
  int status = 0;  // 0 when the request failed
  std::string body;
};

// One HTTP/1.0 request to 127.0.0.1:port over a plain socket; enough for
// tests of our own endpoints without pulling an HTTP client library in.
HttpResponse HttpRequest(int port, const std::string& method,
                         const std::string& path, const std::string& body = "");

inline HttpResponse HttpGet(int port, const std::string& path) {
  return HttpRequest(port, "GET", path);
}

}  // namespace wmo::testing

#endif  // WMO_LIBS_TESTING_HTTP_H_
