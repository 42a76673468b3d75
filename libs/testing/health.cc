#include "libs/testing/health.h"

#include <future>
#include <vector>

#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace wmo::testing {

Serving HealthOf(grpc::Channel& channel, const std::string& service,
                 std::chrono::milliseconds deadline) {
  grpc::GenericStub stub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  std::string request;
  if (!service.empty()) {  // Field 1, length-delimited; names are short.
    request = std::string(1, 0x0a) +
              std::string(1, static_cast<char>(service.size())) + service;
  }
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1), out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", {}, &in, &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  if (!done.get_future().get().ok()) return Serving::kUnknown;
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (out.Dump(&slices).ok()) {
    for (const auto& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  // Field 1, varint; absent means 0 (UNKNOWN).
  if (bytes.size() >= 2 && bytes[0] == 0x08) {
    return static_cast<Serving>(bytes[1]);
  }
  return Serving::kUnknown;
}

}  // namespace wmo::testing
