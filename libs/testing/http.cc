#include "libs/testing/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace wmo::testing {

namespace {

int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(addr);
  int port = 0;
  // Port 0: the kernel picks a free port, which getsockname reads back.
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

HttpResponse HttpRequest(
    int port, const std::string& method, const std::string& path,
    const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  HttpResponse response;
  const int fd = ConnectLoopback(port);
  if (fd < 0) return response;
  std::string request = method + " " + path +
                        " HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n";
  // JSON unless the caller names another type.
  if (std::none_of(headers.begin(), headers.end(), [](const auto& header) {
        return absl::EqualsIgnoreCase(header.first, "Content-Type");
      })) {
    request += "Content-Type: application/json\r\n";
  }
  for (const auto& [name, value] : headers) {
    absl::StrAppend(&request, name, ": ", value, "\r\n");
  }
  request += "\r\n" + body;
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, 0);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buffer[8192];
  for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;) {
    raw.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  // "HTTP/1.1 200 OK\r\n...\r\n\r\nbody"
  const size_t space = raw.find(' ');
  const size_t header_end = raw.find("\r\n\r\n");
  if (space == std::string::npos || header_end == std::string::npos) {
    return response;
  }
  response.status = std::atoi(raw.c_str() + space + 1);
  response.head = raw.substr(0, header_end);
  response.body = raw.substr(header_end + 4);
  return response;
}

namespace {

// Reads what is there within `timeout_ms`: >0 bytes appended, 0 closed by the
// peer, -1 nothing in time (or an error).
int ReadSome(int fd, std::string& into, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return -1;
  char buffer[8192];
  const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
  if (n < 0) return 0;  // Reset: closed as well.
  into.append(buffer, static_cast<size_t>(n));
  return static_cast<int>(n);
}

}  // namespace

RawConnection::RawConnection(int port) : fd_(ConnectLoopback(port)) {}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawConnection::Send(const std::string& bytes) {
  for (size_t sent = 0; sent < bytes.size();) {
    const ssize_t n =
        send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

HttpResponse RawConnection::ReadResponse(int timeout_ms, bool to_head) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  HttpResponse response;
  while (true) {
    const size_t header_end = pending_.find("\r\n\r\n");
    if (header_end != std::string::npos) {
      std::string head = pending_.substr(0, header_end);
      size_t length = 0;
      for (const char* name : {"Content-Length: ", "content-length: "}) {
        if (size_t at = head.find(name); !to_head && at != std::string::npos) {
          length = std::strtoul(head.c_str() + at + strlen(name), nullptr, 10);
        }
      }
      if (pending_.size() >= header_end + 4 + length) {
        response.status = std::atoi(head.c_str() + head.find(' ') + 1);
        response.head = std::move(head);
        response.body = pending_.substr(header_end + 4, length);
        pending_.erase(0, header_end + 4 + length);
        return response;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0 ||
        ReadSome(fd_, pending_, static_cast<int>(left.count())) <= 0) {
      return response;
    }
  }
}

bool RawConnection::ClosedWithin(int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) return false;
    const int n = ReadSome(fd_, pending_, static_cast<int>(left.count()));
    if (n == 0) return true;
    if (n < 0) return false;
  }
}

}  // namespace wmo::testing
