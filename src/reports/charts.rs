//! Charts of the report as SVG text, drawn on the server: radar charts (maturity of six axes or
//! dimensions on the 0–4 scale) and the priority matrix (importance × maturity). Only
//! presentation attributes, no inline style, so the strict CSP holds. Each chart is labelled
//! for assistive technology; the report follows each one with an equivalent table. Pure.

use std::f64::consts::PI;
use std::fmt::Write;

/// Escapes text for SVG content and attributes.
pub(super) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `text` in lines of at most `width` characters, cut between words.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// A radar chart: one spoke per (label, value 0–4); missing values sit at the centre. Labels
/// are names, wrapped over a few lines, with the value on the last one.
pub fn radar(id: &str, title: &str, spokes: &[(String, Option<f64>)]) -> String {
    const WIDTH: f64 = 560.0;
    const HEIGHT: f64 = 440.0;
    const CX: f64 = WIDTH / 2.0;
    const CY: f64 = HEIGHT / 2.0;
    const RADIUS: f64 = 125.0;
    let n = spokes.len().max(3) as f64;
    let point = |i: usize, r: f64| {
        let angle = -PI / 2.0 + 2.0 * PI * i as f64 / n;
        (CX + r * angle.cos(), CY + r * angle.sin())
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart radar" id="{id}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title>"#,
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
            r##"<line x1="{CX}" y1="{CY}" x2="{x:.1}" y2="{y:.1}" stroke="#c5ccd6" stroke-width="1"/>"##
        );
        let (lx, ly) = point(i, RADIUS + 18.0);
        let anchor = if (lx - CX).abs() < 1.0 {
            "middle"
        } else if lx > CX {
            "start"
        } else {
            "end"
        };
        let shown = match value {
            Some(v) => decimal(*v),
            None => "–".to_owned(),
        };
        let mut lines = wrap(label, 18);
        match lines.last_mut() {
            Some(last) if last.chars().count() + 1 + shown.chars().count() <= 22 => {
                last.push(' ');
                last.push_str(&shown);
            }
            _ => lines.push(shown),
        }
        // Above the centre the block grows upwards, below it downwards, beside it around.
        let count = lines.len() as f64;
        let first = if ly < CY - 1.0 {
            ly - 15.0 * (count - 1.0)
        } else if ly > CY + 1.0 {
            ly + 10.0
        } else {
            ly - 7.5 * (count - 1.0) + 4.0
        };
        let _ = write!(
            svg,
            r##"<text x="{lx:.1}" y="{first:.1}" text-anchor="{anchor}" font-size="13" fill="#1b1f24">"##
        );
        for (k, line) in lines.iter().enumerate() {
            let dy = if k == 0 { 0.0 } else { 15.0 };
            let _ = write!(
                svg,
                r#"<tspan x="{lx:.1}" dy="{dy}">{}</tspan>"#,
                escape(line)
            );
        }
        svg.push_str("</text>");
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
    /// The highest impact on the vertical axis (at least 6, one above the highest point).
    pub impact_max: i16,
    /// Per point, in the order given: its marker (a numbered disc for the labelled ranks, a
    /// small dot for the others).
    pub markers: Vec<Bounds>,
    /// Per labelled point, by rank: (index of the point, legend text, box of the text).
    pub labels: Vec<(usize, String, Bounds)>,
}

const PLOT_LEFT: f64 = 60.0;
const PLOT_RIGHT: f64 = 400.0;
const PLOT_TOP: f64 = 20.0;
const PLOT_BOTTOM: f64 = 340.0;
const MATRIX_HEIGHT: f64 = 390.0;
const COLUMN: f64 = (PLOT_RIGHT - PLOT_LEFT) / 5.0;
const LEGEND_X: f64 = PLOT_RIGHT + 30.0;
const LABEL_FONT: f64 = 11.0;
const LABEL_LINE: f64 = 18.0;
/// Radius of a numbered marker, of a plain dot; room between markers.
const NUMBERED: f64 = 8.0;
const PLAIN: f64 = 3.5;
const GAP: f64 = 2.0;

