//! Merging one criterion's input into what is stored, field by field, so that a refused field
//! never discards the others and a field the consultant did not touch is never written back:
//! each field is read on its own, compared with the answer as it was at the input's version
//! (the base) and as stored now, and written, kept, or held as a conflict until the consultant
//! chooses. Pure: no database, no HTTP.

use super::answer::{Answer, AnswerInput, MAX_TEXT, TOP_LEVEL, small_int};
use crate::vocabulary::Confidence;
use crate::web::form::{FieldErrors, bounded};

/// The fields of a criterion's answer, as the form names them, in the order of the form.
pub const ANSWER_FIELDS: [&str; 6] = [
    "level",
    "justification",
    "importance",
    "target",
    "evidence",
    "confidence",
];

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
        shown.set(field, value.clone());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::Version;

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
            typed.set(field, value.into());
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
}
