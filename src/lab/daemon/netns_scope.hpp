#pragma once
// NetnsScope: while it lives, the calling thread is in network namespace NAME (setns(2) on
// /run/netns/NAME); the destructor puts the thread back where it was. A socket created meanwhile
// stays in NAME for its whole life, so one process can listen in many namespaces: the lab opens
// a node's shared-IP listener inside the node's namespace and serves it from its one io thread.
// Only this thread moves; needs CAP_SYS_ADMIN (root). Not copyable; keep the scope short.

#include <string>

namespace hitless::lab {

class NetnsScope {
 public:
  explicit NetnsScope(const std::string& netns);
  ~NetnsScope();
  NetnsScope(const NetnsScope&) = delete;
  NetnsScope& operator=(const NetnsScope&) = delete;
  bool entered() const { return entered_; }
  const std::string& error() const { return error_; }  // why it could not enter

 private:
  int home_ = -1;
  bool entered_ = false;
  std::string error_;
};

}  // namespace hitless::lab
