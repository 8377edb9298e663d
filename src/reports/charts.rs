//! Charts of the report as SVG text, drawn on the server: radar charts (maturity of six axes or
//! dimensions on the 0–4 scale) and the priority matrix (importance × maturity). Only
//! presentation attributes, no inline style, so the strict CSP holds. Each chart is labelled
//! for assistive technology; the report follows each one with an equivalent table. Pure.

use std::f64::consts::PI;
use std::fmt::Write;

/// Escapes text for SVG content and attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A radar chart: one spoke per (label, value 0–4); missing values sit at the centre.
pub fn radar(id: &str, title: &str, spokes: &[(String, Option<f64>)]) -> String {
    const SIZE: f64 = 400.0;
    const CENTER: f64 = SIZE / 2.0;
    const RADIUS: f64 = 130.0;
    let n = spokes.len().max(3) as f64;
    let point = |i: usize, r: f64| {
        let angle = -PI / 2.0 + 2.0 * PI * i as f64 / n;
        (CENTER + r * angle.cos(), CENTER + r * angle.sin())
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart radar" id="{id}" viewBox="0 0 {SIZE} {SIZE}" role="img" aria-labelledby="{id}-title" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title>"#,
        escape(title)
    );
    for level in 1..=4 {
        let r = RADIUS * f64::from(level) / 4.0;
        let ring: Vec<String> = (0..spokes.len())
            .map(|i| {
                let (x, y) = point(i, r);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(
            svg,
            r##"<polygon points="{}" fill="none" stroke="#c5ccd6" stroke-width="1"/>"##,
            ring.join(" ")
        );
        let (x, y) = point(0, r);
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#4a5360">{level}</text>"##,
            x + 4.0,
            y + 4.0
        );
    }
    for (i, (label, value)) in spokes.iter().enumerate() {
        let (x, y) = point(i, RADIUS);
        let _ = write!(
            svg,
            r##"<line x1="{CENTER}" y1="{CENTER}" x2="{x:.1}" y2="{y:.1}" stroke="#c5ccd6" stroke-width="1"/>"##
        );
        let (lx, ly) = point(i, RADIUS + 22.0);
        let anchor = if (lx - CENTER).abs() < 1.0 {
            "middle"
        } else if lx > CENTER {
            "start"
        } else {
            "end"
        };
        let shown = match value {
            Some(v) => format!("{label} {}", decimal(*v)),
            None => format!("{label} –"),
        };
        let _ = write!(
            svg,
            r##"<text x="{lx:.1}" y="{:.1}" text-anchor="{anchor}" font-size="13" fill="#1b1f24">{}</text>"##,
            ly + 4.0,
            escape(&shown)
        );
    }
    let shape: Vec<String> = spokes
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let (x, y) = point(i, RADIUS * v.unwrap_or(0.0).clamp(0.0, 4.0) / 4.0);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        svg,
        r##"<polygon class="radar-shape" points="{}" fill="#00468c" fill-opacity="0.25" stroke="#00468c" stroke-width="2.5"/>"##,
        shape.join(" ")
    );
    for (i, (_, v)) in spokes.iter().enumerate() {
        if let Some(v) = v {
            let (x, y) = point(i, RADIUS * v.clamp(0.0, 4.0) / 4.0);
            let _ = write!(
                svg,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="#00468c"/>"##
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The priority matrix: each criterion at (maturity level, importance); the upper left holds
/// what matters most and is least mature.
pub fn matrix(id: &str, title: &str, axes: (&str, &str), points: &[(String, i16, i16)]) -> String {
    const W: f64 = 560.0;
    const H: f64 = 340.0;
    const LEFT: f64 = 70.0;
    const BOTTOM: f64 = 290.0;
    const TOP: f64 = 20.0;
    const RIGHT: f64 = 540.0;
    let x_of = |level: f64| LEFT + (RIGHT - LEFT) * (level + 0.5) / 5.0;
    let y_of = |importance: f64| BOTTOM - (BOTTOM - TOP) * (importance - 0.5) / 3.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart matrix" id="{id}" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}-title" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title>"#,
        escape(title)
    );
    let _ = write!(
        svg,
        r##"<rect x="{LEFT}" y="{TOP}" width="{:.1}" height="{:.1}" fill="#fdf1e7"/>"##,
        (RIGHT - LEFT) * 2.5 / 5.0,
        (BOTTOM - TOP) / 3.0 * 1.5
    );
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}" stroke="#1b1f24"/><line x1="{LEFT}" y1="{BOTTOM}" x2="{LEFT}" y2="{TOP}" stroke="#1b1f24"/>"##
    );
    for level in 0..=4 {
        let x = x_of(f64::from(level));
        let _ = write!(
            svg,
            r##"<text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#1b1f24">{level}</text>"##,
            BOTTOM + 16.0
        );
    }
    for importance in 1..=3 {
        let y = y_of(f64::from(importance));
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="12" fill="#1b1f24">{importance}</text>"##,
            LEFT - 8.0,
            y + 4.0
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#4a5360">{}</text>"##,
        (LEFT + RIGHT) / 2.0,
        BOTTOM + 36.0,
        escape(axes.0)
    );
    let _ = write!(
        svg,
        r##"<text x="16" y="{:.1}" font-size="12" fill="#4a5360" transform="rotate(-90 16 {:.1})" text-anchor="middle">{}</text>"##,
        (TOP + BOTTOM) / 2.0,
        (TOP + BOTTOM) / 2.0,
        escape(axes.1)
    );
    // Points sharing a cell are spread so that every label stays readable.
    let mut seen: Vec<(i16, i16)> = Vec::new();
    for (label, level, importance) in points {
        let rank = seen.iter().filter(|c| **c == (*level, *importance)).count();
        seen.push((*level, *importance));
        let x = x_of(f64::from(*level)) - 30.0 + 30.0 * (rank % 3) as f64;
        let y = y_of(f64::from(*importance)) - 24.0 + 16.0 * (rank / 3 % 4) as f64;
        let _ = write!(
            svg,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="#b34700"/><text x="{:.1}" y="{:.1}" font-size="10" fill="#1b1f24">{}</text>"##,
            x + 5.0,
            y + 3.0,
            escape(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A number with one decimal and a comma (the French way; the charts are rendered per
/// language by the caller when it matters).
fn decimal(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_radar_has_a_spoke_and_a_label_per_axis_and_escapes_text() {
        let spokes = vec![
            ("ECO".to_owned(), Some(2.5)),
            ("MOB".to_owned(), None),
            ("A&B".to_owned(), Some(4.0)),
        ];
        let svg = radar("r", "Maturité <axes>", &spokes);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"r-title\">Maturité &lt;axes&gt;</title>"));
        assert_eq!(svg.matches("<line").count(), 3);
        assert!(svg.contains(">ECO 2,5<") && svg.contains(">MOB –<") && svg.contains("A&amp;B"));
        assert_eq!(
            svg.matches("<circle").count(),
            2,
            "no point for a missing value"
        );
        assert!(!svg.contains("style="));
    }

    #[test]
    fn the_matrix_places_one_point_per_criterion() {
        let points = vec![
            ("MOB-1".to_owned(), 1, 3),
            ("GOV-2".to_owned(), 1, 3),
            ("ENV-1".to_owned(), 3, 1),
        ];
        let svg = matrix("m", "Matrice", ("Maturité", "Importance"), &points);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains(">MOB-1<") && svg.contains(">GOV-2<"));
        assert!(!svg.contains("style="));
    }
}