/// The x range of the column of `level`.
pub fn column(level: i16) -> (f64, f64) {
    let left = PLOT_LEFT + COLUMN * f64::from(level.clamp(0, 4));
    (left, left + COLUMN)
}

/// The height of `impact` on an axis from 1 to `max`.
fn y_of(impact: f64, max: i16) -> f64 {
    let max = f64::from(max);
    PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * (impact.clamp(1.0, max) - 1.0) / (max - 1.0)
}

/// A generous estimate of a text's width (sans-serif; wide letters and digits included).
fn text_width(text: &str, font: f64) -> f64 {
    text.chars().count() as f64 * font * 0.6
}

/// Lays the matrix out. The points of a cell (level, impact) sit in rows centred in their
/// level's column, best rank first, never beyond the column; the first [`LABELLED`] ranks get
/// a numbered disc, the others a small dot. The legend lists the numbered ranks, one a line, in
/// a column to the right of the plot.
pub fn matrix_layout(points: &[MatrixPoint]) -> MatrixLayout {
    let impact_max = points
        .iter()
        .map(|p| p.impact + 1)
        .max()
        .unwrap_or(0)
        .max(6);
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by_key(|i| points[*i].rank);
    let mut markers = vec![
        Bounds {
            x: 0.0,
            y: 0.0,
            width: 0.0,
            height: 0.0
        };
        points.len()
    ];
    let mut cells: Vec<((i16, i16), Vec<usize>)> = Vec::new();
    for i in order.iter().copied() {
        let cell = (points[i].level.clamp(0, 4), points[i].impact);
        match cells.iter_mut().find(|(c, _)| *c == cell) {
            Some((_, members)) => members.push(i),
            None => cells.push((cell, vec![i])),
        }
    }
    let radius = |i: usize| {
        if points[i].rank <= LABELLED {
            NUMBERED
        } else {
            PLAIN
        }
    };
    // Each cell as rows of at most the column's width, best rank first.
    let mut stacks: Vec<(i16, f64, Vec<Vec<usize>>)> = Vec::new();
    for ((level, impact), members) in cells {
        let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
        let mut used = 0.0;
        for i in members {
            let width = 2.0 * radius(i) + GAP;
            if used + width > COLUMN - 2.0 && !rows.last().unwrap().is_empty() {
                rows.push(Vec::new());
                used = 0.0;
            }
            rows.last_mut().unwrap().push(i);
            used += width;
        }
        let first = rows[0].iter().map(|i| radius(*i)).fold(0.0, f64::max);
        stacks.push((level, y_of(f64::from(impact), impact_max) - first, rows));
    }
    let row_height = |row: &[usize]| 2.0 * row.iter().map(|i| radius(*i)).fold(0.0, f64::max);
    // Per column, top to bottom: a cell starts at its impact's height or below the cell above
    // it, and the column is pushed back up if it would pass the axis.
    stacks.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let heights: Vec<f64> = stacks
        .iter()
        .map(|(_, _, rows)| rows.iter().map(|r| row_height(r) + GAP).sum::<f64>() - GAP)
        .collect();
    let height = |k: usize| heights[k];
    for level in 0..=4 {
        let column_stacks: Vec<usize> = (0..stacks.len())
            .filter(|k| stacks[*k].0 == level)
            .collect();
        let mut bottom = f64::MIN;
        for k in column_stacks.iter().copied() {
            stacks[k].1 = stacks[k].1.max(bottom + GAP);
            bottom = stacks[k].1 + height(k);
        }
        let mut floor = PLOT_BOTTOM - GAP;
        for k in column_stacks.iter().rev().copied() {
            stacks[k].1 = stacks[k].1.min(floor - height(k));
            floor = stacks[k].1 - GAP;
        }
    }
    for (level, top, rows) in &stacks {
        let (left, right) = column(*level);
        let mut y = *top;
        for row in rows {
            let total: f64 = row.iter().map(|i| 2.0 * radius(*i) + GAP).sum();
            let height = row_height(row);
            let mut x = (left + right - total) / 2.0 + GAP / 2.0;
            for i in row.iter().copied() {
                let r = radius(i);
                markers[i] = Bounds {
                    x,
                    y: y + height / 2.0 - r,
                    width: 2.0 * r,
                    height: 2.0 * r,
                };
                x += 2.0 * r + GAP;
            }
            y += height + GAP;
        }
    }
    let labels: Vec<(usize, String, Bounds)> = order
        .iter()
        .copied()
        .filter(|i| points[*i].rank <= LABELLED)
        .enumerate()
        .map(|(line, i)| {
            let text = format!("{}. {}", points[i].rank, points[i].label);
            let bounds = Bounds {
                x: LEGEND_X,
                y: PLOT_TOP + line as f64 * LABEL_LINE,
                width: text_width(&text, LABEL_FONT),
                height: LABEL_LINE - 4.0,
            };
            (i, text, bounds)
        })
        .collect();
    let width = labels
        .iter()
        .map(|(_, _, b)| b.x + b.width + 10.0)
        .fold(PLOT_RIGHT + 20.0, f64::max);
    MatrixLayout {
        width,
        impact_max,
        markers,
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
    for impact in 1..=layout.impact_max {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="12" fill="#1b1f24">{impact}</text>"##,
            PLOT_LEFT - 8.0,
            y_of(f64::from(impact), layout.impact_max) + 4.0
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
    for (_, text, bounds) in &layout.labels {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="{LABEL_FONT}" fill="#1b1f24">{}</text>"##,
            bounds.x,
            bounds.y + bounds.height - 3.0,
            escape(text)
        );
    }
    for (p, b) in points.iter().zip(&layout.markers) {
        let (x, y, r) = (b.x + b.width / 2.0, b.y + b.height / 2.0, b.width / 2.0);
        if p.rank <= LABELLED {
            let _ = write!(
                svg,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="#b34700"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="9" font-weight="700" fill="#ffffff">{}</text>"##,
                y + 3.2,
                p.rank
            );
        } else {
            let _ = write!(
                svg,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="#8a94a3"/>"##
            );
        }
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
        // Long names wrap between words, the value on the last line.
        let named = radar(
            "n",
            "Axes",
            &[(
                "Transversalité et organisation centrée usager".into(),
                Some(1.2),
            )],
        );
        assert!(
            named.contains(">Transversalité et<")
                && named.contains(">organisation<")
                && named.contains(">centrée usager 1,2<"),
            "{named}"
        );
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
        assert_eq!(svg.matches("font-weight=\"700\"").count(), LABELLED);
        assert!(svg.contains(">1. Données &lt;ouvertes&gt; &amp; partagées<"));
        assert!(svg.contains(">10. Critère numéro 9 ") && !svg.contains(">11. "));
        assert!(!svg.contains("style="));
    }

    #[test]
    fn no_two_labels_or_markers_intersect_and_every_point_stays_in_its_level_column() {
        // Crowded cases: everything in one cell, everything in one column, spread out.
        let cases = [
            points(53, |_| 1, |_| 6),
            points(30, |_| 0, |i| (2 + i % 3) as i16),
            points(53, |i| (i % 5) as i16, |i| (2 + i % 9) as i16),
            points(10, |i| (i % 2) as i16, |_| 11),
            points(12, |_| 4, |i| 12 - (i % 2) as i16),
            points(53, |_| 2, |_| 2),
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
                assert!(ba.x > PLOT_RIGHT && ba.x + ba.width <= layout.width, "{ta}");
                for (_, tb, bb) in &labels[a + 1..] {
                    assert!(!ba.intersects(bb), "{ta} {ba:?} overlaps {tb} {bb:?}");
                }
            }
            let markers = &layout.markers;
            for (a, (p, ma)) in points.iter().zip(markers).enumerate() {
                let (left, right) = column(p.level);
                assert!(
                    ma.x >= left && ma.x + ma.width <= right,
                    "rank {} out of its column",
                    p.rank
                );
                assert!(ma.y >= PLOT_TOP - NUMBERED && ma.y + ma.height <= PLOT_BOTTOM);
                for (q, mb) in points[a + 1..].iter().zip(&markers[a + 1..]) {
                    assert!(
                        !ma.intersects(mb),
                        "ranks {} and {} overlap",
                        p.rank,
                        q.rank
                    );
                }
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
