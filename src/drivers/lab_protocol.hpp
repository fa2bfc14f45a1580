#pragma once
// The lab appliance's management protocol as values: which HTTP request carries each driver
// Action, and how a status document becomes an ObservedNode. Shared by LabApplianceDriver (which
// sends the request over the network) and the simulator (which hands it to the same management
// API code in-process). Pure, apart from reading a package file for "stage".

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "drivers/drivers.hpp"

namespace hitless::drivers {

struct LabRequest {
  std::string method;
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;
};

// For "stage", params.file is read unless params.content (the package bytes) is given.
Result<LabRequest, DriverErrc> lab_request_for(const Action& action);
ObservedNode observed_from_lab_status(const std::string& node, const nlohmann::json& status);

}  // namespace hitless::drivers
