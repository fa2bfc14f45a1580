#pragma once
// The report as a picture: a self-contained SVG timeline on the report's clock (model seconds
// since the first step, wall seconds beside them): one lane per node with the journal's steps,
// the simulation's predicted node states, what clients saw per second, a legend and a title with
// the headline numbers. Pure function of the report.

#include <string>

#include "report/report.hpp"

namespace hitless::report {

struct SvgOptions {
  double width = 1200;  // pixels; everything is laid out for this width
};

std::string to_svg(const Report& r, const SvgOptions& options = {});

}  // namespace hitless::report
