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

/// One step on the priority matrix: its rank, its label (shown for the first [`LABELLED`]),
/// its current level (the column) and its impact (the height).
pub struct MatrixPoint {
    pub rank: usize,
    pub label: String,
    pub level: i16,
    pub impact: i16,
}

/// How many steps the matrix labels; the others are unlabelled dots (the table lists all).
pub const LABELLED: usize = 10;

/// A box on the chart, in viewBox units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Bounds {
    pub fn intersects(&self, other: &Bounds) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }
}

/// Where everything of the matrix goes, computed before drawing (and tested).
pub struct MatrixLayout {
    pub width: f64,
    /// Per point, in the order given: its centre.
    pub dots: Vec<(f64, f64)>,
    /// Per labelled point: (index of the point, text, box of the text).
    pub labels: Vec<(usize, String, Bounds)>,
}

const PLOT_LEFT: f64 = 60.0;
const PLOT_RIGHT: f64 = 400.0;
const PLOT_TOP: f64 = 20.0;
const PLOT_BOTTOM: f64 = 340.0;
const MATRIX_HEIGHT: f64 = 390.0;
const COLUMN: f64 = (PLOT_RIGHT - PLOT_LEFT) / 5.0;
const LABEL_X: f64 = PLOT_RIGHT + 40.0;
const LABEL_FONT: f64 = 11.0;
const LABEL_LINE: f64 = 15.0;
/// Highest impact drawn (points above sit at the top).
const IMPACT_MAX: f64 = 12.0;

/// The x range of the column of `level`.
pub fn column(level: i16) -> (f64, f64) {
    let left = PLOT_LEFT + COLUMN * f64::from(level.clamp(0, 4));
    (left, left + COLUMN)
}

fn y_of(impact: f64) -> f64 {
    PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * impact.clamp(0.0, IMPACT_MAX) / IMPACT_MAX
}

/// A generous estimate of a text's width (sans-serif; wide letters and digits included).
fn text_width(text: &str, font: f64) -> f64 {
    text.chars().count() as f64 * font * 0.6
}

/// Lays the matrix out: dots sharing a cell spread across the column (never beyond it), and
/// the labels of the first [`LABELLED`] ranks stacked in a column to the right, in the order
/// of their dots' height, each at least a line apart, joined to its dot by a leader line.
pub fn matrix_layout(points: &[MatrixPoint]) -> MatrixLayout {
    let mut dots = Vec::with_capacity(points.len());
    let mut seen: Vec<(i16, i16)> = Vec::new();
    for p in points {
        let cell = (p.level.clamp(0, 4), p.impact);
        let k = seen.iter().filter(|c| **c == cell).count();
        seen.push(cell);
        let (left, right) = column(p.level);
        let centre = (left + right) / 2.0;
        // 0, +1, −1, +2, −2… steps of 9, folding back inside the column; then a row lower.
        let per_row = ((COLUMN - 12.0) / 9.0).floor() as usize;
        let slot = k % per_row;
        let offset = if slot % 2 == 1 {
            (slot / 2 + 1) as f64
        } else {
            -((slot / 2) as f64)
        } * 9.0;
        let x = (centre + offset).clamp(left + 6.0, right - 6.0);
        let y = y_of(f64::from(p.impact)) + (k / per_row) as f64 * 7.0;
        dots.push((x, y));
    }
    let mut labelled: Vec<usize> = (0..points.len())
        .filter(|i| points[*i].rank <= LABELLED)
        .collect();
    labelled.sort_by(|a, b| {
        dots[*a]
            .1
            .total_cmp(&dots[*b].1)
            .then(points[*a].rank.cmp(&points[*b].rank))
    });
    // Stack downwards from each dot's height, then push back up if the column overflows.
    let mut tops: Vec<f64> = Vec::with_capacity(labelled.len());
    for i in &labelled {
        let wanted = dots[*i].1 - LABEL_LINE / 2.0;
        let top = match tops.last() {
            Some(previous) => wanted.max(previous + LABEL_LINE),
            None => wanted.max(PLOT_TOP - 10.0),
        };
        tops.push(top);
    }
    let mut floor = MATRIX_HEIGHT - LABEL_LINE;
    for top in tops.iter_mut().rev() {
        *top = top.min(floor);
        floor = *top - LABEL_LINE;
    }
    let labels: Vec<(usize, String, Bounds)> = labelled
        .iter()
        .zip(tops)
        .map(|(i, top)| {
            let text = format!("{}. {}", points[*i].rank, points[*i].label);
            let bounds = Bounds {
                x: LABEL_X,
                y: top,
                width: text_width(&text, LABEL_FONT),
                height: LABEL_LINE - 2.0,
            };
            (*i, text, bounds)
        })
        .collect();
    let width = labels
        .iter()
        .map(|(_, _, b)| b.x + b.width + 10.0)
        .fold(PLOT_RIGHT + 20.0, f64::max);
    MatrixLayout {
        width,
        dots,
        labels,
    }
}

