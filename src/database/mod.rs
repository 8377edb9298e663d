//! The connection to PostgreSQL: the server named by `DATABASE_URL`, or else the embedded
//! cluster under the data dir; the pool settings every instance uses; the migrations, which run
//! at start-up.

pub mod embedded;

use std::path::Path;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

pub use embedded::{Durability, EmbeddedError, EmbeddedPostgres};

/// The migrations embedded in the binary, shared by the app and the tests.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Name of the application database inside the embedded cluster.
pub const EMBEDDED_DATABASE: &str = "territoires";

/// An open database: the pool, plus the embedded cluster when we started one (to stop it last).
pub struct Database {
    pub pool: PgPool,
    /// The connection URL of the application database (for `pg_dump` and `pg_restore`).
    pub url: String,
    pub embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// Connects to `database_url`, or starts the embedded cluster in `data_dir` and connects to
    /// its application database (created on first start).
    pub async fn open(database_url: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        let (url, embedded) = match database_url {
            Some(url) => (url.to_owned(), None),
            None => {
                let dir = data_dir.to_path_buf();
                let cluster = tokio::task::spawn_blocking(move || {
                    EmbeddedPostgres::start(&dir, Durability::Durable)
                })
                .await??;
                create_database_if_missing(&cluster.url("postgres"), EMBEDDED_DATABASE).await?;
                (cluster.url(EMBEDDED_DATABASE), Some(cluster))
            }
        };
        let pool = pool_options().connect_with(connect_options(&url)?).await?;
        Ok(Self {
            pool,
            url,
            embedded,
        })
    }

    /// Closes the pool, then stops the embedded cluster if we run one.
    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(cluster) = self.embedded {
            tokio::task::spawn_blocking(move || cluster.stop()).await??;
        }
        Ok(())
    }
}

/// Pool settings: no ping before each acquire (a dead connection fails its first query and is
/// replaced), bounded waits so an overloaded database gives errors rather than hung requests.
pub fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(16)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .test_before_acquire(false)
}

/// Parses a URL into connection options, with statement logging reduced to slow statements.
pub fn connect_options(url: &str) -> anyhow::Result<PgConnectOptions> {
    Ok(url
        .parse::<PgConnectOptions>()?
        .log_statements(tracing::log::LevelFilter::Trace)
        .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500))
        .application_name("territoires"))
}

/// Applies the pending migrations (idempotent: already-applied ones are skipped).
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await?;
    Ok(())
}

/// Creates database `name` through the maintenance URL `admin_url` unless it exists.
pub async fn create_database_if_missing(admin_url: &str, name: &str) -> anyhow::Result<()> {
    let mut conn = PgConnection::connect_with(&connect_options(admin_url)?).await?;
    let exists: bool = sqlx::query_scalar!(
        r#"select exists (select 1 from pg_database where datname = $1) as "exists!""#,
        name
    )
    .fetch_one(&mut conn)
    .await?;
    if !exists {
        sqlx::query(&format!("create database {}", quote_ident(name)))
            .execute(&mut conn)
            .await?;
    }
    conn.close().await?;
    Ok(())
}

/// Whether `error` is PostgreSQL refusing a write because of `constraint` (a unique key
/// that a concurrent or repeated creation hit), which the caller reports at a field.
pub fn violates(error: &sqlx::Error, constraint: &str) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.constraint() == Some(constraint))
}

/// Quotes an SQL identifier (for the few statements that cannot take bind parameters).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A round trip to the database, bounded in time, for health checks.
pub async fn ping(pool: &PgPool) -> bool {
    let query = sqlx::query_scalar!(r#"select 1 as "one!""#).fetch_one(pool);
    matches!(
        tokio::time::timeout(Duration::from_secs(2), query).await,
        Ok(Ok(1))
    )
}
