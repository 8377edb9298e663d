//! One criterion or indicator as a form block: its stored row, the input shown in the form,
//! and the outcome of the last save, which is one value of [`Outcome`] (so errors, the save
//! state and a conflict can never disagree), and the [`SaveNotice`] that `save_state.html`
//! shows, whichever page renders the block. Saving a block is `apply.rs`.

use super::answer::{self, AnswerInput, IndicatorInput};
use super::db::{AnswerRow, IndicatorRow, StoredAnswer};
use crate::vocabulary::Version;
use crate::web::PageContext;
use crate::web::form::FieldErrors;
use axum::http::StatusCode;

/// What became of the last save of a block.
#[derive(Clone, Debug)]
pub enum Outcome<R> {
    /// Nothing was saved yet: the stored values are shown.
    Idle,
    /// Stored (or unchanged) at this version.
    Saved(Version),
    /// Refused by validation: nothing was written.
    Invalid(FieldErrors),
    /// Some fields were not stored, refused (`errors`) or changed meanwhile both here and by
    /// someone else (`conflict`); every other field is stored at `version`.
    Partial {
        version: Version,
        errors: FieldErrors,
        conflict: Option<FieldConflict<R>>,
    },
    /// Someone else saved first: nothing was written; this is what is stored now.
    Conflict { stored: R, version: Version },
    /// The round is published: nothing can change.
    ReadOnly,
}

impl<S: Stored> Outcome<S> {
    /// The field messages of the save (none unless it was refused).
    pub fn errors(&self) -> &FieldErrors {
        static NONE: std::sync::LazyLock<FieldErrors> =
            std::sync::LazyLock::new(FieldErrors::default);
        match self {
            Outcome::Invalid(errors) | Outcome::Partial { errors, .. } => errors,
            _ => &NONE,
        }
    }

