#pragma once
// Keeping a step's configuration backup (ExecutorOptions::keep_backup): the keeper seals, stores
// and proves it; this judges its answer and words the step's outcome. Holds nothing; does no I/O
// of its own (the keeper does). Single-threaded (the executor's thread).

#include <nlohmann/json.hpp>
#include <string>

#include "executor/executor.hpp"

namespace hitless::exec {

// Hands `node`'s backup (the "backup" call's answer) to `keep` at run time `now`. Returns "" when
// it is stored and proven (`record` then holds what the keeper stored, for the journal), else
// why the backup cannot be relied on.
std::string keep_proven_backup(const ExecutorOptions::KeepBackup& keep, const std::string& node,
                               const nlohmann::json& answer, double now, nlohmann::json& record);

// The outcome line of a backup step: its checksum and, when kept, where the proven copy lives.
std::string backup_taken_message(const std::string& node, const nlohmann::json& answer,
                                 const nlohmann::json& record);

}  // namespace hitless::exec
