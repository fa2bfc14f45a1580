// Benchmark: HAProxy runtime API commands per second from the HAProxy traffic driver (one unix
// socket connection per command, as the driver sends them), one at a time and with several in
// flight. HAProxy is the lab's own (started by the lab's launcher) in front of two servers this
// program runs. Prints figures; not pass/fail.
// Usage: haproxy_bench [COMMANDS]   (default 2000; per kind and concurrency)
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench_support.hpp"
#include "drivers/haproxy_traffic_switch.hpp"
#include "lab/daemon/haproxy_process.hpp"
#include "net/asio_scheduler.hpp"
#include "net/http_server.hpp"

using namespace hitless;

namespace {

struct Figures {
  double per_s = 0;
  int failed = 0;
};

// Runs `total` commands with `in_flight` outstanding at once; each completion starts the next.
Figures run(boost::asio::io_context& io, drivers::HaproxyTrafficSwitch& sw, int total,
            int in_flight, bool set_commands) {
  int started = 0, finished = 0, failed = 0;
  std::function<void()> next = [&] {
    if (started >= total) return;
    const int i = started++;
    auto done = [&](bool ok) {
      ++finished;
      if (!ok) ++failed;
      next();
    };
    if (set_commands) {
      // Alternate drain and ready on one server: each is one `set server` with an empty answer.
      sw.balance("bench", drivers::Action{i % 2 ? "lb-ready" : "lb-maint", {{"server", "s1"}}},
                 [done](Result<nlohmann::json, drivers::DriverErrc> r) { done(r.ok()); });
    } else {
      sw.command("bench", "show stat",
                 [done](Result<std::string, drivers::DriverErrc> r) { done(r.ok()); });
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < in_flight; ++k) next();
  io.restart();
  while (finished < total) io.run_one();
  const double s = bench::seconds_since(t0);
  return {total / s, failed};
}

}  // namespace

int main(int argc, char** argv) {
  const int total = argc > 1 ? std::stoi(argv[1]) : 2000;
  boost::asio::io_context io;
  net::AsioScheduler clock(io, 1.0);
  std::vector<std::unique_ptr<net::HttpListener>> servers;
  std::vector<lab::BalancedServer> members;
  for (const char* name : {"s1", "s2"}) {
    auto l = net::HttpListener::open(io, "127.0.0.1", 0, [](const net::HttpRequest&) {
      return net::HttpReply::json(200, "{}");
    });
    if (!l) {
      std::printf("cannot listen: %s\n", l.message().c_str());
      return 1;
    }
    members.push_back({name, "127.0.0.1:" + std::to_string((*l)->port())});
    servers.push_back(std::move(*l));
  }
  std::string front;
  {
    auto f = net::HttpListener::open(io, "127.0.0.1", 0,
                                     [](const net::HttpRequest&) { return net::HttpReply{}; });
    if (!f) return 1;
    front = "127.0.0.1:" + std::to_string((*f)->port());
  }
  const std::string dir = bench::temp_dir("hxb");
  auto h = lab::HaproxyProcess::start(dir, {{"bench", front, members}});
  if (!h) {
    std::printf("HAProxy: %s\n", h.message().c_str());
    return 1;
  }
  std::string why = "pending";
  (*h)->when_serving(io, 10, [&](std::string w) { why = std::move(w); });
  while (why == "pending") io.run_one();
  if (!why.empty()) {
    std::printf("HAProxy: %s\n", why.c_str());
    return 1;
  }
  drivers::HaproxyTrafficSwitch sw(
      io, clock, {{"bench", {dir + "/" + lab::kHaproxySocket, "bench"}}}, 5.0, 0.02);
  std::printf("HAProxy runtime API from the driver, %d commands per row\n", total);
  std::printf("%-28s %10s %14s %8s\n", "command", "in flight", "commands/s", "failed");
  for (bool set : {true, false})
    for (int in_flight : {1, 8}) {
      const Figures f = run(io, sw, total, in_flight, set);
      std::printf("%-28s %10d %14.0f %8d\n", set ? "set server state maint|ready" : "show stat",
                  in_flight, f.per_s, f.failed);
    }
  (*h)->stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
