//! Diagnostic reports. Publishing an assessment (from review) scores it, builds the report's
//! content, renders its body once in French and in English, and stores all of it as an
//! immutable snapshot; `/rapports/{id}` then serves the stored body (élus: only their
//! territories'), revalidated with an ETag, and its annexes (method and glossary) at
//! `/rapports/{id}/annexes`, so that the page an élu opens carries the report itself, not its
//! appendices; the PDF keeps them. Consultants preview an unpublished assessment as a
//! draft report built on the fly.

mod brief;
pub mod charts;
pub mod db;
mod explain;
mod followup;
pub mod gantt;
mod memory;
pub mod model;
pub mod narrative;
pub mod pdf;
mod publish;
mod sources;
pub mod workbook;

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;

use crate::auth::CurrentUser;
use crate::diagnosis::scoring::{self, Kind};
use crate::error::{Error, Result};
use crate::i18n::{I18n, Lang};
use crate::vocabulary::{AssessmentId, ReportId};
use crate::web::access::{Access, Routes};
use crate::web::caching::Caching;
use crate::web::{Id, PageContext, PagePath, render, spliced};
pub use memory::{BodyCache, ReadableReports};
use model::{DimensionPart, ReportData, Text};
use publish::build;
pub use publish::{Refusal, publish_assessment};

pub fn routes() -> Routes {
    Routes::new()
        .post("/evaluations/{id}/publier", Access::Staff, publish::publish)
        .get("/evaluations/{id}/apercu", Access::Staff, preview)
        .get("/evaluations/{id}/synthese", Access::Staff, brief::page)
        .post("/evaluations/{id}/synthese", Access::Staff, brief::save)
        // `/rapports/{id}` and `/rapports/{id}.xlsx` (the workbook of the same report).
        .get("/rapports/{id}", Access::SignedIn, show)
        .get("/rapports/{id}/annexes", Access::SignedIn, annexes)
        .get("/rapports/{id}/suivi", Access::SignedIn, followup::page)
        .post(
            "/rapports/{id}/suivi/etapes/{step}",
            Access::Staff,
            followup::set_status,
        )
}

/// Where a body's annexes (method, glossary) begin: `/rapports/{id}` sends the part before,
/// `/rapports/{id}/annexes` the part after, the preview and the PDF the whole body. A body
/// published before the annexes had a page of their own has no mark: its page is all of it.
const ANNEXES_MARK: &str = "<!--annexes-->";

/// A body's reading part and its annexes (empty when it has none of its own).
pub fn split_annexes(body: &str) -> (&str, &str) {
    body.split_once(ANNEXES_MARK).unwrap_or((body, ""))
}

/// The report's body (everything inside the page layout), in one language.
#[derive(Template)]
#[template(path = "reports/body.html")]
pub struct ReportBody<'a> {
    pub ctx: PageContext,
    pub data: &'a ReportData,
    pub draft: bool,
    /// The acronyms already marked with `<abbr>` (the first appearance only).
    pub marked: std::cell::RefCell<std::collections::BTreeSet<String>>,
    /// The glossary entries of the acronyms the report shows (its annex).
    pub terms: Vec<&'static crate::glossary::Term>,
}

