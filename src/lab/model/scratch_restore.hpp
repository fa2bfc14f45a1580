#pragma once
// The proof that a configuration backup restores: the exported text is imported into a scratch
// configuration store, exactly as Node::restore imports it, and the checksum it then holds is
// returned for comparison with the node's. In-process; no sockets.

#include <string>

#include "common/result.hpp"

namespace hitless::lab {

Result<std::string, std::string> checksum_after_scratch_restore(const std::string& backup_text);

}  // namespace hitless::lab
