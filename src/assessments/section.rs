//! One section of an assessment: the criteria and indicators of an axis or dimension
//! (`/evaluations/{id}/{dimension}`), and saving them all at once when the form is posted
//! without JavaScript. Each changed block is saved on its own version; the page comes back
//! with each block's outcome when anything was refused or conflicted.

use askama::Template;
use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, Query};
use serde::Deserialize;
use sqlx::PgPool;

use super::answer::{AnswerInput, Choices, IndicatorInput};
use super::apply::{apply_answer, apply_indicator};
use super::block::{CriterionView, IndicatorView, NoticeState, strictest};
use super::db::{self, AssessmentRow};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::framework;
use crate::vocabulary::AssessmentId;
use crate::web::{PageContext, PagePath, render, render_with_status};

/// A section's fields as posted: `<code>.<field>` → value (the first one when repeated).
pub struct Posted(HashMap<String, String>);

impl Posted {
    pub fn new(fields: Vec<(String, String)>) -> Self {
        let mut map = HashMap::with_capacity(fields.len());
        for (key, value) in fields {
            map.entry(key).or_insert(value);
        }
        Posted(map)
    }

    pub fn field(&self, code: &str, field: &str) -> Option<&str> {
        self.0.get(&format!("{code}.{field}")).map(String::as_str)
    }

    /// The criterion and indicator codes the form carries fields for.
    fn codes(&self) -> impl Iterator<Item = &str> {
        self.0
            .keys()
            .filter_map(|k| k.split_once('.').map(|(code, _)| code))
    }

    /// Whether the form carried this criterion or indicator at all.
    fn has(&self, code: &str) -> bool {
        self.field(code, "version").is_some()
    }

    pub fn answer(&self, code: &str) -> AnswerInput {
        let get = |field: &str| self.field(code, field).unwrap_or_default().to_owned();
        AnswerInput {
            level: get("level"),
            justification: get("justification"),
            importance: get("importance"),
            target: get("target"),
            evidence: get("evidence"),
            confidence: get("confidence"),
            version: get("version"),
            choices: Choices {
                held: get("held"),
                keep: get("keep"),
                take: get("take"),
            },
        }
    }

    pub fn indicator(&self, code: &str) -> IndicatorInput {
        let get = |field: &str| self.field(code, field).unwrap_or_default().to_owned();
        IndicatorInput {
            value: get("value"),
            year: get("year"),
            source_note: get("source_note"),
            version: get("version"),
        }
    }
}

#[derive(Template)]
#[template(path = "assessments/section.html")]
pub(super) struct SectionPage {
    pub(super) ctx: PageContext,
    pub(super) assessment: AssessmentRow,
    pub(super) dimension: framework::db::DimensionRow,
    pub(super) dimensions: Vec<framework::db::DimensionRow>,
    pub(super) levels: Vec<framework::db::LevelRow>,
    pub(super) criteria: Vec<CriterionView>,
    indicators: Vec<IndicatorView>,
    /// Set after a plain (no-JavaScript) save that stored everything.
    saved: bool,
    /// Codes posted that are not criteria or indicators of this section.
    unknown: Vec<String>,
}

impl SectionPage {
    /// Every error of the section, as (anchor, criterion or indicator code, field label key,
    /// message key), for the summary.
    fn error_summary(&self) -> Vec<(String, String, String, String)> {
        let line = |code: &str, label: String, field: &str, key: &String| {
            (
                format!("{code}-{field}"),
                code.to_owned(),
                label,
                key.clone(),
            )
        };
        let criteria = self.criteria.iter().flat_map(|c| {
            c.errors()
                .all()
                .iter()
                .map(move |(field, key)| line(&c.row.code, format!("answer-{field}"), field, key))
        });
        let indicators = self.indicators.iter().flat_map(|i| {
            i.errors().all().iter().map(move |(field, key)| {
                let label = format!("indicator-{}", field.replace('_', "-"));
                line(&i.row.code, label, field, key)
            })
        });
        criteria.chain(indicators).collect()
    }

