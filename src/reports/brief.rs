//! Editing a report's "En bref" at `/evaluations/{id}/synthese` before publication: the key
//! messages and the decisions proposed to the conseil, prefilled with the app's draft (from the
//! report as it would be published now) until the consultant saves their own; version-checked
//! (409 with the input kept), validated at each field (422), audited, without JavaScript.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use sqlx::PgPool;

use super::{build, db, narrative};
use crate::assessments::db::AssessmentRow;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::vocabulary::{AssessmentId, AssessmentStatus, Version};
use crate::web::form::FieldErrors;
use crate::web::{Id, PageContext, render_with_status};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct BriefForm {
    pub version: String,
    pub messages: String,
    pub decisions: String,
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
}

impl BriefPage {
    fn editable(&self) -> bool {
        self.assessment.status != AssessmentStatus::Published
    }
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
        },
        true,
    ))
}

pub async fn page(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Id(id): Id<AssessmentId>,
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
    let (status, errors, notice) = match narrative::check(&form.messages, &form.decisions) {
        Err(found) => {
            let mut errors = FieldErrors::default();
            for (field, key) in found {
                errors.add(field, key);
            }
            (StatusCode::UNPROCESSABLE_ENTITY, errors, None)
        }
        Ok((messages, decisions)) => {
            let saved = match Version::from_form(&form.version) {
                Some(version) => {
                    let mut tx = pool.begin().await?;
                    let saved = db::save_narrative(
                        &mut tx,
                        &user.actor(),
                        id,
                        version,
                        &messages,
                        &decisions,
                    )
                    .await?;
                    tx.commit().await?;
                    saved
                }
                None => false,
            };
            if saved {
                return Ok(Redirect::to(&format!("/evaluations/{id}/synthese")).into_response());
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
    let page = BriefPage {
        ctx,
        assessment,
        form,
        drafted: false,
        errors,
        notice,
    };
    render_with_status(status, &page)
}
