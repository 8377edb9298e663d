//! Assessments: dated rounds of a territory's diagnostic on the current framework version.
//! Routes: starting a round from a territory profile (optionally prefilled from the previous
//! one), the overview with progress and status (`/evaluations/{id}`), one section per axis or
//! dimension (`/evaluations/{id}/{dimension}`) saved as a whole without JavaScript, and the
//! autosave of one answer or indicator value (htmx). Every save is checked against the version
//! it was based on: a stale save stores nothing and shows both values.

pub mod answer;
mod apply;
mod autosave;
mod block;
mod carry_over;
pub mod db;
pub mod merge;
mod overview;
mod paste;
mod round;
mod section;
mod table;

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::vocabulary::AssessmentId;
use crate::web::access::{Access, Routes};
use db::AssessmentRow;

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/territoires/{id}/evaluations/nouvelle",
            Access::Staff,
            round::new,
        )
        .post(
            "/territoires/{id}/evaluations",
            Access::Staff,
            round::create,
        )
        .get("/evaluations/{id}", Access::Staff, overview::overview)
        .post(
            "/evaluations/{id}/statut",
            Access::Staff,
            overview::change_status,
        )
        .get(
            "/evaluations/{id}/reprise",
            Access::Staff,
            carry_over::carry_over,
        )
        .get(
            "/evaluations/{id}/{dimension}",
            Access::Staff,
            section::section,
        )
        .post(
            "/evaluations/{id}/{dimension}",
            Access::Staff,
            section::save_section,
        )
        .get(
            "/evaluations/{id}/{dimension}/tableau",
            Access::Staff,
            table::table,
        )
        .post(
            "/evaluations/{id}/{dimension}/coller",
            Access::Staff,
            table::paste,
        )
        .get(
            "/evaluations/{id}/reponses/{criterion}",
            Access::Staff,
            autosave::criterion_block,
        )
        .post(
            "/evaluations/{id}/reponses/{criterion}",
            Access::Staff,
            autosave::save_criterion,
        )
        .post(
            "/evaluations/{id}/indicateurs/{indicator}",
            Access::Staff,
            autosave::save_indicator,
        )
}

fn this_year() -> i16 {
    OffsetDateTime::now_utc().year() as i16
}

/// The round `id`, or the 404 page.
async fn load(pool: &PgPool, id: AssessmentId) -> Result<AssessmentRow> {
    db::find(pool, id).await?.ok_or(Error::NotFound)
}
