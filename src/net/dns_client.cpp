#include "net/dns_client.hpp"

#include <ldns/ldns.h>

#include <memory>

namespace hitless::net {
namespace {

struct ResolverFree {
  void operator()(ldns_resolver* r) const { ldns_resolver_deep_free(r); }
};
struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct RrListFree {
  void operator()(ldns_rr_list* l) const { ldns_rr_list_deep_free(l); }
};
using ResolverPtr = std::unique_ptr<ldns_resolver, ResolverFree>;
using PktPtr = std::unique_ptr<ldns_pkt, PktFree>;
using RrListPtr = std::unique_ptr<ldns_rr_list, RrListFree>;

std::string fqdn(const std::string& name) {
  return !name.empty() && name.back() == '.' ? name : name + ".";
}

// One attempt per call of ldns_send: our own loop does the retries, so a dead server costs
// timeout x attempts and not ldns's default of about 20 s.
Result<ResolverPtr, DnsErrc> make_resolver(const DnsServer& server, const TsigKey* key) {
  ResolverPtr r(ldns_resolver_new());
  ldns_rdf* ns = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, server.host.c_str());
  if (!r || !ns) {
    if (ns) ldns_rdf_deep_free(ns);
    return make_error(DnsErrc::kProtocol, "DNS server " + server.str() + ": '" + server.host +
                                              "' is not an IPv4 address");
  }
  ldns_resolver_push_nameserver(r.get(), ns);
  ldns_rdf_deep_free(ns);  // the resolver keeps a copy
  ldns_resolver_set_port(r.get(), server.port);
  ldns_resolver_set_usevc(r.get(), true);  // TCP: no silent UDP loss, and Knot answers alike
  const auto whole = static_cast<long>(server.timeout_s);
  ldns_resolver_set_timeout(
      r.get(), timeval{whole, static_cast<long>((server.timeout_s - double(whole)) * 1e6)});
  ldns_resolver_set_retry(r.get(), 1);
  ldns_resolver_set_recursive(r.get(), false);
  if (key) {
    // Never leave the algorithm unset: ldns then signs with a NULL algorithm and crashes.
    ldns_resolver_set_tsig_keyname(r.get(), fqdn(key->name).c_str());
    ldns_resolver_set_tsig_keydata(r.get(), key->secret.c_str());
    ldns_resolver_set_tsig_algorithm(r.get(), fqdn(key->algorithm).c_str());
  }
  return r;
}

const char* tsig_error_name(unsigned code) {
  switch (code) {
    case 16:
      return "BADSIG";
    case 17:
      return "BADKEY";
    case 18:
      return "BADTIME";
    default:
      return nullptr;
  }
}

// The server's rcode, plus the TSIG error it reported, e.g. "NOTAUTH (TSIG BADSIG)".
std::string describe_rcode(const ldns_pkt* reply) {
  const ldns_pkt_rcode rc = ldns_pkt_get_rcode(reply);
  const ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, static_cast<int>(rc));
  std::string s = entry ? entry->name : "rcode " + std::to_string(static_cast<int>(rc));
  if (const ldns_rr* tsig = ldns_pkt_tsig(reply); tsig && ldns_rr_rd_count(tsig) > 5) {
    const unsigned err = ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5));
    if (err != 0) {
      const char* name = tsig_error_name(err);
      s += std::string(" (TSIG ") + (name ? name : std::to_string(err).c_str()) + ")";
    }
  }
  return s;
}

// Sends `pkt` (already signed when a key is set) with retries on silence only: an answer, even
// a refusal, is final. Checks NOERROR; `what` names the request in messages.
Result<PktPtr, DnsErrc> exchange(const DnsServer& server, ldns_resolver* res, ldns_pkt* pkt,
                                 const std::string& what) {
  std::string last;
  for (int attempt = 1; attempt <= std::max(1, server.attempts); ++attempt) {
    ldns_pkt* raw = nullptr;
    const ldns_status st = ldns_send(&raw, res, pkt);
    PktPtr reply(raw);
    if (reply) {
      if (ldns_pkt_get_rcode(reply.get()) != LDNS_RCODE_NOERROR)
        return make_error(DnsErrc::kRefused, "DNS server " + server.str() + " refused " + what +
                                                 ": " + describe_rcode(reply.get()));
      if (st != LDNS_STATUS_OK)  // NOERROR but the reply's own TSIG did not verify
        return make_error(DnsErrc::kProtocol, "DNS server " + server.str() + ": " + what + ": " +
                                                  ldns_get_errorstr_by_id(st));
      return reply;
    }
    last = ldns_get_errorstr_by_id(st);
  }
  return make_error(DnsErrc::kUnreachable,
                    "DNS server " + server.str() + " did not answer " + what + " (" +
                        std::to_string(server.attempts) + " attempts of " +
                        std::to_string(server.timeout_s).substr(0, 4) + " s: " + last + ")");
}

