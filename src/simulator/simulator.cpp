#include "simulator/simulator.hpp"

#include <algorithm>
#include <set>

#include "catalog/signing.hpp"
#include "common/virtual_scheduler.hpp"
#include "executor/executor.hpp"
#include "journal/memory_journal.hpp"
#include "lab/model/lab_world.hpp"
#include "simulator/sim_drivers.hpp"
#include "simulator/sim_load_balancer.hpp"

namespace hitless::sim {
namespace {

// Time within [from, to) in which `t`'s node did not serve; its last state lasts past the run.
double not_serving_within(const NodeTimeline& t, double from, double to, double run_end) {
  double out = 0;
  for (std::size_t i = 0; i < t.segments.size(); ++i) {
    const Segment& s = t.segments[i];
    const double end = i + 1 == t.segments.size() ? std::max(to, run_end) : s.end;
    if (s.state != "serving") out += std::max(0.0, std::min(end, to) - std::max(s.start, from));
  }
  return out;
}

lab::ClusterKind kind_of(const std::string& k) {
  if (k == "failover-pair") return lab::ClusterKind::kFailoverPair;
  if (k == "ha-pair") return lab::ClusterKind::kHaPair;
  if (k == "active-passive") return lab::ClusterKind::kActivePassive;
  if (k == "active-active") return lab::ClusterKind::kActiveActive;
  if (k == "atlas") return lab::ClusterKind::kAtlas;
  if (k == "chassis") return lab::ClusterKind::kChassis;
  if (k == "migration") return lab::ClusterKind::kMigration;
  return lab::ClusterKind::kSingle;
}

// The lab definition that reproduces what was observed, with the inventory's timings.
lab::LabSpec world_spec(const plan::Plan& plan, const Inventory& inv, const catalog::Catalog& cat,
                        std::map<std::string, std::string>& vips) {
  lab::LabSpec spec;
  spec.name = "simulation";
  for (const auto& p : cat.packages()) {
    lab::PackageSpec ps;
    ps.name = p.manifest.name;
    ps.version = p.manifest.version;
    ps.kind = p.manifest.kind == "base"       ? lab::PackageKind::kBase
              : p.manifest.kind == "firmware" ? lab::PackageKind::kFirmware
                                              : lab::PackageKind::kProduct;
    for (const auto& r : p.manifest.requires_) ps.requires_.push_back({r.package, r.min_version});
    ps.upgrade_from = p.manifest.upgrade_from;
    ps.install_s = p.manifest.install_s;
    ps.size_mb = p.manifest.size_mb;
    spec.repository.push_back(ps);
  }
  for (const auto& name : plan.clusters) {
    const InventoryCluster* c = inv.find_cluster(name);
    if (c->kind == "chassis") continue;  // a SimChassis answers for its engines
    lab::ClusterSpec cs;
    cs.name = c->name;
    cs.kind = kind_of(c->kind);
    bool established = false;
    for (const auto& n : c->nodes) {
      const ObservedNode& o = *plan.observed.find(n.name);
      lab::NodeSpec ns;
      ns.name = n.name;
      ns.cluster = c->name;
      ns.role = n.role;
      ns.region = n.region;
      ns.version = o.version;
      for (const auto& [pkg, v] : o.packages)
        if (v != o.version || pkg == "base") ns.installed[pkg] = v;
      ns.owns_shared_ip = o.shared_ip_enabled;
      ns.enabled = o.membership != "disabled";  // seed 000 clusters
      ns.inter_appliance_key = "simulated";
      ns.install_s = n.profile.install_s;
      ns.reboot_s = n.profile.reboot_s;
      ns.boot_timeout_s = n.profile.boot_timeout_s;
      ns.sync_mb_per_s = n.profile.sync_mb_per_s;
      ns.session_lifetime_s = n.profile.session_lifetime_s;
      ns.data.size_mb = n.profile.data_mb;
      if (o.migration) {  // S9: the spare's disk, the old box's data as it reports them
        ns.data.disk_mb = o.migration->disk_mb;
        if (o.migration->data_mb > 0) ns.data.size_mb = o.migration->data_mb;
      }
      if (o.ha_role != "none") established = true;
      if (!o.shared_ip.empty()) vips[c->name] = o.shared_ip;
      cs.nodes.push_back(n.name);
      spec.nodes.push_back(ns);
    }
    cs.ha_established = established;
    // The name certificates are issued to (S9 moves the one issued to the record clients resolve).
    if (c->dns) cs.dns = lab::DnsSpec{c->dns->zone, c->dns->record, {}, c->dns->ttl_s};
    if (vips.count(c->name)) cs.traffic = lab::TrafficSteering::kSharedIp;
    spec.clusters.push_back(cs);
  }
  return spec;
}

// Watches every node and integrates downtime and exposure as the world changes.
class Recorder final : public lab::NodeObserver {
 public:
  Recorder(lab::LabWorld& w, const SimLoadBalancer& lb) : world_(w), lb_(lb) {
    for (const auto& n : w.nodes()) {
      n->set_observer(this);
      timelines_[n->name()] = NodeTimeline{n->name(), n->spec().cluster, {}};
      clusters_[n->spec().cluster].push_back(n.get());
    }
    for (const auto& n : w.nodes()) node_changed(*n);
  }
  void node_changed(lab::Node& n) override {
    const double now = world_.clock().now();
    auto& segs = timelines_[n.name()].segments;
    const std::string state = !n.powered()                           ? "off"
                              : n.phase() == lab::Phase::kInstalling ? "installing"
                              : n.phase() == lab::Phase::kRebooting  ? "rebooting"
                              : n.serving()                          ? "serving"
                                                                     : "not-serving";
    const bool holds = n.shared_ip_enabled();
    if (segs.empty() || segs.back().state != state || segs.back().version != n.version() ||
        segs.back().holds_service != holds) {
      if (!segs.empty()) segs.back().end = now;
      segs.push_back({now, now, state, n.version(), holds});
    }
    account(now);
  }
  void session_ended(lab::Node& n, lab::SessionId, bool dropped) override {
    if (dropped && n.atlas_traffic()) ++regions[region_key(n)].sessions_dropped;
  }
  static std::string region_key(const lab::Node& n) {
    return n.spec().cluster + "/" + n.spec().region;
  }

