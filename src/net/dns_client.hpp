#pragma once
// RFC 2136 dynamic updates signed with TSIG, and plain A queries, through ldns (no hand-written
// wire format). Used by DnsTrafficSwitch (the DNS swing of seed 001), the probe's resolver and
// the lab's readiness check. Blocking calls bounded by the server's timeout and attempts; one
// resolver per call, so any thread may call.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "net/tsig_key.hpp"

namespace hitless::net {

enum class DnsErrc {
  kUnreachable,  // no answer within timeout x attempts
  kRefused,      // the server answered with an error rcode (NOTAUTH, REFUSED, NOTZONE, ...)
  kBadKey,       // the key could not sign (not base64)
  kProtocol,     // an answer we cannot read
};

// Where updates and queries go. Knot answers an update in ~10 ms but stalls ~1 s about once in
// a few hundred: 2 s per attempt and a second attempt keep a run from failing on that stall.
struct DnsServer {
  std::string host = "127.0.0.1";  // IPv4 address
  std::uint16_t port = 53;
  double timeout_s = 2.0;
  int attempts = 2;
  std::string str() const { return host + ":" + std::to_string(port); }
};

// Replaces every A record of `name` in `zone` with one A record `address` (delete the RRset,
// add the new one, in one signed update). Errors name the server and its rcode/TSIG error.
Status<DnsErrc> replace_a_record(const DnsServer& server, const TsigKey& key,
                                 const std::string& zone, const std::string& name,
                                 std::uint32_t ttl, const std::string& address);

// A signed update whose only content is the prerequisite "the zone's SOA exists": it changes
// nothing, and answers NOERROR only when the server accepts this key's updates for the zone.
Status<DnsErrc> check_update_allowed(const DnsServer& server, const TsigKey& key,
                                     const std::string& zone);

struct ARecords {
  std::vector<std::string> addresses;
  std::uint32_t ttl = 0;  // the smallest TTL among them
};
// Asks `server` (unsigned, not recursive) for the A records of `name`.
Result<ARecords, DnsErrc> query_a(const DnsServer& server, const std::string& name);

}  // namespace hitless::net