/// The priority matrix: each step at (current level, impact); the upper left holds what
/// matters most and is least mature. Only the first ten ranks are labelled.
pub fn matrix(id: &str, title: &str, axes: (&str, &str), points: &[MatrixPoint]) -> String {
    let layout = matrix_layout(points);
    let w = layout.width;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart matrix" id="{id}" viewBox="0 0 {w:.0} {MATRIX_HEIGHT}" role="img" aria-labelledby="{id}-title" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title>"#,
        escape(title)
    );
    let _ = write!(
        svg,
        r##"<rect x="{PLOT_LEFT}" y="{PLOT_TOP}" width="{:.1}" height="{:.1}" fill="#fdf1e7"/>"##,
        COLUMN * 2.0,
        (PLOT_BOTTOM - PLOT_TOP) / 2.0
    );
    for level in 0..=4 {
        let (left, right) = column(level);
        if level > 0 {
            let _ = write!(
                svg,
                r##"<line x1="{left:.1}" y1="{PLOT_TOP}" x2="{left:.1}" y2="{PLOT_BOTTOM}" stroke="#e1e5ea"/>"##
            );
        }
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#1b1f24">{level}</text>"##,
            (left + right) / 2.0,
            PLOT_BOTTOM + 16.0
        );
    }
    let _ = write!(
        svg,
        r##"<line x1="{PLOT_LEFT}" y1="{PLOT_BOTTOM}" x2="{PLOT_RIGHT}" y2="{PLOT_BOTTOM}" stroke="#1b1f24"/><line x1="{PLOT_LEFT}" y1="{PLOT_BOTTOM}" x2="{PLOT_LEFT}" y2="{PLOT_TOP}" stroke="#1b1f24"/>"##
    );
    for impact in (2..=12).step_by(2) {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="12" fill="#1b1f24">{impact}</text>"##,
            PLOT_LEFT - 8.0,
            y_of(f64::from(impact)) + 4.0
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#4a5360">{}</text>"##,
        (PLOT_LEFT + PLOT_RIGHT) / 2.0,
        PLOT_BOTTOM + 36.0,
        escape(axes.0)
    );
    let _ = write!(
        svg,
        r##"<text x="16" y="{:.1}" font-size="12" fill="#4a5360" transform="rotate(-90 16 {:.1})" text-anchor="middle">{}</text>"##,
        (PLOT_TOP + PLOT_BOTTOM) / 2.0,
        (PLOT_TOP + PLOT_BOTTOM) / 2.0,
        escape(axes.1)
    );
    for (i, text, bounds) in &layout.labels {
        let (x, y) = layout.dots[*i];
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" y1="{y:.1}" x2="{:.1}" y2="{:.1}" stroke="#8a94a3" stroke-width="0.75"/><text x="{:.1}" y="{:.1}" font-size="{LABEL_FONT}" fill="#1b1f24">{}</text>"##,
            bounds.x - 4.0,
            bounds.y + bounds.height / 2.0,
            bounds.x,
            bounds.y + bounds.height - 3.0,
            escape(text)
        );
    }
    for (p, (x, y)) in points.iter().zip(&layout.dots) {
        let fill = if p.rank <= LABELLED {
            "#b34700"
        } else {
            "#8a94a3"
        };
        let _ = write!(
            svg,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="{fill}"/>"##
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

    fn points(
        n: usize,
        level: impl Fn(usize) -> i16,
        impact: impl Fn(usize) -> i16,
    ) -> Vec<MatrixPoint> {
        (0..n)
            .map(|i| MatrixPoint {
                rank: i + 1,
                label: format!("Critère numéro {i} au nom assez long pour tenir une ligne"),
                level: level(i),
                impact: impact(i),
            })
            .collect()
    }

    #[test]
    fn the_matrix_labels_the_top_ten_only_and_escapes() {
        let mut many = points(53, |i| (i % 5) as i16, |i| (2 + i % 9) as i16);
        many[0].label = "Données <ouvertes> & partagées".into();
        let svg = matrix("m", "Matrice", ("Maturité", "Impact"), &many);
        assert_eq!(svg.matches("<circle").count(), 53);
        assert_eq!(svg.matches("font-size=\"11\"").count(), LABELLED);
        assert!(svg.contains(">1. Données &lt;ouvertes&gt; &amp; partagées<"));
        assert!(svg.contains(">10. Critère numéro 9 ") && !svg.contains(">11. "));
        assert!(!svg.contains("style="));
    }

    #[test]
    fn no_two_labels_intersect_and_every_dot_stays_in_its_level_column() {
        // Crowded cases: everything in one cell, everything in one column, spread out.
        let cases = [
            points(53, |_| 1, |_| 6),
            points(30, |_| 0, |i| (2 + i % 3) as i16),
            points(53, |i| (i % 5) as i16, |i| (2 + i % 9) as i16),
            points(10, |i| (i % 2) as i16, |_| 11),
            points(12, |_| 4, |i| 12 - (i % 2) as i16),
        ];
        for points in cases {
            let layout = matrix_layout(&points);
            let labels = &layout.labels;
            assert_eq!(labels.len(), points.len().min(LABELLED));
            for (a, (_, ta, ba)) in labels.iter().enumerate() {
                assert!(
                    ba.y >= 0.0 && ba.y + ba.height <= MATRIX_HEIGHT,
                    "{ta}: {ba:?}"
                );
                assert!(ba.x + ba.width <= layout.width, "{ta} overflows");
                for (_, tb, bb) in &labels[a + 1..] {
                    assert!(!ba.intersects(bb), "{ta} {ba:?} overlaps {tb} {bb:?}");
                }
                // Labels sit right of the plot: no dot is under a label.
                assert!(ba.x > PLOT_RIGHT);
            }
            for (p, (x, _)) in points.iter().zip(&layout.dots) {
                let (left, right) = column(p.level);
                assert!(
                    *x > left && *x < right,
                    "rank {} at {x} outside level {}",
                    p.rank,
                    p.level
                );
            }
        }
    }

    #[test]
    fn boxes_intersect_only_when_they_overlap() {
        let a = Bounds {
            x: 0.0,
            y: 0.0,
            width: 10.0,
            height: 10.0,
        };
        assert!(a.intersects(&Bounds {
            x: 9.0,
            y: 9.0,
            width: 5.0,
            height: 5.0
        }));
        assert!(!a.intersects(&Bounds {
            x: 10.0,
            y: 0.0,
            width: 5.0,
            height: 5.0
        }));
        assert!(!a.intersects(&Bounds {
            x: 0.0,
            y: 10.0,
            width: 5.0,
            height: 5.0
        }));
    }
}
