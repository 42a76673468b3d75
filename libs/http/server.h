#ifndef WMO_LIBS_HTTP_SERVER_H_
#define WMO_LIBS_HTTP_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wmo::http {

struct Request {
  std::string method;  // As sent, e.g. "GET", "HEAD".
  std::string target;  // Raw request target: path and query, not decoded.
  // Names in lower case, in the order received.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first value of header `name` (lower case), or null.
  const std::string* Header(absl::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Answers one request. Call it exactly once, from any thread; an exchange
// whose connection is gone by then drops the answer.
class Reply {
 public:
  virtual ~Reply() = default;
  virtual void Send(Response response) = 0;
  // `cancel` runs (once, on a server thread) when the server stops waiting
  // for this answer: on a stop past its drain deadline. Handlers that wait
  // on other work use it to end that work early, so that Stop returns.
  virtual void OnCancel(std::function<void()> cancel) = 0;
};

// Gets the whole request (body read) and answers through `reply`, now or
// later. Runs on a server thread: long work belongs elsewhere.
using Handler =
    std::function<void(Request request, std::shared_ptr<Reply> reply)>;

struct ServerOptions {
  // Threads running the event loop; 0 for one per core.
  int threads = 0;
  int backlog = 1024;
  // Open connections at most; past it the server stops accepting (the
  // kernel's backlog holds new ones) until one closes.
  size_t max_connections = 4096;
  size_t max_header_bytes = 16 << 10;
  // Larger bodies get 413 (without being read).
  size_t max_body_bytes = 4 << 20;
  // A kept-alive connection with no request for this long is closed.
  absl::Duration idle_timeout = absl::Seconds(60);
  // From a request's first byte to the end of its headers.
  absl::Duration header_timeout = absl::Seconds(10);
  // From the end of the headers to the end of the body, however slowly it
  // trickles: 408 after it.
  absl::Duration body_timeout = absl::Seconds(30);
  // The body of the errors the server answers itself (400, 408, 413, 431,
  // 503); by default plain text.
  std::function<Response(int status, absl::string_view message)> error;
};

// An HTTP/1.1 server on an event loop (Boost.Beast over Asio): keep-alive,
// TCP_NODELAY, bounded connections, read deadlines, and a graceful stop.
// Idle and slow clients cost a socket each, never a thread.
class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();  // Stop(0).

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0 picks a free one) and serves on background
  // threads. UNAVAILABLE naming host:port when it cannot bind;
  // FAILED_PRECONDITION when started before.
  absl::Status Start(const std::string& host, int port);

  // The bound port; 0 before Start.
  int port() const;

  // Stops accepting and closes idle connections; requests being read or
  // answered get until `drain` to finish (each answered with
  // "Connection: close"), then every connection is closed and pending
  // answers are cancelled. Returns once no handler holds a Reply. Idempotent.
  void Stop(absl::Duration drain);

  // Connections open now (tests).
  size_t open_connections() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wmo::http

#endif  // WMO_LIBS_HTTP_SERVER_H_
