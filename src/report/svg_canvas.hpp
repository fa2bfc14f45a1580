#pragma once
// SvgCanvas: appends SVG elements to a string and wraps them in a self-contained <svg> document
// (no external fonts, stylesheets or scripts). Escapes text. One owner; not thread-safe.

#include <string>

namespace hitless::report {

class SvgCanvas {
 public:
  // Text width estimate for a sans-serif font (DejaVu Sans is about 0.6 em per character).
  static double text_width(const std::string& s, double size) {
    return static_cast<double>(s.size()) * size * 0.6;
  }
  static std::string escape(const std::string& s);
  static std::string num(double v);  // "12.3"

  // `extra` is appended inside the element as raw attributes; `tooltip` becomes a <title>.
  void rect(double x, double y, double w, double h, const std::string& fill,
            const std::string& extra = "", const std::string& tooltip = "");
  void text(double x, double y, const std::string& s, double size, const std::string& fill = "#222",
            const std::string& extra = "");
  void line(double x1, double y1, double x2, double y2, const std::string& stroke, double width,
            const std::string& extra = "");
  void open_group(const std::string& attrs);
  void close_group();
  // The whole document, `width` x `height` pixels.
  std::string finish(double width, double height, const std::string& title) const;

 private:
  std::string body_;
};

}  // namespace hitless::report
