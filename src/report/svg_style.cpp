#include "report/svg_style.hpp"

#include <vector>

namespace hitless::report {

std::string verb_colour(const std::string& v) {
  if (v == "install" || v == "reboot" || v == "power-off") return "#d64541";
  if (v == "power-on") return "#f08a5d";
  if (v == "stage") return "#3b7dd8";
  if (v == "backup") return "#6fa8ec";
  if (v == "sync") return "#1f4e9c";
  if (v == "switch-traffic") return "#f0a202";
  if (v == "approval") return "#8e44ad";
  if (v == "establish-ha") return "#16a085";
  if (v == "break-ha") return "#8b5a2b";
  if (v == "check" || v == "verify" || v == "compat-test") return "#9aa3ad";
  return "#b7acd6";  // set-role, set-accepting, select-boot-slot
}

std::string state_colour(const std::string& s) {
  if (s == "serving") return "#6dbf67";
  if (s == "installing") return "#d64541";
  if (s == "rebooting") return "#f08a5d";
  if (s == "off") return "#4b5563";
  return "#cfd3d8";  // not-serving
}

double draw_legend(SvgCanvas& c, double y, double width, bool predicted, bool clients) {
  struct Item {
    std::string colour, label;
    bool strip = false;
  };
  std::vector<Item> items = {{verb_colour("install"), "install / reboot (node down)"},
                             {verb_colour("stage"), "stage"},
                             {verb_colour("backup"), "backup"},
                             {verb_colour("sync"), "sync"},
                             {verb_colour("switch-traffic"), "switch traffic"},
                             {verb_colour("approval"), "approval"},
                             {verb_colour("establish-ha"), "establish failover"},
                             {verb_colour("break-ha"), "break failover"},
                             {verb_colour("check"), "check / verify"}};
  if (predicted) {
    items.push_back({state_colour("serving"), "predicted: serving"});
    items.push_back({state_colour("installing"), "installing"});
    items.push_back({state_colour("rebooting"), "rebooting"});
    items.push_back({state_colour("not-serving"), "not serving / off"});
    items.push_back({kHoldsColour, "holds the service address", true});
  }
  if (clients) {
    items.push_back({kOkColour, "client requests ok"});
    items.push_back({kFailedColour, "client requests failed"});
  }
  double x = 16;
  for (const auto& i : items) {
    const double w = 18 + SvgCanvas::text_width(i.label, 11) + 16;
    if (x + w > width - 16) x = 16, y += 20;
    if (i.strip)
      c.rect(x, y - 6, 12, 4, i.colour);
    else
      c.rect(x, y - 10, 12, 12, i.colour, "rx=\"2\"");
    c.text(x + 17, y, i.label, 11, "#111");
    x += w;
  }
  return y + 8;
}

}  // namespace hitless::report
