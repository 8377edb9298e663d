//! The home page of a signed-in user: for élus, the territories they follow and their
//! published reports; for admins and consultants, a portfolio dashboard (recent assessments
//! with their status and progress, and the latest published reports).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use sqlx::PgPool;
use time::Date;

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::reports;
use crate::vocabulary::Role;
use crate::web::access::{Access, Routes};
use crate::web::{PageContext, render};

pub fn routes() -> Routes {
    Routes::new().get("/", Access::SignedIn, show)
}

/// How many recent assessments and reports the dashboard lists.
const RECENT: i64 = 10;

/// A territory an élu follows.
#[derive(Debug, sqlx::FromRow)]
pub struct FollowedTerritory {
    pub territory_id: i64,
    pub name: String,
    pub kind: String,
}

/// An assessment on the dashboard.
#[derive(Debug, sqlx::FromRow)]
pub struct RecentAssessment {
    pub assessment_id: i64,
    pub territory_name: String,
    pub round_date: Date,
    pub status: String,
    pub answered: i64,
    pub criteria: i64,
}

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
        sqlx::query_as(
            "select t.territory_id, t.name, t.kind
               from user_territory ut join territory t using (territory_id)
              where ut.user_id = $1 order by t.name",
        )
        .bind(user.user_id)
        .fetch_all(&pool)
        .await?
    } else {
        Vec::new()
    };
    let assessments = if is_elu {
        Vec::new()
    } else {
        sqlx::query_as(
            "select a.assessment_id, t.name as territory_name, a.round_date, a.status,
                    (select count(*) from criterion_answer c where c.assessment_id = a.assessment_id
                        and (c.level is not null or c.not_applicable)) as answered,
                    (select count(*) from criterion_answer c
                      where c.assessment_id = a.assessment_id) as criteria
               from assessment a join territory t using (territory_id)
              where a.status <> 'published'
              order by a.updated_at desc limit $1",
        )
        .bind(RECENT)
        .fetch_all(&pool)
        .await?
    };
    let reports = reports::db::list_readable(&pool, &user, None, RECENT).await?;
    render(&ShowPage {
        ctx,
        is_elu,
        territories,
        assessments,
        reports,
    })
}
