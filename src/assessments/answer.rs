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
    fn holds(&self, field: &str) -> bool {
        Self::lists(&self.held, field) && !self.keeps(field) && !self.takes(field)
    }

    fn keeps(&self, field: &str) -> bool {
        Self::lists(&self.keep, field)
    }

    fn takes(&self, field: &str) -> bool {
        Self::lists(&self.take, field)
    }

    /// Whether a save must read what is stored first (a conflict is pending or being decided).
    pub fn any(&self) -> bool {
        !(self.held.trim().is_empty() && self.keep.trim().is_empty() && self.take.trim().is_empty())
    }
}

/// The fields of a criterion's answer, as the form names them, in the order of the form.
pub const ANSWER_FIELDS: [&str; 6] = [
    "level",
    "justification",
    "importance",
    "target",
    "evidence",
    "confidence",
];

impl AnswerInput {
    /// The text typed in `field` (one of [`ANSWER_FIELDS`]), trimmed.
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
            level: match (self.not_applicable, self.level) {
                (true, _) => "na".to_owned(),
                (false, Some(level)) => level.to_string(),
                (false, None) => String::new(),
            },
            justification: self.justification.clone(),
            importance: self.importance.to_string(),
            target: self.target.map(|t| t.to_string()).unwrap_or_default(),
            evidence: self.evidence.clone(),
            confidence: self.confidence.map(|c| c.to_string()).unwrap_or_default(),
            version: version.to_string(),
            choices: Choices::default(),
        }
    }

    /// The canonical text of `field` (one of [`ANSWER_FIELDS`]): what two sides compare.
    pub fn field(&self, field: &str) -> String {
        let input = self.to_input(Version(0));
        match field {
            "level" => input.level,
            "justification" => input.justification,
            "importance" => input.importance,
            "target" => input.target,
            "evidence" => input.evidence,
            _ => input.confidence,
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

fn small_int(value: &str, range: std::ops::RangeInclusive<i16>) -> Option<i16> {
    value.trim().parse().ok().filter(|v| range.contains(v))
}

/// One field of a criterion's input as its canonical text, or the message key of its refusal
/// (alone: the rules between fields are [`merge_answer`]'s).
fn canonical_field(input: &AnswerInput, field: &'static str) -> Result<String, String> {
    let text = |value: &str| {
        let mut errors = FieldErrors::default();
        let value = bounded(&mut errors, field, value, MAX_TEXT);
        errors
            .get(field)
            .map_or(Ok(value), |key| Err(key.to_owned()))
    };
    let number = |value: &str, range, key: &str| match value.trim() {
        "" if field != "importance" => Ok(String::new()),
        value => small_int(value, range)
            .map(|v| v.to_string())
            .ok_or_else(|| key.to_owned()),
    };
    match field {
        "level" => match typed_level(&input.level).as_str() {
            "na" => Ok("na".to_owned()),
            level => number(level, 0..=TOP_LEVEL, "answer-error-level"),
        },
        "justification" => text(&input.justification),
        "importance" => number(&input.importance, 1..=3, "answer-error-importance"),
        "target" => number(&input.target, 0..=TOP_LEVEL, "answer-error-target"),
        "evidence" => text(&input.evidence),
        _ => match input.confidence.trim() {
            "" => Ok(String::new()),
            code => Confidence::parse(code)
                .map(|c| c.to_string())
                .ok_or_else(|| "answer-error-confidence".to_owned()),
        },
    }
}

/// A level as people type it in a table or a spreadsheet: "N/A", "na", "sans objet", "so" are
/// the form's "na"; anything else as typed (trimmed).
pub fn typed_level(text: &str) -> String {
    let text = text.trim();
    match text.to_lowercase().as_str() {
        "na" | "n/a" | "n.a." | "sans objet" | "so" | "s.o." | "not applicable" => "na".into(),
        _ => text.to_owned(),
    }
}

/// What a save of one criterion's input comes to, field by field.
#[derive(Clone, Debug)]
pub struct Merged {
    /// What to store: the accepted fields of the input over what is stored.
    pub answer: Answer,
    /// The refused fields (kept as stored), with their message keys.
    pub errors: FieldErrors,
    /// The fields changed both here and by someone else since the input's version, whose input
    /// differs from what is stored: kept as stored until the consultant chooses.
    pub conflicts: Vec<&'static str>,
    /// The input as the form goes on with it: the fields the consultant did not touch, or
    /// took from what is stored, hold what is stored.
    pub input: AnswerInput,
    /// The fields of `input` that now differ from what was posted (the form must show them).
    pub refreshed: Vec<(&'static str, String)>,
}

/// Merges one criterion's input into what is stored, field by field, so that a refused field
/// never discards the others and a field the consultant did not touch is never written back.
/// `base` is the answer as it was at the version the input was based on (`None`: unknown, so
/// every field that differs from what is stored is a conflict). A field is written when it is
/// valid and the consultant changed it (it differs from `base`) while nobody else did (`base`
/// equals `stored`), or when the consultant chose to keep it; a field changed on both sides
/// is a conflict. Rules between fields: N/A is stored only with its justification, and a
/// target is refused below the level (a level raised above a stored target leaves that target,
/// which the scoring reads as the default).
pub fn merge_answer(input: &AnswerInput, stored: &Answer, base: Option<&Answer>) -> Merged {
    let choices = &input.choices;
    let mut errors = FieldErrors::default();
    let mut conflicts = Vec::new();
    let mut refreshed = Vec::new();
    let mut merged: Vec<String> = Vec::with_capacity(ANSWER_FIELDS.len());
    for field in ANSWER_FIELDS {
        let stored_value = stored.field(field);
        let typed = if choices.takes(field) {
            refreshed.push((field, stored_value.clone()));
            Ok(stored_value.clone())
        } else {
            canonical_field(input, field)
        };
        let value = match typed {
            Err(key) => {
                errors.add(field, key);
                stored_value
            }
            // A conflict lasts until the consultant chooses, even while their input passes
            // through the stored value (arrowing through the levels).
            Ok(_) if choices.holds(field) => {
                conflicts.push(field);
                stored_value
            }
            Ok(value) if value == stored_value || choices.keeps(field) => value,
            Ok(value) => match base.map(|b| b.field(field)) {
                // Untouched here: what someone else stored stays, and the form shows it.
                Some(base) if base == value => {
                    refreshed.push((field, stored_value.clone()));
                    stored_value
                }
                // Touched here only.
                Some(base) if base == stored_value => value,
                _ => {
                    conflicts.push(field);
                    stored_value
                }
            },
        };
        merged.push(value);
    }
    let [
        level,
        justification,
        importance,
        target,
        evidence,
        confidence,
    ] = <[String; 6]>::try_from(merged).unwrap_or_default();
    let (mut level, mut justification, mut target) = (level, justification, target);
    let before = |field| stored.field(field);
    if level == "na" && justification.is_empty() {
        if level != before("level") {
            level = before("level");
        } else {
            justification = before("justification");
        }
        errors.add("justification", "answer-error-na-justification");
    }
    if let (Some(l), Some(t)) = (
        small_int(&level, 0..=TOP_LEVEL),
        small_int(&target, 0..=TOP_LEVEL),
    ) && t < l
        && target != before("target")
    {
        target = before("target");
        errors.add("target", "answer-error-target-below");
    }
    let not_applicable = level == "na";
    let answer = Answer {
        level: small_int(&level, 0..=TOP_LEVEL),
        not_applicable,
        justification,
        importance: small_int(&importance, 1..=3).unwrap_or(stored.importance),
        target: if not_applicable {
            None
        } else {
            small_int(&target, 0..=TOP_LEVEL)
        },
        evidence,
        confidence: Confidence::parse(&confidence),
    };
    let mut shown = input.clone();
    for (field, value) in &refreshed {
        set_field(&mut shown, field, value.clone());
    }
    shown.choices.held = conflicts.join(" ");
    shown.choices.keep.clear();
    shown.choices.take.clear();
    Merged {
        answer,
        errors,
        conflicts,
        input: shown,
        refreshed,
    }
}

fn set_field(input: &mut AnswerInput, field: &str, value: String) {
    match field {
        "level" => input.level = value,
        "justification" => input.justification = value,
        "importance" => input.importance = value,
        "target" => input.target = value,
        "evidence" => input.evidence = value,
        _ => input.confidence = value,
    }
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

    fn stored(level: Option<i16>, evidence: &str) -> Answer {
        Answer {
            level,
            not_applicable: false,
            justification: String::new(),
            importance: 1,
            target: None,
            evidence: evidence.into(),
            confidence: None,
        }
    }

    #[test]
    fn a_refused_field_never_discards_the_others() {
        let blank = stored(None, "");
        // Every field, one at a time, with a value it refuses: the others are stored.
        let bad: [(&str, &str); 6] = [
            ("level", "7"),
            ("justification", "\u{0}"),
            ("importance", "9"),
            ("target", "1"),
            ("evidence", "\u{1}"),
            ("confidence", "certain"),
        ];
        for (field, value) in bad {
            let mut typed = AnswerInput {
                level: "3".into(),
                justification: String::new(),
                importance: "2".into(),
                target: "4".into(),
                evidence: "Schéma voté en 2024".into(),
                confidence: "verifie".into(),
                ..AnswerInput::default()
            };
            set_field(&mut typed, field, value.into());
            let merged = merge_answer(&typed, &blank, Some(&blank));
            assert!(merged.errors.has(field), "{field}: {:?}", merged.errors);
            assert_eq!(merged.errors.all().len(), 1, "{field}: {:?}", merged.errors);
            for other in ANSWER_FIELDS
                .iter()
                .filter(|f| **f != field && **f != "justification")
            {
                assert_eq!(
                    merged.answer.field(other),
                    canonical_field(&typed, other).unwrap(),
                    "{field} refused, {other} stored"
                );
            }
            assert_eq!(
                merged.answer.field(field),
                blank.field(field),
                "{field} kept"
            );
        }
    }

    #[test]
    fn not_applicable_waits_for_its_justification_and_keeps_the_level() {
        let level_two = stored(Some(2), "");
        let na = AnswerInput {
            level: "na".into(),
            importance: "1".into(),
            evidence: "Compétence intercommunale".into(),
            ..AnswerInput::default()
        };
        let merged = merge_answer(&na, &level_two, Some(&level_two));
        assert_eq!(merged.answer.level, Some(2));
        assert!(!merged.answer.not_applicable);
        assert_eq!(merged.answer.evidence, "Compétence intercommunale");
        assert_eq!(
            merged.errors.get("justification"),
            Some("answer-error-na-justification")
        );
        let justified = AnswerInput {
            justification: "Exercée par l'EPCI".into(),
            ..na
        };
        let merged = merge_answer(&justified, &level_two, Some(&level_two));
        assert!(merged.errors.is_empty() && merged.answer.not_applicable);
    }

    #[test]
    fn a_stale_input_writes_only_what_it_changed_and_reports_what_both_changed() {
        let base = stored(None, "Première note");
        // Someone else set the level and rewrote the evidence.
        let theirs = stored(Some(2), "Leur note");
        let mut mine = base.to_input(Version(1));
        mine.confidence = "documente".into();
        let merged = merge_answer(&mine, &theirs, Some(&base));
        assert!(merged.conflicts.is_empty());
        assert_eq!(
            merged.answer.level,
            Some(2),
            "an untouched field is never written back"
        );
        assert_eq!(merged.answer.evidence, "Leur note");
        assert_eq!(merged.answer.confidence, Some(Confidence::Documente));
        assert_eq!(merged.input.level, "2", "the form shows what is stored");
        assert!(
            merged
                .refreshed
                .iter()
                .any(|(f, v)| *f == "level" && v == "2")
        );

        mine.evidence = "Ma note".into();
        let merged = merge_answer(&mine, &theirs, Some(&base));
        assert_eq!(merged.conflicts, vec!["evidence"]);
        assert_eq!(
            merged.answer.evidence, "Leur note",
            "a conflict writes nothing"
        );
        assert_eq!(merged.input.evidence, "Ma note", "and keeps the input");
        assert_eq!(merged.input.choices.held, "evidence");

        // The form holds the conflict on later saves, until the consultant chooses.
        let mut later = merged.input.clone();
        let merged = merge_answer(&later, &theirs, Some(&theirs));
        assert_eq!(merged.conflicts, vec!["evidence"]);
        let mut passing = later.clone();
        passing.evidence = "Leur note".into();
        assert_eq!(
            merge_answer(&passing, &theirs, Some(&theirs)).conflicts,
            vec!["evidence"],
            "passing through the stored value is no choice"
        );
        later.choices.keep = "evidence".into();
        let kept = merge_answer(&later, &theirs, Some(&theirs));
        assert!(kept.conflicts.is_empty() && kept.answer.evidence == "Ma note");
        later.choices.keep.clear();
        later.choices.take = "evidence".into();
        let taken = merge_answer(&later, &theirs, Some(&theirs));
        assert!(taken.conflicts.is_empty() && taken.answer.evidence == "Leur note");
        assert_eq!(taken.input.evidence, "Leur note");

        // Without the history every differing field is a conflict.
        let unknown = merge_answer(&mine, &theirs, None);
        assert!(unknown.conflicts.contains(&"level") && unknown.conflicts.contains(&"evidence"));
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
