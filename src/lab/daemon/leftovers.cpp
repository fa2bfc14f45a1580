#include "lab/daemon/leftovers.hpp"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "net/child_process.hpp"

namespace hitless::lab {
namespace fs = std::filesystem;

namespace {

std::string read_or_empty(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool carries_mark(int pid, const std::string& mark) {
  std::string cmdline = read_or_empty("/proc/" + std::to_string(pid) + "/cmdline");
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  return !mark.empty() && cmdline.find(mark) != std::string::npos;
}

void stop_process(int pid) {
  ::kill(pid, SIGTERM);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (::kill(pid, 0) == 0 && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll interval, not a wait
  if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
}

}  // namespace

std::string leftovers_dir(const std::string& lab_dir) { return lab_dir + "/leftovers"; }

void record_namespace(const std::string& record_dir, const std::string& ns) {
  if (record_dir.empty()) return;
  std::error_code ec;
  fs::create_directories(record_dir, ec);
  std::ofstream out(record_dir + "/namespaces", std::ios::app);
  out << ns << "\n";
  out.flush();
}

void record_process(const std::string& record_dir, const std::string& name, int pid,
                    const std::string& mark) {
  if (record_dir.empty()) return;
  std::error_code ec;
  fs::create_directories(record_dir, ec);
  std::ofstream out(record_dir + "/" + name + ".pid", std::ios::trunc);
  out << pid << "\n" << mark << "\n";
  out.flush();
}

std::vector<std::string> remove_leftovers(const std::string& record_dir) {
  std::vector<std::string> removed;
  std::error_code ec;
  if (!fs::is_directory(record_dir, ec)) return removed;
  for (const auto& entry : fs::directory_iterator(record_dir, ec)) {
    if (entry.path().extension() != ".pid") continue;
    std::istringstream in(read_or_empty(entry.path()));
    int pid = 0;
    std::string mark;
    in >> pid;
    in.ignore();
    std::getline(in, mark);
    if (pid > 0 && carries_mark(pid, mark)) {
      stop_process(pid);
      removed.push_back(entry.path().stem().string() + " pid " + std::to_string(pid));
    }
  }
  std::set<std::string> namespaces;
  std::istringstream list(read_or_empty(record_dir + "/namespaces"));
  for (std::string ns; std::getline(list, ns);)
    if (!ns.empty()) namespaces.insert(ns);
  bool all_gone = true;
  for (const auto& ns : namespaces) {
    if (!fs::exists("/run/netns/" + ns, ec)) continue;  // removed by the daemon already
    auto r = net::run_command({"ip", "netns", "del", ns}, "", 10);
    if (r && r->exit_code == 0)
      removed.push_back("network namespace " + ns);
    else
      all_gone = false;  // keep the record: the next `lab down` tries again
  }
  if (all_gone) fs::remove_all(record_dir, ec);
  return removed;
}

}  // namespace hitless::lab
