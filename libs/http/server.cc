#include "libs/http/server.h"

// Beast and Asio are included here and nowhere else: their headers are large
// and template-heavy, and only this file needs them.
#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace wmo::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::io_context::executor_type>;

std::string ToString(beast::string_view s) {
  return std::string(s.data(), s.size());
}

// A reader that does not take the answer within this long is dropped.
constexpr auto kWriteTimeout = std::chrono::seconds(30);
// How long to wait before accepting again after accept failed (out of file
// descriptors, say): enough for connections to close, short enough to go
// unnoticed.
constexpr auto kAcceptRetry = std::chrono::milliseconds(50);
constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return absl::ToChronoNanoseconds(d);
}

Response PlainError(int status, absl::string_view message) {
  Response r;
  r.status = status;
  r.content_type = "text/plain";
  r.body = absl::StrCat(message, "\n");
  return r;
}

}  // namespace

const std::string* Request::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

class Connection;

class Core {
 public:
  Core(ServerOptions options, Handler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        accept_strand_(asio::make_strand(io_)),
        acceptor_(accept_strand_),
        accept_retry_(accept_strand_) {
    if (!options_.error) options_.error = PlainError;
    if (options_.threads <= 0) {
      options_.threads =
          static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    }
  }

  ~Core() {
    // Stop throws only for a broken mutex or thread: nothing to recover.
    try {
      Stop(absl::ZeroDuration());
    } catch (...) {
      std::terminate();
    }
  }

  absl::Status Start(const std::string& host, int port) {
    std::lock_guard lock(start_mu_);
    if (started_) {
      return absl::FailedPreconditionError(
          "the HTTP server was already started");
    }
    started_ = true;
    beast::error_code ec;
    tcp::resolver resolver(io_);
    const auto endpoints = resolver.resolve(
        host, std::to_string(port),
        tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (!ec && endpoints.empty()) ec = asio::error::host_not_found;
    if (!ec) {
      const tcp::endpoint endpoint = endpoints.begin()->endpoint();
      acceptor_.open(endpoint.protocol(), ec);
      // SO_REUSEADDR allows a quick restart; a port in use still fails.
      if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) acceptor_.bind(endpoint, ec);
      if (!ec) acceptor_.listen(options_.backlog, ec);
    }
    if (ec) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", host, ":",
                                                 port, ": ", ec.message()));
    }
    port_ = acceptor_.local_endpoint().port();
    work_.emplace(io_.get_executor());
    asio::post(accept_strand_, [this] { Accept(); });
    for (int i = 0; i < options_.threads; ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
    return absl::OkStatus();
  }

  void Stop(absl::Duration drain) {
    std::lock_guard start_lock(start_mu_);
    if (!started_ || stopped_) return;
    stopped_ = true;
    stopping_ = true;
    asio::post(accept_strand_, [this] {
      beast::error_code ec;
      acceptor_.close(ec);
      accept_retry_.cancel();
    });
    ForEachConnection(&Connection_BeginStop);
    std::unique_lock lock(mu_);
    if (!all_closed_.wait_for(lock, ToChrono(drain),
                              [this] { return connections_.empty(); })) {
      lock.unlock();
      ForEachConnection(&Connection_ForceClose);
      lock.lock();
      // Closed connections go away as soon as their pending operations and
      // answers complete; cancelled handlers answer promptly.
      all_closed_.wait(lock, [this] { return connections_.empty(); });
    }
    lock.unlock();
    work_.reset();
    // The loop may still run the acceptor's last handler; it then runs dry.
    for (std::thread& t : threads_) t.join();
  }

  int port() const { return port_; }
  size_t open_connections() const {
    std::lock_guard lock(mu_);
    return connections_.size();
  }

 private:
  friend class Connection;
  friend class Exchange;

  // Defined after Connection.
  static void Connection_BeginStop(const std::shared_ptr<Connection>& c);
  static void Connection_ForceClose(const std::shared_ptr<Connection>& c);

  void ForEachConnection(void (*action)(const std::shared_ptr<Connection>&)) {
    std::vector<std::shared_ptr<Connection>> open;
    {
      std::lock_guard lock(mu_);
      for (auto& [raw, weak] : connections_) {
        if (auto c = weak.lock()) open.push_back(std::move(c));
      }
    }
    for (const auto& c : open) action(c);
  }

  void Accept();  // On accept_strand_.
  void OnAccepted(beast::error_code ec, tcp::socket socket);

  // Called by Connection's destructor.
  void Forget(Connection* c) {
    bool resume = false;
    {
      std::lock_guard lock(mu_);
      connections_.erase(c);
      if (accept_paused_ && !stopping_ &&
          connections_.size() < options_.max_connections) {
        accept_paused_ = false;
        resume = true;
      }
      if (connections_.empty()) all_closed_.notify_all();
    }
    if (resume) asio::post(accept_strand_, [this] { Accept(); });
  }

  ServerOptions options_;
  Handler handler_;
  asio::io_context io_;
  Strand accept_strand_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
      work_;
  std::vector<std::thread> threads_;
  std::atomic<int> port_{0};
  std::atomic<bool> stopping_{false};

  std::mutex start_mu_;  // Serializes Start and Stop.
  bool started_ = false;
  bool stopped_ = false;

  mutable std::mutex mu_;
  std::condition_variable all_closed_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
  bool accept_paused_ = false;
};

