#include "lab_harness.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <thread>

#include "catalog/signing.hpp"
#include "lab/daemon/lab_dir.hpp"

#ifndef HITLESS_BIN
#error "HITLESS_BIN must name the hitless binary"
#endif

namespace hitless::testing {

CommandResult run_hitless(const std::string& args) {
  const std::string cmd = std::string(HITLESS_BIN) + " " + args + " 2>&1";
  CommandResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string make_temp_dir(const std::string& tag) {
  std::string templ =
      (std::filesystem::temp_directory_path() / ("hitless-" + tag + "-XXXXXX")).string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  // ctest sets HITLESS_TEST_RUN_FILE (tests/CMakeLists.txt); its setup test wrote this run's id.
  if (const char* run_file = std::getenv("HITLESS_TEST_RUN_FILE")) {
    std::ifstream in(run_file);
    std::string run_id;
    if (std::getline(in, run_id) && !run_id.empty())
      write_text(templ + "/ctest-run", run_id + "\n");
  }
  return templ;
}

ScratchDir::ScratchDir(const std::string& tag)
    : path_(make_temp_dir(tag)), exceptions_at_start_(std::uncaught_exceptions()) {}

ScratchDir::~ScratchDir() {
  if (::testing::Test::HasFailure() || std::uncaught_exceptions() > exceptions_at_start_) {
    std::fprintf(stderr, "scratch directory kept for a look: %s\n", path_.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

std::string pair_yaml(const std::string& extra_defaults, const std::string& ha) {
  return R"(lab: test-pair
defaults:
  version: 7.1.0
  installed: {base: "3.0"}
  install: 10m
  reboot: 2m
  boot_timeout: 5m
  sync_rate_mb_s: 10
  session_lifetime: 10m
  inter_appliance_key: k1
  data: {users: 5, settings: 5, recordings: 10, size_mb: 3000}
)" + extra_defaults +
         R"(repository:
  - {name: base, version: 3.1.0, kind: base, install: 5m}
  - {name: product, version: 7.2.0, kind: product, install: 10m, requires: ["base >= 3.1"]}
clusters:
  - name: pair
    kind: failover-pair
    traffic: shared-ip
    shared_ip: 127.0.0.100
    ha: )" +
         ha + R"(
    nodes:
      - {name: a, role: primary, owns_shared_ip: true}
      - {name: b, role: backup}
)";
}

Lab::Lab(const std::string& yaml, double time_scale)
    : scratch_("lab"), dir_(scratch_.path() + "/run") {
  const std::string& root = scratch_.path();
  // The catalog's rollback state (catalog/trust.hpp) of this lab's commands stays in its directory.
  ::setenv("HITLESS_STATE_DIR", (root + "/state").c_str(), 1);
  // apply and resume seal configuration backups with a passphrase and refuse to start without one.
  ::setenv("HITLESS_BACKUP_PASSPHRASE", "lab tests only", 0);
  write_text(root + "/lab.yaml", yaml);
  auto r = run_hitless("lab up " + root + "/lab.yaml --dir " + dir_ + " --time-scale " +
                       std::to_string(time_scale));
  if (r.exit_code != 0) throw std::runtime_error("lab up failed: " + r.output);
  up_ = true;
  auto h = lab::LabHandle::open(dir_);
  if (!h) throw std::runtime_error(h.message());
  handle_ = std::make_unique<lab::LabHandle>(std::move(*h));
}

// A passing test leaves nothing behind; a failing one keeps its lab directory (logs, journal)
// for a look: scratch_ decides, after the lab is down.
Lab::~Lab() { down(); }

void Lab::down() {
  if (!up_) return;
  up_ = false;
  run_hitless("lab down --dir " + dir_);
}

int Lab::run_fault(const std::string& node, const std::string& kind) {
  return run_hitless("lab fault --dir " + dir_ + " " + node + " " + kind).exit_code;
}

nlohmann::json Lab::inspect() {
  auto j = handle_->inspect();
  if (!j) throw std::runtime_error(j.message());
  return *j;
}

nlohmann::json Lab::node(const std::string& name) {
  const auto all = inspect();  // keep it alive: a range-for over a temporary's member dangles
  for (const auto& n : all.at("nodes"))
    if (n.at("name") == name) return n;
  throw std::runtime_error("no node " + name);
}

std::pair<int, nlohmann::json> Lab::api(const std::string& node, const std::string& method,
                                        const std::string& target, const nlohmann::json& body,
                                        double timeout_s) {
  auto r = handle_->call_node(node, method, target, body.is_null() ? "" : body.dump(), timeout_s);
  if (!r) return {0, nlohmann::json{{"error", r.message()}}};
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  return {r->status, j.is_discarded() ? nlohmann::json() : j};
}

std::pair<int, nlohmann::json> Lab::stage(const std::string& node, const std::string& package_id) {
  auto a = handle_->node(node);
  if (!a) return {0, nullptr};
  net::ClientRequest rq;
  rq.host = a->host;
  rq.port = a->port;
  rq.method = "POST";
  rq.target = "/api/v1/packages";
  rq.bearer_token = a->token;
  rq.content_type = "application/octet-stream";
  rq.body = lab::read_file(dir_ + "/repo/" + package_id + ".pkg");
  // The .minisig file travels base64-encoded in one header line.
  rq.headers["X-Package-Signature"] =
      catalog::signature_to_wire(lab::read_file(dir_ + "/repo/" + package_id + ".pkg.minisig"));
  auto r = net::http_call(rq);
  if (!r) return {0, nlohmann::json{{"error", r.message()}}};
  return {r->status, nlohmann::json::parse(r->body, nullptr, false)};
}

bool Lab::wait_node(const std::string& name, const std::function<bool(const nlohmann::json&)>& pred,
                    double timeout_s) {
  const auto t0 = std::chrono::steady_clock::now();
  while (seconds_since(t0) < timeout_s) {
    if (pred(node(name))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace hitless::testing