    fn conflicts(&self) -> usize {
        let criteria = self.criteria.iter().filter(|c| c.has_conflict());
        let indicators = self.indicators.iter().filter(|i| i.has_conflict());
        criteria.count() + indicators.count()
    }

    fn neighbours(
        &self,
    ) -> (
        Option<&framework::db::DimensionRow>,
        Option<&framework::db::DimensionRow>,
    ) {
        let at = self
            .dimensions
            .iter()
            .position(|d| d.code == self.dimension.code)
            .unwrap_or(0);
        (
            at.checked_sub(1).and_then(|i| self.dimensions.get(i)),
            self.dimensions.get(at + 1),
        )
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedParam {
    enregistre: String,
}

/// The section page's data, with the criteria and indicators as stored.
pub(super) async fn section_page(
    ctx: PageContext,
    pool: &PgPool,
    id: AssessmentId,
    code: &str,
) -> Result<SectionPage> {
    let assessment = super::load(pool, id).await?;
    let dimensions = framework::db::dimensions(pool, assessment.framework_version_id).await?;
    let dimension = dimensions
        .iter()
        .find(|d| d.code == code)
        .cloned()
        .ok_or(Error::NotFound)?;
    Ok(SectionPage {
        levels: framework::db::levels(pool, assessment.framework_version_id).await?,
        criteria: db::answers(pool, id, Some(code), None)
            .await?
            .into_iter()
            .map(CriterionView::stored)
            .collect(),
        indicators: db::indicators(pool, id, Some(code), None)
            .await?
            .into_iter()
            .map(IndicatorView::stored)
            .collect(),
        saved: false,
        unknown: Vec::new(),
        dimension,
        dimensions,
        assessment,
        ctx,
    })
}

pub async fn section(
    ctx: PageContext,
    State(pool): State<PgPool>,
    PagePath((id, code)): PagePath<(AssessmentId, String)>,
    Query(params): Query<SavedParam>,
) -> Result<Response> {
    let mut page = section_page(ctx, &pool, id, &code).await?;
    page.saved = !params.enregistre.is_empty();
    render(&page)
}

/// Saves a whole section (the form posted without JavaScript): each criterion and indicator
/// whose input differs from what is stored is validated and saved on its own version.
pub async fn save_section(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    PagePath((id, code)): PagePath<(AssessmentId, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let posted = Posted::new(fields);
    let mut page = section_page(ctx, &pool, id, &code).await?;
    let mut criteria = Vec::new();
    for view in std::mem::take(&mut page.criteria) {
        let input = posted.answer(&view.row.code);
        if !posted.has(&view.row.code) || input == view.input {
            criteria.push(view);
        } else {
            let applied = apply_answer(&pool, &user, id, &view.row.code, &input).await?;
            criteria.push(CriterionView {
                row: view.row,
                input: applied.input,
                outcome: applied.outcome,
            });
        }
    }
    let mut indicators = Vec::new();
    for view in std::mem::take(&mut page.indicators) {
        let input = posted.indicator(&view.row.code);
        if !posted.has(&view.row.code) || input == view.input {
            indicators.push(view);
        } else {
            indicators.push(apply_indicator(&pool, &user, id, view.row, input).await?);
        }
    }
    // Fields of criteria or indicators this section does not have are never dropped silently.
    let mut unknown: Vec<String> = posted
        .codes()
        .filter(|c| {
            !criteria.iter().any(|v| &v.row.code == c)
                && !indicators.iter().any(|v| &v.row.code == c)
        })
        .map(|c| c.chars().take(40).collect())
        .collect();
    unknown.sort();
    unknown.dedup();
    let mut status = strictest(
        criteria
            .iter()
            .map(|c| c.outcome.status())
            .chain(indicators.iter().map(|i| i.outcome.status())),
    );
    if !unknown.is_empty() {
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    if status == StatusCode::OK {
        return Ok(Redirect::to(&format!("/evaluations/{id}/{code}?enregistre=1")).into_response());
    }
    page.criteria = criteria;
    page.indicators = indicators;
    page.unknown = unknown;
    render_with_status(status, &page)
}
