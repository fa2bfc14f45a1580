#pragma once
// The run's backup keeper (ExecutorOptions::keep_backup): seals each node's exported
// configuration with the operator's passphrase, stores it in the backup directory and proves it
// before any install may start on that node. Which proof a backup gets depends on what the node
// reports, and is written in the record:
// - "scratch-restore": the node reports its configuration checksum (the lab's appliances), so
//   the stored backup is restored into a scratch node, which must then hold that checksum;
// - "round-trip": the node reports none (a vendor CLI's export, e.g. JunOS `show configuration |
//   display set`) and has no scratch twin here, so the sealed file must open to exactly the bytes
//   exported.

#include <string>

#include "executor/executor.hpp"

namespace hitless::cli {

exec::ExecutorOptions::KeepBackup make_backup_keeper(std::string dir, std::string passphrase);

}  // namespace hitless::cli
