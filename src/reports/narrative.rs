//! The report's "En bref" (issue #16): three to five key messages and up to three decisions
//! proposed to the conseil. The app drafts them from the report's content (maturity, strengths,
//! weaknesses, legal alerts, priorities, roadmap), in French and English; the consultant may
//! rewrite them before publication, and the report freezes what was published. Pure.

use super::model::{Narrative, ReportData};
use crate::diagnosis::scoring::Compliance;
use crate::format;
use crate::i18n::Lang;
use crate::text::Text;

/// Fewest and most key messages; most decisions; longest line.
pub const MESSAGES: std::ops::RangeInclusive<usize> = 1..=5;
pub const DECISIONS: usize = 3;
pub const LINE: usize = 300;

/// Both languages of a sentence built the same way.
fn both(make: impl Fn(Lang) -> String) -> Text {
    Text::new(make(Lang::Fr), make(Lang::En))
}

fn pick(lang: Lang, text: &Text) -> &str {
    match lang {
        Lang::Fr => &text.fr,
        Lang::En => &text.en,
    }
}

fn list(lang: Lang, names: &[&Text]) -> String {
    let names: Vec<&str> = names.iter().map(|n| pick(lang, n)).collect();
    match (lang, names.as_slice()) {
        (_, []) => String::new(),
        (_, [one]) => (*one).to_owned(),
        (Lang::Fr, [rest @ .., last]) => format!("{} et {last}", rest.join(", ")),
        (Lang::En, [rest @ .., last]) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The app's draft, from what the report already says.
pub fn draft(data: &ReportData) -> Narrative {
    let mut messages = Vec::new();
    let band = |value: Option<f64>, lang: Lang| {
        let level = data.band_of(value)?;
        Some(format!(
            "{} ({} / 4)",
            pick(lang, &level.label).to_lowercase(),
            format::decimal(lang, value?, 1)
        ))
    };
    if let (Some(_), Some(_)) = (data.thematic, data.transversal) {
        messages.push(both(|lang| match lang {
            Lang::Fr => format!(
                "Une démarche de niveau {} sur les six axes de la ville intelligente, et une organisation de niveau {}.",
                band(data.thematic, lang).unwrap_or_default(),
                band(data.transversal, lang).unwrap_or_default()
            ),
            Lang::En => format!(
                "An approach at the {} level on the six smart-city axes, and an organisation at the {} level.",
                band(data.thematic, lang).unwrap_or_default(),
                band(data.transversal, lang).unwrap_or_default()
            ),
        }));
    }
    let strengths: Vec<&Text> = data.strengths.iter().take(2).map(|f| &f.name).collect();
    if !strengths.is_empty() {
        messages.push(both(|lang| match lang {
            Lang::Fr => format!("Points d'appui : {}.", list(lang, &strengths)),
            Lang::En => format!("Assets to build on: {}.", list(lang, &strengths)),
        }));
    }
    let weaknesses: Vec<&Text> = data.weaknesses.iter().take(2).map(|f| &f.name).collect();
    if !weaknesses.is_empty() {
        messages.push(both(|lang| match lang {
            Lang::Fr => format!("Fragilités principales : {}.", list(lang, &weaknesses)),
            Lang::En => format!("Main weaknesses: {}.", list(lang, &weaknesses)),
        }));
    }
    let alerts: Vec<&Text> = data
        .obligations
        .iter()
        .filter(|o| o.status == Compliance::Unmet)
        .map(|o| &o.obligation.name)
        .collect();
    if !alerts.is_empty() {
        messages.push(both(|lang| match lang {
            Lang::Fr => format!(
                "À mettre en conformité sans attendre : {}.",
                list(lang, &alerts)
            ),
            Lang::En => format!(
                "To bring into compliance without delay: {}.",
                list(lang, &alerts)
            ),
        }));
    }
    if let Some(first) = data.priorities.first() {
        messages.push(both(|lang| match lang {
            Lang::Fr => format!(
                "Première priorité : {}, du niveau {} au niveau {}.",
                pick(lang, &first.name).to_lowercase(),
                first.level,
                first.level + 1
            ),
            Lang::En => format!(
                "First priority: {}, from level {} to level {}.",
                pick(lang, &first.name).to_lowercase(),
                first.level,
                first.level + 1
            ),
        }));
    }
    if let Some(roadmap) = data.roadmap.as_ref().filter(|r| !r.chantiers.is_empty()) {
        let (min, max, _) = roadmap.total();
        messages.push(both(|lang| match lang {
            Lang::Fr => format!(
                "Une feuille de route de {} chantiers sur 36 mois, estimée entre {} et {} k€.",
                roadmap.chantiers.len(),
                format::int(lang, min),
                format::int(lang, max)
            ),
            Lang::En => format!(
                "A roadmap of {} chantiers over 36 months, estimated at {} to {} k€.",
                roadmap.chantiers.len(),
                format::int(lang, min),
                format::int(lang, max)
            ),
        }));
    }
    messages.truncate(*MESSAGES.end());

    let mut decisions = Vec::new();
    if let Some(roadmap) = data.roadmap.as_ref().filter(|r| !r.chantiers.is_empty()) {
        decisions.push(both(|lang| match lang {
            Lang::Fr => format!(
                "Adopter la feuille de route ({} chantiers) et confirmer un élu référent par chantier.",
                roadmap.chantiers.len()
            ),
            Lang::En => format!(
                "Adopt the roadmap ({} chantiers) and confirm a lead elected official for each.",
                roadmap.chantiers.len()
            ),
        }));
        let first = &roadmap.chantiers[0];
        decisions.push(both(|lang| match lang {
            Lang::Fr => format!(
                "Engager le chantier « {} » ({}–{} k€) dès cette année.",
                first.title,
                format::int(lang, i64::from(first.budget_min_keur)),
                format::int(lang, i64::from(first.budget_max_keur))
            ),
            Lang::En => format!(
                "Start the chantier \"{}\" ({}–{} k€) this year.",
                first.title,
                format::int(lang, i64::from(first.budget_min_keur)),
                format::int(lang, i64::from(first.budget_max_keur))
            ),
        }));
    }
    if !alerts.is_empty() {
        decisions.push(both(|lang| match lang {
            Lang::Fr => format!(
                "Mandater les services pour la mise en conformité : {}.",
                list(lang, &alerts)
            ),
            Lang::En => format!(
                "Task the services with compliance: {}.",
                list(lang, &alerts)
            ),
        }));
    }
    decisions.truncate(DECISIONS);
    Narrative {
        messages,
        decisions,
        edited: false,
    }
}

/// The lines of a narrative form, checked: (messages, decisions), or the message keys by field.
pub fn check(
    messages: &str,
    decisions: &str,
) -> Result<(String, String), Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    let lines = |text: &str| -> Vec<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (m, d) = (lines(messages), lines(decisions));
    let forbidden = |l: &String| crate::web::form::has_forbidden_control(l);
    if m.iter().chain(&d).any(forbidden) {
        errors.push(("messages", "form-control-character"));
    }
    if !MESSAGES.contains(&m.len()) {
        errors.push(("messages", "brief-error-messages"));
    } else if m.iter().any(|l| l.chars().count() > LINE) {
        errors.push(("messages", "brief-error-line"));
    }
    if d.len() > DECISIONS {
        errors.push(("decisions", "brief-error-decisions"));
    } else if d.iter().any(|l| l.chars().count() > LINE) {
        errors.push(("decisions", "brief-error-line"));
    }
    if errors.is_empty() {
        Ok((m.join("\n"), d.join("\n")))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_takes_one_to_five_messages_and_up_to_three_decisions() {
        assert_eq!(
            check("  Un\n\nDeux \n", "Décider\n"),
            Ok(("Un\nDeux".to_owned(), "Décider".to_owned()))
        );
        assert_eq!(
            check("\n \n", ""),
            Err(vec![("messages", "brief-error-messages")])
        );
        assert_eq!(
            check("1\n2\n3\n4\n5\n6", "a\nb\nc\nd"),
            Err(vec![
                ("messages", "brief-error-messages"),
                ("decisions", "brief-error-decisions")
            ])
        );
        assert_eq!(
            check(&"x".repeat(LINE + 1), ""),
            Err(vec![("messages", "brief-error-line")])
        );
        assert_eq!(
            check("a\u{7}b", ""),
            Err(vec![("messages", "form-control-character")])
        );
        let edited = Narrative::edited("Un\n\n Deux", "");
        assert_eq!(edited.messages.len(), 2);
        assert_eq!(edited.messages[1].en, "Deux");
    }
}
