//! The reference framework (référentiel): versioned axes, dimensions, criteria with their level
//! descriptors, indicators, challenge and asset tags, and recommendation templates. Versions
//! are installed at start-up from the source files under `datasets/framework/`; `/referentiel`
//! lets every user browse the current one.

pub mod db;
pub mod model;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use sqlx::PgPool;

use crate::error::{Error, Result};
use crate::web::access::{Access, Routes};
use crate::web::{PageContext, render};
use model::{BUILTIN_SOURCES, FrameworkSource};

/// Code of the framework the application assesses with.
pub const FRAMEWORK_CODE: &str = "STI-FR";

/// Installs every built-in framework version (idempotent). Fails loudly, naming the file, when a
/// source breaks a rule or would change a version already in use.
pub async fn install_builtin(pool: &PgPool) -> anyhow::Result<()> {
    for (path, text) in BUILTIN_SOURCES {
        let source = FrameworkSource::parse(text).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        let problems = source.problems();
        anyhow::ensure!(
            problems.is_empty(),
            "{path} is invalid:\n- {}",
            problems.join("\n- ")
        );
        let mut conn = pool.acquire().await?;
        let outcome = db::install(&mut conn, &source)
            .await
            .map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        tracing::info!(
            framework = %source.framework.code,
            version = source.framework.version,
            ?outcome,
            "reference framework"
        );
    }
    Ok(())
}

pub fn routes() -> Routes {
    Routes::new()
        .get("/referentiel", Access::SignedIn, index)
        .get("/referentiel/{code}", Access::SignedIn, show_dimension)
}

#[derive(Template)]
#[template(path = "framework/index.html")]
struct IndexPage {
    ctx: PageContext,
    version: db::VersionRow,
    levels: Vec<db::LevelRow>,
    dimensions: Vec<db::DimensionRow>,
    indicators: Vec<db::IndicatorRow>,
    tags: Vec<db::TagRow>,
}

async fn index(ctx: PageContext, State(pool): State<PgPool>) -> Result<Response> {
    let mut conn = pool.acquire().await?;
    let version = db::current_version(&mut *conn, FRAMEWORK_CODE)
        .await?
        .ok_or(Error::NotFound)?;
    let id = version.framework_version_id;
    let page = IndexPage {
        levels: db::levels(&mut *conn, id).await?,
        dimensions: db::dimensions(&mut *conn, id).await?,
        indicators: db::indicators(&mut *conn, id, None).await?,
        tags: db::tags(&mut *conn, id).await?,
        version,
        ctx,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "framework/dimension.html")]
struct DimensionPage {
    ctx: PageContext,
    version: db::VersionRow,
    dimension: db::DimensionRow,
    levels: Vec<db::LevelRow>,
    criteria: Vec<db::CriterionRow>,
    recommendations: Vec<db::RecommendationRow>,
    indicators: Vec<db::IndicatorRow>,
}

impl DimensionPage {
    fn recommendations_of(&self, criterion: &str) -> Vec<&db::RecommendationRow> {
        self.recommendations
            .iter()
            .filter(|r| r.criterion_code == criterion)
            .collect()
    }
}

async fn show_dimension(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Path(code): Path<String>,
) -> Result<Response> {
    let mut conn = pool.acquire().await?;
    let version = db::current_version(&mut *conn, FRAMEWORK_CODE)
        .await?
        .ok_or(Error::NotFound)?;
    let id = version.framework_version_id;
    let code = code.to_ascii_uppercase();
    let dimension = db::dimensions(&mut *conn, id)
        .await?
        .into_iter()
        .find(|d| d.code == code)
        .ok_or(Error::NotFound)?;
    let page = DimensionPage {
        levels: db::levels(&mut *conn, id).await?,
        criteria: db::criteria(&mut *conn, id, Some(&code)).await?,
        recommendations: db::recommendations(&mut *conn, id, Some(&code)).await?,
        indicators: db::indicators(&mut *conn, id, Some(&code)).await?,
        dimension,
        version,
        ctx,
    };
    render(&page)
}