  void close(double end) {
    account(end);
    for (auto& [name, t] : timelines_)
      if (!t.segments.empty()) t.segments.back().end = end;
  }
  // Re-counts after a load balancer state change (no node changed).
  void balancer_changed() { account(world_.clock().now()); }
  std::map<std::string, double> downtime;
  std::map<std::string, double> no_node_serving;
  // Per cluster: the fewest members that served clients at once (for a cluster behind a load
  // balancer, members it sends traffic to).
  std::map<std::string, int> min_serving;
  std::map<std::string, RegionFigures> regions;
  double exposure = 0;
  std::map<std::string, NodeTimeline> timelines_;
  const std::map<std::string, std::vector<const lab::Node*>>& clusters() const { return clusters_; }

 private:
  void account(double now) {
    const double dt = now - last_;
    last_ = now;
    for (auto& [key, accepting] : accepting_)
      if (dt > 0 && accepting == 0) regions[key].no_accepting_s += dt;
    for (const auto& [cluster, nodes] : clusters_) {
      if (dt > 0 && !served_[cluster]) downtime[cluster] += dt;
      if (dt > 0 && !any_served_[cluster]) no_node_serving[cluster] += dt;
      if (dt > 0 && !protected_[cluster] && nodes.size() > 1) exposure += dt;
    }
    for (const auto& [cluster, nodes] : clusters_) {
      bool served = false, any_served = false, relation = false, all_up = true;
      int serving = 0;
      // Where some nodes hold the cluster's shared IP, the service address is theirs alone.
      const bool address_is_shared_ip = std::any_of(
          nodes.begin(), nodes.end(), [](const lab::Node* n) { return !n->shared_ip().empty(); });
      for (const lab::Node* n : nodes) {
        if (!n->atlas_traffic()) continue;
        accepting_[region_key(*n)] = 0;
      }
      for (const lab::Node* n : nodes) {
        const bool reaches = n->shared_ip().empty() || n->shared_ip_enabled();
        if (n->atlas_traffic()) {
          // Atlas: clients reach traffic nodes that serve and accept; masters serve none.
          const bool takes = n->serving() && n->accepting();
          served = served || takes;
          any_served = any_served || takes;
          accepting_[region_key(*n)] += takes ? 1 : 0;
          all_up = all_up && n->serving();
          continue;
        }
        if (n->atlas_master()) {
          relation = relation || n->ha().role == lab::HaRole::kPrimary;
          continue;
        }
        if (n->serving() && lb_.takes_traffic(n->name())) ++serving;
        // Search roles (seed 003) serve their own clients, never the cluster's address.
        const bool search = n->search_master() || n->search_minion();
        const bool holds_address =
            !search && (address_is_shared_ip ? n->shared_ip_enabled() : reaches);
        served = served || (holds_address && n->serving() && lb_.takes_traffic(n->name()));
        any_served = any_served || (n->serving() && lb_.takes_traffic(n->name()));
        relation = relation || n->ha().role == lab::HaRole::kPrimary;
        all_up = all_up && n->serving();
      }
      auto [m, fresh] = min_serving.emplace(cluster, serving);
      if (!fresh) m->second = std::min(m->second, serving);
      served_[cluster] = served;
      any_served_[cluster] = any_served;
      for (const auto& [key, count] : accepting_) {
        auto& f = regions[key];
        if (f.min_accepting < 0 || count < f.min_accepting) f.min_accepting = count;
      }
      protected_[cluster] = relation && all_up;
    }
  }
  lab::LabWorld& world_;
  const SimLoadBalancer& lb_;
  std::map<std::string, std::vector<const lab::Node*>> clusters_;
  std::map<std::string, bool> served_, any_served_, protected_;
  std::map<std::string, int> accepting_;  // Atlas "cluster/region" -> traffic nodes accepting
  double last_ = 0;
};

// Atlas clients: every 1/rate seconds one client arrives at each region's service address and
// opens a session on an accepting traffic node of the region (the lab's dispatcher rule), or is
// refused when there is none. One client per traffic node is already connected at the start.
class ClientLoad {
 public:
  ClientLoad(lab::LabWorld& w, Recorder& r, double rate) : world_(w), recorder_(r) {
    if (rate <= 0) return;
    for (const auto& n : w.nodes())
      if (n->atlas_traffic()) regions_.insert({n->spec().cluster, n->spec().region});
    interval_ = 1.0 / rate;
    // The run starts on a cluster in use: one client already connected to each traffic node.
    for (const auto& n : w.nodes())
      if (n->atlas_traffic() && n->open_session())
        ++r.regions[Recorder::region_key(*n)].clients_served;
    if (!regions_.empty()) arm();
  }
  void stop() {
    if (timer_) world_.clock().cancel(timer_);
    timer_ = 0;
    stopped_ = true;
  }

