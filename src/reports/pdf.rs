//! The PDF of a published report (issue #16): its print layout (cover, contents, every section
//! expanded, running header with the territory and date, page numbers "n / N" from the print
//! stylesheet) rendered once by headless Chromium (Debian's `chromium`, or the program named
//! by CHROMIUM) into a file, stored per language and served as stored. Publication enqueues a
//! durable job ([`crate::jobs`]) in its transaction; the worker of any instance runs it
//! ([`work`]: the bodies compressed for sending, then the PDFs), so the request never waits for
//! brotli or Chromium and a crash only delays them.
//! `territoires pdf --missing` and `territoires demo` run the same jobs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use askama::Template;
use sqlx::PgPool;

use std::sync::Arc;

use tokio::sync::Notify;

use super::db;
use crate::cache::Generations;
use crate::config::Config;
use crate::error::Result;
use crate::i18n::{I18n, Lang};
use crate::jobs;
use crate::vocabulary::ReportId;
use crate::web::PageContext;

/// How long one rendering may take (about 3 s here); past it, Chromium is stopped and the PDF
/// is left to `territoires pdf --missing`.
const RENDER_TIMEOUT: Duration = Duration::from_secs(60);

/// How often an idle worker looks for jobs enqueued by another instance or due again.
const POLL: Duration = Duration::from_secs(2);

/// The Chromium program: the one configured (CHROMIUM), else the first of the usual names
/// on the PATH.
pub fn chromium(configured: Option<&Path>) -> Option<PathBuf> {
    if let Some(program) = configured {
        return Some(program.to_owned());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| {
            ["chromium", "chromium-browser", "google-chrome"].map(|name| dir.join(name))
        })
        .find(|candidate| candidate.is_file())
}

/// The whole printable document around a report body.
#[derive(Template)]
#[template(path = "reports/print.html")]
struct PrintDocument<'a> {
    ctx: PageContext,
    title: &'a str,
    running: String,
    css: &'a str,
    body: &'a str,
}

/// The printable document of a stored report in `lang`: its body with every collapsed part
/// open, the stylesheet inline, the running header.
pub async fn document(pool: &PgPool, report: ReportId, lang: Lang) -> Result<String> {
    let data = db::snapshot(pool, report)
        .await?
        .ok_or(crate::error::Error::NotFound)?;
    let body = db::body(pool, report, lang)
        .await?
        .text
        .replace("<details", "<details open");
    let ctx = PageContext {
        i18n: I18n::new(lang),
        path: String::new(),
        query: String::new(),
        user: None,
    };
    let css = crate::web::assets::text("app.css").unwrap_or_default();
    let running = format!(
        "{} · {}",
        data.territory.name,
        crate::format::iso_date(lang, &data.round_date)
    );
    Ok(PrintDocument {
        title: &format!("{} · {}", ctx.t("report-title"), data.territory.name),
        running: running.replace('\\', "").replace('"', "'"),
        css: &css,
        body: &body,
        ctx,
    }
    .render()?)
}

/// Prints `html` to PDF with Chromium; the PDF's bytes.
pub async fn print(program: &Path, html: &str) -> anyhow::Result<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!("territoires-pdf-{}", uuid::Uuid::new_v4()));
    tokio::fs::create_dir_all(&dir).await?;
    let result = async {
        let page = dir.join("report.html");
        let out = dir.join("report.pdf");
        tokio::fs::write(&page, html).await?;
        let mut command = tokio::process::Command::new(program);
        command
            .arg("--headless")
            .arg("--no-sandbox")
            .arg("--disable-gpu")
            .arg("--disable-dev-shm-usage")
            .arg("--no-first-run")
            .arg("--no-pdf-header-footer")
            .arg("--generate-pdf-document-outline")
            .arg(format!("--user-data-dir={}", dir.join("profile").display()))
            .arg(format!("--print-to-pdf={}", out.display()))
            .arg(format!("file://{}", page.display()))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        let output = tokio::time::timeout(RENDER_TIMEOUT, command.output())
            .await
            .map_err(|_| anyhow::anyhow!("Chromium took more than {RENDER_TIMEOUT:?}"))?
            .map_err(|e| anyhow::anyhow!("cannot run {}: {e}", program.display()))?;
        let pdf = tokio::fs::read(&out).await.unwrap_or_default();
        anyhow::ensure!(
            pdf.starts_with(b"%PDF"),
            "chromium did not print the report ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or_default()
        );
        Ok(pdf)
    }
    .await;
    let _ = tokio::fs::remove_dir_all(&dir).await;
    result
}

