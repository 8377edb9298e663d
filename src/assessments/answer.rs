//! What a consultant types for one criterion or one indicator, and its validation into values
//! that can be stored: level 0–4 or N/A (N/A needs a justification), importance 1–3, target
//! (at least the level, at most 4; empty means level + 1), evidence, confidence; an indicator
//! value within its plausible range, with its year and source. Pure: no database, no HTTP.

use serde::Serialize;

use crate::vocabulary::{Confidence, Version};
use crate::web::form::{FieldErrors, bounded};

/// Longest evidence or justification text.
pub const MAX_TEXT: usize = 5000;
/// Longest indicator source note.
pub const MAX_SOURCE: usize = 500;
/// Highest maturity level.
pub const TOP_LEVEL: i16 = 4;
/// The maturity levels (and targets) offered.
pub const LEVELS: &[i16] = &[0, 1, 2, 3, TOP_LEVEL];
/// The importances offered (a local challenge raises a criterion's to the top).
pub const IMPORTANCES: &[i16] = &[1, 2, 3];
/// Oldest year accepted for an indicator value.
pub const FIRST_YEAR: i16 = 1990;

/// One criterion's inputs as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnswerInput {
    /// "0".."4", "na", or "" (not answered yet).
    pub level: String,
    pub justification: String,
    pub importance: String,
    /// "0".."4" or "" (the default: level + 1).
    pub target: String,
    pub evidence: String,
    pub confidence: String,
    /// The answer's version this input was based on.
    pub version: String,
    /// The choices made after a conflict (see [`Choices`]).
    pub choices: Choices,
}

/// What the consultant chose after a conflict, field by field (form names, space-separated):
/// `held`, the fields still in conflict, which the form carries until the consultant decides;
/// `keep`, the fields whose input overwrites what someone else stored; `take`, the fields
/// whose stored value replaces the input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Choices {
    pub held: String,
    pub keep: String,
    pub take: String,
}

impl Choices {
    fn lists(text: &str, field: &str) -> bool {
        text.split_whitespace().any(|f| f == field)
    }

    /// Whether the form still holds `field` in conflict (and the consultant has not decided).
    pub fn holds(&self, field: &str) -> bool {
        Self::lists(&self.held, field) && !self.keeps(field) && !self.takes(field)
    }

    pub fn keeps(&self, field: &str) -> bool {
        Self::lists(&self.keep, field)
    }

    pub fn takes(&self, field: &str) -> bool {
        Self::lists(&self.take, field)
    }

    /// Whether a save must read what is stored first (a conflict is pending or being decided).
    pub fn any(&self) -> bool {
        !(self.held.trim().is_empty() && self.keep.trim().is_empty() && self.take.trim().is_empty())
    }
}

impl AnswerInput {
    /// Puts `value` in `field` (one of [`super::merge::ANSWER_FIELDS`]).
    pub fn set(&mut self, field: &str, value: String) {
        match field {
            "level" => self.level = value,
            "justification" => self.justification = value,
            "importance" => self.importance = value,
            "target" => self.target = value,
            "evidence" => self.evidence = value,
            _ => self.confidence = value,
        }
    }

    /// The text typed in `field` (one of [`super::merge::ANSWER_FIELDS`]), trimmed.
    pub fn value(&self, field: &str) -> String {
        match field {
            "level" => &self.level,
            "justification" => &self.justification,
            "importance" => &self.importance,
            "target" => &self.target,
            "evidence" => &self.evidence,
            _ => &self.confidence,
        }
        .trim()
        .to_owned()
    }
}

/// A valid answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Answer {
    pub level: Option<i16>,
    pub not_applicable: bool,
    pub justification: String,
    pub importance: i16,
    pub target: Option<i16>,
    pub evidence: String,
    pub confidence: Option<Confidence>,
}

impl Answer {
    /// The input that shows this answer in the form.
    pub fn to_input(&self, version: Version) -> AnswerInput {
        AnswerInput {
            level: self.field("level"),
            justification: self.field("justification"),
            importance: self.field("importance"),
            target: self.field("target"),
            evidence: self.field("evidence"),
            confidence: self.field("confidence"),
            version: version.to_string(),
            choices: Choices::default(),
        }
    }

    /// The canonical text of `field` (one of [`super::merge::ANSWER_FIELDS`]): what two sides compare.
    pub fn field(&self, field: &str) -> String {
        match field {
            "level" => match (self.not_applicable, self.level) {
                (true, _) => "na".to_owned(),
                (false, Some(level)) => level.to_string(),
                (false, None) => String::new(),
            },
            "justification" => self.justification.clone(),
            "importance" => self.importance.to_string(),
            "target" => self.target.map(|t| t.to_string()).unwrap_or_default(),
            "evidence" => self.evidence.clone(),
            _ => self.confidence.map(|c| c.to_string()).unwrap_or_default(),
        }
    }

