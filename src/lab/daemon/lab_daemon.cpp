#include "lab/daemon/lab_daemon.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <cstdio>
#include <filesystem>

#include "lab/daemon/control_api.hpp"
#include "lab/daemon/haproxy_process.hpp"
#include "lab/daemon/lab_chassis.hpp"
#include "lab/daemon/lab_dir.hpp"
#include "lab/daemon/leftovers.hpp"
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

// A free port on `host`, chosen by binding port 0 (for addresses written with port 0).
Result<std::uint16_t, net::NetErrc> free_port(boost::asio::io_context& io,
                                              const std::string& host) {
  auto probe = net::HttpListener::open(io, host, 0,
                                       [](const net::HttpRequest&) { return net::HttpReply{}; });
  if (!probe) return probe.error();
  return (*probe)->port();
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

  // DNS and NAT clusters: their nodes' addresses come from the components that reach them.
  LabTraffic traffic;
  if (auto s = traffic.prepare(spec, secrets.endpoints, leftovers_dir(opt.dir)); !s)
    return fail_start(opt.dir, s.message(), 1);

  // Shared IPs written without a port get a free one now, kept for the lab's lifetime.
  std::map<std::string, std::string> shared_ips;
  if (auto s = traffic.prepare_shared_ips(spec, shared_ips); !s)
    return fail_start(opt.dir, s.message(), 1);
  for (const auto& c : spec.clusters) {
    if (!c.shared_ip || c.shared_ip_netns) continue;
    std::uint16_t port = c.shared_ip->port;
    if (port == 0) {
      auto probe = free_port(io, c.shared_ip->host);
      if (!probe)
        return fail_start(
            opt.dir,
            "cluster " + c.name + ": shared IP " + c.shared_ip->host + ": " + probe.message(), 1);
      port = *probe;
    }
    shared_ips[c.name] = c.shared_ip->host + ":" + std::to_string(port);
  }

  LabWorld world(spec, clock, secrets.signing_key.public_key_b64, shared_ips);
  LabRuntime runtime(io, world, secrets.endpoints);
  for (const auto& c : spec.clusters)
    if (SharedIpNetns* net = traffic.shared_ip_netns(c.name)) runtime.use_netns(c.name, *net);
  if (auto s = runtime.start(); !s) return fail_start(opt.dir, s.message(), 1);
  if (auto s = traffic.start(spec, runtime, opt.dir); !s)
    return fail_start(opt.dir, s.message(), 1);

  // Chassis clusters (seed 002): the chassis model, its JunOS CLI over SSH per routing engine
  // and its own service address.
  std::vector<std::unique_ptr<LabChassis>> chassis;
  std::map<std::string, ChassisInfo> chassis_info;
  for (const auto& c : spec.clusters) {
    if (c.kind != ClusterKind::kChassis) continue;
    try {
      chassis.push_back(std::make_unique<LabChassis>(io, clock, spec, c, opt.dir));
    } catch (const std::exception& e) {
      runtime.stop();
      return fail_start(opt.dir, "cluster " + c.name + ": " + e.what(), 1);
    }
    const LabChassis& lc = *chassis.back();
    ChassisInfo info{lc.service(), {}, {}, lc.front().client_key(), lc.front().known_hosts()};
    // Relative to the lab directory, as the inventory's other files are.
    for (std::string* path : {&info.client_key, &info.known_hosts})
      *path = std::filesystem::path(*path).filename().string();
    for (const auto& n : c.nodes) {
      info.ssh_ports[n] = lc.ssh_port(n);
      info.engines[n] = lc.engine_of(n);
    }
    chassis_info[c.name] = info;
  }
  std::map<std::string, std::string> chassis_services;
  for (const auto& [cluster, info] : chassis_info) chassis_services[cluster] = info.service;
  auto chassis_of = [&](const std::string& node) -> LabChassis* {
    for (auto& lc : chassis)
      if (lc->engine_of(node) >= 0) return lc.get();
    return nullptr;
  };

  // Active/active clusters get the lab's HAProxy in front, health-checking every node.
  std::vector<BalancedCluster> balanced;
  std::map<std::string, LoadBalancerInfo> load_balancers;
  for (const auto& c : spec.clusters) {
    if (c.traffic != TrafficSteering::kLoadBalancer) continue;
    Endpoint front = c.load_balancer.value_or(Endpoint{});
    if (front.port == 0) {
      auto port = free_port(io, front.host);
      if (!port)
        return fail_start(
            opt.dir, "cluster " + c.name + ": load balancer " + front.host + ": " + port.message(),
            1);
      front.port = *port;
    }
    BalancedCluster b{c.name, front.str(), {}};
    for (const auto& n : c.nodes) {
      const auto& ep = runtime.endpoint(n);
      b.servers.push_back({n, ep.host + ":" + std::to_string(ep.port)});
    }
    balanced.push_back(b);
    load_balancers[c.name] = LoadBalancerInfo{front.str(), kHaproxySocket, c.name};
  }
  std::unique_ptr<HaproxyProcess> haproxy;
  if (!balanced.empty()) {
    auto h = HaproxyProcess::start(opt.dir, balanced);
    if (!h) {
      runtime.stop();
      return fail_start(opt.dir, "HAProxy: " + h.message(), 1);
    }
    haproxy = std::move(*h);
    for (auto& [cluster, lb] : load_balancers) lb.pid = haproxy->pid();
  }

  bool stopping = false;
  int exit_code = 0;
  std::unique_ptr<net::HttpListener> control;
  auto shutdown = [&] {
    if (stopping) return;
    stopping = true;
    // Let the reply to the shutdown request leave first.
    boost::asio::post(io, [&] {
      for (auto& lc : chassis) lc->stop();
      traffic.stop();
      if (haproxy) haproxy->stop();
      runtime.stop();
      if (control) control->close();
      io.stop();
    });
  };
  ControlContext ctx{&world,   &runtime, secrets.control_token, opt.time_scale,
                     shutdown, &traffic, &load_balancers,       {},
                     {},       nullptr};
  ctx.chassis_services = &chassis_services;
  ctx.on_fault = [&](const std::string& node, const std::string& kind) {
    LabChassis* lc = chassis_of(node);
    if (!lc) return;
    // A routing engine that fails to boot new software comes back on the old one.
    if (kind == "boot-fail" || kind == "clear")
      lc->chassis().engine(lc->engine_of(node)).boot_fails = kind == "boot-fail";
  };
  if (!chassis.empty())
    ctx.chassis_inspect = [&] {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& lc : chassis) out.push_back(lc->inspect());
      return out;
    };
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
    if (!why.empty()) {
      ipmi.stop();
      for (auto& lc : chassis) lc->stop();
      traffic.stop();
      if (haproxy) haproxy->stop();
      runtime.stop();
      return fail_start(opt.dir, "IPMI: " + why, 1);
    }
  }

  LabDescription desc{&spec,
                      &runtime,
                      control_address,
                      opt.time_scale,
                      getpid(),
                      repo,
                      secrets.signing_key.public_key_b64,
                      &traffic,
                      load_balancers,
                      chassis_info,
                      HITLESS_PROFILES_DIR,
                      &ipmi};
  // lab.json is written last: its presence means "ready", so HAProxy must serve first.
  auto publish = [&] {
    try {
      write_inventory(opt.dir, desc);
      write_file_atomic(opt.dir + "/lab.pid", std::to_string(getpid()) + "\n");
      write_lab_json(opt.dir, desc);
    } catch (const std::exception& e) {
      exit_code = fail_start(opt.dir, e.what(), 1);
      return shutdown();
    }
    std::fprintf(stderr, "hitless lab: %s up with %zu nodes, control on %s, time scale %g\n",
                 spec.name.c_str(), spec.nodes.size(), desc.control_address.c_str(),
                 opt.time_scale);
    for (const auto& [cluster, lb] : load_balancers)
      std::fprintf(stderr, "hitless lab: cluster %s behind HAProxy (pid %d) at %s\n",
                   cluster.c_str(), haproxy->pid(), lb.service.c_str());
    std::fflush(stderr);
  };
  if (haproxy)
    haproxy->when_serving(io, 10, [&](const std::string& why) {
      if (why.empty()) return publish();
      exit_code = fail_start(opt.dir, "HAProxy: " + why, 1);
      shutdown();
    });
  else
    publish();

  io.run();
  ipmi.stop();
  std::error_code ec;
  std::filesystem::remove(opt.dir + "/lab.pid", ec);
  if (haproxy) haproxy->stop();
  std::fprintf(stderr, "hitless lab: %s stopped\n", spec.name.c_str());
  return exit_code;
}

}  // namespace hitless::lab
