#include "drift_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "hwtotp/totp/time_text.h"

namespace hwtotp::cli {
namespace {

constexpr double width = 900;
constexpr double height = 560;
constexpr double left = 90;
constexpr double right = 50;
constexpr double top = 60;
constexpr double bottom = 70;

std::string num(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", v);
    return buffer;
}

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// A round tick spacing giving about `count` ticks over `span`: 1, 2 or 5 × 10^k.
double tick_step(double span, int count) {
    const double raw = span / count;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * magnitude >= raw)
            return m * magnitude;
    }
    return 10 * magnitude;
}

// The plot's coordinate system: data ranges and their mapping onto the SVG canvas.
struct Frame {
    double t_min = 0, t_max = 0, y_min = 0, y_max = 0;
    static constexpr double plot_w = width - left - right;
    static constexpr double plot_h = height - top - bottom;
    [[nodiscard]] double x_of(double t) const {
        return left + (t - t_min) / (t_max - t_min) * plot_w;
    }
    [[nodiscard]] double y_of(double y) const {
        return top + (y_max - y) / (y_max - y_min) * plot_h;
    }
};

// Ranges: every observation with its bar, the window's edges, the exit time.
Frame frame_for(const DriftPlot& p) {
    Frame f;
    f.t_min = static_cast<double>(p.fit.first_time);
    f.t_max = static_cast<double>(p.fit.last_time);
    if (p.exit_time) {
        // Show the exit when it is within five times the observed span; farther, the line
        // would crush the observations into a corner.
        const double span = std::max(f.t_max - f.t_min, 86400.0);
        f.t_max =
            std::max(f.t_max, std::min(static_cast<double>(*p.exit_time), f.t_max + 5 * span));
    }
    const double t_pad = std::max((f.t_max - f.t_min) * 0.05, 3600.0);
    f.t_min -= t_pad;
    f.t_max += t_pad;
    f.y_min = p.centre_seconds - p.edge_seconds;
    f.y_max = p.centre_seconds + p.edge_seconds;
    for (const auto& o : p.observations) {
        f.y_min = std::min(f.y_min, o.offset_seconds - o.half_width_seconds);
        f.y_max = std::max(f.y_max, o.offset_seconds + o.half_width_seconds);
    }
    for (double t : {f.t_min, f.t_max}) {
        const double y = p.fit.offset_at(static_cast<std::int64_t>(t));
        f.y_min = std::min(f.y_min, y);
        f.y_max = std::max(f.y_max, y);
    }
    const double y_pad = std::max((f.y_max - f.y_min) * 0.08, 1.0);
    f.y_min -= y_pad;
    f.y_max += y_pad;
    return f;
}

void draw_header(std::ostream& s, const DriftPlot& p) {
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << ' ' << height
      << "\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"13\">\n";
    s << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    s << "<text x=\"" << left << "\" y=\"28\" font-size=\"17\" font-weight=\"bold\">"
      << escape(p.title) << "</text>\n";
    std::ostringstream sub;
    sub.precision(3);
    sub << "drift " << (p.fit.rate_ppm >= 0 ? "+" : "") << p.fit.rate_ppm << " ppm \u00b1 "
        << p.fit.rate_stderr_ppm << " ppm (1\u03c3), " << p.fit.observations << " observations";
    s << "<text x=\"" << left << "\" y=\"47\" fill=\"#444\">" << escape(sub.str()) << "</text>\n";
}

// Window band and edges, from the last observation on: that is when the verifier was last
// centred on the token (the stored offset); before it, other centres applied.
void draw_window(std::ostream& s, const DriftPlot& p, const Frame& f) {
    const double edge_hi = p.centre_seconds + p.edge_seconds;
    const double edge_lo = p.centre_seconds - p.edge_seconds;
    const double band_x = f.x_of(static_cast<double>(p.fit.last_time));
    s << "<rect x=\"" << num(band_x) << "\" y=\"" << num(f.y_of(edge_hi)) << "\" width=\""
      << num(left + Frame::plot_w - band_x) << "\" height=\""
      << num(f.y_of(edge_lo) - f.y_of(edge_hi)) << "\" fill=\"#e8f4e8\"/>\n";
    for (double e : {edge_hi, edge_lo}) {
        s << "<line x1=\"" << num(band_x) << "\" x2=\"" << num(left + Frame::plot_w) << "\" y1=\""
          << num(f.y_of(e)) << "\" y2=\"" << num(f.y_of(e))
          << "\" stroke=\"#2e7d32\" stroke-dasharray=\"6 4\"/>\n";
    }
    s << "<text x=\"" << num(left + Frame::plot_w - 4) << "\" y=\"" << num(f.y_of(edge_hi) - 5)
      << "\" text-anchor=\"end\" fill=\"#2e7d32\">\u00b1" << p.radius
      << (p.radius == 1 ? " step" : " steps") << " window</text>\n";
}

