//! Numbers, amounts, percentages and dates as French (or English) readers write them: narrow
//! no-break spaces between thousands and a decimal comma in French ("21 900", "2,5"), commas
//! and a point in English; amounts in €, k€ or M€ ("1,2 M€"); dates in words ("2 décembre
//! 2026"). Every page and report formats through here. A leaf module.

use time::Date;

use crate::i18n::Lang;

/// The narrow no-break space French puts between thousands and before units.
pub const NNBSP: char = '\u{202f}';

fn separators(lang: Lang) -> (char, char) {
    match lang {
        Lang::Fr => (NNBSP, ','),
        Lang::En => (',', '.'),
    }
}

/// An integer with thousands separators ("519 127", "519,127").
pub fn int(lang: Lang, value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let (thousands, _) = separators(lang);
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(thousands);
        }
        grouped.push(c);
    }
    if value < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// A number with `digits` decimals and thousands separators ("21 900,0", "2,5").
pub fn decimal(lang: Lang, value: f64, digits: usize) -> String {
    // Half away from zero (the formatter alone rounds half to even: 1234.5 → 1234).
    let scale = 10f64.powi(digits as i32);
    let text = format!("{:.digits$}", (value.abs() * scale).round() / scale);
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let grouped = int(lang, whole.parse().unwrap_or(0));
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{}{fraction}", separators(lang).1)
    }
}

/// A measured value: without decimals when it is whole or large (21 900), else one (2,5).
pub fn number(lang: Lang, value: f64) -> String {
    let digits = if value.fract().abs() < 1e-9 || value.abs() >= 1000.0 {
        0
    } else {
        1
    };
    decimal(lang, value, digits)
}

/// A share of 100 ("40 %", "40%").
pub fn percent(lang: Lang, value: f64) -> String {
    match lang {
        Lang::Fr => format!("{}{NNBSP}%", decimal(lang, value, 0)),
        Lang::En => format!("{}%", decimal(lang, value, 0)),
    }
}

/// An amount in euros, in the unit that reads best: "850 €", "21 900 €", "350 k€", "1,2 M€".
pub fn euros(lang: Lang, value: f64) -> String {
    let (amount, unit) = if value.abs() >= 1_000_000.0 {
        (decimal(lang, value / 1_000_000.0, 1), "M€")
    } else if value.abs() >= 100_000.0 {
        (decimal(lang, value / 1000.0, 0), "k€")
    } else {
        (decimal(lang, value, 0), "€")
    };
    format!("{amount}{NNBSP}{unit}")
}

/// A date in words ("2 décembre 2026", "2 December 2026").
pub fn date(lang: Lang, date: Date) -> String {
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = usize::from(u8::from(date.month())) - 1;
    let name = match lang {
        Lang::Fr => FR[month],
        Lang::En => EN[month],
    };
    let day = match (lang, date.day()) {
        (Lang::Fr, 1) => "1er".to_owned(),
        (_, d) => d.to_string(),
    };
    format!("{day} {name} {}", date.year())
}

/// A date stored as "YYYY-MM-DD" in words; the text itself when it is not such a date.
pub fn iso_date(lang: Lang, text: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match Date::parse(text, &format) {
        Ok(d) => date(lang, d),
        Err(_) => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn french_and_english_numbers() {
        assert_eq!(int(Lang::Fr, 519_127), "519\u{202f}127");
        assert_eq!(int(Lang::En, -519_127), "-519,127");
        assert_eq!(int(Lang::Fr, 999), "999");
        assert_eq!(decimal(Lang::Fr, 21_900.0, 1), "21\u{202f}900,0");
        assert_eq!(decimal(Lang::En, 1234.56, 1), "1,234.6");
        assert_eq!(decimal(Lang::Fr, -0.04, 1), "0,0");
        assert_eq!(decimal(Lang::Fr, -2.5, 1), "-2,5");
        assert_eq!(number(Lang::Fr, 21_900.0), "21\u{202f}900");
        assert_eq!(number(Lang::Fr, 2.5), "2,5");
        assert_eq!(number(Lang::Fr, 1234.5), "1\u{202f}235");
        assert_eq!(percent(Lang::Fr, 40.0), "40\u{202f}%");
        assert_eq!(percent(Lang::En, 40.0), "40%");
    }

    #[test]
    fn amounts_take_the_unit_that_reads_best() {
        assert_eq!(euros(Lang::Fr, 850.0), "850\u{202f}€");
        assert_eq!(euros(Lang::Fr, 21_900.0), "21\u{202f}900\u{202f}€");
        assert_eq!(euros(Lang::Fr, 350_000.0), "350\u{202f}k€");
        assert_eq!(euros(Lang::Fr, 1_200_000.0), "1,2\u{202f}M€");
        assert_eq!(euros(Lang::En, 1_200_000.0), "1.2\u{202f}M€");
    }

    #[test]
    fn dates_in_words() {
        assert_eq!(date(Lang::Fr, date!(2026 - 12 - 02)), "2 décembre 2026");
        assert_eq!(date(Lang::Fr, date!(2026 - 08 - 01)), "1er août 2026");
        assert_eq!(date(Lang::En, date!(2026 - 12 - 02)), "2 December 2026");
        assert_eq!(iso_date(Lang::Fr, "2026-11-26"), "26 novembre 2026");
        assert_eq!(iso_date(Lang::Fr, "hier"), "hier");
    }
}
