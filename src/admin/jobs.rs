//! The jobs page (`/admin/taches`): the durable jobs not done yet, pending (with when they run
//! next and how many attempts they had) and failed (with their last error), and a failed job
//! retried on request. What the jobs do belongs to their features ([`crate::jobs`]).

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Query;
use serde::Deserialize;
use sqlx::PgPool;
use tokio::sync::Notify;

use crate::error::Result;
use crate::jobs::{self, JobRow};
use crate::web::{Id, PageContext, render};

#[derive(Template)]
#[template(path = "admin/jobs.html")]
struct JobsPage {
    ctx: PageContext,
    jobs: Vec<JobRow>,
    /// Set after a retry: whether it was taken.
    retried: Option<bool>,
}

impl JobsPage {
    fn when(&self, at: &time::OffsetDateTime) -> String {
        let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
        at.format(&format).unwrap_or_default()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct JobsParams {
    relance: String,
}

pub async fn list(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Query(params): Query<JobsParams>,
) -> Result<Response> {
    render(&JobsPage {
        jobs: jobs::unfinished(&pool).await?,
        retried: match params.relance.as_str() {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        },
        ctx,
    })
}

/// Makes a failed job due now and wakes this instance's worker.
pub async fn retry(
    State(pool): State<PgPool>,
    State(wake): State<Arc<Notify>>,
    Id(id): Id<i64>,
) -> Result<Response> {
    let taken = jobs::retry(&pool, id).await?;
    if taken {
        wake.notify_one();
    }
    let flag = if taken { 1 } else { 0 };
    Ok(Redirect::to(&format!("/admin/taches?relance={flag}")).into_response())
}
