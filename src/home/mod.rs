//! The home page of a signed-in user: for élus, the territories they follow and their
//! published reports; for admins and consultants, a portfolio dashboard (recent assessments
//! with their status and progress, and the latest published reports). Its lists are kept per
//! instance for a few seconds ([`memory`]).

pub mod db;
mod memory;

use std::sync::Arc;

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
pub use memory::HomePages;

pub fn routes() -> Routes {
    Routes::new().get("/", Access::SignedIn, show)
}

#[derive(Template)]
#[template(path = "home/show.html")]
struct ShowPage {
    ctx: PageContext,
    is_elu: bool,
    lists: Arc<memory::HomeLists>,
}

impl ShowPage {
    /// The reports of one followed territory, newest first.
    fn reports_of(&self, territory_id: &i64) -> Vec<&reports::db::ReportListRow> {
        self.lists
            .reports
            .iter()
            .filter(|r| r.territory_id.0 == *territory_id)
            .collect()
    }
}

async fn show(
    ctx: PageContext,
    State(pool): State<PgPool>,
    State(pages): State<Arc<HomePages>>,
    user: CurrentUser,
) -> Result<Response> {
    render(&ShowPage {
        ctx,
        is_elu: user.role == Role::Elu,
        lists: pages.lists(&pool, &user).await?,
    })
}
