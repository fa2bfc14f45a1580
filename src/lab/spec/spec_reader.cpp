#include "lab/spec/spec_reader.hpp"

#include <charconv>

namespace hitless::lab::detail {

namespace {

bool parse_port(std::string_view text, std::uint16_t& out) {
  if (text.empty() || text.size() > 5) return false;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > 65535) return false;
  out = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

bool is_ipv4(std::string_view host) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= host.size()) {
    const std::size_t dot = std::min(host.find('.', i), host.size());
    const std::string_view part = host.substr(i, dot - i);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || part.size() > 3 || ec != std::errc() || end != part.data() + part.size() ||
        value > 255)
      return false;
    ++parts;
    i = dot + 1;
  }
  return parts == 4;
}

bool SpecReader::read_endpoint(const Field& f, Endpoint& out) {
  std::string text;
  if (!read_scalar(f, "an address", text)) return false;
  Endpoint ep;
  const std::size_t colon = text.rfind(':');
  ep.host = text.substr(0, colon);
  const bool port_ok = colon == std::string::npos || parse_port(text.substr(colon + 1), ep.port);
  if (!port_ok || !is_host_name(ep.host))
    return fail(SpecErrc::kWrongType, f,
                "'" + text + "' is not an address (host or host:port, port 0-65535)");
  out = ep;
  return true;
}

YamlErrc SpecReader::to_yaml_errc(SpecErrc code) {
  switch (code) {
    case SpecErrc::kUnreadable:
    case SpecErrc::kSyntax:
      return YamlErrc::kSyntax;
    case SpecErrc::kUnknownField:
      return YamlErrc::kUnknownField;
    case SpecErrc::kWrongType:
      return YamlErrc::kWrongType;
    case SpecErrc::kMissingField:
      return YamlErrc::kMissingField;
    case SpecErrc::kDuplicate:
      return YamlErrc::kDuplicate;
    case SpecErrc::kConflict:
      return YamlErrc::kConflict;
  }
  return YamlErrc::kSyntax;
}

SpecErrc SpecReader::to_spec_errc(YamlErrc code) {
  switch (code) {
    case YamlErrc::kSyntax:
      return SpecErrc::kSyntax;
    case YamlErrc::kUnknownField:
      return SpecErrc::kUnknownField;
    case YamlErrc::kWrongType:
      return SpecErrc::kWrongType;
    case YamlErrc::kMissingField:
      return SpecErrc::kMissingField;
    case YamlErrc::kDuplicate:
      return SpecErrc::kDuplicate;
    case YamlErrc::kConflict:
      return SpecErrc::kConflict;
  }
  return SpecErrc::kSyntax;
}

}  // namespace hitless::lab::detail
