//! Editing a report's "En bref" at `/evaluations/{id}/synthese` before publication: the key
//! messages and the decisions proposed to the conseil, prefilled with the app's draft (from the
//! report as it would be published now) until the consultant saves their own; version-checked
//! (409 with the input kept), validated at each field (422), audited, without JavaScript.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, Query};
use serde::Deserialize;
use sqlx::PgPool;

use super::{build, db, narrative};
use crate::assessments::db::AssessmentRow;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::vocabulary::{AssessmentId, AssessmentStatus, Version};
use crate::web::form::FieldErrors;
use crate::web::{Id, PageContext, render_with_status};

/// The form: one field per message and per decision (`message`, `decision`, repeated), or the
/// same as one text a line each (`messages`, `decisions`: scripts and earlier pages); `change`
/// is a button's move or removal (`message-2-up`, `decision-1-remove`), and `apercu` asks for
/// a preview of page 1 without saving.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct BriefForm {
    pub version: String,
    pub messages: String,
    pub decisions: String,
    pub message: Vec<String>,
    pub decision: Vec<String>,
    pub change: String,
    pub apercu: String,
}

/// Most messages and decisions the form offers fields for.
const MESSAGE_SLOTS: usize = 5;
const DECISION_SLOTS: usize = 3;

impl BriefForm {
    /// The fields posted one by one, as the one-per-line texts they stand for (a line break
    /// typed inside a field is a space), with the button's move or removal applied.
    fn normalise(&mut self) {
        let flatten = |items: &[String]| -> Vec<String> {
            items
                .iter()
                .map(|i| i.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect()
        };
        let mut messages = flatten(&self.message);
        let mut decisions = flatten(&self.decision);
        if let Some((list, slot, action)) = parse_change(&self.change) {
            let items = if list == "message" {
                &mut messages
            } else {
                &mut decisions
            };
            // The button names its field; it moves among the fields that hold text.
            let at = items
                .get(slot)
                .filter(|i| !i.is_empty())
                .map(|_| items[..slot].iter().filter(|i| !i.is_empty()).count())
                .unwrap_or(usize::MAX);
            items.retain(|i| !i.is_empty());
            match action {
                "up" if at > 0 && at < items.len() => items.swap(at, at - 1),
                "down" if at + 1 < items.len() => items.swap(at, at + 1),
                "remove" if at < items.len() => {
                    items.remove(at);
                }
                _ => {}
            }
        }
        if !self.message.is_empty() || !self.decision.is_empty() {
            let lines = |items: Vec<String>| {
                items
                    .into_iter()
                    .filter(|i| !i.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            self.messages = lines(messages);
            self.decisions = lines(decisions);
        }
    }

    /// The message fields to show: each message, then empty ones up to the most offered.
    fn message_slots(&self) -> Vec<String> {
        slots(&self.messages, MESSAGE_SLOTS)
    }

    fn decision_slots(&self) -> Vec<String> {
        slots(&self.decisions, DECISION_SLOTS)
    }

    /// The non-empty lines of messages and decisions, as page 1 shows them.
    fn preview(&self) -> (Vec<String>, Vec<String>) {
        let lines = |text: &str| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        };
        (lines(&self.messages), lines(&self.decisions))
    }
}

/// `message-2-up` → ("message", 2, "up").
fn parse_change(change: &str) -> Option<(&str, usize, &str)> {
    let mut parts = change.splitn(3, '-');
    let list = parts
        .next()
        .filter(|l| *l == "message" || *l == "decision")?;
    let at = parts.next()?.parse().ok()?;
    Some((list, at, parts.next()?))
}

fn slots(text: &str, at_least: usize) -> Vec<String> {
    let mut items: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    while items.len() < at_least {
        items.push(String::new());
    }
    items
}

#[derive(Template)]
#[template(path = "reports/brief.html")]
struct BriefPage {
    ctx: PageContext,
    assessment: AssessmentRow,
    form: BriefForm,
    /// Whether the text shown is the app's draft (nothing saved yet).
    drafted: bool,
    errors: FieldErrors,
    notice: Option<&'static str>,
    /// Set after a save ("Enregistré") or with a preview of page 1.
    saved: bool,
    preview: bool,
}

impl BriefPage {
    fn editable(&self) -> bool {
        self.assessment.status != AssessmentStatus::Published
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedParam {
    enregistre: String,
}

async fn load(pool: &PgPool, id: AssessmentId) -> Result<AssessmentRow> {
    crate::assessments::db::find(pool, id)
        .await?
        .ok_or(Error::NotFound)
}

/// The form as stored, or the app's draft (in French) when nothing is stored.
async fn stored(pool: &PgPool, assessment: &AssessmentRow) -> Result<(BriefForm, bool)> {
    if let Some(row) = db::narrative(pool, assessment.assessment_id).await? {
        return Ok((
            BriefForm {
                version: row.version.0.to_string(),
                messages: row.messages,
                decisions: row.decisions,
                ..BriefForm::default()
            },
            false,
        ));
    }
    let data = build(&mut *pool.acquire().await?, assessment).await?;
    let draft = narrative::draft(&data);
    let lines = |texts: &[crate::text::Text]| {
        texts
            .iter()
            .map(|t| t.fr.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    Ok((
        BriefForm {
            version: "0".into(),
            messages: lines(&draft.messages),
            decisions: lines(&draft.decisions),
            ..BriefForm::default()
        },
        true,
    ))
}

pub async fn page(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Id(id): Id<AssessmentId>,
    Query(params): Query<SavedParam>,
) -> Result<Response> {
    let assessment = load(&pool, id).await?;
    let (form, drafted) = stored(&pool, &assessment).await?;
    let page = BriefPage {
        ctx,
        assessment,
        form,
        drafted,
        errors: FieldErrors::default(),
        notice: None,
        saved: !params.enregistre.is_empty(),
        preview: false,
    };
    render_with_status(StatusCode::OK, &page)
}

pub async fn save(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    Id(id): Id<AssessmentId>,
    Form(mut form): Form<BriefForm>,
) -> Result<Response> {
    let assessment = load(&pool, id).await?;
    form.normalise();
    let checked = narrative::check(&form.messages, &form.decisions);
    if !form.apercu.is_empty() {
        let errors = checked.err().unwrap_or_default();
        return preview(ctx, assessment, form, errors);
    }
    let (status, errors, notice) = match checked {
        Err(found) => (StatusCode::UNPROCESSABLE_ENTITY, field_errors(found), None),
        Ok((messages, decisions)) => {
            let saved = match Version::from_form(&form.version) {
                Some(version) => {
                    let mut conn = pool.acquire().await?;
                    match crate::assessments::db::hold_editable(&mut conn, id).await? {
                        Some(mut round) => {
                            let actor = user.actor();
                            let saved = db::save_narrative(
                                &mut round, &actor, version, &messages, &decisions,
                            )
                            .await?;
                            round.commit().await?;
                            saved
                        }
                        None => false,
                    }
                }
                None => false,
            };
            if saved {
                return Ok(
                    Redirect::to(&format!("/evaluations/{id}/synthese?enregistre=1"))
                        .into_response(),
                );
            }
            // Base a new attempt on what is stored now: a deliberate choice, input kept.
            form.version = db::narrative(&pool, id)
                .await?
                .map_or("0".into(), |n| n.version.0.to_string());
            let notice = if assessment.status == AssessmentStatus::Published {
                "roadmap-read-only"
            } else {
                "brief-conflict"
            };
            (StatusCode::CONFLICT, FieldErrors::default(), Some(notice))
        }
    };
    render_with_status(
        status,
        &posted_page(ctx, assessment, form, (errors, notice), false),
    )
}

/// The messages of [`narrative::check`] by field.
fn field_errors(found: Vec<(&'static str, &'static str)>) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for (field, key) in found {
        errors.add(field, key);
    }
    errors
}

/// The page again with the form as posted, its messages, and page 1's preview if asked.
fn posted_page(
    ctx: PageContext,
    assessment: AssessmentRow,
    form: BriefForm,
    (errors, notice): (FieldErrors, Option<&'static str>),
    preview: bool,
) -> BriefPage {
    BriefPage {
        ctx,
        assessment,
        form,
        drafted: false,
        errors,
        notice,
        saved: false,
        preview,
    }
}

/// The form as posted with page 1's "En bref" as it would read, nothing saved.
fn preview(
    ctx: PageContext,
    assessment: AssessmentRow,
    form: BriefForm,
    found: Vec<(&'static str, &'static str)>,
) -> Result<Response> {
    let errors = field_errors(found);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with_status(
        status,
        &posted_page(ctx, assessment, form, (errors, None), true),
    )
}
