#include "lab/model/scratch_restore.hpp"

#include "lab/model/config_store.hpp"

namespace hitless::lab {

Result<std::string, std::string> checksum_after_scratch_restore(const std::string& backup_text) {
  ConfigStore scratch;
  if (!scratch.deserialize(backup_text))
    return make_error(std::string(), std::string("not a backup of this appliance type"));
  return scratch.checksum();
}

}  // namespace hitless::lab
