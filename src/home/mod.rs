//! The home page of a signed-in user: for élus, the territories they follow; for admins and
//! consultants, where to start (the portfolio dashboard grows with assessments and reports).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use sqlx::PgPool;

use crate::accounts::Role;
use crate::accounts::session::CurrentUser;
use crate::error::Result;
use crate::web::access::{Access, Routes};
use crate::web::{PageContext, render};

pub fn routes() -> Routes {
    Routes::new().get("/", Access::SignedIn, show)
}

/// A territory an élu follows.
#[derive(Debug, sqlx::FromRow)]
pub struct FollowedTerritory {
    pub territory_id: i64,
    pub name: String,
    pub kind: String,
}

#[derive(Template)]
#[template(path = "home/show.html")]
struct ShowPage {
    ctx: PageContext,
    is_elu: bool,
    territories: Vec<FollowedTerritory>,
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
    render(&ShowPage {
        ctx,
        is_elu,
        territories,
    })
}
