//! The official French geography: communes, EPCI, départements and régions from Etalab's
//! `@etalab/decoupage-administratif`, imported on first start (`territoires geo import`
//! refreshes it), and `/geo/recherche`, the accent-insensitive, typo-tolerant search that the
//! territory forms use (an HTML fragment for htmx, JSON on `Accept: application/json`),
//! answered from the geography each instance holds in memory ([`Geography`]).

pub mod db;
pub mod import;
pub mod index;

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
use crate::web::access::{Access, Routes};
use crate::web::{PageContext, render};
use index::GeoIndex;

/// The geography as this instance holds it in memory ([`index::GeoIndex`]): loaded at the
/// first use, and compared with the database's last import at most every [`GEOGRAPHY_CHECKED`]
/// (one small query), so a `territoires geo import` reaches every instance within that bound.
/// While one request checks or reloads, the others go on with the index they have.
#[derive(Default)]
pub struct Geography {
    held: Mutex<Option<Held>>,
    loading: tokio::sync::Mutex<()>,
}

struct Held {
    checked_at: Instant,
    import_id: Option<i64>,
    index: Arc<GeoIndex>,
}

/// How long an instance answers from its geography before checking for a newer import.
pub const GEOGRAPHY_CHECKED: Duration = Duration::from_secs(10);

impl Geography {
    /// The geography, fresh within [`GEOGRAPHY_CHECKED`].
    pub async fn get(&self, pool: &PgPool) -> Result<Arc<GeoIndex>> {
        let held = self.held.lock().ok().and_then(|held| {
            held.as_ref()
                .map(|h| (h.checked_at.elapsed() < GEOGRAPHY_CHECKED, h.index.clone()))
        });
        let _loading = match (held, self.loading.try_lock()) {
            (Some((true, index)), _) | (Some((false, index)), Err(_)) => return Ok(index),
            (_, Ok(loading)) => loading,
            (None, Err(_)) => self.loading.lock().await,
        };
        let mut conn = pool.acquire().await?;
        let import_id = db::last_import(&mut *conn).await?;
        let reusable = self.held.lock().ok().and_then(|mut held| {
            let h = held.as_mut().filter(|h| h.import_id == import_id)?;
            h.checked_at = Instant::now();
            Some(h.index.clone())
        });
        if let Some(index) = reusable {
            return Ok(index);
        }
        let index = Arc::new(GeoIndex::new(db::all_areas(&mut *conn).await?));
        if let Ok(mut held) = self.held.lock() {
            *held = Some(Held {
                checked_at: Instant::now(),
                import_id,
                index: index.clone(),
            });
        }
        Ok(index)
    }
}

/// How many results a search returns at most.
pub const SEARCH_LIMIT: usize = 20;
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

/// Runs a search in this instance's geography (empty when the query is too short).
pub async fn find_areas(
    pool: &PgPool,
    geography: &Geography,
    params: &SearchParams,
) -> Result<Vec<db::AreaRow>> {
    Ok(match params.query() {
        Some(q) => geography
            .get(pool)
            .await?
            .search(&q, params.kind(), SEARCH_LIMIT),
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
    State(geography): State<Arc<Geography>>,
    headers: HeaderMap,
    Query(params): Query<SearchParams>,
) -> Result<Response> {
    let areas = find_areas(&pool, &geography, &params).await?;
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
