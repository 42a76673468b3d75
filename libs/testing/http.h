#ifndef WMO_LIBS_TESTING_HTTP_H_
#define WMO_LIBS_TESTING_HTTP_H_

#include <string>
#include <utility>
#include <vector>

namespace wmo::testing {

// A TCP port of 127.0.0.1 that was free a moment ago (the kernel's pick),
// for servers started as separate processes; 0 when none could be had.
int FreePort();

struct HttpResponse {
  int status = 0;    // 0 when the request failed
  std::string head;  // Status line and headers, as received.
  std::string body;
};

// A client connection for tests that need to misbehave or to keep a
// connection: send part of a request, stay idle, read with a deadline.
class RawConnection {
 public:
  // Connects to 127.0.0.1:port; ok() says whether it did.
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool ok() const { return fd_ >= 0; }
  bool Send(const std::string& bytes);
  // One response (headers and a Content-Length body, none when `to_head`:
  // the answer to HEAD); status 0 when none arrived within `timeout_ms` or
  // the connection closed first.
  HttpResponse ReadResponse(int timeout_ms, bool to_head = false);
  // Whether the server closes the connection within `timeout_ms`.
  bool ClosedWithin(int timeout_ms);

 private:
  int fd_ = -1;
  std::string pending_;  // Bytes read past the last response.
};

// One HTTP/1.0 request to 127.0.0.1:port over a plain socket; enough for
// tests of our own endpoints without pulling an HTTP client library in.
// `headers` are sent as given ({"Authorization", "Bearer ..."}).
HttpResponse HttpRequest(
    int port, const std::string& method, const std::string& path,
    const std::string& body = "",
    const std::vector<std::pair<std::string, std::string>>& headers = {});

inline HttpResponse HttpGet(
    int port, const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  return HttpRequest(port, "GET", path, "", headers);
}

}  // namespace wmo::testing

#endif  // WMO_LIBS_TESTING_HTTP_H_