// One request being answered. Holds its connection until it is answered.
class Exchange : public Reply {
 public:
  Exchange(std::shared_ptr<Connection> connection, Core& server)
      : connection_(std::move(connection)), server_(server) {}
  ~Exchange() override;

  void Send(Response response) override;

  void OnCancel(std::function<void()> cancel) override {
    {
      std::lock_guard lock(mu_);
      if (!cancelled_) {
        cancel_ = std::move(cancel);
        return;
      }
    }
    cancel();
  }

  void Cancel() {
    std::function<void()> cancel;
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
      cancel = std::move(cancel_);
    }
    if (cancel) cancel();
  }

 private:
  std::shared_ptr<Connection> connection_;
  Core& server_;
  std::atomic<bool> answered_{false};
  std::mutex mu_;
  std::function<void()> cancel_;
  bool cancelled_ = false;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Core& server)
      : server_(server),
        stream_(std::move(socket)),
        timer_(stream_.get_executor()) {}

  ~Connection() {
    try {
      server_.Forget(this);
    } catch (...) {  // A broken mutex: nothing to recover.
      std::terminate();
    }
  }

  void Begin() {
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    WaitForRequest();
  }

  // Both on the strand.
  void BeginStop() {
    if (state_ == State::kIdle) Close();
  }
  void ForceClose() {
    Close();
    if (auto exchange = exchange_.lock()) exchange->Cancel();
  }

  // On the strand: answers the request being handled.
  void Write(Response r) {
    exchange_.reset();
    if (state_ == State::kClosed) return;
    WriteResponse(std::move(r), keep_alive_ && !server_.stopping_);
  }

  asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  enum class State { kIdle, kReading, kAnswering, kClosed };

  void WaitForRequest() {
    state_ = State::kIdle;
    if (server_.stopping_) return Close();
    if (buffer_.size() > 0) return ReadHeader();  // Pipelined.
    ArmTimer(server_.options_.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(4096),
        [self = shared_from_this()](beast::error_code ec, size_t n) {
          self->Disarm();
          if (self->state_ == State::kClosed) return;
          if (ec) return self->Close();  // Gone, or idle too long.
          self->buffer_.commit(n);
          self->ReadHeader();
        });
  }

  void ReadHeader() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(
        static_cast<uint32_t>(server_.options_.max_header_bytes));
    parser_->body_limit(server_.options_.max_body_bytes);
    ArmTimer(server_.options_.header_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) {
          self->Disarm();
          self->OnHeader(ec);
        });
  }

  void OnHeader(beast::error_code ec) {
    if (state_ == State::kClosed) return;
    if (ec) return FailRead(ec);
    const auto& header = parser_->get();
    keep_alive_ = header.keep_alive();
    if (const auto length = parser_->content_length();
        length && *length > server_.options_.max_body_bytes) {
      return RefuseBody();
    }
    if (beast::iequals(header[bhttp::field::expect], "100-continue")) {
      stream_.expires_after(kWriteTimeout);
      asio::async_write(
          stream_, asio::buffer(kContinue, sizeof kContinue - 1),
          [self = shared_from_this()](beast::error_code ec, size_t) {
            self->stream_.expires_never();
            if (self->state_ == State::kClosed) return;
            if (ec) return self->Close();
            self->ReadBody();
          });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    ArmTimer(server_.options_.body_timeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) {
          self->Disarm();
          if (self->state_ == State::kClosed) return;
          if (ec) return self->FailRead(ec);
          self->Dispatch();
        });
  }

  void Dispatch() {
    state_ = State::kAnswering;
    bhttp::request<bhttp::string_body> message = parser_->release();
    parser_.reset();
    Request request;
    request.method = ToString(message.method_string());
    request.target = ToString(message.target());
    for (const auto& field : message) {
      request.headers.emplace_back(
          absl::AsciiStrToLower(ToString(field.name_string())),
          ToString(field.value()));
    }
    request.body = std::move(message.body());
    head_ = request.method == "HEAD";
    auto exchange = std::make_shared<Exchange>(shared_from_this(), server_);
    exchange_ = exchange;
    try {
      server_.handler_(std::move(request), exchange);
    } catch (const std::exception&) {
      exchange->Send(server_.options_.error(500, "internal error"));
    }
  }

  // Read failures: answer what can be answered, then close.
  void FailRead(beast::error_code ec) {
    keep_alive_ = false;
    if (timed_out_) {
      timed_out_ = false;
      return WriteResponse(
          server_.options_.error(408, "request not received in time"), false);
    }
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec == bhttp::error::header_limit) {
      return WriteResponse(
          server_.options_.error(431, "request headers too large"), false);
    }
    if (ec == bhttp::error::body_limit) return RefuseBody();
    WriteResponse(server_.options_.error(400, "malformed HTTP request"), false);
  }

  void RefuseBody() {
    keep_alive_ = false;
    WriteResponse(
        server_.options_.error(
            413, absl::StrCat("request body larger than ",
                              server_.options_.max_body_bytes, " bytes")),
        false);
  }

  void WriteResponse(Response r, bool keep_alive) {
    response_.emplace(static_cast<bhttp::status>(r.status), 11);
    auto& res = *response_;
    res.set(bhttp::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) res.set(name, value);
    res.keep_alive(keep_alive);
    res.body() = std::move(r.body);
    res.prepare_payload();
    // HEAD: the length of the body GET would send, no body.
    if (head_) res.body().clear();
    head_ = false;
    state_ = State::kAnswering;
    stream_.expires_after(kWriteTimeout);
    bhttp::async_write(
        stream_, res,
        [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
          self->stream_.expires_never();
          self->response_.reset();
          if (self->state_ == State::kClosed) return;
          if (ec || !keep_alive) return self->Close();
          self->WaitForRequest();
        });
  }

  // The read deadline: on expiry the pending read ends with
  // operation_aborted and `timed_out_` says why.
  void ArmTimer(absl::Duration d) {
    timed_out_ = false;
    timer_.expires_after(ToChrono(d));
    timer_.async_wait([self = shared_from_this(),
                       generation = timer_generation_](beast::error_code ec) {
      // A timer that fired just as its read completed must not cancel the
      // next read.
      if (ec || generation != self->timer_generation_ ||
          self->state_ == State::kClosed) {
        return;
      }
      self->timed_out_ = true;
      self->stream_.cancel();
    });
  }

  void Disarm() {
    ++timer_generation_;
    timer_.cancel();
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    Disarm();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  Core& server_;
  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::weak_ptr<Exchange> exchange_;
  State state_ = State::kIdle;
  bool keep_alive_ = false;
  bool head_ = false;
  bool timed_out_ = false;
  uint64_t timer_generation_ = 0;
};