impl ReportBody<'_> {
    fn text<'t>(&self, text: &'t Text) -> &'t str {
        self.ctx.text(text)
    }

    /// A number with `digits` decimals, in the page's language.
    fn number(&self, value: &f64, digits: usize) -> String {
        self.ctx.decimal(*value, digits)
    }

    /// A measured value ("21 900", "2,5").
    fn value(&self, value: &f64) -> String {
        self.ctx.number(*value)
    }

    /// A plural-aware count ("1 critère non renseigné", "3 critères non renseignés").
    fn count(&self, key: &str, n: usize) -> String {
        self.ctx.i18n.n(key, n as i64)
    }

    /// Maturity as "2,3 / 4", or a dash.
    fn maturity(&self, value: &Option<f64>) -> String {
        match value {
            Some(v) => format!("{} / 4", self.ctx.decimal(*v, 1)),
            None => "–".to_owned(),
        }
    }

    /// The label of the level after `level`.
    fn next_level_label(&self, level: &i16) -> String {
        self.level_label(&(level + 1))
    }

    fn level_label(&self, level: &i16) -> String {
        self.data
            .levels
            .iter()
            .find(|l| l.level == *level)
            .map(|l| format!("{} {}", l.level, self.text(&l.label)))
            .unwrap_or_else(|| level.to_string())
    }

    /// The two headline figures: (title key, maturity, level band).
    fn overall(&self) -> Vec<(&'static str, Option<f64>, Option<&model::LevelPart>)> {
        [
            ("report-overall-axes", self.data.thematic),
            ("report-overall-dimensions", self.data.transversal),
        ]
        .into_iter()
        .map(|(key, value)| (key, value, self.data.band_of(value)))
        .collect()
    }

    /// The two radar charts: (SVG, caption key, the axes or dimensions charted).
    fn radars(&self) -> Vec<(String, &'static str, Vec<&DimensionPart>)> {
        vec![
            (
                self.radar(Kind::Thematic, "radar-axes"),
                "report-radar-axes",
                self.data.of_kind(Kind::Thematic),
            ),
            (
                self.radar(Kind::Transversal, "radar-dimensions"),
                "report-radar-dimensions",
                self.data.of_kind(Kind::Transversal),
            ),
        ]
    }

    /// The target shown for a criterion: set, or the default (level + 1).
    fn target_of(&self, c: &model::CriterionPart) -> String {
        match (c.target, c.level) {
            (Some(t), _) => t.to_string(),
            (None, Some(l)) if !c.not_applicable => scoring::default_target(l).to_string(),
            _ => String::new(),
        }
    }

    fn method_label(&self, s: &scoring::IndicatorScore) -> String {
        let method = match s.method {
            scoring::Method::Reference => "reference",
            scoring::Method::Bands => "bands",
        };
        self.ctx.label("method", method)
    }

    /// "1 Émergent → 2 Structuré" for a recommendation's step.
    fn step(&self, r: &model::RecommendationPart) -> String {
        format!(
            "{} → {}",
            self.level_label(&r.from_level),
            self.level_label(&(r.from_level + 1))
        )
    }

    fn radar(&self, kind: Kind, id: &str) -> String {
        let spokes: Vec<(String, Option<f64>)> = self
            .data
            .of_kind(kind)
            .iter()
            .map(|d| (self.ctx.text(&d.name).to_owned(), d.score.maturity))
            .collect();
        let title = match kind {
            Kind::Thematic => self.ctx.t("report-radar-axes"),
            Kind::Transversal => self.ctx.t("report-radar-dimensions"),
        };
        charts::radar(id, &title, &spokes)
    }

    fn top_priorities(&self) -> &[model::PriorityPart] {
        let n = self.data.priorities.len().min(model::FIRST_PAGE_PRIORITIES);
        &self.data.priorities[..n]
    }

    /// "+0,4", "−0,2" or "=" (see [`shown_delta`]).
    fn delta(&self, then: &Option<f64>, now: &Option<f64>) -> String {
        match (then, now) {
            (Some(a), Some(b)) => shown_delta(self.ctx.i18n.lang, *a, *b),
            _ => "–".to_owned(),
        }
    }
}

/// The change between two scores as the reader sees them (one decimal each, rounded half away
/// from zero as [`crate::format::decimal`] shows them), so "1,6 → 1,5" reads "−0,1" and never
/// "=", whatever the unrounded scores: "+0,4", "−0,2" or "=".
pub fn shown_delta(lang: Lang, then: f64, now: f64) -> String {
    let tenths = |v: f64| (v * 10.0).round() as i64;
    let change = tenths(now) - tenths(then);
    let shown = |t: i64| crate::format::decimal(lang, t as f64 / 10.0, 1);
    match change.cmp(&0) {
        std::cmp::Ordering::Equal => "=".to_owned(),
        std::cmp::Ordering::Greater => format!("+{}", shown(change)),
        std::cmp::Ordering::Less => format!("−{}", shown(-change)),
    }
}

/// The fingerprint stored with a report: of both bodies as published (`territoires check`
/// recomputes it to find a body changed since).
pub fn fingerprint(body_fr: &str, body_en: &str) -> String {
    format!(
        "{:016x}",
        crate::fingerprint::fnv1a(format!("{body_fr}\u{0}{body_en}").as_bytes())
    )
}

