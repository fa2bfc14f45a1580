#include "lab/daemon/lab_daemon.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <cstdio>
#include <filesystem>

#include "lab/daemon/control_api.hpp"
#include "lab/daemon/lab_dir.hpp"
#include "lab/spec/lab_spec_parser.hpp"

namespace hitless::lab {
namespace {

int fail_start(const std::string& dir, const std::string& message, int code) {
  std::fprintf(stderr, "hitless lab: %s\n", message.c_str());
  try {
    write_file_atomic(dir + "/lab.error", message + "\n");
  } catch (...) {
  }
  return code;
}

// Each node holds a listening socket plus its clients: lift the soft descriptor limit.
void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace

int run_lab_daemon(const DaemonOptions& opt) {
  raise_fd_limit();
  auto parsed = parse_lab_spec_file(opt.spec_path);
  if (!parsed) return fail_start(opt.dir, parsed.message(), 2);
  LabSpec spec = std::move(*parsed);

  boost::asio::io_context io;
  net::AsioScheduler clock(io, opt.time_scale);
  LabSecrets secrets;
  std::vector<RepoEntry> repo;
  try {
    std::filesystem::create_directories(opt.dir);
    secrets = create_secrets(opt.dir, spec);
    repo = build_repository(opt.dir, spec, secrets.signing_key);
  } catch (const std::exception& e) {
    return fail_start(opt.dir, e.what(), 1);
  }

  // Shared IPs written without a port get a free one now, kept for the lab's lifetime.
  std::map<std::string, std::string> shared_ips;
  for (const auto& c : spec.clusters) {
    if (!c.shared_ip) continue;
    std::uint16_t port = c.shared_ip->port;
    if (port == 0) {
      auto probe = net::HttpListener::open(
          io, c.shared_ip->host, 0, [](const net::HttpRequest&) { return net::HttpReply{}; });
      if (!probe)
        return fail_start(
            opt.dir,
            "cluster " + c.name + ": shared IP " + c.shared_ip->host + ": " + probe.message(), 1);
      port = (*probe)->port();
    }
    shared_ips[c.name] = c.shared_ip->host + ":" + std::to_string(port);
  }

  LabWorld world(spec, clock, secrets.signing_key.public_key_b64, shared_ips);
  LabRuntime runtime(io, world, secrets.endpoints);
  if (auto s = runtime.start(); !s) return fail_start(opt.dir, s.message(), 1);

  bool stopping = false;
  std::unique_ptr<net::HttpListener> control;
  auto shutdown = [&] {
    if (stopping) return;
    stopping = true;
    // Let the reply to the shutdown request leave first.
    boost::asio::post(io, [&] {
      runtime.stop();
      if (control) control->close();
      io.stop();
    });
  };
  ControlContext ctx{&world, &runtime, secrets.control_token, opt.time_scale, shutdown};
  auto cl = net::HttpListener::open(
      io, "127.0.0.1", 0, [&](const net::HttpRequest& r) { return handle_control(ctx, r); });
  if (!cl) return fail_start(opt.dir, "control endpoint: " + cl.message(), 1);
  control = std::move(*cl);

  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) shutdown();
  });

  // Real IPMI for nodes with out-of-band power when the tools are installed (the REST BMC
  // serves either way). Started once the control endpoint their hook calls is listening.
  IpmiBmcs ipmi;
  const std::string control_address = "127.0.0.1:" + std::to_string(control->port());
  if (IpmiBmcs::available()) {
    std::string why;
    try {
      why = ipmi.start(opt.dir, spec, control_address);
    } catch (const std::exception& e) {
      why = e.what();
    }
    if (!why.empty()) return fail_start(opt.dir, "IPMI: " + why, 1);
  }

  LabDescription desc{&spec,
                      &runtime,
                      control_address,
                      opt.time_scale,
                      getpid(),
                      repo,
                      secrets.signing_key.public_key_b64,
                      &ipmi};
  try {
    write_inventory(opt.dir, desc);
    write_file_atomic(opt.dir + "/lab.pid", std::to_string(getpid()) + "\n");
    write_lab_json(opt.dir, desc);  // last: its presence means "ready"
  } catch (const std::exception& e) {
    return fail_start(opt.dir, e.what(), 1);
  }
  std::fprintf(stderr, "hitless lab: %s up with %zu nodes, control on %s, time scale %g\n",
               spec.name.c_str(), spec.nodes.size(), desc.control_address.c_str(), opt.time_scale);
  std::fflush(stderr);

  io.run();
  ipmi.stop();
  std::error_code ec;
  std::filesystem::remove(opt.dir + "/lab.pid", ec);
  std::fprintf(stderr, "hitless lab: %s stopped\n", spec.name.c_str());
  return 0;
}

}  // namespace hitless::lab
