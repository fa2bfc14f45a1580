#include "drivers/secrets.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace hitless::drivers {
namespace {

std::string octal_mode(mode_t mode) {
  std::ostringstream s;
  s << std::oct << (mode & 0777);
  return s.str();
}

}  // namespace

Result<std::string, DriverErrc> read_secret_file(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return make_error(DriverErrc::kRejected,
                      what + ": cannot read " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    return make_error(DriverErrc::kRejected, what + ": " + path + " is not a regular file");
  // Group or others may read or write it: someone else may know or change the secret.
  if ((st.st_mode & 077) != 0)
    return make_error(DriverErrc::kRejected,
                      what + ": " + path + " has mode " + octal_mode(st.st_mode) +
                          "; a secret file must be readable by its owner only (chmod 600 " + path +
                          ")");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(DriverErrc::kRejected,
                      what + ": cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (s.empty()) return make_error(DriverErrc::kRejected, what + ": " + path + " is empty");
  return s;
}

Result<std::string, DriverErrc> read_secret_env(const std::string& name, const std::string& what) {
  const char* v = std::getenv(name.c_str());
  if (!v || !*v)
    return make_error(DriverErrc::kRejected,
                      what + ": environment variable " + name + " is not set");
  return std::string(v);
}

void SecretRedactor::add(const std::string& secret) {
  // Very short values would blank out ordinary words; secrets are longer than this.
  if (secret.size() >= 4) secrets_.push_back(secret);
}

std::string SecretRedactor::redact(std::string text) const {
  for (const auto& s : secrets_) {
    for (auto at = text.find(s); at != std::string::npos; at = text.find(s, at + 8))
      text.replace(at, s.size(), "[secret]");
  }
  return text;
}

nlohmann::json SecretRedactor::redact_json(const nlohmann::json& j) const {
  if (j.is_string()) return redact(j.get<std::string>());
  if (j.is_array() || j.is_object()) {
    nlohmann::json out = j;
    for (auto& v : out) v = redact_json(v);
    return out;
  }
  return j;
}

}  // namespace hitless::drivers
