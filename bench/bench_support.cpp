#include "bench_support.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hitless::bench {

Run run_hitless(const std::string& args) {
  Run r;
  FILE* p = popen((std::string(HITLESS_BIN) + " " + args + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int st = pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string temp_dir(const std::string& tag) {
  std::string t =
      (std::filesystem::temp_directory_path() / ("hitless-bench-" + tag + "-XXXXXX")).string();
  if (!mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
  return t;
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double rss_kb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6));
  return 0;
}

Measured run_measured(const std::vector<std::string>& args, const std::string& log) {
  Measured m;
  std::string bin = HITLESS_BIN;
  std::vector<std::string> copy = args;
  std::vector<char*> argv{bin.data()};
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (pid < 0) return m;
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  m.wall_s = seconds_since(t0);
  m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  m.cpu_s =
      ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  m.max_rss_mb = ru.ru_maxrss / 1024.0;  // KiB on Linux
  return m;
}

double process_cpu_s(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::vector<std::string> fields;
  std::string f;
  for (char ch : stat.substr(close + 2)) {
    if (ch == ' ')
      fields.push_back(std::move(f)), f.clear();
    else
      f += ch;
  }
  if (fields.size() < 13) return -1;  // fields[11], [12]: utime, stime (fields 14, 15 of stat)
  return (std::stod(fields[11]) + std::stod(fields[12])) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string tail_of(const std::string& path, std::size_t bytes) {
  std::ifstream in(path);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

void use_bench_backup_passphrase() {
  ::setenv("HITLESS_BACKUP_PASSPHRASE", "benchmark only, not a secret", 0);
}

double own_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace hitless::bench
