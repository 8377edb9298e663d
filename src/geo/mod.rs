//! The official French geography: communes, EPCI, départements and régions from Etalab's
//! `@etalab/decoupage-administratif`, imported on first start (`territoires geo import`
//! refreshes it), and `/geo/recherche`, the accent-insensitive, typo-tolerant search that the
//! territory forms use (an HTML fragment for htmx, JSON on `Accept: application/json`),
//! answered from the geography each instance holds in memory ([`Geography`]).

pub mod db;
pub mod import;
pub mod index;

use std::sync::{Arc, Mutex};

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sqlx::PgPool;

use crate::cache::{Generation, Generations, Topic};
use crate::error::Result;
use crate::web::access::{Access, Routes};
use crate::web::{PageContext, render};
use index::GeoIndex;

/// The geography as this instance holds it in memory ([`index::GeoIndex`]): loaded at the
/// first use, and loaded again when the geography's generation changes (a `territoires geo
/// import`, seen within the session cache's bound: see [`crate::cache`]). While one request
/// reloads, the others go on with the index they have.
pub struct Geography {
    held: Mutex<Option<(Generation, Arc<GeoIndex>)>>,
    loading: tokio::sync::Mutex<()>,
    generations: Arc<Generations>,
}

impl Geography {
    pub fn new(generations: Arc<Generations>) -> Self {
        Self {
            held: Mutex::default(),
            loading: tokio::sync::Mutex::default(),
            generations,
        }
    }

    /// The geography of the current generation (or the one held while another request loads
    /// it).
    pub async fn get(&self, pool: &PgPool) -> Result<Arc<GeoIndex>> {
        let generation = self.generations.of(pool, &[Topic::Geography]).await?;
        let held = self.held.lock().ok().and_then(|held| held.clone());
        let _loading = match (held, self.loading.try_lock()) {
            (Some((at, index)), _) if at == generation => return Ok(index),
            (Some((_, index)), Err(_)) => return Ok(index),
            (_, Ok(loading)) => loading,
            (None, Err(_)) => self.loading.lock().await,
        };
        // Another request may have loaded it while this one waited.
        if let Some((at, index)) = self.held.lock().ok().and_then(|held| held.clone())
            && at == generation
        {
            return Ok(index);
        }
        let index = Arc::new(GeoIndex::new(db::all_areas(pool).await?));
        if let Ok(mut held) = self.held.lock() {
            *held = Some((generation, index.clone()));
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