void draw_grid(std::ostream& s, const Frame& f) {
    const double plot_w = Frame::plot_w;
    const double plot_h = Frame::plot_h;
    const double ys = tick_step(f.y_max - f.y_min, 6);
    for (double y = std::ceil(f.y_min / ys) * ys; y <= f.y_max; y += ys) {
        s << "<line x1=\"" << num(left) << "\" x2=\"" << num(left + plot_w) << "\" y1=\""
          << num(f.y_of(y)) << "\" y2=\"" << num(f.y_of(y)) << "\" stroke=\"#ddd\"/>\n";
        s << "<text x=\"" << num(left - 8) << "\" y=\"" << num(f.y_of(y) + 4)
          << "\" text-anchor=\"end\">" << std::llround(y) << "</text>\n";
    }
    const int x_ticks = 6;
    for (int i = 0; i <= x_ticks; ++i) {
        const double t = f.t_min + (f.t_max - f.t_min) * i / x_ticks;
        const std::string date = format_time(static_cast<std::int64_t>(t)).substr(0, 10);
        s << "<line x1=\"" << num(f.x_of(t)) << "\" x2=\"" << num(f.x_of(t)) << "\" y1=\""
          << num(top) << "\" y2=\"" << num(top + plot_h) << "\" stroke=\"#eee\"/>\n";
        s << "<text x=\"" << num(f.x_of(t)) << "\" y=\"" << num(top + plot_h + 20)
          << "\" text-anchor=\"middle\">" << date << "</text>\n";
    }
    s << "<rect x=\"" << num(left) << "\" y=\"" << num(top) << "\" width=\"" << num(plot_w)
      << "\" height=\"" << num(plot_h) << "\" fill=\"none\" stroke=\"#888\"/>\n";
    s << "<text x=\"" << num(left + plot_w / 2) << "\" y=\"" << num(height - 18)
      << "\" text-anchor=\"middle\" fill=\"#444\">time (UTC)</text>\n";
    s << "<text transform=\"translate(22 " << num(top + plot_h / 2)
      << ") rotate(-90)\" text-anchor=\"middle\" fill=\"#444\">token clock offset (s)</text>\n";
}

// The fitted line and, when it falls inside the plot, the predicted exit.
void draw_fit(std::ostream& s, const DriftPlot& p, const Frame& f) {
    s << "<line x1=\"" << num(f.x_of(f.t_min)) << "\" y1=\""
      << num(f.y_of(p.fit.offset_at(static_cast<std::int64_t>(f.t_min)))) << "\" x2=\""
      << num(f.x_of(f.t_max)) << "\" y2=\""
      << num(f.y_of(p.fit.offset_at(static_cast<std::int64_t>(f.t_max))))
      << "\" stroke=\"#1565c0\" stroke-width=\"2\"/>\n";
    if (p.exit_time && static_cast<double>(*p.exit_time) <= f.t_max) {
        const double x = f.x_of(static_cast<double>(*p.exit_time));
        s << "<line x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\"" << num(top) << "\" y2=\""
          << num(top + Frame::plot_h) << "\" stroke=\"#c62828\" stroke-dasharray=\"3 3\"/>\n";
        s << "<text x=\"" << num(x - 4) << "\" y=\"" << num(top + 16)
          << "\" text-anchor=\"end\" fill=\"#c62828\">leaves the window "
          << format_time(*p.exit_time).substr(0, 10) << "</text>\n";
    }
}

// Observations with their quantisation bars.
void draw_observations(std::ostream& s, const DriftPlot& p, const Frame& f) {
    for (const auto& o : p.observations) {
        const double x = f.x_of(static_cast<double>(o.time));
        const double y1 = f.y_of(o.offset_seconds + o.half_width_seconds);
        const double y2 = f.y_of(o.offset_seconds - o.half_width_seconds);
        s << "<line x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\"" << num(y1) << "\" y2=\""
          << num(y2) << "\" stroke=\"#333\"/>\n";
        for (double y : {y1, y2}) {
            s << "<line x1=\"" << num(x - 5) << "\" x2=\"" << num(x + 5) << "\" y1=\"" << num(y)
              << "\" y2=\"" << num(y) << "\" stroke=\"#333\"/>\n";
        }
        s << "<circle cx=\"" << num(x) << "\" cy=\"" << num(f.y_of(o.offset_seconds))
          << "\" r=\"4.5\" fill=\"#ef6c00\" stroke=\"#333\"/>\n";
    }
}

void draw_legend(std::ostream& s) {
    const double lx = left + 12;
    const double ly = top + 18;
    s << "<rect x=\"" << num(lx - 6) << "\" y=\"" << num(ly - 14)
      << "\" width=\"300\" height=\"62\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n";
    s << "<circle cx=\"" << num(lx + 8) << "\" cy=\"" << num(ly - 4)
      << "\" r=\"4.5\" fill=\"#ef6c00\" stroke=\"#333\"/>";
    s << "<text x=\"" << num(lx + 22) << "\" y=\"" << num(ly)
      << "\">observed offset (\u00b1 half a step)</text>\n";
    s << "<line x1=\"" << num(lx) << "\" x2=\"" << num(lx + 16) << "\" y1=\"" << num(ly + 15)
      << "\" y2=\"" << num(ly + 15) << "\" stroke=\"#1565c0\" stroke-width=\"2\"/>";
    s << "<text x=\"" << num(lx + 22) << "\" y=\"" << num(ly + 19)
      << "\">least-squares fit</text>\n";
    s << "<line x1=\"" << num(lx) << "\" x2=\"" << num(lx + 16) << "\" y1=\"" << num(ly + 34)
      << "\" y2=\"" << num(ly + 34) << "\" stroke=\"#2e7d32\" stroke-dasharray=\"6 4\"/>";
    s << "<text x=\"" << num(lx + 22) << "\" y=\"" << num(ly + 38)
      << "\">verifier window edges</text>\n";
}

}  // namespace

std::string render_drift_svg(const DriftPlot& p) {
    const Frame frame = frame_for(p);
    std::ostringstream s;
    draw_header(s, p);
    draw_window(s, p, frame);
    draw_grid(s, frame);
    draw_fit(s, p, frame);
    draw_observations(s, p, frame);
    draw_legend(s);
    s << "</svg>\n";
    return s.str();
}

}  // namespace hwtotp::cli
