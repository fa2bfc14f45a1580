#include "report/svg_canvas.hpp"

#include <cmath>
#include <cstdio>

namespace hitless::report {

std::string SvgCanvas::escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control characters are not allowed in XML 1.0 text.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out += c;
    }
  }
  return out;
}

std::string SvgCanvas::num(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

void SvgCanvas::rect(double x, double y, double w, double h, const std::string& fill,
                     const std::string& extra, const std::string& tooltip) {
  body_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w < 0 ? 0 : w) +
           "\" height=\"" + num(h < 0 ? 0 : h) + "\" fill=\"" + fill + "\"" +
           (extra.empty() ? "" : " " + extra);
  if (tooltip.empty())
    body_ += "/>\n";
  else
    body_ += "><title>" + escape(tooltip) + "</title></rect>\n";
}

void SvgCanvas::text(double x, double y, const std::string& s, double size, const std::string& fill,
                     const std::string& extra) {
  body_ += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + num(size) +
           "\" fill=\"" + fill + "\"" + (extra.empty() ? "" : " " + extra) + ">" + escape(s) +
           "</text>\n";
}

void SvgCanvas::line(double x1, double y1, double x2, double y2, const std::string& stroke,
                     double width, const std::string& extra) {
  body_ += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
           num(y2) + "\" stroke=\"" + stroke + "\" stroke-width=\"" + num(width) + "\"" +
           (extra.empty() ? "" : " " + extra) + "/>\n";
}

void SvgCanvas::open_group(const std::string& attrs) { body_ += "<g " + attrs + ">\n"; }
void SvgCanvas::close_group() { body_ += "</g>\n"; }

std::string SvgCanvas::finish(double width, double height, const std::string& title) const {
  const std::string w = num(width), h = num(height);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
         "\" viewBox=\"0 0 " + w + " " + h +
         "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n<title>" + escape(title) +
         "</title>\n" + "<rect x=\"0\" y=\"0\" width=\"" + w + "\" height=\"" + h +
         "\" fill=\"#ffffff\"/>\n" + body_ + "</svg>\n";
}

}  // namespace hitless::report
