//! A section as a table (`/evaluations/{id}/{dimension}/tableau`): one row per criterion
//! (level typed 0–4 or N/A, importance, target, confidence, evidence, the justification of a
//! N/A), keyboard-first, each row saved as the consultant leaves a field through the same
//! route, validation, audit and conflict rule as a criterion's card; and rows pasted from a
//! spreadsheet (`…/coller`, any criterion of the round), previewed field by field before
//! anything is saved, then saved each on the version the preview showed.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, Query};
use serde::Deserialize;
use sqlx::PgPool;

use super::answer::AnswerInput;
use super::apply::apply_answer;
use super::block::{CriterionView, NoticeState, Outcome, strictest};
use super::db;
use super::merge::{self, ANSWER_FIELDS};
use super::paste::{self, Pasted};
use super::section::{SectionPage, section_page};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::vocabulary::AssessmentId;
use crate::web::{PageContext, PagePath, render_with_status};

#[derive(Template)]
#[template(path = "assessments/table.html")]
struct TablePage {
    ctx: PageContext,
    section: SectionPage,
    /// The text of the paste form, kept as typed.
    text: String,
    preview: Option<Preview>,
    /// After a paste was saved: how many criteria it changed.
    pasted: Option<usize>,
}

/// What a paste will change (or, after saving was tried, what became of each row).
struct Preview {
    rows: Vec<PreviewRow>,
    truncated: bool,
    /// Whether every row can be saved as it is.
    ready: bool,
}

struct PreviewRow {
    line: usize,
    code: String,
    /// Not a criterion of this section: nothing of it will be saved.
    unknown: bool,
    /// (label key, stored, typed) of each field the row changes.
    changes: Vec<(String, String, String)>,
    /// (label key, message key) of each refused field.
    errors: Vec<(String, String)>,
    /// The version the preview was read at (what a save is based on).
    version: String,
    /// After saving: what became of the row.
    outcome: Option<NoticeState>,
}

impl TablePage {
    /// A criterion's level descriptors as a JSON array (shown as the level is typed).
    fn descriptors(&self, c: &CriterionView) -> String {
        let texts: Vec<&str> = c.row.levels.iter().map(|l| self.ctx.text(l)).collect();
        serde_json::to_string(&texts).unwrap_or_default()
    }

    /// The descriptor of the level in the row's input, if it is one.
    fn descriptor(&self, c: &CriterionView) -> String {
        c.input
            .level
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|l| {
                c.row
                    .levels
                    .get(l)
                    .map(|t| format!("{l} · {}", self.ctx.text(t)))
            })
            .unwrap_or_default()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TableParams {
    colle: String,
}

pub async fn table(
    ctx: PageContext,
    State(pool): State<PgPool>,
    PagePath((id, code)): PagePath<(AssessmentId, String)>,
    Query(params): Query<TableParams>,
) -> Result<Response> {
    let section = section_page(ctx.clone(), &pool, id, &code).await?;
    render_with_status(
        StatusCode::OK,
        &TablePage {
            ctx,
            section,
            text: String::new(),
            preview: None,
            pasted: params.colle.parse().ok(),
        },
    )
}

/// The stored input of a criterion with a pasted row's cells over it, based on `version`.
fn pasted_input(stored: &AnswerInput, row: &paste::PastedRow, version: &str) -> AnswerInput {
    AnswerInput {
        version: version.to_owned(),
        ..row.over(stored)
    }
}

/// What a row changes and refuses, against what the preview shows as stored.
fn preview_row(view: &CriterionView, row: &paste::PastedRow, version: &str) -> PreviewRow {
    let input = pasted_input(&view.input, row, version);
    let stored = view.row.answer();
    let merged = merge::merge_answer(&input, &stored, Some(&stored));
    let changes = ANSWER_FIELDS
        .iter()
        .filter(|f| !merged.errors.has(f) && merged.answer.field(f) != stored.field(f))
        .map(|f| {
            (
                format!("answer-{f}"),
                stored.field(f),
                merged.answer.field(f),
            )
        })
        .collect();
    let errors = merged
        .errors
        .all()
        .iter()
        .map(|(f, key)| (format!("answer-{f}"), key.clone()))
        .collect();
    PreviewRow {
        line: row.line,
        code: row.code.clone(),
        unknown: false,
        changes,
        errors,
        version: version.to_owned(),
        outcome: None,
    }
}

/// Previews a paste, or (with `confirmer`) saves it: each row of a criterion of the round (a
/// spreadsheet holds them all), on the version the preview was read at. Nothing is saved while
/// a row is refused or names no criterion of the round; a row that conflicts is reported as
/// the autosave reports it.
pub async fn paste(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    PagePath((id, code)): PagePath<(AssessmentId, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let text = field("texte");
    let confirm = !field("confirmer").is_empty();
    let mut section = section_page(ctx.clone(), &pool, id, &code).await?;
    // A spreadsheet holds the whole round: every criterion of the round can be pasted here.
    let mut round: Vec<CriterionView> = db::answers(&pool, id, None, None)
        .await?
        .into_iter()
        .map(CriterionView::stored)
        .collect();
    let Pasted { rows, truncated } = paste::parse(&text);
    let mut preview_rows = Vec::new();
    for row in &rows {
        let based_on = field(&format!("version.{}", row.code));
        match round.iter().find(|c| c.row.code == row.code) {
            Some(view) => {
                let version = if confirm && !based_on.is_empty() {
                    based_on
                } else {
                    view.row.version.to_string()
                };
                preview_rows.push(preview_row(view, row, &version));
            }
            None => preview_rows.push(PreviewRow {
                line: row.line,
                code: row.code.chars().take(40).collect(),
                unknown: true,
                changes: Vec::new(),
                errors: Vec::new(),
                version: String::new(),
                outcome: None,
            }),
        }
    }
    let ready = !rows.is_empty()
        && !truncated
        && preview_rows
            .iter()
            .all(|r| !r.unknown && r.errors.is_empty());
    let mut status = if ready || rows.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    if confirm && ready {
        let mut statuses = Vec::new();
        let mut changed = 0;
        for (row, shown) in rows.iter().zip(preview_rows.iter_mut()) {
            let Some(view) = round.iter_mut().find(|c| c.row.code == row.code) else {
                continue;
            };
            let input = pasted_input(&view.input, row, &shown.version);
            let applied = apply_answer(&pool, &user, id, &row.code, &input).await?;
            statuses.push(applied.outcome.status());
            if !shown.changes.is_empty() && matches!(applied.outcome, Outcome::Saved(_)) {
                changed += 1;
            }
            shown.outcome = Some(applied.outcome.notice(&ctx, None).state);
            view.input = applied.input;
            view.outcome = applied.outcome;
        }
        // The section's rows show what became of their save.
        for view in &mut section.criteria {
            if let Some(at) = round.iter().position(|c| c.row.code == view.row.code) {
                *view = round.swap_remove(at);
            }
        }
        status = strictest(statuses);
        if status == StatusCode::OK {
            return Ok(
                Redirect::to(&format!("/evaluations/{id}/{code}/tableau?colle={changed}"))
                    .into_response(),
            );
        }
    }
    section.ctx = ctx.clone();
    let page = TablePage {
        ctx,
        section,
        text,
        preview: Some(Preview {
            rows: preview_rows,
            truncated,
            ready,
        }),
        pasted: None,
    };
    render_with_status(status, &page)
}
