#pragma once
// A Boost.Process v1 initializer that lets a child keep only stdin, stdout and stderr: every other
// descriptor of ours is marked close-on-exec in the forked child just before exec. Used by every
// child this program starts through Boost.Process (child_process.cpp, process_runner.cpp).
//
// Why it is needed: Boost.Asio opens sockets and accepts connections without SOCK_CLOEXEC, and
// Boost.Process opens its pipes without O_CLOEXEC. Without this a knotd would keep a node's
// listening socket bound after the node closed it to reboot, and a command that leaves a process
// behind would hold another command's stdin open (that command never sees EOF).
//
// Why not bp::limit_handles: it walks /dev/fd with opendir (malloc) in the forked child of a
// multi-threaded process, which can deadlock, and it closes Boost's own exec-error pipe, so a
// failed exec went unreported. close_range(CLOSE_RANGE_CLOEXEC) is one async-signal-safe call
// and leaves the exec-error pipe to close itself on a successful exec.

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/process/extend.hpp>

namespace hitless::net {

struct StandardStreamsOnly : boost::process::extend::handler {
  template <typename Executor>
  void on_exec_setup(Executor&) const {
    // The stdio descriptors are dup2'd onto 0-2 by other initializers, which leaves them without
    // close-on-exec whatever order the initializers run in.
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
    // Kernels before 5.11 lack CLOSE_RANGE_CLOEXEC: the same, one descriptor at a time.
    rlimit limit{};
    const long highest = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
                             ? static_cast<long>(limit.rlim_cur)
                             : 65536;
    for (long fd = 3; fd < highest; ++fd) ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
  }
};

}  // namespace hitless::net
