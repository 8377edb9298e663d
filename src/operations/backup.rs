//! Backups of the database in use (embedded or `DATABASE_URL`) and their restoration. A backup
//! is one file: a first line `TERRITOIRES-BACKUP <manifest as JSON>` saying what it holds (app
//! version, migration level, framework versions, counts), then the output of the installed
//! `pg_dump` in its custom format, taken in one consistent snapshot while the app keeps
//! serving. A restore goes only into an empty database (unless told to replace it) and refuses
//! a backup made by a newer schema than this binary knows; the start-up that follows applies
//! this binary's newer migrations.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, bail, ensure};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

use crate::database::MIGRATOR;

/// The first word of every backup file.
const MAGIC: &str = "TERRITOIRES-BACKUP";

/// What a backup holds, recorded at its head.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub app_version: String,
    /// The latest migration applied to the database backed up.
    pub migration: i64,
    /// Framework versions loaded, as `CODE vN`.
    pub frameworks: Vec<String>,
    pub created_at: String,
    pub territories: i64,
    pub assessments: i64,
    pub reports: i64,
}

/// The latest migration this binary knows.
pub fn latest_migration() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// A PostgreSQL client program: from the server's binaries when installed (same version as
/// the embedded server), else from the PATH.
fn program(name: &str) -> PathBuf {
    crate::database::embedded::find_bin_dir()
        .map(|dir| dir.join(name))
        .filter(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

/// What the database holds now.
async fn manifest(pool: &PgPool) -> anyhow::Result<Manifest> {
    let migration = sqlx::query_scalar!("select max(version) from _sqlx_migrations where success")
        .fetch_one(pool)
        .await
        .context("the database has no migrations table: nothing to back up")?;
    let frameworks = sqlx::query_scalar!(
        r#"select code || ' v' || version as "version!" from framework_version
            order by code, version"#
    )
    .fetch_all(pool)
    .await?;
    let counts = sqlx::query!(
        r#"select (select count(*) from territory) as "territories!",
                  (select count(*) from assessment) as "assessments!",
                  (select count(*) from report) as "reports!""#
    )
    .fetch_one(pool)
    .await?;
    let (territories, assessments, reports) =
        (counts.territories, counts.assessments, counts.reports);
    Ok(Manifest {
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        migration: migration.unwrap_or(0),
        frameworks,
        created_at: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)?,
        territories,
        assessments,
        reports,
    })
}

/// Writes a backup of the database at `url` (reached through `pool` too) to `file`; returns its
/// manifest. The dump is one snapshot (`pg_dump` runs in a single repeatable-read
/// transaction), so saves that go on meanwhile are either wholly in it or not at all.
pub async fn backup(pool: &PgPool, url: &str, file: &Path) -> anyhow::Result<Manifest> {
    let manifest = manifest(pool).await?;
    let partial = file.with_extension("partial");
    let mut out = tokio::fs::File::create(&partial)
        .await
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let head = serde_json::to_string(&manifest)?;
    out.write_all(format!("{MAGIC} {head}\n").as_bytes())
        .await?;
    let mut dump = Command::new(program("pg_dump"))
        .args([
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--dbname",
        ])
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run pg_dump (install the PostgreSQL client programs)")?;
    let mut stdout = dump.stdout.take().expect("piped");
    tokio::io::copy(&mut stdout, &mut out).await?;
    let result = dump.wait_with_output().await?;
    ensure!(
        result.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&result.stderr).trim()
    );
    out.sync_all().await?;
    drop(out);
    tokio::fs::rename(&partial, file).await?;
    Ok(manifest)
}

/// The manifest at the head of a backup file.
pub async fn read_manifest(file: &Path) -> anyhow::Result<Manifest> {
    let input = tokio::fs::File::open(file)
        .await
        .with_context(|| format!("cannot open {}", file.display()))?;
    let mut head = String::new();
    BufReader::new(input.take(64 * 1024))
        .read_line(&mut head)
        .await?;
    let Some(json) = head.trim_end().strip_prefix(&format!("{MAGIC} ")) else {
        bail!("{} is not a Territoires backup", file.display());
    };
    Ok(serde_json::from_str(json)?)
}

/// Whether the database holds any table of ours (or anything else in its public schema).
pub async fn is_empty(pool: &PgPool) -> anyhow::Result<bool> {
    let tables = sqlx::query_scalar!(
        r#"select count(*) as "count!" from pg_tables where schemaname = 'public'"#
    )
    .fetch_one(pool)
    .await?;
    Ok(tables == 0)
}