Status<DnsErrc> send_update(const DnsServer& server, const TsigKey& key, const std::string& zone,
                            ldns_rr_list* prereqs, ldns_rr_list* updates, const std::string& what) {
  auto res = make_resolver(server, &key);
  if (!res) return res.error();
  ldns_rdf* zone_name = ldns_dname_new_frm_str(fqdn(zone).c_str());
  if (!zone_name) return make_error(DnsErrc::kProtocol, "'" + zone + "' is not a zone name");
  // The packet takes the zone name and copies the lists.
  PktPtr pkt(ldns_update_pkt_new(zone_name, LDNS_RR_CLASS_IN, prereqs, updates, nullptr));
  if (!pkt) return make_error(DnsErrc::kProtocol, "cannot build " + what);
  ldns_pkt_set_random_id(pkt.get());  // before signing: TSIG covers the id
  if (const ldns_status st = ldns_update_pkt_tsig_add(pkt.get(), res->get()); st != LDNS_STATUS_OK)
    return make_error(DnsErrc::kBadKey,
                      "TSIG key '" + key.name + "' cannot sign: " + ldns_get_errorstr_by_id(st));
  auto reply = exchange(server, res->get(), pkt.get(), what);
  if (!reply) return reply.error();
  return Unit{};
}

}  // namespace

Status<DnsErrc> replace_a_record(const DnsServer& server, const TsigKey& key,
                                 const std::string& zone, const std::string& name,
                                 std::uint32_t ttl, const std::string& address) {
  RrListPtr updates(ldns_rr_list_new());
  // "Delete an RRset": class ANY, TTL 0, no rdata (RFC 2136 2.5.2).
  ldns_rr* del = ldns_rr_new();
  ldns_rdf* owner = ldns_dname_new_frm_str(fqdn(name).c_str());
  if (!owner) {
    ldns_rr_free(del);
    return make_error(DnsErrc::kProtocol, "'" + name + "' is not a DNS name");
  }
  ldns_rr_set_owner(del, owner);
  ldns_rr_set_type(del, LDNS_RR_TYPE_A);
  ldns_rr_set_class(del, LDNS_RR_CLASS_ANY);
  ldns_rr_set_ttl(del, 0);
  ldns_rr_list_push_rr(updates.get(), del);
  ldns_rr* add = nullptr;
  const std::string text = fqdn(name) + " " + std::to_string(ttl) + " IN A " + address;
  if (ldns_rr_new_frm_str(&add, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK)
    return make_error(DnsErrc::kProtocol, "cannot build the record '" + text + "'");
  ldns_rr_list_push_rr(updates.get(), add);
  return send_update(server, key, zone, nullptr, updates.get(),
                     "the update of " + name + " A " + address);
}

Status<DnsErrc> check_update_allowed(const DnsServer& server, const TsigKey& key,
                                     const std::string& zone) {
  // "RRset exists (value independent)": class ANY, TTL 0, no rdata (RFC 2136 2.4.1).
  RrListPtr prereqs(ldns_rr_list_new());
  ldns_rr* soa = ldns_rr_new();
  ldns_rr_set_owner(soa, ldns_dname_new_frm_str(fqdn(zone).c_str()));
  ldns_rr_set_type(soa, LDNS_RR_TYPE_SOA);
  ldns_rr_set_class(soa, LDNS_RR_CLASS_ANY);
  ldns_rr_set_ttl(soa, 0);
  ldns_rr_list_push_rr(prereqs.get(), soa);
  RrListPtr no_updates(ldns_rr_list_new());  // ldns wants a list, even an empty one
  return send_update(server, key, zone, prereqs.get(), no_updates.get(),
                     "a signed no-op update of zone " + zone);
}

Result<ARecords, DnsErrc> query_a(const DnsServer& server, const std::string& name) {
  auto res = make_resolver(server, nullptr);
  if (!res) return res.error();
  ldns_rdf* qname = ldns_dname_new_frm_str(fqdn(name).c_str());
  if (!qname) return make_error(DnsErrc::kProtocol, "'" + name + "' is not a DNS name");
  PktPtr query;
  {
    ldns_pkt* q = nullptr;
    const ldns_status st =
        ldns_resolver_prepare_query_pkt(&q, res->get(), qname, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0);
    ldns_rdf_deep_free(qname);
    if (st != LDNS_STATUS_OK)
      return make_error(DnsErrc::kProtocol, std::string("query: ") + ldns_get_errorstr_by_id(st));
    query.reset(q);
  }
  auto reply = exchange(server, res->get(), query.get(), "the query for " + name + " A");
  if (!reply) return reply.error();
  ARecords out;
  bool first = true;
  ldns_rr_list* answer = ldns_pkt_answer(reply->get());
  for (std::size_t i = 0; answer && i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A || ldns_rr_rd_count(rr) < 1) continue;
    char* text = ldns_rdf2str(ldns_rr_rdf(rr, 0));
    if (text) out.addresses.emplace_back(text);
    free(text);
    out.ttl = first ? ldns_rr_ttl(rr) : std::min(out.ttl, ldns_rr_ttl(rr));
    first = false;
  }
  return out;
}

}  // namespace hitless::net