/// Renders the report body in `lang`.
pub fn render_body(data: &ReportData, lang: Lang, draft: bool) -> Result<String> {
    let ctx = PageContext {
        i18n: I18n::new(lang),
        path: String::new(),
        query: String::new(),
        user: None,
    };
    // Twice: the annex lists the acronyms the rest of the report shows.
    let without_annex = ReportBody {
        ctx: ctx.clone(),
        data,
        draft,
        marked: Default::default(),
        terms: Vec::new(),
    }
    .render()?;
    let terms = crate::glossary::current().used_in(&explain::visible_text(&without_annex));
    Ok(ReportBody {
        ctx,
        data,
        draft,
        marked: Default::default(),
        terms,
    }
    .render()?)
}

/// The page around a report body.
#[derive(Template)]
#[template(path = "reports/page.html")]
struct ReportPage {
    ctx: PageContext,
    title: String,
    body: Arc<str>,
    /// Where "back" goes: the assessment (preview) or the territory's reports.
    back: Option<(String, String)>,
    /// The published report (for the follow-up and the workbook links).
    published: Option<ReportId>,
    /// Whether its PDF is rendered in the page's language.
    pdf: bool,
    /// Whether the job printing its PDF stopped on errors (staff are told; élus see it as in
    /// preparation).
    pdf_failed: bool,
    /// The published report whose annexes have their own page, and whether they include a
    /// glossary (the links that end the page).
    annexes: Option<(ReportId, bool)>,
}

async fn preview(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Id(id): Id<AssessmentId>,
) -> Result<Response> {
    let assessment = crate::assessments::db::find(&pool, id)
        .await?
        .ok_or(Error::NotFound)?;
    let data = build(&mut *pool.acquire().await?, &assessment).await?;
    let body = render_body(&data, ctx.i18n.lang, true)?;
    let body: Arc<str> = body.into();
    render(&ReportPage {
        title: format!("{} · {}", ctx.t("report-draft"), assessment.territory_name),
        back: Some((
            format!("/evaluations/{id}"),
            ctx.t("assessment-back-overview"),
        )),
        published: None,
        pdf: false,
        pdf_failed: false,
        annexes: None,
        body,
        ctx,
    })
}

async fn show(
    ctx: PageContext,
    State(pool): State<PgPool>,
    State(cache): State<Arc<BodyCache>>,
    State(readable): State<Arc<ReadableReports>>,
    user: CurrentUser,
    headers: HeaderMap,
    PagePath(file): PagePath<String>,
) -> Result<Response> {
    if let Some(number) = file.strip_suffix(".xlsx") {
        let id = ReportId(crate::web::path_id(number)?);
        return export(ctx, &pool, &user, id).await;
    }
    if let Some(number) = file.strip_suffix(".pdf") {
        let id = ReportId(crate::web::path_id(number)?);
        db::find_readable(&pool, user.reader(), id)
            .await?
            .ok_or(Error::NotFound)?;
        let pdf = db::pdf(&pool, id, ctx.i18n.lang)
            .await?
            .ok_or(Error::NotFound)?;
        let disposition = format!("inline; filename=\"rapport-{id}.pdf\"");
        return Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/pdf"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&disposition).map_err(anyhow::Error::from)?,
                ),
            ],
            Caching::Revalidate(None),
            pdf,
        )
            .into_response());
    }
    let id = ReportId(crate::web::path_id(&file)?);
    let report = readable
        .find(&pool, user.reader(), id)
        .await?
        .ok_or(Error::NotFound)?;
    // The body never changes; the page around it depends on the reader, the language and the
    // coding it is sent in.
    let encoding = spliced::negotiate(&headers);
    let pdf = report.pdf_langs.iter().any(|l| l == ctx.lang());
    // Until the PDF exists, its job says whether it is coming or failed.
    let pdf_failed = !pdf && report.pdf_failed;
    let etag = format!(
        "\"{}-{}-{}-{}-{}-{}\"",
        report.fingerprint,
        ctx.lang(),
        user.user_id,
        match (pdf, pdf_failed) {
            (true, _) => "pdf",
            (false, false) => "pdf-coming",
            (false, true) => "pdf-failed",
        },
        crate::web::assets::asset_url("app.css")
            .rsplit('=')
            .next()
            .unwrap_or_default(),
        encoding.header().unwrap_or("identity")
    );
    let caching = Caching::Revalidate(Some(etag));
    if caching.held_by(&headers) {
        let vary = (header::VARY, HeaderValue::from_static("accept-encoding"));
        return Ok(([vary], caching.not_modified()).into_response());
    }
    let body = cache.load(&pool, id, ctx.i18n.lang).await?;
    let annexes = body.annexes();
    let page = ReportPage {
        title: format!("{} · {}", ctx.t("report-title"), report.territory_name),
        back: None,
        published: Some(id),
        pdf,
        pdf_failed,
        annexes: (!annexes.is_empty()).then(|| (id, annexes.contains(GLOSSARY_HEADING))),
        body: spliced::BODY_MARK.into(),
        ctx,
    }
    .render()?;
    let response = spliced::response(&page, body.reading(), &body.encoded, encoding)?;
    Ok((caching, response).into_response())
}

