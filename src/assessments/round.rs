//! Starting a round: the form on a territory profile (`/territoires/{id}/evaluations/nouvelle`)
//! and the creation of the round on the current framework version, optionally prefilled from
//! the territory's previous round.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use sqlx::PgPool;
use time::OffsetDateTime;

use super::db::{self, AssessmentRow};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::framework::{self, FRAMEWORK_CODE};
use crate::territories;
use crate::vocabulary::TerritoryId;
use crate::web::form::{FieldErrors, bounded, iso_date};
use crate::web::{Id, PageContext, render, render_with_status};

/// Longest round label.
const MAX_LABEL: usize = 120;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoundForm {
    label: String,
    round_date: String,
    /// "on" to copy the previous round's answers.
    prefill: String,
}

#[derive(Template)]
#[template(path = "assessments/new.html")]
struct NewPage {
    ctx: PageContext,
    territory: territories::db::TerritoryRow,
    previous: Option<AssessmentRow>,
    form: RoundForm,
    errors: FieldErrors,
}

pub async fn new(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Id(id): Id<TerritoryId>,
) -> Result<Response> {
    let territory = territories::db::find(&pool, id)
        .await?
        .ok_or(Error::NotFound)?;
    let previous = db::list_for_territory(&pool, id).await?.into_iter().next();
    let form = RoundForm {
        label: String::new(),
        round_date: OffsetDateTime::now_utc().date().to_string(),
        prefill: if previous.is_some() { "on" } else { "" }.to_owned(),
    };
    render(&NewPage {
        ctx,
        territory,
        previous,
        form,
        errors: FieldErrors::default(),
    })
}

pub async fn create(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    Id(id): Id<TerritoryId>,
    Form(form): Form<RoundForm>,
) -> Result<Response> {
    let territory = territories::db::find(&pool, id)
        .await?
        .ok_or(Error::NotFound)?;
    let previous = db::list_for_territory(&pool, id).await?.into_iter().next();
    let mut errors = FieldErrors::default();
    let label = bounded(&mut errors, "label", &form.label, MAX_LABEL);
    let round_date = iso_date(&form.round_date);
    if round_date.is_none() {
        errors.add("round_date", "assessment-error-date");
    }
    let version = framework::db::current_version(&pool, FRAMEWORK_CODE)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no framework version is loaded"))?;
    if let (Some(round_date), true) = (round_date, errors.is_empty()) {
        let round = db::NewRound {
            territory_id: id,
            framework_version_id: version.framework_version_id,
            label: &label,
            round_date,
            previous: previous
                .as_ref()
                .filter(|_| !form.prefill.is_empty())
                .map(|p| p.assessment_id),
        };
        let mut conn = pool.acquire().await?;
        let assessment = db::create(&mut conn, &user.actor(), &round).await?;
        if let Some(previous) = round.previous {
            db::prefill_evidence_from_roadmap(&mut conn, assessment, previous).await?;
        }
        return Ok(Redirect::to(&format!("/evaluations/{assessment}")).into_response());
    }
    let page = NewPage {
        ctx,
        territory,
        previous,
        form,
        errors,
    };
    render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
