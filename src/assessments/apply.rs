//! The one save path for both kinds of block: validate, save on the version the input was
//! based on, and, for a criterion whose input has a refused field, a stale version or a pending
//! conflict, merge it into what is stored field by field (`merge.rs`, with who changed what
//! since from the audit log) and save the merge; read what is stored again for the notice.

use sqlx::PgPool;

use super::answer::{self, AnswerInput, Bounds, IndicatorInput};
use super::block::{FieldConflict, IndicatorView, Outcome, Versioned};
use super::db::{self, AnswerRow, IndicatorRow, Saved, StoredAnswer};
use super::merge::{self, Merged};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::vocabulary::{AssessmentId, Version};

/// The version an input was based on; an unreadable one matches no stored version.
fn based_on(input: &impl Versioned) -> Version {
    Version::from_form(input.based_on()).unwrap_or(Version(-1))
}

/// The outcome of a save that went through the database.
async fn settle<R>(
    saved: Saved,
    reload: impl AsyncFnOnce() -> Result<R>,
    version_of: impl Fn(&R) -> Version,
) -> Result<Outcome<R>> {
    Ok(match saved {
        Saved::Stored(version) | Saved::Unchanged(version) => Outcome::Saved(version),
        Saved::ReadOnly => Outcome::ReadOnly,
        Saved::Conflict => {
            let stored = reload().await?;
            let version = version_of(&stored);
            Outcome::Conflict { stored, version }
        }
    })
}

/// How many times a field-by-field save reads what is stored again when another save lands
/// between its read and its write.
const MERGE_TRIES: usize = 3;

/// Validates and saves the input to criterion `code` of a round, field by field: a valid input
/// on the stored version is one statement; otherwise (a refused field, a stale version, a
/// pending conflict) the input is merged into what is stored (see
/// [`merge::merge_answer`]) and the merge saved on the stored version. Returns the outcome
/// and the input as the form goes on with it. `Error::NotFound` when the round has no such
/// criterion.
pub async fn apply_answer(
    pool: &PgPool,
    user: &CurrentUser,
    assessment_id: AssessmentId,
    code: &str,
    input: &AnswerInput,
) -> Result<Applied> {
    let actor = user.actor();
    let version = based_on(input);
    let untouched = |outcome| Applied {
        outcome,
        input: input.clone(),
        refreshed: Vec::new(),
    };
    if !input.choices.any()
        && let Ok(answer) = answer::validate_answer(input)
    {
        // The connection goes back to the pool before the merge reads again: holding it there
        // would let concurrent conflicts exhaust the pool.
        let saved = {
            let mut conn = pool.acquire().await?;
            db::save_answer(&mut conn, &actor, assessment_id, code, version, &answer)
                .await?
                .ok_or(Error::NotFound)?
        };
        match saved {
            Saved::Stored(v) | Saved::Unchanged(v) => return Ok(untouched(Outcome::Saved(v))),
            Saved::ReadOnly => return Ok(untouched(Outcome::ReadOnly)),
            Saved::Conflict => {}
        }
    }
    let mut last = None;
    for _ in 0..MERGE_TRIES {
        let stored = reload_stored_answer(pool, assessment_id, code).await?;
        let history = if stored.version == version {
            None
        } else {
            db::answer_at(pool, assessment_id, &stored, version).await?
        };
        let base = match &history {
            None if stored.version == version => Some(&stored.answer),
            history => history.as_ref().map(|h| &h.answer),
        };
        let merged = merge::merge_answer(input, &stored.answer, base);
        let authors = history.map(|h| h.authors).unwrap_or_default();
        let saved = if merged.answer == stored.answer {
            Saved::Unchanged(stored.version)
        } else {
            let mut conn = pool.acquire().await?;
            db::save_answer(
                &mut conn,
                &actor,
                assessment_id,
                code,
                stored.version,
                &merged.answer,
            )
            .await?
            .ok_or(Error::NotFound)?
        };
        let version = match saved {
            Saved::Stored(v) | Saved::Unchanged(v) => v,
            Saved::ReadOnly => return Ok(untouched(Outcome::ReadOnly)),
            Saved::Conflict => {
                last = Some((stored, merged));
                continue;
            }
        };
        let outcome = if merged.errors.is_empty() && merged.conflicts.is_empty() {
            Outcome::Saved(version)
        } else {
            partial(user, version, (stored, &authors), &merged)
        };
        return Ok(Applied {
            outcome,
            input: merged.input,
            refreshed: merged.refreshed,
        });
    }
    // Other saves kept landing between the read and the write: nothing was written; the form
    // stays on its version and says so.
    let (stored, mut merged) = last.ok_or(Error::NotFound)?;
    merged.conflicts = merge::ANSWER_FIELDS
        .into_iter()
        .filter(|f| stored.answer.field(f) != input.value(f))
        .collect();
    Ok(untouched(partial(user, version, (stored, &[]), &merged)))
}

