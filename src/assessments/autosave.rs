//! Saving one block as the consultant types (htmx posts each criterion or indicator on
//! `change`), and fetching one criterion block as stored ("take the stored value" after a
//! conflict). The answer swaps out of band only the version, the save state and the field
//! messages, so nothing the consultant is typing is replaced; a plain form post that saved goes
//! back to the overview.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use sqlx::PgPool;

use super::apply::{apply_answer, apply_indicator, reload_answer, reload_indicator};
use super::block::{
    ConflictActions, CriterionView, NoticeState, Outcome, SaveNotice, Stored, Versioned,
};
use super::db::AssessmentRow;
use super::merge::ANSWER_FIELDS;
use super::section::Posted;
use crate::auth::CurrentUser;
use crate::cache::TopicsUnchanged;
use crate::error::Result;
use crate::framework;
use crate::vocabulary::AssessmentId;
use crate::web::form::FieldErrors;
use crate::web::{PageContext, PagePath, is_htmx, render, render_with_status};

/// One criterion block (htmx: "take the stored value" after a conflict).
#[derive(Template)]
#[template(path = "assessments/criterion.html")]
struct CriterionBlock {
    ctx: PageContext,
    assessment: AssessmentRow,
    levels: Vec<framework::db::LevelRow>,
    c: CriterionView,
}

/// The answer to an autosave: the version the form goes on with, the save state and the
/// field messages, swapped out of band so that nothing the consultant is typing gets replaced.
#[derive(Template)]
#[template(path = "assessments/saved.html")]
struct SavedFragment {
    ctx: PageContext,
    code: String,
    fields: &'static [&'static str],
    /// After a conflict the form stays on the version it was based on, so later automatic
    /// saves keep reporting the conflict until the consultant chooses; only "keep my input"
    /// sends the stored version.
    version: String,
    errors: FieldErrors,
    notice: SaveNotice,
    /// A criterion's fields still in conflict (the form carries them until the consultant
    /// chooses); none for an indicator.
    held: Option<String>,
    /// The fields whose stored value the form must now show, as a JSON object.
    refresh: String,
}

const INDICATOR_FIELDS: &[&str] = &["value", "year", "source_note"];

pub async fn criterion_block(
    ctx: PageContext,
    State(pool): State<PgPool>,
    PagePath((id, code)): PagePath<(AssessmentId, String)>,
) -> Result<Response> {
    let assessment = super::load(&pool, id).await?;
    let row = reload_answer(&pool, id, &code).await?;
    render(&CriterionBlock {
        levels: framework::db::levels(&pool, assessment.framework_version_id).await?,
        c: CriterionView::stored(row),
        assessment,
        ctx,
    })
}

/// What a criterion's autosave answer carries besides the outcome: the fields held in
/// conflict and the fields the form must now show as stored.
struct FormState {
    held: String,
    refreshed: Vec<(&'static str, String)>,
}

/// Answers an autosave of block `code` (`input` came to `outcome`): the fragment for htmx; for
/// a plain form post, the overview when it saved, else the fragment with its status.
fn reply<S: Stored>(
    ctx: PageContext,
    headers: &HeaderMap,
    (assessment_id, code): (AssessmentId, String),
    (input, outcome): (&impl Versioned, Outcome<S>),
    fields: &'static [&'static str],
    (reload, form): (Option<String>, Option<FormState>),
) -> Result<Response> {
    let status = outcome.status();
    if !is_htmx(headers) && status == StatusCode::OK {
        return Ok(Redirect::to(&format!("/evaluations/{assessment_id}")).into_response());
    }
    let version = match &outcome {
        Outcome::Saved(version) | Outcome::Partial { version, .. } => version.to_string(),
        _ => input.based_on().to_owned(),
    };
    let actions = match &outcome {
        Outcome::Conflict { version, .. } => Some(ConflictActions {
            code: code.clone(),
            keep_version: *version,
            reload,
        }),
        _ => None,
    };
    let fragment = SavedFragment {
        notice: outcome.notice(&ctx, actions),
        errors: outcome.errors().clone(),
        refresh: form
            .as_ref()
            .filter(|f| !f.refreshed.is_empty())
            .map(|f| {
                let values: serde_json::Map<String, serde_json::Value> = f
                    .refreshed
                    .iter()
                    .map(|(field, value)| ((*field).to_owned(), value.clone().into()))
                    .collect();
                serde_json::Value::Object(values).to_string()
            })
            .unwrap_or_default(),
        held: form.map(|f| f.held),
        code,
        fields,
        version,
        ctx,
    };
    render_with_status(status, &fragment)
}

/// Autosave of one criterion. Without htmx (a form posted to this URL), the overview.
pub async fn save_criterion(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    headers: HeaderMap,
    PagePath((id, code)): PagePath<(AssessmentId, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let input = Posted::new(fields).answer(&code);
    let applied = apply_answer(&pool, &user, id, &code, &input).await?;
    let reload = Some(format!("/evaluations/{id}/reponses/{code}"));
    let form = FormState {
        held: applied.input.choices.held.clone(),
        refreshed: applied.refreshed,
    };
    let response = reply(
        ctx,
        &headers,
        (id, code),
        (&applied.input, applied.outcome),
        &ANSWER_FIELDS,
        (reload, Some(form)),
    )?;
    // Answers, the round's version and the audit log: no cached topic.
    Ok((TopicsUnchanged, response).into_response())
}

/// Autosave of one indicator value. Without htmx, the overview.
pub async fn save_indicator(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    headers: HeaderMap,
    PagePath((id, code)): PagePath<(AssessmentId, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let row = reload_indicator(&pool, id, &code).await?;
    let input = Posted::new(fields).indicator(&code);
    let view = apply_indicator(&pool, &user, id, row, input).await?;
    let block = (id, view.row.code.clone());
    let response = reply(
        ctx,
        &headers,
        block,
        (&view.input, view.outcome),
        INDICATOR_FIELDS,
        (None, None),
    )?;
    Ok((TopicsUnchanged, response).into_response())
}