Exchange::~Exchange() {
  if (answered_.exchange(true)) return;
  // The handler dropped its reply without answering.
  try {
    asio::post(connection_->executor(),
               [c = connection_,
                r = server_.options_.error(500, "internal error")]() mutable {
                 c->Write(std::move(r));
               });
  } catch (...) {  // Out of memory: nothing to recover.
    std::terminate();
  }
}

void Exchange::Send(Response response) {
  if (answered_.exchange(true)) return;
  asio::post(connection_->executor(),
             [c = connection_, r = std::move(response)]() mutable {
               c->Write(std::move(r));
             });
}

void Core::Connection_BeginStop(const std::shared_ptr<Connection>& c) {
  asio::post(c->executor(), [c] { c->BeginStop(); });
}

void Core::Connection_ForceClose(const std::shared_ptr<Connection>& c) {
  asio::post(c->executor(), [c] { c->ForceClose(); });
}

void Core::Accept() {
  if (stopping_ || !acceptor_.is_open()) return;
  acceptor_.async_accept(asio::make_strand(io_),
                         [this](beast::error_code ec, tcp::socket socket) {
                           OnAccepted(ec, std::move(socket));
                         });
}

void Core::OnAccepted(beast::error_code ec, tcp::socket socket) {
  if (stopping_) return;
  if (ec) {
    // Out of descriptors or a connection reset before it was taken: try
    // again shortly rather than spin.
    accept_retry_.expires_after(kAcceptRetry);
    accept_retry_.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec) Accept();
    });
    return;
  }
  auto connection = std::make_shared<Connection>(std::move(socket), *this);
  bool go_on = true;
  {
    std::lock_guard lock(mu_);
    connections_.emplace(connection.get(), connection);
    if (connections_.size() >= options_.max_connections) {
      accept_paused_ = true;
      go_on = false;
    }
  }
  asio::post(connection->executor(), [connection] { connection->Begin(); });
  if (go_on) Accept();
}

class Server::Impl : public Core {
 public:
  using Core::Core;
};

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() = default;  // ~Core stops.

absl::Status Server::Start(const std::string& host, int port) {
  return impl_->Start(host, port);
}

int Server::port() const { return impl_->port(); }

void Server::Stop(absl::Duration drain) { impl_->Stop(drain); }

size_t Server::open_connections() const { return impl_->open_connections(); }

}  // namespace wmo::http
