//! The home page of a signed-in user: for élus, the territories they follow and their
//! published reports; for admins and consultants, a portfolio dashboard (recent assessments
//! with their status and progress, and the latest published reports).

pub mod db;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use sqlx::PgPool;

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::reports;
use crate::vocabulary::Role;
use crate::web::access::{Access, Routes};
use crate::web::{PageContext, render};
use db::{FollowedTerritory, RecentAssessment};

pub fn routes() -> Routes {
    Routes::new().get("/", Access::SignedIn, show)
}

/// How many recent reports the dashboard lists (and rounds: see [`db::open_assessments`]).
const RECENT: i64 = 10;

#[derive(Template)]
#[template(path = "home/show.html")]
struct ShowPage {
    ctx: PageContext,
    is_elu: bool,
    territories: Vec<FollowedTerritory>,
    assessments: Vec<RecentAssessment>,
    reports: Vec<reports::db::ReportListRow>,
}

async fn show(ctx: PageContext, State(pool): State<PgPool>, user: CurrentUser) -> Result<Response> {
    let is_elu = user.role == Role::Elu;
    let territories = if is_elu {
        db::followed_territories(&pool, user.user_id).await?
    } else {
        Vec::new()
    };
    let assessments = if is_elu {
        Vec::new()
    } else {
        db::open_assessments(&pool).await?
    };
    let reports = reports::db::list_readable(&pool, user.reader(), None, RECENT).await?;
    render(&ShowPage {
        ctx,
        is_elu,
        territories,
        assessments,
        reports,
    })
}
