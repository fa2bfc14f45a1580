#pragma once
// Plain HTTP request/response values shared by our server and client wrappers, so that code
// outside src/net never includes Boost.Beast (its headers cost seconds per translation unit).

#include <map>
#include <string>

namespace hitless::net {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // path plus query: "/api/v1/status?x=1"
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string remote;  // "127.0.0.1:53422"

  std::string path() const { return target.substr(0, target.find('?')); }
  // Value of a query parameter, "" when absent.
  std::string query(const std::string& key) const;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
};

}  // namespace hitless::net
