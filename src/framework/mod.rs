//! The reference framework (référentiel): versioned axes, dimensions, criteria with their level
//! descriptors, indicators, challenge and asset tags, and recommendation templates. Versions
//! are installed at start-up from the source files under `datasets/framework/`; `/referentiel`
//! lets every user browse the current one.

pub mod db;
pub mod model;
pub mod v2;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::Query;
use serde::Deserialize;
use sqlx::PgPool;

use crate::error::{Error, Result};
use crate::text::Text;
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
        let problems = problems(&source);
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

/// Every rule a source breaks: the common ones, and version 2's from version 2 on.
pub fn problems(source: &FrameworkSource) -> Vec<String> {
    let mut problems = source.problems();
    if source.framework.version >= 2 {
        problems.extend(v2::problems(source));
    }
    problems
}

pub fn routes() -> Routes {
    Routes::new()
        .get("/referentiel", Access::SignedIn, index)
        .get("/referentiel/changements", Access::SignedIn, changes)
        .get("/referentiel/{code}", Access::SignedIn, show_dimension)
}

/// `?version=N`: a version other than the current one.
#[derive(Debug, Default, Deserialize)]
struct VersionParam {
    #[serde(default)]
    version: String,
}

/// The version asked for (the current one by default), with every version, newest first.
async fn chosen_version(
    conn: &mut sqlx::PgConnection,
    param: &VersionParam,
) -> Result<(db::VersionRow, Vec<db::VersionRow>)> {
    let versions = db::versions(&mut *conn, FRAMEWORK_CODE).await?;
    let chosen = match param.version.trim() {
        "" => versions.first(),
        n => versions
            .iter()
            .find(|v| n.parse::<i32>().is_ok_and(|n| n == v.version)),
    }
    .cloned()
    .ok_or(Error::NotFound)?;
    Ok((chosen, versions))
}

/// The query string that keeps a version other than the current one in links.
fn version_query(version: &db::VersionRow, versions: &[db::VersionRow]) -> String {
    if versions
        .first()
        .is_some_and(|v| v.version == version.version)
    {
        String::new()
    } else {
        format!("?version={}", version.version)
    }
}

#[derive(Template)]
#[template(path = "framework/index.html")]
struct IndexPage {
    ctx: PageContext,
    version: db::VersionRow,
    versions: Vec<db::VersionRow>,
    levels: Vec<db::LevelRow>,
    dimensions: Vec<db::DimensionRow>,
    indicators: Vec<db::IndicatorRow>,
    tags: Vec<db::TagRow>,
}

impl IndexPage {
    fn version_query(&self) -> String {
        version_query(&self.version, &self.versions)
    }
}

async fn index(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Query(param): Query<VersionParam>,
) -> Result<Response> {
    let mut conn = pool.acquire().await?;
    let (version, versions) = chosen_version(&mut conn, &param).await?;
    let id = version.framework_version_id;
    let page = IndexPage {
        levels: db::levels(&mut *conn, id).await?,
        dimensions: db::dimensions(&mut *conn, id).await?,
        indicators: db::indicators(&mut *conn, id, None).await?,
        tags: db::tags(&mut *conn, id).await?,
        version,
        versions,
        ctx,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "framework/dimension.html")]
struct DimensionPage {
    ctx: PageContext,
    version: db::VersionRow,
    versions: Vec<db::VersionRow>,
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

    fn version_query(&self) -> String {
        version_query(&self.version, &self.versions)
    }
}

async fn show_dimension(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Path(code): Path<String>,
    Query(param): Query<VersionParam>,
) -> Result<Response> {
    let mut conn = pool.acquire().await?;
    let (version, versions) = chosen_version(&mut conn, &param).await?;
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
        versions,
        ctx,
    };
    render(&page)
}

/// What changed from one version to the next: the criteria added, carried with a change
/// (the correspondence's notes), and removed.
#[derive(Template)]
#[template(path = "framework/changes.html")]
struct ChangesPage {
    ctx: PageContext,
    from: db::VersionRow,
    to: db::VersionRow,
    /// Newer criteria no older one maps to.
    added: Vec<db::CriterionRow>,
    /// (older code, newer criterion, note) where the correspondence says what changed.
    changed: Vec<(String, db::CriterionRow, Text)>,
    dropped: Vec<(String, Text)>,
}

async fn changes(ctx: PageContext, State(pool): State<PgPool>) -> Result<Response> {
    let mut conn = pool.acquire().await?;
    let versions = db::versions(&mut *conn, FRAMEWORK_CODE).await?;
    let [to, from, ..] = versions.as_slice() else {
        return Err(Error::NotFound);
    };
    let correspondence = v2::correspondence(from.version, to.version).ok_or(Error::NotFound)?;
    let criteria = db::criteria(&mut *conn, to.framework_version_id, None).await?;
    let mut added = Vec::new();
    let mut changed = Vec::new();
    for c in criteria {
        let sources: Vec<&v2::Mapped> = correspondence
            .map
            .iter()
            .filter(|m| m.to == c.code)
            .collect();
        if sources.is_empty() {
            added.push(c);
            continue;
        }
        for m in sources {
            if let (Some(fr), Some(en)) = (&m.note_fr, &m.note_en) {
                let note = Text {
                    fr: fr.clone(),
                    en: en.clone(),
                };
                changed.push((m.from.clone(), c.clone(), note));
            }
        }
    }
    let dropped = correspondence
        .dropped
        .iter()
        .map(|d| {
            let reason = Text {
                fr: d.reason_fr.clone(),
                en: d.reason_en.clone(),
            };
            (d.from.clone(), reason)
        })
        .collect();
    render(&ChangesPage {
        from: from.clone(),
        to: to.clone(),
        added,
        changed,
        dropped,
        ctx,
    })
}
