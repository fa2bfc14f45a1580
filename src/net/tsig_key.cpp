#include "net/tsig_key.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>

namespace hitless::net {

std::string tsig_key_file_problem(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return path + ": TSIG key file does not exist";
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return path + ": TSIG key file is readable by others (mode " + mode +
           "); make it private with chmod 600";
  }
  return "";
}

Result<TsigKey, TsigKeyErrc> read_tsig_key_file(const std::string& path) {
  if (auto why = tsig_key_file_problem(path); !why.empty())
    return make_error(why.find("mode") != std::string::npos ? TsigKeyErrc::kLoosePermissions
                                                            : TsigKeyErrc::kUnreadable,
                      why);
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line))
    return make_error(TsigKeyErrc::kUnreadable, path + ": cannot read the TSIG key file");
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  const auto first = line.find(':');
  const auto second = first == std::string::npos ? first : line.find(':', first + 1);
  if (second == std::string::npos || first == 0 || second == first + 1 || second + 1 >= line.size())
    return make_error(TsigKeyErrc::kMalformed, path +
                                                   ":1: expected one line 'algorithm:name:secret' "
                                                   "(e.g. hmac-sha256:update-key:BASE64)");
  TsigKey key{line.substr(0, first), line.substr(first + 1, second - first - 1),
              line.substr(second + 1)};
  if (key.algorithm.rfind("hmac-", 0) != 0)
    return make_error(TsigKeyErrc::kMalformed,
                      path + ":1: algorithm '" + key.algorithm + "' is not an hmac-* algorithm");
  return key;
}

std::string format_tsig_key(const TsigKey& key) {
  return key.algorithm + ":" + key.name + ":" + key.secret;
}

}  // namespace hitless::net