    /// The save-state slot's content; `actions` are offered after a conflict (htmx answers).
    pub fn notice(&self, ctx: &PageContext, actions: Option<ConflictActions>) -> SaveNotice {
        let (state, by, stored, actions) = match self {
            Outcome::Idle => (NoticeState::Idle, None, Vec::new(), None),
            Outcome::Saved(_) => (NoticeState::Saved, None, Vec::new(), None),
            Outcome::Invalid(_) => (NoticeState::Invalid, None, Vec::new(), None),
            Outcome::ReadOnly => (NoticeState::ReadOnly, None, Vec::new(), None),
            Outcome::Conflict { stored, .. } => (
                NoticeState::Conflict,
                stored.updated_by(),
                stored.summary(ctx),
                actions,
            ),
            Outcome::Partial {
                errors, conflict, ..
            } => {
                let refused = errors
                    .all()
                    .iter()
                    .map(|(field, _)| ctx.t(&label_key(field)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut notice = SaveNotice {
                    state: NoticeState::Partial,
                    by: None,
                    stored: Vec::new(),
                    actions: None,
                    refused,
                    fields: Vec::new(),
                };
                if let Some(conflict) = conflict {
                    let names: Vec<String> = conflict
                        .authors
                        .iter()
                        .map(|(you, label)| match (you, label.is_empty()) {
                            (true, _) => ctx.t("answer-conflict-by-you"),
                            (false, true) => ctx.t("answer-conflict-by-someone"),
                            (false, false) => label.clone(),
                        })
                        .collect();
                    notice.by = Some(names.join(", "));
                    notice.fields = conflict
                        .fields
                        .iter()
                        .map(|(field, mine)| ConflictField {
                            field,
                            label: ctx.t(&label_key(field)),
                            mine: conflict.stored.shown(ctx, field, mine),
                            stored: conflict.stored.shown(
                                ctx,
                                field,
                                &conflict.stored.value_of(field),
                            ),
                        })
                        .collect();
                }
                return notice;
            }
        };
        SaveNotice {
            state,
            by,
            stored,
            actions,
            refused: String::new(),
            fields: Vec::new(),
        }
    }
}

impl<R> Outcome<R> {
    /// The HTTP status of a response reporting this outcome.
    pub fn status(&self) -> StatusCode {
        match self {
            Outcome::Idle | Outcome::Saved(_) => StatusCode::OK,
            Outcome::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            // A refusal first, then a conflict (as [`strictest`] ranks them).
            Outcome::Partial { errors, .. } if !errors.is_empty() => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Outcome::Partial { .. } => StatusCode::CONFLICT,
            Outcome::Conflict { .. } | Outcome::ReadOnly => StatusCode::CONFLICT,
        }
    }
}

/// The fields of one criterion changed both here and by someone else: what is stored, and for
/// each field what the consultant typed (canonical text).
#[derive(Clone, Debug)]
pub struct FieldConflict<R> {
    pub stored: R,
    pub fields: Vec<(&'static str, String)>,
    /// Who changed those fields: (this same account, in another tab or device; label).
    pub authors: Vec<(bool, String)>,
}

/// The label key of a criterion's or an indicator's field.
fn label_key(field: &str) -> String {
    match field {
        "value" | "year" | "source_note" => format!("indicator-{}", field.replace('_', "-")),
        _ => format!("answer-{field}"),
    }
}

/// One field of a conflict notice, both values side by side.
pub struct ConflictField {
    pub field: &'static str,
    pub label: String,
    pub mine: String,
    pub stored: String,
}

/// The status of a response that reports on several saves: a refusal first, then a conflict.
pub fn strictest(statuses: impl IntoIterator<Item = StatusCode>) -> StatusCode {
    statuses
        .into_iter()
        .max_by_key(|status| match *status {
            StatusCode::UNPROCESSABLE_ENTITY => 2,
            StatusCode::CONFLICT => 1,
            _ => 0,
        })
        .unwrap_or(StatusCode::OK)
}

/// An input that carries the version it was based on (as typed in the form).
pub trait Versioned {
    fn based_on(&self) -> &str;
}

impl Versioned for AnswerInput {
    fn based_on(&self) -> &str {
        &self.version
    }
}

impl Versioned for IndicatorInput {
    fn based_on(&self) -> &str {
        &self.version
    }
}

/// A stored row as the conflict notice shows it.
pub trait Stored {
    /// Who saved it last.
    fn updated_by(&self) -> Option<String>;
    /// Its values as (label, value) lines.
    fn summary(&self, ctx: &PageContext) -> Vec<(String, String)>;
    /// The canonical text of one field as stored (field-level conflicts).
    fn value_of(&self, _field: &str) -> String {
        String::new()
    }
    /// A field's canonical text as a reader sees it.
    fn shown(&self, _ctx: &PageContext, _field: &str, value: &str) -> String {
        value.to_owned()
    }
}

impl Stored for StoredAnswer {
    fn updated_by(&self) -> Option<String> {
        self.updated_by.clone()
    }

    fn summary(&self, ctx: &PageContext) -> Vec<(String, String)> {
        let answer = &self.answer;
        let level = match (answer.not_applicable, answer.level) {
            (true, _) => ctx.t("answer-na"),
            (false, Some(level)) => level.to_string(),
            (false, None) => ctx.t("answer-none"),
        };
        let mut lines = vec![
            (ctx.t("answer-level"), level),
            (ctx.t("answer-importance"), answer.importance.to_string()),
            (
                ctx.t("answer-target"),
                answer.target.map(|t| t.to_string()).unwrap_or_default(),
            ),
            (
                ctx.t("answer-confidence"),
                answer
                    .confidence
                    .map(|c| ctx.label("confidence", c))
                    .unwrap_or_default(),
            ),
            (ctx.t("answer-evidence"), answer.evidence.clone()),
        ];
        if answer.not_applicable {
            lines.push((ctx.t("answer-justification"), answer.justification.clone()));
        }
        lines
    }

    fn value_of(&self, field: &str) -> String {
        self.answer.field(field)
    }

    fn shown(&self, ctx: &PageContext, field: &str, value: &str) -> String {
        match (field, value) {
            ("level", "na") => ctx.t("answer-na"),
            ("level", "") => ctx.t("answer-none"),
            ("target", "") => ctx.t("answer-target-default"),
            ("importance", v) => v
                .parse::<i16>()
                .map(|v| ctx.label("importance", v))
                .unwrap_or_default(),
            ("confidence", v) => crate::vocabulary::Confidence::parse(v)
                .map(|c| ctx.label("confidence", c))
                .unwrap_or_default(),
            (_, v) => v.to_owned(),
        }
    }
}

impl Stored for IndicatorRow {
    fn updated_by(&self) -> Option<String> {
        self.updated_by.clone()
    }

    fn summary(&self, ctx: &PageContext) -> Vec<(String, String)> {
        let value = self
            .value
            .map(|v| format!("{} {}", answer::format_number(v), self.unit))
            .unwrap_or_default();
        vec![
            (ctx.t("indicator-value"), value),
            (
                ctx.t("indicator-year"),
                self.year.map(|y| y.to_string()).unwrap_or_default(),
            ),
            (ctx.t("indicator-source-note"), self.source_note.clone()),
        ]
    }
}

/// One criterion or indicator as shown: the stored row, the input in the form, and what
/// became of the last save (`S`: the stored values a conflict reports).
pub struct BlockView<R, I, S = R> {
    pub row: R,
    pub input: I,
    pub outcome: Outcome<S>,
}

/// A criterion's block on a page, with the framework's texts.
pub type CriterionView = BlockView<AnswerRow, AnswerInput, StoredAnswer>;
pub type IndicatorView = BlockView<IndicatorRow, IndicatorInput>;

/// The buttons of a conflict notice in an autosave answer (htmx): "keep my input" posts the
/// block again on the stored version; "take the stored value" fetches the stored block.
#[derive(Clone, Debug)]
pub struct ConflictActions {
    pub code: String,
    pub keep_version: Version,
    pub reload: Option<String>,
}

/// What the save-state slot of a block shows (`assessments/save_state.html`).
pub struct SaveNotice {
    pub state: NoticeState,
    /// After a conflict: who saved, and what is stored now.
    pub by: Option<String>,
    pub stored: Vec<(String, String)>,
    /// After a conflict in an autosave answer: the two ways out.
    pub actions: Option<ConflictActions>,
    /// After a partial save: the labels of the refused fields.
    pub refused: String,
    /// After a field-level conflict: each field, both values side by side.
    pub fields: Vec<ConflictField>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeState {
    Idle,
    Saved,
    Invalid,
    Partial,
    Conflict,
    ReadOnly,
}

impl<R, I: Versioned, S: Stored> BlockView<R, I, S> {
    pub fn new(row: R, input: I) -> Self {
        Self {
            row,
            input,
            outcome: Outcome::Idle,
        }
    }

    /// The field messages of the last save (none unless it was refused).
    pub fn errors(&self) -> &FieldErrors {
        self.outcome.errors()
    }

    pub fn has_conflict(&self) -> bool {
        matches!(
            self.outcome,
            Outcome::Conflict { .. }
                | Outcome::Partial {
                    conflict: Some(_),
                    ..
                }
        )
    }

    /// The version the form carries next: the new one after a save; after a conflict shown on
    /// a whole page, the stored one (posting the page again keeps this input deliberately);
    /// otherwise the one the input was based on.
    pub fn form_version(&self) -> String {
        match &self.outcome {
            Outcome::Saved(version)
            | Outcome::Conflict { version, .. }
            | Outcome::Partial { version, .. } => version.to_string(),
            _ => self.input.based_on().to_owned(),
        }
    }

    /// The save-state slot's content; `actions` are offered after a conflict (htmx answers).
    pub fn notice(&self, ctx: &PageContext, actions: Option<ConflictActions>) -> SaveNotice {
        self.outcome.notice(ctx, actions)
    }
}

impl CriterionView {
    /// The block as stored.
    pub fn stored(row: AnswerRow) -> Self {
        Self::new(row.clone(), row.answer().to_input(row.version))
    }
}

impl IndicatorView {
    /// The block as stored.
    pub fn stored(row: IndicatorRow) -> Self {
        Self::new(row.clone(), row.stored().to_input(row.version))
    }
}