 private:
  void arm() {
    timer_ = world_.clock().call_after(interval_, [this] {
      timer_ = 0;
      for (const auto& [cluster, region] : regions_) {
        auto& f = recorder_.regions[cluster + "/" + region];
        lab::Node* n = world_.route_client(cluster, region);
        if (n && n->open_session())
          ++f.clients_served;
        else
          ++f.clients_refused;
      }
      if (!stopped_) arm();
    });
  }
  lab::LabWorld& world_;
  Recorder& recorder_;
  std::set<std::pair<std::string, std::string>> regions_;
  double interval_ = 0;
  TimerId timer_ = 0;
  bool stopped_ = false;
};

class StepRecorder final : public exec::ProgressSink {
 public:
  void step_started(const plan::Step& s, double now) override {
    spans_[s.id] = StepSpan{s.id, plan::to_string(s.verb), s.title, s.targets, now, now, "running"};
    order_.push_back(s.id);
  }
  void step_finished(const plan::Step& s, journal::StepState st, const std::string&,
                     double now) override {
    auto& sp = spans_[s.id];
    sp.end = now;
    sp.state = journal::to_string(st);
  }
  std::vector<StepSpan> spans() const {
    std::vector<StepSpan> out;
    for (const auto& id : order_) out.push_back(spans_.at(id));
    return out;
  }

