// Node, its clients' sessions: opened while it serves and accepts, ended by their lifetime (never,
// under the never-drains fault), moved with the VIP to the peer (seed 000's session transfer),
// closed by the client or dropped.
#include <algorithm>

#include "lab/model/node.hpp"

namespace hitless::lab {

Result<SessionId, NodeErrc> Node::open_session(double lifetime_override_s) {
  if (!serving()) return make_error(NodeErrc::kBusy, spec_.name + " is not serving");
  if (!accepting_)
    return make_error(NodeErrc::kRefused, spec_.name + " is not accepting new connections");
  return start_session(lifetime_override_s > 0 ? lifetime_override_s : spec_.session_lifetime_s);
}

SessionId Node::start_session(double lifetime_s) {
  const SessionId id = next_session_++;
  const TimerId t = clock_.call_after(lifetime_s, [this, id] { session_lifetime_ended(id); });
  sessions_.emplace(id, Session{t, clock_.now() + lifetime_s});
  return id;
}

void Node::session_lifetime_ended(SessionId id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  if (has_fault(Fault::kNeverDrains)) {  // the client stays connected: look again a lifetime on
    const double again = std::max(1.0, spec_.session_lifetime_s);
    it->second.ends_at = clock_.now() + again;
    it->second.timer = clock_.call_after(again, [this, id] { session_lifetime_ended(id); });
    return;
  }
  sessions_.erase(it);
  ++sessions_completed_;
  if (observer_) observer_->session_ended(*this, id, false);
}

std::size_t Node::transfer_sessions_to(Node& to) {
  auto sessions = std::move(sessions_);
  sessions_.clear();
  for (const auto& [id, s] : sessions) {
    clock_.cancel(s.timer);
    const SessionId moved = to.start_session(std::max(0.0, s.ends_at - clock_.now()));
    ++sessions_transferred_;
    if (observer_) observer_->session_transferred(*this, id, to, moved);
  }
  return sessions.size();
}

void Node::close_session(SessionId id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  clock_.cancel(it->second.timer);
  sessions_.erase(it);
}

void Node::drop_session(SessionId id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  clock_.cancel(it->second.timer);
  sessions_.erase(it);
  ++sessions_dropped_;
}

void Node::drop_sessions() {
  auto sessions = std::move(sessions_);
  sessions_.clear();
  for (const auto& [id, s] : sessions) {
    clock_.cancel(s.timer);
    ++sessions_dropped_;
    if (observer_) observer_->session_ended(*this, id, true);
  }
}

}  // namespace hitless::lab
