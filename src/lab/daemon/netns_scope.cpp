#include "lab/daemon/netns_scope.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hitless::lab {

NetnsScope::NetnsScope(const std::string& netns) {
  home_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  const int target = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
  if (home_ < 0 || target < 0) {
    error_ = "network namespace " + netns + ": " + std::strerror(errno);
  } else if (::setns(target, CLONE_NEWNET) != 0) {
    error_ = "cannot enter network namespace " + netns + ": " + std::strerror(errno);
  } else {
    entered_ = true;
  }
  if (target >= 0) ::close(target);
}

NetnsScope::~NetnsScope() {
  // Going home cannot fail for a namespace this thread came from (it is still referenced).
  if (entered_) (void)::setns(home_, CLONE_NEWNET);
  if (home_ >= 0) ::close(home_);
}

}  // namespace hitless::lab