/// What became of a criterion's save, and the form as it goes on: its input (fields taken
/// from what is stored replaced) and the fields that now differ from what was posted.
pub struct Applied {
    pub outcome: Outcome<StoredAnswer>,
    pub input: AnswerInput,
    pub refreshed: Vec<(&'static str, String)>,
}

/// The outcome of a save that stored some fields at `version` and not others; `authors` are
/// who last changed each field since the input's version (else the last writer is named).
fn partial(
    user: &CurrentUser,
    version: Version,
    (stored, authors): (StoredAnswer, &[db::FieldAuthor]),
    merged: &Merged,
) -> Outcome<StoredAnswer> {
    let conflict = (!merged.conflicts.is_empty()).then(|| {
        let mut by: Vec<(Option<i64>, String)> = merged
            .conflicts
            .iter()
            .filter_map(|field| authors.iter().find(|(f, _, _)| f == field))
            .map(|(_, id, label)| (*id, label.clone()))
            .collect();
        if by.is_empty() {
            by.push((
                stored.updated_by_id,
                stored.updated_by.clone().unwrap_or_default(),
            ));
        }
        by.dedup();
        FieldConflict {
            fields: merged
                .conflicts
                .iter()
                .map(|field| (*field, merged.input.value(field)))
                .collect(),
            authors: by
                .into_iter()
                .map(|(id, label)| (id == Some(user.user_id.0), label))
                .collect(),
            stored,
        }
    });
    Outcome::Partial {
        version,
        errors: merged.errors.clone(),
        conflict,
    }
}

/// Validates and saves one indicator's input; the view tells what happened.
pub async fn apply_indicator(
    pool: &PgPool,
    user: &CurrentUser,
    assessment_id: AssessmentId,
    row: IndicatorRow,
    input: IndicatorInput,
) -> Result<IndicatorView> {
    let mut view = IndicatorView::new(row, input);
    let bounds = Bounds {
        min: view.row.min_value,
        max: view.row.max_value,
    };
    let validate =
        |input: &IndicatorInput| answer::validate_indicator(input, bounds, super::this_year());
    // A refused field keeps what is stored; the others are saved if they stand without it (a
    // source note does; a value needs its year).
    let (value, refused) = match validate(&view.input) {
        Ok(value) => (value, None),
        Err(errors) => {
            let stored = view.row.stored().to_input(view.row.version);
            let mut rest = view.input.clone();
            for (field, _) in errors.all() {
                match *field {
                    "value" => rest.value = stored.value.clone(),
                    "year" => rest.year = stored.year.clone(),
                    _ => rest.source_note = stored.source_note.clone(),
                }
            }
            match validate(&rest) {
                Ok(value) if value != view.row.stored() => (value, Some(errors)),
                _ => {
                    view.outcome = Outcome::Invalid(errors);
                    return Ok(view);
                }
            }
        }
    };
    let saved = {
        let mut conn = pool.acquire().await?;
        let actor = user.actor();
        let version = based_on(&view.input);
        db::save_indicator(&mut conn, &actor, assessment_id, &view.row, version, &value).await?
    };
    let code = view.row.code.clone();
    let reload = async || reload_indicator(pool, assessment_id, &code).await;
    view.outcome = match (
        settle(saved, reload, |row: &IndicatorRow| row.version).await?,
        refused,
    ) {
        (Outcome::Saved(version), Some(errors)) => Outcome::Partial {
            version,
            errors,
            conflict: None,
        },
        (outcome, _) => outcome,
    };
    Ok(view)
}

/// One criterion's answer as stored.
pub async fn reload_answer(
    pool: &PgPool,
    assessment_id: AssessmentId,
    code: &str,
) -> Result<AnswerRow> {
    db::answers(pool, assessment_id, None, Some(code))
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound)
}

/// One criterion's answer as stored, without the framework's texts.
pub async fn reload_stored_answer(
    pool: &PgPool,
    assessment_id: AssessmentId,
    code: &str,
) -> Result<StoredAnswer> {
    db::stored_answer(pool, assessment_id, code)
        .await?
        .ok_or(Error::NotFound)
}

/// One indicator's value as stored.
pub async fn reload_indicator(
    pool: &PgPool,
    assessment_id: AssessmentId,
    code: &str,
) -> Result<IndicatorRow> {
    db::indicators(pool, assessment_id, None, Some(code))
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound)
}
