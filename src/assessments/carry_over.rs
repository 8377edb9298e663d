//! What a round received from the round it was prefilled from, when that one was on an earlier
//! framework version: the answers carried over (with their level translated where the
//! correspondence says so, and what the consultant must check), the criteria that are new, and
//! the answers that could not be carried. `/evaluations/{id}/reprise`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use sqlx::PgPool;

use super::db::{self, AssessmentRow};
use crate::error::{Error, Result};
use crate::framework::v2::{self, CarryOver, PreviousAnswer};
use crate::text::Text;
use crate::vocabulary::AssessmentId;
use crate::web::{PageContext, PagePath, render};

#[derive(Template)]
#[template(path = "assessments/carry_over.html")]
struct CarryOverPage {
    ctx: PageContext,
    assessment: AssessmentRow,
    previous: AssessmentRow,
    carry: CarryOver,
    /// Names of this round's criteria, by code.
    names: Vec<(String, Text)>,
}

impl CarryOverPage {
    fn previous_date(&self) -> String {
        self.ctx.date(&self.previous.round_date.to_string())
    }

    fn name(&self, code: &str) -> String {
        self.names
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, name)| self.ctx.text(name).to_owned())
            .unwrap_or_default()
    }
}

pub async fn carry_over(
    ctx: PageContext,
    State(pool): State<PgPool>,
    PagePath(id): PagePath<AssessmentId>,
) -> Result<Response> {
    let assessment = super::load(&pool, id).await?;
    let previous_id = assessment.previous_assessment_id.ok_or(Error::NotFound)?;
    let previous = super::load(&pool, AssessmentId(previous_id)).await?;
    let (from, to) = db::framework_versions(&pool, &previous, &assessment).await?;
    let correspondence = v2::correspondence(from, to).ok_or(Error::NotFound)?;
    let answers: Vec<PreviousAnswer> = db::answers(&pool, previous.assessment_id, None, None)
        .await?
        .into_iter()
        .filter(|a| a.level.is_some() || a.not_applicable)
        .map(|a| PreviousAnswer {
            code: a.code,
            level: a.level,
            not_applicable: a.not_applicable,
        })
        .collect();
    let names: Vec<(String, Text)> = db::answers(&pool, id, None, None)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let codes: Vec<String> = names.iter().map(|(code, _)| code.clone()).collect();
    render(&CarryOverPage {
        carry: v2::carry_over(correspondence, &answers, &codes),
        names,
        assessment,
        previous,
        ctx,
    })
}
