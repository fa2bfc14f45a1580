#include "executor/backup_keeping.hpp"

namespace hitless::exec {

std::string keep_proven_backup(const ExecutorOptions::KeepBackup& keep, const std::string& node,
                               const nlohmann::json& answer, double now, nlohmann::json& record) {
  auto kept = keep(node, answer, now);
  if (!kept) return "backup of " + node + " could not be kept: " + kept.message();
  if (!kept->value("proven", false))
    return "backup of " + node + " is not proven: restored into a scratch node it held checksum " +
           kept->value("restored_checksum", std::string("(nothing)")) + ", the node " +
           kept->value("checksum", std::string("?"));
  record = *kept;
  return "";
}

std::string backup_taken_message(const std::string& node, const nlohmann::json& answer,
                                 const nlohmann::json& record) {
  return "backup of " + node + " taken (checksum " +
         answer.value("checksum", std::string("?")).substr(0, 12) + ")" +
         (record.is_object()
              ? ", sealed, proven and stored in " + record.value("file", std::string("?"))
              : std::string());
}

}  // namespace hitless::exec
