//! The home page: what Territoires is and where to start.

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::error::Result;
use crate::web::{PageContext, render};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(show))
}

#[derive(Template)]
#[template(path = "home/show.html")]
struct ShowPage {
    ctx: PageContext,
}

async fn show(ctx: PageContext) -> Result<Response> {
    render(&ShowPage { ctx })
}
