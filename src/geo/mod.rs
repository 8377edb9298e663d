//! The official French geography: communes, EPCI, départements and régions from Etalab's
//! `@etalab/decoupage-administratif`, imported on first start (`territoires geo import`
//! refreshes it), and `/geo/recherche`, the accent-insensitive, typo-tolerant search that the
//! territory forms use (an HTML fragment for htmx, JSON on `Accept: application/json`).

pub mod db;
pub mod import;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sqlx::PgPool;

use crate::error::Result;
use crate::vocabulary::AreaKind;
use crate::web::access::{Access, Routes};
use crate::web::{PageContext, render};

/// The régions and départements by code, as the list filters offer them: read from the
/// database at most every [`AREA_LISTS_KEPT`] per instance (they change only at a geography
/// import).
#[derive(Default)]
pub struct AreaLists {
    lists: Mutex<Option<(Instant, Arc<Divisions>)>>,
}

/// The régions and the départements, each as (code, name) by code.
pub struct Divisions {
    pub regions: Vec<(String, String)>,
    pub departements: Vec<(String, String)>,
}

/// How long an instance keeps the régions and départements before reading them again.
pub const AREA_LISTS_KEPT: Duration = Duration::from_secs(300);

impl AreaLists {
    pub async fn get(&self, conn: &mut sqlx::PgConnection) -> Result<Arc<Divisions>> {
        if let Ok(lists) = self.lists.lock()
            && let Some((read_at, divisions)) = lists.as_ref()
            && read_at.elapsed() < AREA_LISTS_KEPT
        {
            return Ok(divisions.clone());
        }
        let divisions = Arc::new(Divisions {
            regions: db::list_kind(&mut *conn, AreaKind::Region).await?,
            departements: db::list_kind(&mut *conn, AreaKind::Departement).await?,
        });
        if let Ok(mut lists) = self.lists.lock() {
            *lists = Some((Instant::now(), divisions.clone()));
        }
        Ok(divisions)
    }
}

/// How many results a search returns at most.
pub const SEARCH_LIMIT: i64 = 20;
/// Longest query accepted (longer ones are cut).
const MAX_QUERY_CHARS: usize = 100;

pub fn routes() -> Routes {
    Routes::new().get("/geo/recherche", Access::Staff, search)
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: String,
}

impl SearchParams {
    /// The query, trimmed and bounded; `None` when too short to search.
    pub fn query(&self) -> Option<String> {
        let q: String = self.q.trim().chars().take(MAX_QUERY_CHARS).collect();
        (q.chars().count() >= 2).then_some(q)
    }

    /// The kind filter when it names a kind of area.
    pub fn kind(&self) -> Option<&str> {
        ["commune", "epci", "departement", "region"]
            .into_iter()
            .find(|k| *k == self.kind)
    }
}

/// Runs a search (empty when the query is too short).
pub async fn find_areas(pool: &PgPool, params: &SearchParams) -> Result<Vec<db::AreaRow>> {
    Ok(match params.query() {
        Some(q) => {
            let mut conn = pool.acquire().await?;
            db::search(&mut conn, &q, params.kind(), SEARCH_LIMIT).await?
        }
        None => Vec::new(),
    })
}

#[derive(Template)]
#[template(path = "geo/results.html")]
pub struct ResultsFragment {
    pub ctx: PageContext,
    pub query: String,
    pub areas: Vec<db::AreaRow>,
    /// The area currently chosen in the form, if any.
    pub selected: Option<i64>,
}

impl ResultsFragment {
    fn is_selected(&self, id: &i64) -> bool {
        self.selected == Some(*id)
    }
}

async fn search(
    ctx: PageContext,
    State(pool): State<PgPool>,
    headers: HeaderMap,
    Query(params): Query<SearchParams>,
) -> Result<Response> {
    let areas = find_areas(&pool, &params).await?;
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if wants_json {
        return Ok(Json(areas).into_response());
    }
    render(&ResultsFragment {
        ctx,
        query: params.q.trim().to_owned(),
        areas,
        selected: None,
    })
}
