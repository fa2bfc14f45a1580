#pragma once
// LabHandle: a client's view of a running lab, read from DIR/lab.json and DIR/secrets. Used by
// `hitless lab down|inspect|fault|power`, by tests and by benchmarks. Blocking calls with
// deadlines; safe from any thread that does not run an io_context.

#include <nlohmann/json.hpp>
#include <string>

#include "common/result.hpp"
#include "net/http_client.hpp"

namespace hitless::lab {

enum class LabErrc { kNotRunning, kUnreachable, kRejected };

struct NodeAccess {
  std::string host;
  std::uint16_t port = 0;
  std::string token;
};

class LabHandle {
 public:
  static Result<LabHandle, LabErrc> open(const std::string& dir);

  const nlohmann::json& description() const { return lab_; }  // the content of lab.json
  int pid() const { return lab_.value("pid", 0); }
  // host:port where clients of the cluster connect.
  std::string service(const std::string& cluster) const;
  Result<NodeAccess, LabErrc> node(const std::string& name) const;

  Result<nlohmann::json, LabErrc> inspect() const;
  Result<nlohmann::json, LabErrc> fault(const std::string& node, const std::string& kind) const;
  Result<nlohmann::json, LabErrc> power(const std::string& node, bool on) const;
  Status<LabErrc> shutdown() const;
  // A call to a node's management API.
  Result<net::HttpResponse, LabErrc> call_node(const std::string& node, const std::string& method,
                                               const std::string& target,
                                               const std::string& body = "",
                                               double timeout_s = 5) const;

 private:
  Result<nlohmann::json, LabErrc> control(const std::string& method, const std::string& target,
                                          const nlohmann::json& body) const;
  std::string dir_;
  nlohmann::json lab_;
  std::string control_host_;
  std::uint16_t control_port_ = 0;
  std::string control_token_;
};

// "127.0.0.1:4000" -> ("127.0.0.1", 4000); false when malformed.
bool split_address(const std::string& address, std::string& host, std::uint16_t& port);
// True while a process with this pid exists and is not a zombie.
bool process_alive(int pid);

}  // namespace hitless::lab
