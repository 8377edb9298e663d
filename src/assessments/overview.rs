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
    deliverables: db::Deliverables,
}

/// The next thing to do in a round, the overview's primary action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// The first axis or dimension with criteria left (its index in the progress).
    Section(usize),
    Roadmap,
    Brief,
    Review,
    Publish,
}

/// The next step of a round (none once published), from its progress and deliverables: the
/// criteria first, in the framework's order, then the roadmap, "En bref", the review, and the
/// publication.
pub fn next_step(
    status: AssessmentStatus,
    progress: &[db::DimensionProgress],
    deliverables: db::Deliverables,
) -> Option<NextStep> {
    if status.is_read_only() {
        return None;
    }
    if let Some(at) = progress.iter().position(|p| !p.is_complete()) {
        return Some(NextStep::Section(at));
    }
    Some(if deliverables.chantiers == 0 {
        NextStep::Roadmap
    } else if !deliverables.brief {
        NextStep::Brief
    } else if status == AssessmentStatus::Draft {
        NextStep::Review
    } else {
        NextStep::Publish
    })
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

    fn next(&self) -> Option<NextStep> {
        next_step(self.assessment.status, &self.progress, self.deliverables)
    }

    /// What publication needs, each with whether it is met: (i18n key, met, blocking).
    fn checklist(&self) -> Vec<(&'static str, bool, bool)> {
        let (done, total) = self.total();
        vec![
            ("assessment-check-criteria", done == total, false),
            (
                "assessment-check-roadmap",
                self.deliverables.chantiers > 0,
                true,
            ),
            ("assessment-check-brief", self.deliverables.brief, false),
            (
                "assessment-check-review",
                self.assessment.status == AssessmentStatus::Review,
                true,
            ),
        ]
    }

    /// The status changes offered from the current status, apart from the one that is the
    /// next step (shown as the primary action).
    fn transitions(&self) -> Vec<AssessmentStatus> {
        let next = self.next();
        self.assessment
            .status
            .next()
            .iter()
            .copied()
            .filter(|to| !(*to == AssessmentStatus::Review && next == Some(NextStep::Review)))
            .collect()
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
        report: db::report_of(&pool, id).await?,
        carried_over: carried_over(&pool, &assessment).await?,
        deliverables: db::deliverables(&pool, id).await?,
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
        report: db::report_of(&pool, id).await?,
        carried_over: carried_over(&pool, &assessment).await?,
        deliverables: db::deliverables(&pool, id).await?,
        ctx,
        assessment,
        progress: db::progress(&pool, id).await?,
        problem: Some(problem),
    };
    render_with_status(status, &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Text;
    use crate::vocabulary::DimensionKind;

    fn section(
        code: &str,
        criteria: i64,
        answered: i64,
        not_applicable: i64,
    ) -> db::DimensionProgress {
        db::DimensionProgress {
            code: code.to_owned(),
            kind: DimensionKind::Thematic,
            name: Text {
                fr: code.to_owned(),
                en: code.to_owned(),
            },
            criteria,
            answered,
            not_applicable,
            indicators: 0,
            indicator_values: 0,
        }
    }

    #[test]
    fn the_next_step_follows_the_round_from_its_first_gap_to_publication() {
        use AssessmentStatus::*;
        let none = db::Deliverables::default();
        let partly = [section("ECO", 5, 5, 0), section("MOB", 6, 2, 1)];
        assert_eq!(next_step(Draft, &partly, none), Some(NextStep::Section(1)));
        let done = [section("ECO", 5, 5, 0), section("MOB", 6, 5, 1)];
        assert_eq!(next_step(Draft, &done, none), Some(NextStep::Roadmap));
        let roadmap = db::Deliverables {
            chantiers: 4,
            brief: false,
        };
        assert_eq!(next_step(Draft, &done, roadmap), Some(NextStep::Brief));
        let all = db::Deliverables {
            chantiers: 4,
            brief: true,
        };
        assert_eq!(next_step(Draft, &done, all), Some(NextStep::Review));
        assert_eq!(next_step(Review, &done, all), Some(NextStep::Publish));
        assert_eq!(next_step(Published, &done, all), None);
    }
}