    /// Whether the criterion has been answered (a level, or N/A).
    pub fn is_answered(&self) -> bool {
        self.not_applicable || self.level.is_some()
    }
}

/// Whether `text` is one of `choices` (an option the form offers).
pub fn is_choice(text: &str, choices: &[i16]) -> bool {
    small_int(text, i16::MIN..=i16::MAX).is_some_and(|v| choices.contains(&v))
}

pub(super) fn small_int(value: &str, range: std::ops::RangeInclusive<i16>) -> Option<i16> {
    value.trim().parse().ok().filter(|v| range.contains(v))
}

/// Validates one criterion's input; messages (i18n keys) are keyed by field name.
pub fn validate_answer(input: &AnswerInput) -> Result<Answer, FieldErrors> {
    let mut errors = FieldErrors::default();
    let level_text = input.level.trim();
    let not_applicable = level_text == "na";
    let level = match level_text {
        "" | "na" => None,
        text => {
            let level = small_int(text, 0..=TOP_LEVEL);
            if level.is_none() {
                errors.add("level", "answer-error-level");
            }
            level
        }
    };
    let justification = bounded(&mut errors, "justification", &input.justification, MAX_TEXT);
    if not_applicable && justification.is_empty() {
        errors.add("justification", "answer-error-na-justification");
    }
    let importance = small_int(&input.importance, 1..=3);
    if importance.is_none() {
        errors.add("importance", "answer-error-importance");
    }
    let target = match input.target.trim() {
        "" => None,
        text => match small_int(text, 0..=TOP_LEVEL) {
            Some(target) if level.is_some_and(|l| target < l) => {
                errors.add("target", "answer-error-target-below");
                None
            }
            Some(target) => Some(target),
            None => {
                errors.add("target", "answer-error-target");
                None
            }
        },
    };
    let evidence = bounded(&mut errors, "evidence", &input.evidence, MAX_TEXT);
    let confidence = match input.confidence.trim() {
        "" => None,
        text => {
            let confidence = Confidence::parse(text);
            if confidence.is_none() {
                errors.add("confidence", "answer-error-confidence");
            }
            confidence
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Answer {
        level,
        not_applicable,
        justification,
        importance: importance.unwrap_or(1),
        target: if not_applicable { None } else { target },
        evidence,
        confidence,
    })
}

/// One indicator's inputs as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndicatorInput {
    pub value: String,
    pub year: String,
    pub source_note: String,
    pub version: String,
}

/// A valid indicator value (all empty when the value is cleared).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorValue {
    pub value: Option<f64>,
    pub year: Option<i16>,
    pub source_note: String,
}

impl IndicatorValue {
    pub fn to_input(&self, version: Version) -> IndicatorInput {
        IndicatorInput {
            value: self.value.map(format_number).unwrap_or_default(),
            year: self.year.map(|y| y.to_string()).unwrap_or_default(),
            source_note: self.source_note.clone(),
            version: version.to_string(),
        }
    }
}

/// A number as typed back into a form: no exponent, no trailing zeros.
pub fn format_number(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// What an indicator accepts: its plausible range.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    pub min: f64,
    pub max: f64,
}

/// Parses a number as people type it in French or English: "1 234,5", "1234.5", "12 %".
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .trim_end_matches(['%', '‰', '€'])
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let valid = !cleaned.is_empty()
        && cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && cleaned.matches('.').count() <= 1;
    valid
        .then(|| cleaned.parse::<f64>().ok())
        .flatten()
        .filter(|v| v.is_finite())
}

