//! The overview of a round (`/evaluations/{id}`): progress overall and per axis or dimension,
//! the status and its changes between draft and review (version-checked: a stale change is a
//! conflict), and the way to the preview and the publication.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, Query};
use serde::Deserialize;
use sqlx::PgPool;

use super::db::{self, AssessmentRow};
use super::load;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::reports;
use crate::vocabulary::{AssessmentId, AssessmentStatus, ReportId, Version};
use crate::web::{Id, PageContext, render, render_with_status};

#[derive(Template)]
#[template(path = "assessments/overview.html")]
struct OverviewPage {
    ctx: PageContext,
    assessment: AssessmentRow,
    progress: Vec<db::DimensionProgress>,
    /// The published report, once there is one.
    report: Option<ReportId>,
    /// An i18n key: why the last status change was refused.
    problem: Option<&'static str>,
    /// Whether the round carried answers over from a round of an earlier framework version.
    carried_over: bool,
}

impl OverviewPage {
    fn total(&self) -> (i64, i64) {
        let done = self
            .progress
            .iter()
            .map(|p| p.answered + p.not_applicable)
            .sum();
        (done, self.progress.iter().map(|p| p.criteria).sum())
    }

    /// The status changes offered from the current status.
    fn transitions(&self) -> &'static [AssessmentStatus] {
        self.assessment.status.next()
    }
}

/// Whether `assessment` carried answers over from a round of an earlier framework version.
async fn carried_over(pool: &PgPool, assessment: &AssessmentRow) -> Result<bool> {
    let Some(previous) = assessment.previous_assessment_id else {
        return Ok(false);
    };
    let previous = load(pool, AssessmentId(previous)).await?;
    Ok(previous.framework_version_id != assessment.framework_version_id)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OverviewParams {
    /// Set when a publication was refused: "refusee" or "conflit".
    publication: String,
}

pub async fn overview(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Id(id): Id<AssessmentId>,
    Query(params): Query<OverviewParams>,
) -> Result<Response> {
    let assessment = load(&pool, id).await?;
    let progress = db::progress(&pool, id).await?;
    let problem = match params.publication.as_str() {
        "refusee" => Some("assessment-publish-refused"),
        "conflit" => Some("assessment-publish-conflict"),
        "feuille-de-route" => Some("assessment-publish-no-roadmap"),
        _ => None,
    };
    render(&OverviewPage {
        report: reports::db::of_assessment(&pool, id).await?,
        carried_over: carried_over(&pool, &assessment).await?,
        ctx,
        assessment,
        progress,
        problem,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    status: String,
    version: String,
}

pub async fn change_status(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    Id(id): Id<AssessmentId>,
    Form(form): Form<StatusForm>,
) -> Result<Response> {
    let assessment = load(&pool, id).await?;
    let wanted = AssessmentStatus::parse(form.status.trim())
        .filter(|to| assessment.status.next().contains(to));
    let (status, problem) = match (Version::from_form(&form.version), wanted) {
        // A form based on another version is stale whatever it asks: the round moved.
        (Some(version), _) if version != assessment.version => {
            (StatusCode::CONFLICT, "assessment-error-status-conflict")
        }
        (Some(version), Some(to)) => {
            let mut conn = pool.acquire().await?;
            let actor = user.actor();
            let change = (assessment.status, to);
            if db::set_status(&mut conn, &actor, id, version, change).await? {
                return Ok(Redirect::to(&format!("/evaluations/{id}")).into_response());
            }
            (StatusCode::CONFLICT, "assessment-error-status-conflict")
        }
        _ => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "assessment-error-transition",
        ),
    };
    let assessment = load(&pool, id).await?;
    let page = OverviewPage {
        report: reports::db::of_assessment(&pool, id).await?,
        carried_over: carried_over(&pool, &assessment).await?,
        ctx,
        assessment,
        progress: db::progress(&pool, id).await?,
        problem: Some(problem),
    };
    render_with_status(status, &page)
}
