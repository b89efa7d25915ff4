//! The fleet-sizing chart, drawn by hand as SVG: on-time % and grey-fleet miles against the
//! number of pool cars. No plotting crate and no network: a few lines and labels suffice, and
//! the output is byte-for-byte deterministic, so it can be committed and diffed.

use std::fmt::Write;

/// One point of the sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetPoint {
    /// Pool cars.
    pub cars: usize,
    /// Statutory visits on time, percent.
    pub on_time_percent: f64,
    /// Miles driven in own cars over the run.
    pub grey_miles: f64,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 420.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 80.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 60.0;

/// The chart for `points` (sorted by fleet size), titled `title`.
pub fn fleet_chart(title: &str, points: &[FleetPoint]) -> String {
    let mut svg = String::new();
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let min_cars = points.iter().map(|p| p.cars).min().unwrap_or(0) as f64;
    let max_cars = points.iter().map(|p| p.cars).max().unwrap_or(1) as f64;
    let span = (max_cars - min_cars).max(1.0);
    let max_miles = nice_ceiling(points.iter().map(|p| p.grey_miles).fold(0.0, f64::max));
    let min_pct =
        (points.iter().map(|p| p.on_time_percent).fold(100.0, f64::min) / 10.0).floor() * 10.0;
    let min_pct = min_pct.clamp(0.0, 90.0);
    let x = |cars: usize| LEFT + (cars as f64 - min_cars) / span * plot_w;
    let y_pct = |pct: f64| TOP + (100.0 - pct) / (100.0 - min_pct) * plot_h;
    let y_miles = |miles: f64| TOP + (1.0 - miles / max_miles) * plot_h;

    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="28" font-size="16" text-anchor="middle">{}</text>"#,
        WIDTH / 2.0,
        escape(title)
    );
    // Axes and grid.
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#444"/>"##
    );
    for i in 0..=5 {
        let pct = min_pct + (100.0 - min_pct) * f64::from(i) / 5.0;
        let y = y_pct(pct);
        let miles = max_miles * f64::from(i) / 5.0;
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#1f6feb">{pct:.0}%</text><text x="{:.1}" y="{:.1}" fill="#d1242f">{miles:.0}</text>"##,
            LEFT + plot_w,
            LEFT - 8.0,
            y + 4.0,
            LEFT + plot_w + 8.0,
            y_miles(miles) + 4.0
        );
    }
    for point in points {
        let px = x(point.cars);
        let _ = writeln!(
            svg,
            r##"<text x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            TOP + plot_h + 18.0,
            point.cars
        );
    }
    let _ = writeln!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle">pool cars</text>"##,
        LEFT + plot_w / 2.0,
        HEIGHT - 18.0
    );
    let _ = writeln!(
        svg,
        r##"<text x="18" y="{:.1}" fill="#1f6feb" transform="rotate(-90 18 {:.1})" text-anchor="middle">statutory visits on time</text>"##,
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0
    );
    let _ = writeln!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" fill="#d1242f" transform="rotate(90 {:.1} {:.1})" text-anchor="middle">grey-fleet miles</text>"##,
        WIDTH - 20.0,
        TOP + plot_h / 2.0,
        WIDTH - 20.0,
        TOP + plot_h / 2.0
    );
    series(&mut svg, "#1f6feb", points.iter().map(|p| (x(p.cars), y_pct(p.on_time_percent))));
    series(&mut svg, "#d1242f", points.iter().map(|p| (x(p.cars), y_miles(p.grey_miles))));
    svg.push_str("</svg>\n");
    svg
}

fn series(svg: &mut String, colour: &str, points: impl Iterator<Item = (f64, f64)>) {
    let points: Vec<(f64, f64)> = points.collect();
    let path: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
    let _ = writeln!(
        svg,
        r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
        path.join(" ")
    );
    for (x, y) in points {
        let _ = writeln!(svg, r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{colour}"/>"#);
    }
}

/// The smallest of 1, 2 or 5 times a power of ten at or above `value` (at least 10).
fn nice_ceiling(value: f64) -> f64 {
    let value = value.max(10.0);
    let power = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|v| *v >= value).unwrap_or(value)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_both_series_with_a_point_per_fleet_size() {
        let points: Vec<FleetPoint> = [(5, 80.0, 900.0), (10, 95.0, 400.0), (15, 99.0, 100.0)]
            .into_iter()
            .map(|(cars, on_time_percent, grey_miles)| FleetPoint {
                cars,
                on_time_percent,
                grey_miles,
            })
            .collect();
        let svg = fleet_chart("Medway <test>", &points);
        assert!(svg.starts_with("<svg"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 6);
        assert!(svg.contains("Medway &lt;test&gt;"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn rounds_axis_tops_to_readable_numbers() {
        assert_eq!(nice_ceiling(930.0), 1000.0);
        assert_eq!(nice_ceiling(120.0), 200.0);
        assert_eq!(nice_ceiling(3.0), 10.0);
    }
}