/// Validates one indicator's input; `this_year` bounds the year.
pub fn validate_indicator(
    input: &IndicatorInput,
    bounds: Bounds,
    this_year: i16,
) -> Result<IndicatorValue, FieldErrors> {
    let mut errors = FieldErrors::default();
    let source_note = bounded(&mut errors, "source_note", &input.source_note, MAX_SOURCE);
    let value = match input.value.trim() {
        "" => None,
        text => match parse_number(text) {
            Some(v) if v < bounds.min || v > bounds.max => {
                errors.add("value", "indicator-error-range");
                None
            }
            Some(v) => Some(v),
            None => {
                errors.add("value", "indicator-error-number");
                None
            }
        },
    };
    let year = match input.year.trim() {
        "" => None,
        text => {
            let year = small_int(text, FIRST_YEAR..=this_year);
            if year.is_none() {
                errors.add("year", "indicator-error-year");
            }
            year
        }
    };
    if value.is_some() && year.is_none() && !errors.has("year") {
        errors.add("year", "indicator-error-year-required");
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(IndicatorValue {
        value,
        year: value.and(year),
        source_note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(level: &str, justification: &str, importance: &str, target: &str) -> AnswerInput {
        AnswerInput {
            level: level.into(),
            justification: justification.into(),
            importance: importance.into(),
            target: target.into(),
            ..AnswerInput::default()
        }
    }

    #[test]
    fn a_complete_answer_is_accepted() {
        let answer = validate_answer(&AnswerInput {
            confidence: "documente".into(),
            evidence: "  Schéma directeur adopté en 2024. ".into(),
            ..input("2", "", "3", "4")
        })
        .unwrap();
        assert_eq!(answer.level, Some(2));
        assert_eq!(answer.target, Some(4));
        assert_eq!(answer.importance, 3);
        assert_eq!(answer.evidence, "Schéma directeur adopté en 2024.");
        assert_eq!(
            answer.confidence,
            Some(crate::vocabulary::Confidence::Documente)
        );
        assert_eq!(answer.to_input(Version(7)).level, "2");
    }

    #[test]
    fn out_of_range_values_are_refused_field_by_field() {
        let errors = validate_answer(&AnswerInput {
            confidence: "certain".into(),
            ..input("5", "", "0", "9")
        })
        .unwrap_err();
        assert_eq!(errors.get("level"), Some("answer-error-level"));
        assert_eq!(errors.get("importance"), Some("answer-error-importance"));
        assert_eq!(errors.get("target"), Some("answer-error-target"));
        assert_eq!(errors.get("confidence"), Some("answer-error-confidence"));
        let below = validate_answer(&input("3", "", "1", "2")).unwrap_err();
        assert_eq!(below.get("target"), Some("answer-error-target-below"));
    }

    #[test]
    fn not_applicable_needs_a_justification_and_has_no_level() {
        let errors = validate_answer(&input("na", "   ", "1", "")).unwrap_err();
        assert_eq!(
            errors.get("justification"),
            Some("answer-error-na-justification")
        );
        let answer = validate_answer(&input("na", "Compétence de l'EPCI", "1", "3")).unwrap();
        assert!(answer.not_applicable && answer.level.is_none() && answer.target.is_none());
        assert!(answer.is_answered());
        assert!(
            !validate_answer(&input("", "", "1", ""))
                .unwrap()
                .is_answered()
        );
    }

    #[test]
    fn the_offered_choices_are_recognised() {
        assert!(is_choice(" 3", IMPORTANCES));
        assert!(!is_choice("4", IMPORTANCES));
        assert!(is_choice("0", LEVELS) && !is_choice("cinq", LEVELS));
    }

    #[test]
    fn numbers_are_read_as_typed_in_french_or_english() {
        assert_eq!(parse_number("1 234,5"), Some(1234.5));
        assert_eq!(parse_number("1\u{202f}234.5"), Some(1234.5));
        assert_eq!(parse_number("12 %"), Some(12.0));
        assert_eq!(parse_number("-3"), Some(-3.0));
        for bad in ["douze", "1,2,3", "1e400", "NaN", "inf", "", "--"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
        assert_eq!(format_number(12.5), "12.5");
        assert_eq!(format_number(40.0), "40");
    }

    #[test]
    fn absurd_indicator_values_and_years_are_refused() {
        let percent = Bounds {
            min: 0.0,
            max: 100.0,
        };
        let value = |v: &str, y: &str| IndicatorInput {
            value: v.into(),
            year: y.into(),
            ..IndicatorInput::default()
        };
        let errors = validate_indicator(&value("250", "2023"), percent, 2026).unwrap_err();
        assert_eq!(errors.get("value"), Some("indicator-error-range"));
        let errors = validate_indicator(&value("beaucoup", "2023"), percent, 2026).unwrap_err();
        assert_eq!(errors.get("value"), Some("indicator-error-number"));
        let errors = validate_indicator(&value("42", "2031"), percent, 2026).unwrap_err();
        assert_eq!(errors.get("year"), Some("indicator-error-year"));
        let errors = validate_indicator(&value("42", ""), percent, 2026).unwrap_err();
        assert_eq!(errors.get("year"), Some("indicator-error-year-required"));
        let ok = validate_indicator(&value("42,5", "2023"), percent, 2026).unwrap();
        assert_eq!((ok.value, ok.year), (Some(42.5), Some(2023)));
        let cleared = validate_indicator(&value("", "2023"), percent, 2026).unwrap();
        assert_eq!((cleared.value, cleared.year), (None, None));
    }
}