 private:
  std::map<std::string, StepSpan> spans_;
  std::vector<std::string> order_;
};

}  // namespace

Result<SimulationResult, SimErrc> simulate(const plan::Plan& plan, const Inventory& inv,
                                           const catalog::Catalog& cat, const SimOptions& options) {
  for (const auto& c : plan.clusters)
    if (!inv.find_cluster(c))
      return make_error(SimErrc::kBadInput, "the plan's cluster " + c + " is not in the inventory");
  VirtualScheduler clock;
  std::map<std::string, std::string> vips;
  const auto key = catalog::generate_signing_key();
  lab::LabWorld world(world_spec(plan, inv, cat, vips), clock, key.public_key_b64, vips);
  SimDrivers drivers(world, cat, key.secret_key_b64);
  std::vector<std::unique_ptr<SimChassis>> chassis;
  for (const auto& name : plan.clusters)
    if (const InventoryCluster* c = inv.find_cluster(name); c->kind == "chassis") {
      chassis.push_back(std::make_unique<SimChassis>(clock, *c, plan.observed));
      drivers.add_chassis(chassis.back().get());
    }
  SimLoadBalancer balancer(world, clock, drivers, 0.01);
  Recorder recorder(world, balancer);
  balancer.on_change = [&recorder] { recorder.balancer_changed(); };
  for (const auto& [node, fault] : options.faults) {
    if (auto c = std::find_if(chassis.begin(), chassis.end(),
                              [&](const auto& sc) { return sc->has(node); });
        c != chassis.end() && fault == "boot-fail") {
      (*c)->fail_boot(node);
      continue;
    }
    lab::Node* n = world.find(node);
    auto f = lab::parse_fault(fault);
    if (!n || !f)
      return make_error(SimErrc::kBadInput, "fault " + fault + " on " + node +
                                                ": unknown node or fault (" + lab::fault_names() +
                                                ")");
    n->inject(*f);
  }
  ClientLoad clients(world, recorder, options.clients_per_region_per_s);
  journal::MemoryJournal journal(plan::plan_hash(plan));
  StepRecorder steps;
  exec::ExecutorOptions eo;
  eo.auto_approve = true;
  eo.poll_interval_s = options.poll_interval_s > 0 ? options.poll_interval_s
                                                   : exec::default_poll_interval_s(plan.time_scale);
  if (options.poll_interval_s <= 0) {  // poll as a real run does
    eo.reaction_s = exec::default_reaction_s(plan.time_scale);
    eo.poll_spacing_s = exec::default_poll_spacing_s(plan.time_scale);
  }
  exec::Executor executor(plan, &cat, clock,
                          drivers::Drivers{&drivers, &drivers, &drivers, &balancer}, journal, eo,
                          &steps);
  SimulationResult result;
  bool finished = false;
  executor.start([&](const exec::RunOutcome& o) {
    finished = true;
    clients.stop();
    result.outcome = o.state;
    result.message = o.message;
    result.makespan_s = clock.now();
  });
  while (!finished && !clock.idle() && clock.now() < options.max_time_s)
    clock.run_until(clock.now() + 3600);
  if (!finished) {
    result.outcome = "failed";
    result.message = "the simulated run did not finish";
    result.makespan_s = clock.now();
  }
  recorder.close(result.makespan_s);
  for (const auto& [cluster, d] : recorder.downtime) {
    result.downtime_by_cluster[cluster] = d;
    result.downtime_s += d;
  }
  for (const auto& [cluster, nodes] : recorder.clusters())
    result.no_node_serving_by_cluster[cluster] = recorder.no_node_serving[cluster];
  // A DNS swing leaves clients that resolved before it on the old node for up to the TTL: the
  // simulated cluster never sees that. They fail only while that node does not serve within the
  // TTL after the swing (a reset or install under them); that overlap is added as downtime.
  // gap_s is wall-clock (a TTL does not scale with --time-scale); downtime is model time.
  for (const auto& span : steps.spans()) {
    const plan::Step* s = plan.find(span.id);
    if (!s || s->verb != plan::Verb::kSwitchTraffic || span.state != "succeeded") continue;
    const double ttl =
        s->params.value("gap_s", 0.0) / (plan.time_scale > 0 ? plan.time_scale : 1.0);
    const auto from = recorder.timelines_.find(s->params.value("from", std::string()));
    const double gap =
        from == recorder.timelines_.end()
            ? ttl
            : not_serving_within(from->second, span.end, span.end + ttl, result.makespan_s);
    result.downtime_by_cluster[s->cluster] += gap;
    result.downtime_s += gap;
  }
  result.exposure_s = recorder.exposure;
  // Chassis: no forwarding plane is downtime; not two routing engines up is exposure.
  for (const auto& c : chassis) {
    result.downtime_by_cluster[c->cluster()] += c->downtime_s();
    result.downtime_s += c->downtime_s();
    result.exposure_s += c->exposure_s();
  }
  result.min_serving_by_cluster = recorder.min_serving;
  for (const auto& name : plan.clusters)
    if (const InventoryCluster* c = inv.find_cluster(name))
      result.members_by_cluster[name] = static_cast<int>(c->nodes.size());
  result.regions = recorder.regions;
  for (const auto& [name, t] : recorder.timelines_) result.nodes.push_back(t);
  result.steps = steps.spans();
  for (std::size_t i = 0; i < plan.strategies.size(); ++i)
    result.strategies += (i ? "," : "") + plan.strategies[i];
  for (const auto& n : world.nodes()) n->set_observer(nullptr);
  return result;
}

}  // namespace hitless::sim
