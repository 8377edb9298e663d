//! The roadmap's Gantt chart as SVG text drawn on the server: one row per chantier over the
//! 36 months of the roadmap, its title above its bar, years marked; presentation attributes
//! only (strict CSP), labelled for assistive technology and followed by its table in the
//! report. Pure.

use std::fmt::Write;

use super::charts::escape;

/// One bar: its label and its months (1–36).
pub struct Bar {
    pub label: String,
    pub start: i16,
    pub end: i16,
}

const WIDTH: f64 = 760.0;
const LEFT: f64 = 10.0;
const RIGHT: f64 = 750.0;
const HEAD: f64 = 30.0;
const ROW: f64 = 38.0;
const MONTHS: f64 = 36.0;

/// The x of the start of `month` (1–37).
fn x_of(month: f64) -> f64 {
    LEFT + (RIGHT - LEFT) * (month - 1.0) / MONTHS
}

pub fn gantt(id: &str, title: &str, year_label: &str, bars: &[Bar]) -> String {
    let height = HEAD + ROW * bars.len() as f64 + 10.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart gantt" id="{id}" viewBox="0 0 {WIDTH} {height:.0}" role="img" aria-labelledby="{id}-title" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title>"#,
        escape(title)
    );
    for year in 0..3 {
        let (x0, x1) = (
            x_of(1.0 + 12.0 * f64::from(year)),
            x_of(13.0 + 12.0 * f64::from(year)),
        );
        let fill = if year % 2 == 0 { "#f3f5f8" } else { "#ffffff" };
        let _ = write!(
            svg,
            r##"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{fill}"/><text x="{:.1}" y="18" text-anchor="middle" font-size="12" fill="#1b1f24">{} {}</text>"##,
            HEAD - 6.0,
            x1 - x0,
            height - HEAD - 4.0,
            (x0 + x1) / 2.0,
            escape(year_label),
            year + 1
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let top = HEAD + ROW * i as f64;
        let start = f64::from(bar.start.clamp(1, 36));
        let end = f64::from(bar.end.clamp(bar.start.clamp(1, 36), 36));
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#1b1f24">{}</text><rect x="{:.1}" y="{:.1}" width="{:.1}" height="14" rx="3" fill="#00468c"/>"##,
            LEFT + 2.0,
            top + 11.0,
            escape(&bar.label),
            x_of(start),
            top + 16.0,
            x_of(end + 1.0) - x_of(start)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bar_per_chantier_spanning_its_months() {
        let bars = vec![
            Bar {
                label: "1. Données & <plateformes>".into(),
                start: 1,
                end: 12,
            },
            Bar {
                label: "2. Mobilités".into(),
                start: 19,
                end: 36,
            },
        ];
        let svg = gantt("g", "Calendrier", "Année", &bars);
        assert!(svg.contains(">1. Données &amp; &lt;plateformes&gt;<"));
        // Months 1–12 are the first third of the axis; 19–36 its last half.
        let third = (RIGHT - LEFT) / 3.0;
        assert!(
            svg.contains(&format!(r#"x="{LEFT:.1}" y="46.0" width="{third:.1}""#)),
            "{svg}"
        );
        let half = (RIGHT - LEFT) / 2.0;
        assert!(
            svg.contains(&format!(r#"width="{half:.1}" height="14""#)),
            "{svg}"
        );
        assert!(svg.contains(">Année 3<") && !svg.contains("style="));
    }
}