/// Renders and stores the PDFs a report lacks (French and English) with `configured` Chromium
/// (or the one on the PATH); how many were stored, or why one could not be.
async fn render_both(
    pool: &PgPool,
    report: ReportId,
    configured: Option<&Path>,
) -> anyhow::Result<usize> {
    let program = chromium(configured)
        .ok_or_else(|| anyhow::anyhow!("no Chromium (install chromium, or set CHROMIUM)"))?;
    let mut stored = 0;
    for lang in [Lang::Fr, Lang::En] {
        if db::has_pdf(pool, report, lang).await? {
            continue;
        }
        let html = document(pool, report, lang).await?;
        let started = std::time::Instant::now();
        let pdf = print(&program, &html).await?;
        db::store_pdf(pool, report, lang, &pdf).await?;
        tracing::info!(%report, lang = lang.code(), bytes = pdf.len(), ms = started.elapsed().as_millis() as u64, "report PDF rendered");
        stored += 1;
    }
    Ok(stored)
}

/// A report's job: its bodies compressed for sending (publication leaves that to it), then its
/// missing PDFs; how many PDFs were stored.
async fn report_job(
    pool: &PgPool,
    report: ReportId,
    configured: Option<&Path>,
) -> anyhow::Result<usize> {
    for lang in [Lang::Fr, Lang::En] {
        super::memory::read_encoded(pool, report, lang)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    render_both(pool, report, configured).await
}

/// Renders a report's missing PDFs at once, outside the jobs (tests, tools); how many were
/// stored, none when Chromium fails (said in the log).
pub async fn render(pool: &PgPool, report: ReportId, configured: Option<&Path>) -> Result<usize> {
    match render_both(pool, report, configured).await {
        Ok(stored) => Ok(stored),
        Err(e) => {
            tracing::warn!(%report, "report PDF not rendered: {e:#}");
            Ok(0)
        }
    }
}

/// Makes the PDF job of every published report without its two PDFs due now, then runs the
/// due jobs (`territoires pdf --missing`); how many jobs were done.
pub async fn render_missing(pool: &PgPool, config: &Config) -> Result<usize> {
    for report in db::without_pdf(pool).await? {
        jobs::enqueue_report_pdf(pool, report).await?;
    }
    run_due(pool, config, None).await
}

/// Runs the due PDF jobs one after another until none is due (a job enqueued meanwhile
/// included); how many were done. A job that fails is due again later (see
/// [`jobs::failed`]); a job done is a change handled here (`generations`), so the report's
/// page links its PDFs at once on this instance.
pub async fn run_due(
    pool: &PgPool,
    config: &Config,
    generations: Option<&Generations>,
) -> Result<usize> {
    let lease = Duration::from_millis(config.job_lease_ms);
    let backoff = Duration::from_millis(config.job_backoff_ms);
    let mut done = 0;
    while let Some(job) = jobs::claim(pool, lease).await? {
        let report = job.report_id;
        match report_job(pool, report, config.chromium.as_deref()).await {
            Ok(_) => {
                jobs::done(pool, &job).await?;
                if let Some(generations) = generations {
                    generations.handled_here();
                }
                done += 1;
            }
            Err(e) => {
                tracing::warn!(%report, attempt = job.attempts, "report PDF not rendered: {e:#}");
                jobs::failed(pool, &job, &format!("{e:#}"), backoff).await?;
            }
        }
    }
    Ok(done)
}

/// An instance's PDF worker: runs the due jobs, then waits for a publication on this instance
/// (`wake`) or the next look ([`POLL`]) for jobs enqueued elsewhere or due again.
pub async fn work(
    pool: PgPool,
    config: Arc<Config>,
    wake: Arc<Notify>,
    generations: Arc<Generations>,
) {
    loop {
        if let Err(e) = run_due(&pool, &config, Some(&generations)).await {
            tracing::warn!("PDF jobs: {e}");
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}
