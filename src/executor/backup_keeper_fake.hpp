#pragma once
// Test fake for ExecutorOptions::keep_backup: answers as a real run's keeper does (the file, the
// checksum, the restored checksum, proven) and records which nodes it was asked for. Proven
// unless told otherwise. Shared by the executor's tests; single-threaded.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "executor/executor.hpp"

namespace hitless::exec::testing {

struct BackupKeeper {
  bool prove = true;
  std::vector<std::string> kept;
  ExecutorOptions::KeepBackup fn() {
    return [this](const std::string& node, const nlohmann::json& answer,
                  double) -> Result<nlohmann::json, std::string> {
      kept.push_back(node);
      const std::string sum = answer.value("checksum", "");
      return nlohmann::json{{"node", node},
                            {"file", node + "-1.hbk"},
                            {"checksum", sum},
                            {"restored_checksum", prove ? sum : "other"},
                            {"proven", prove}};
    };
  }
};

}  // namespace hitless::exec::testing