/// The glossary's heading in a body's annexes.
const GLOSSARY_HEADING: &str = "id=\"glossaire\"";

/// A published report's annexes (method and glossary), for whoever may read the report.
async fn annexes(
    ctx: PageContext,
    State(pool): State<PgPool>,
    State(cache): State<Arc<BodyCache>>,
    State(readable): State<Arc<ReadableReports>>,
    user: CurrentUser,
    Id(id): Id<ReportId>,
) -> Result<Response> {
    let report = readable
        .find(&pool, user.reader(), id)
        .await?
        .ok_or(Error::NotFound)?;
    let body = cache.load(&pool, id, ctx.i18n.lang).await?;
    if body.annexes().is_empty() {
        return Err(Error::NotFound);
    }
    render(&ReportPage {
        title: format!("{} · {}", ctx.t("report-annexes"), report.territory_name),
        back: Some((format!("/rapports/{id}"), ctx.t("report-annexes-back"))),
        published: None,
        pdf: false,
        pdf_failed: false,
        annexes: None,
        body: body.annexes().into(),
        ctx,
    })
}

/// The report as a workbook, for whoever may read the report.
async fn export(
    ctx: PageContext,
    pool: &PgPool,
    user: &CurrentUser,
    id: ReportId,
) -> Result<Response> {
    db::find_readable(pool, user.reader(), id)
        .await?
        .ok_or(Error::NotFound)?;
    let data = db::snapshot(pool, id).await?.ok_or(Error::NotFound)?;
    let bytes = workbook::workbook(&data, ctx.i18n).map_err(anyhow::Error::from)?;
    let disposition = format!("attachment; filename=\"rapport-{id}.xlsx\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(anyhow::Error::from)?,
            ),
        ],
        Caching::Revalidate(None),
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_evolution_agrees_with_the_scores_as_shown() {
        // 1,64 and 1,46 read 1,6 and 1,5: a fall of 0,1, never "=".
        assert_eq!(shown_delta(Lang::Fr, 1.64, 1.46), "−0,1");
        // 2,24 and 2,06 read 2,2 and 2,1: 0,1, not the 0,18 between the unrounded scores.
        assert_eq!(shown_delta(Lang::Fr, 2.24, 2.06), "−0,1");
        assert_eq!(shown_delta(Lang::Fr, 1.96, 2.04), "=");
        assert_eq!(shown_delta(Lang::En, 1.25, 1.65), "+0.4");
        // Over many pairs, the sign is the sign of the shown difference.
        for i in 0..400 {
            let then = f64::from(i) * 0.0101;
            let now = 4.0 - f64::from(i) * 0.0097;
            let shown = |v: f64| {
                crate::format::decimal(Lang::En, v, 1)
                    .parse::<f64>()
                    .unwrap()
            };
            let delta = shown_delta(Lang::En, then, now);
            let expected = shown(now) - shown(then);
            match delta.as_str() {
                "=" => assert!(expected.abs() < 1e-9, "{then} {now}"),
                d if d.starts_with('+') => assert!(expected > 0.0, "{then} {now}"),
                _ => assert!(expected < 0.0, "{then} {now}"),
            }
        }
    }
}
