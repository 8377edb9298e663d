//! The PDF of a published report (issue #16): its print layout (cover, contents, every section
//! expanded, running header with the territory and date, page numbers "n / N" from the print
//! stylesheet) rendered once by headless Chromium (Debian's `chromium`, or the program named
//! by CHROMIUM) into a file, stored per language and served as stored. Without Chromium,
//! publication still succeeds; `territoires pdf --missing` renders what is missing later.

use std::path::{Path, PathBuf};
use std::time::Duration;

use askama::Template;
use sqlx::PgPool;

use super::db;
use crate::error::Result;
use crate::i18n::{I18n, Lang};
use crate::vocabulary::ReportId;
use crate::web::PageContext;

/// How long one rendering may take (about 3 s here); past it, Chromium is stopped and the PDF
/// is left to `territoires pdf --missing`.
const RENDER_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a publication request waits for its PDFs (requests may last 30 s); past it, the
/// rendering stops and the PDFs are left to `territoires pdf --missing`.
pub const PUBLICATION_BUDGET: Duration = Duration::from_secs(25);

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
        let output = tokio::time::timeout(RENDER_TIMEOUT, command.output()).await??;
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
/// (or the one on the PATH). Returns how many were stored; none without a working Chromium
/// (said in the log): the report stays published.
pub async fn render(pool: &PgPool, report: ReportId, configured: Option<&Path>) -> Result<usize> {
    let Some(program) = chromium(configured) else {
        tracing::warn!(%report, "no Chromium: the report's PDF is not rendered (install chromium, then run `territoires pdf --missing`)");
        return Ok(0);
    };
    let mut stored = 0;
    for lang in [Lang::Fr, Lang::En] {
        if db::has_pdf(pool, report, lang).await? {
            continue;
        }
        let html = document(pool, report, lang).await?;
        let started = std::time::Instant::now();
        match print(&program, &html).await {
            Ok(pdf) => {
                db::store_pdf(pool, report, lang, &pdf).await?;
                tracing::info!(%report, lang = lang.code(), bytes = pdf.len(), ms = started.elapsed().as_millis() as u64, "report PDF rendered");
                stored += 1;
            }
            Err(e) => tracing::warn!(%report, lang = lang.code(), "report PDF not rendered: {e:#}"),
        }
    }
    Ok(stored)
}

/// Renders the PDFs of every published report that lacks one; how many were stored.
pub async fn render_missing(pool: &PgPool, configured: Option<&Path>) -> Result<usize> {
    let mut stored = 0;
    for report in db::without_pdf(pool).await? {
        stored += render(pool, report, configured).await?;
    }
    Ok(stored)
}
