#pragma once
// Colours of the report's timeline picture, and its legend, kept together so they agree.
// Pure functions; no state.

#include <string>

#include "report/svg_canvas.hpp"

namespace hitless::report {

inline constexpr const char* kHoldsColour = "#1b2a49";  // the node holds the service address
inline constexpr const char* kOkColour = "#8fd18a";     // client requests that succeeded
inline constexpr const char* kFailedColour = "#d64541";

// By plan verb: red = the node is down (install, reboot, power off), blues = data moves (stage,
// backup, sync), and a colour of its own for each change people look for.
std::string verb_colour(const std::string& verb);
// By simulated node state: serving | installing | rebooting | off | not-serving.
std::string state_colour(const std::string& state);

// Draws the legend from (16, y), wrapping at `width`; returns the y below it.
double draw_legend(SvgCanvas& c, double y, double width, bool predicted, bool clients);

}  // namespace hitless::report