/// The line of a dump's SQL that empties the search_path for the whole restore.
const EMPTY_SEARCH_PATH: &[u8] = b"SELECT pg_catalog.set_config('search_path', '', false);";
/// How backups made before migration 15 create the territory's updated_at trigger, which
/// PostgreSQL refuses on a table with a generated column; and how migration 15 creates it.
const OLD_TERRITORY_TRIGGER: &[u8] = b"CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.territory FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION public.set_updated_at();";
const TERRITORY_TRIGGER: &[u8] = b"CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.territory FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();\n";

/// Loads the dump part of `file` into the database at `url` in one transaction: pg_restore
/// turns it into SQL, psql runs it. Two statements of older backups are mended on the way:
/// the search_path the dump empties is set to `public` (the database's own `search_key`,
/// used by generated columns, called another function without naming its schema before
/// migration 14), and the territory's updated_at trigger is created as migration 15 does.
async fn restore_dump(file: &Path, url: &str) -> anyhow::Result<()> {
    let mut input = BufReader::new(tokio::fs::File::open(file).await?);
    let mut head = String::new();
    input.read_line(&mut head).await?;
    let mut to_sql = Command::new(program("pg_restore"))
        .args(["--no-owner", "--no-privileges", "--file=-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run pg_restore (install the PostgreSQL client programs)")?;
    let mut psql = Command::new(program("psql"))
        .args([
            "--quiet",
            "--no-psqlrc",
            "--set=ON_ERROR_STOP=1",
            "--single-transaction",
        ])
        .arg("--dbname")
        .arg(url)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run psql (install the PostgreSQL client programs)")?;
    let mut dump_in = to_sql.stdin.take().expect("piped");
    let mut sql_out = BufReader::new(to_sql.stdout.take().expect("piped"));
    let mut sql_in = psql.stdin.take().expect("piped");
    let feed = async move {
        tokio::io::copy(&mut input, &mut dump_in).await?;
        drop(dump_in);
        anyhow::Ok(())
    };
    let pass = async move {
        let mut line = Vec::new();
        let mut replaced = false;
        loop {
            line.clear();
            if sql_out.read_until(b'\n', &mut line).await? == 0 {
                break;
            }
            if !replaced && line.trim_ascii_end() == EMPTY_SEARCH_PATH {
                sql_in
                    .write_all(b"SELECT pg_catalog.set_config('search_path', 'public', false);\n")
                    .await?;
                replaced = true;
            } else if line.trim_ascii_end() == OLD_TERRITORY_TRIGGER {
                sql_in.write_all(TERRITORY_TRIGGER).await?;
            } else {
                sql_in.write_all(&line).await?;
            }
        }
        drop(sql_in);
        anyhow::Ok(())
    };
    // A side that fails (psql stops at the first error) closes its pipe: report the programs'
    // own messages, which say why.
    let _ = tokio::join!(feed, pass);
    let (converted, loaded) = tokio::join!(to_sql.wait_with_output(), psql.wait_with_output());
    let (converted, loaded) = (converted?, loaded?);
    ensure!(
        loaded.status.success(),
        "the restore failed: {}",
        String::from_utf8_lossy(&loaded.stderr).trim()
    );
    ensure!(
        converted.status.success(),
        "pg_restore failed: {}",
        String::from_utf8_lossy(&converted.stderr).trim()
    );
    Ok(())
}

/// Restores `file` into the database at `url`: refused when the backup comes from a newer
/// schema than this binary knows, or when the database is not empty unless `replace` (which
/// first empties it). Returns the backup's manifest.
pub async fn restore(
    pool: &PgPool,
    url: &str,
    file: &Path,
    replace: bool,
) -> anyhow::Result<Manifest> {
    let manifest = read_manifest(file).await?;
    ensure!(
        manifest.migration <= latest_migration(),
        "this backup comes from a newer version (migration {}, this binary knows up to {}): \
         restore it with that version or a later one",
        manifest.migration,
        latest_migration()
    );
    if !is_empty(pool).await? {
        ensure!(
            replace,
            "the target database is not empty: restore into an empty data dir or database, or \
             pass --replace to discard what it holds"
        );
        sqlx::raw_sql("drop schema public cascade; create schema public;")
            .execute(pool)
            .await?;
    }
    restore_dump(file, url).await?;
    Ok(manifest)
}
