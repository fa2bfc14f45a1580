#pragma once
// Secrets (API tokens, credentials, passphrases): read from a file only its owner may read, or
// from an environment variable, and kept out of everything hitless writes. A file that its group
// or others may read or write is refused, naming the file, its mode and the fix; nothing else is
// read. SecretRedactor replaces known secret values in text that leaves a driver (error
// messages, answers that end up in the journal). Plain functions and values.

#include <string>
#include <vector>

#include "drivers/drivers.hpp"

namespace hitless::drivers {

// The file's content without its trailing newline. `what` names it in errors ("node a: token").
Result<std::string, DriverErrc> read_secret_file(const std::string& path, const std::string& what);
// The variable's value; an error naming it when unset or empty.
Result<std::string, DriverErrc> read_secret_env(const std::string& name, const std::string& what);

class SecretRedactor {
 public:
  void add(const std::string& secret);
  // `text` with every known secret replaced by "[secret]".
  std::string redact(std::string text) const;
  nlohmann::json redact_json(const nlohmann::json& j) const;  // every string inside

 private:
  std::vector<std::string> secrets_;
};

}  // namespace hitless::drivers
