//! Assessments: dated rounds of a territory's diagnostic on the current framework version.
//! Routes: starting a round from a territory profile (optionally prefilled from the previous
//! one), the overview with progress and status (`/evaluations/{id}`), one section per axis or
//! dimension (`/evaluations/{id}/{dimension}`) saved as a whole without JavaScript, and the
//! autosave of one answer or indicator value (htmx). Every save is checked against the version
//! it was based on: a stale save stores nothing and shows both values.

pub mod answer;
pub mod db;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, Query};
use serde::Deserialize;
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::framework::{self, FRAMEWORK_CODE};
use crate::vocabulary::{AssessmentStatus, Version};
use crate::web::access::{Access, Routes};
use crate::web::form::{FieldErrors, bounded, iso_date};
use crate::web::{Id, PageContext, is_htmx, render, render_with_status};
use crate::{reports, territories};
use answer::{AnswerInput, Bounds, IndicatorInput};
use db::{AnswerRow, AssessmentRow, IndicatorRow, Saved};

pub fn routes() -> Routes {
    Routes::new()
        .get("/territoires/{id}/evaluations/nouvelle", Access::Staff, new)
        .post("/territoires/{id}/evaluations", Access::Staff, create)
        .get("/evaluations/{id}", Access::Staff, overview)
        .post("/evaluations/{id}/statut", Access::Staff, change_status)
        .get("/evaluations/{id}/{dimension}", Access::Staff, section)
        .post("/evaluations/{id}/{dimension}", Access::Staff, save_section)
        .get(
            "/evaluations/{id}/reponses/{criterion}",
            Access::Staff,
            criterion_block,
        )
        .post(
            "/evaluations/{id}/reponses/{criterion}",
            Access::Staff,
            save_criterion,
        )
        .post(
            "/evaluations/{id}/indicateurs/{indicator}",
            Access::Staff,
            save_indicator,
        )
}

/// Longest round label.
const MAX_LABEL: usize = 120;

fn this_year() -> i16 {
    OffsetDateTime::now_utc().year() as i16
}

// ---------------------------------------------------------------------------------------------
// Starting a round

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RoundForm {
    label: String,
    round_date: String,
    /// "on" to copy the previous round's answers.
    prefill: String,
}

#[derive(Template)]
#[template(path = "assessments/new.html")]
struct NewPage {
    ctx: PageContext,
    territory: territories::db::TerritoryRow,
    previous: Option<AssessmentRow>,
    form: RoundForm,
    errors: FieldErrors,
}

async fn new(ctx: PageContext, State(pool): State<PgPool>, Id(id): Id) -> Result<Response> {
    let territory = territories::db::find(&pool, id)
        .await?
        .ok_or(Error::NotFound)?;
    let previous = db::list_for_territory(&pool, id).await?.into_iter().next();
    let form = RoundForm {
        label: String::new(),
        round_date: OffsetDateTime::now_utc().date().to_string(),
        prefill: if previous.is_some() { "on" } else { "" }.to_owned(),
    };
    render(&NewPage {
        ctx,
        territory,
        previous,
        form,
        errors: FieldErrors::default(),
    })
}

async fn create(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    Id(id): Id,
    Form(form): Form<RoundForm>,
) -> Result<Response> {
    let territory = territories::db::find(&pool, id)
        .await?
        .ok_or(Error::NotFound)?;
    let previous = db::list_for_territory(&pool, id).await?.into_iter().next();
    let mut errors = FieldErrors::default();
    let label = bounded(&mut errors, "label", &form.label, MAX_LABEL);
    let round_date = iso_date(&form.round_date);
    if round_date.is_none() {
        errors.add("round_date", "assessment-error-date");
    }
    let version = framework::db::current_version(&pool, FRAMEWORK_CODE)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no framework version is loaded"))?;
    if let (Some(round_date), true) = (round_date, errors.is_empty()) {
        let round = db::NewRound {
            territory_id: id,
            framework_version_id: version.framework_version_id,
            label: &label,
            round_date,
            previous: previous
                .as_ref()
                .filter(|_| !form.prefill.is_empty())
                .map(|p| p.assessment_id),
        };
        let mut conn = pool.acquire().await?;
        let assessment = db::create(&mut conn, &user.actor(), &round).await?;
        return Ok(Redirect::to(&format!("/evaluations/{assessment}")).into_response());
    }
    let page = NewPage {
        ctx,
        territory,
        previous,
        form,
        errors,
    };
    render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

// ---------------------------------------------------------------------------------------------
// Overview and status

#[derive(Template)]
#[template(path = "assessments/overview.html")]
struct OverviewPage {
    ctx: PageContext,
    assessment: AssessmentRow,
    progress: Vec<db::DimensionProgress>,
    /// The published report, once there is one.
    report: Option<i64>,
    /// An i18n key: why the last status change was refused.
    problem: Option<&'static str>,
}

impl OverviewPage {
    fn total(&self) -> (i64, i64) {
        let done = self
            .progress
            .iter()
            .map(|p| p.answered + p.not_applicable)
            .sum();
        (done, self.progress.iter().map(|p| p.criteria).sum())
    }

    /// The status changes offered from the current status.
    fn transitions(&self) -> &'static [AssessmentStatus] {
        self.assessment.status.next()
    }
}

async fn load(pool: &PgPool, id: i64) -> Result<AssessmentRow> {
    db::find(pool, id).await?.ok_or(Error::NotFound)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OverviewParams {
    /// Set when a publication was refused: "refusee" or "conflit".
    publication: String,
}

async fn overview(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Id(id): Id,
    Query(params): Query<OverviewParams>,
) -> Result<Response> {
    let assessment = load(&pool, id).await?;
    let progress = db::progress(&pool, id).await?;
    let problem = match params.publication.as_str() {
        "refusee" => Some("assessment-publish-refused"),
        "conflit" => Some("assessment-publish-conflict"),
        _ => None,
    };
    render(&OverviewPage {
        report: reports::db::of_assessment(&pool, id).await?,
        ctx,
        assessment,
        progress,
        problem,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StatusForm {
    status: String,
    version: String,
}

async fn change_status(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    Id(id): Id,
    Form(form): Form<StatusForm>,
) -> Result<Response> {
    let assessment = load(&pool, id).await?;
    let wanted = AssessmentStatus::parse(form.status.trim())
        .filter(|to| assessment.status.next().contains(to));
    let (status, problem) = match (Version::from_form(&form.version), wanted) {
        // A form based on another version is stale whatever it asks: the round moved.
        (Some(version), _) if version != assessment.version => {
            (StatusCode::CONFLICT, "assessment-error-status-conflict")
        }
        (Some(version), Some(to)) => {
            let mut conn = pool.acquire().await?;
            let actor = user.actor();
            let change = (assessment.status, to);
            if db::set_status(&mut conn, &actor, id, version, change).await? {
                return Ok(Redirect::to(&format!("/evaluations/{id}")).into_response());
            }
            (StatusCode::CONFLICT, "assessment-error-status-conflict")
        }
        _ => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "assessment-error-transition",
        ),
    };
    let page = OverviewPage {
        report: reports::db::of_assessment(&pool, id).await?,
        ctx,
        assessment: load(&pool, id).await?,
        progress: db::progress(&pool, id).await?,
        problem: Some(problem),
    };
    render_with_status(status, &page)
}

// ---------------------------------------------------------------------------------------------
// Sections

/// How the last save of a block went, shown next to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    /// Nothing happened yet.
    Idle,
    Saved,
    Invalid,
    /// Someone else saved first; their values are in `conflict`.
    Conflict,
    ReadOnly,
}

/// One criterion or indicator as shown: the stored row, the input in the form, the errors and
/// the save state.
struct BlockView<R, I> {
    pub row: R,
    pub input: I,
    pub errors: FieldErrors,
    pub state: SaveState,
    /// What is stored now, when the save conflicted.
    pub conflict: Option<R>,
}

type CriterionView = BlockView<AnswerRow, AnswerInput>;
type IndicatorView = BlockView<IndicatorRow, IndicatorInput>;

/// An input that carries the version it was based on.
trait Versioned {
    fn version(&mut self) -> &mut String;
}

impl Versioned for AnswerInput {
    fn version(&mut self) -> &mut String {
        &mut self.version
    }
}

impl Versioned for IndicatorInput {
    fn version(&mut self) -> &mut String {
        &mut self.version
    }
}

impl<R, I: Versioned> BlockView<R, I> {
    fn new(row: R, input: I) -> Self {
        Self {
            row,
            input,
            errors: FieldErrors::default(),
            state: SaveState::Idle,
            conflict: None,
        }
    }

    fn based_on(&mut self) -> i32 {
        self.input.version().trim().parse().unwrap_or(-1)
    }

    fn rejected(mut self, errors: FieldErrors) -> Self {
        self.errors = errors;
        self.state = SaveState::Invalid;
        self
    }

    /// Shows a save's outcome; `true` when it conflicted (the caller then reads what is stored
    /// and calls [`BlockView::conflicted`]).
    fn settle(&mut self, saved: Saved) -> bool {
        match saved {
            Saved::Stored(version) | Saved::Unchanged(version) => {
                *self.input.version() = version.to_string();
                self.state = SaveState::Saved;
            }
            Saved::ReadOnly => self.state = SaveState::ReadOnly,
            Saved::Conflict => return true,
        }
        false
    }

    /// Keeps the input, shows what is stored, and bases the next (deliberate) save on the
    /// stored version.
    fn conflicted(&mut self, current: R, version: i32) {
        *self.input.version() = version.to_string();
        self.conflict = Some(current);
        self.state = SaveState::Conflict;
    }
}

impl CriterionView {
    fn stored(row: AnswerRow) -> Self {
        Self::new(row.clone(), row.answer().to_input(row.version))
    }
}

impl IndicatorView {
    fn stored(row: IndicatorRow) -> Self {
        Self::new(row.clone(), row.stored().to_input(row.version))
    }
}

/// The section's fields as posted: `<code>.<field>` → value.
struct Posted(Vec<(String, String)>);

impl Posted {
    fn field(&self, code: &str, field: &str) -> Option<String> {
        let key = format!("{code}.{field}");
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    }

    /// The criterion and indicator codes the form carries fields for.
    fn codes(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter_map(|(k, _)| k.split_once('.').map(|(code, _)| code))
    }

    /// Whether the form carried this criterion or indicator at all.
    fn has(&self, code: &str) -> bool {
        self.field(code, "version").is_some()
    }

    fn answer(&self, code: &str) -> AnswerInput {
        let get = |field: &str| self.field(code, field).unwrap_or_default();
        AnswerInput {
            level: get("level"),
            justification: get("justification"),
            importance: get("importance"),
            target: get("target"),
            evidence: get("evidence"),
            confidence: get("confidence"),
            version: get("version"),
        }
    }

    fn indicator(&self, code: &str) -> IndicatorInput {
        let get = |field: &str| self.field(code, field).unwrap_or_default();
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
struct SectionPage {
    ctx: PageContext,
    assessment: AssessmentRow,
    dimension: framework::db::DimensionRow,
    dimensions: Vec<framework::db::DimensionRow>,
    levels: Vec<framework::db::LevelRow>,
    criteria: Vec<CriterionView>,
    indicators: Vec<IndicatorView>,
    /// Set after a plain (no-JavaScript) save that stored everything.
    saved: bool,
    /// Codes posted that are not criteria or indicators of this section.
    unknown: Vec<String>,
}

impl SectionPage {
    /// Every error of the section, as (anchor, message key), for the summary.
    fn error_summary(&self) -> Vec<(String, String)> {
        let criteria = self.criteria.iter().flat_map(|c| {
            c.errors
                .all()
                .iter()
                .map(move |(field, key)| (format!("{}-{field}", c.row.code), key.clone()))
        });
        let indicators = self.indicators.iter().flat_map(|i| {
            i.errors
                .all()
                .iter()
                .map(move |(field, key)| (format!("{}-{field}", i.row.code), key.clone()))
        });
        criteria.chain(indicators).collect()
    }

    fn conflicts(&self) -> usize {
        self.criteria
            .iter()
            .filter(|c| c.conflict.is_some())
            .count()
            + self
                .indicators
                .iter()
                .filter(|i| i.conflict.is_some())
                .count()
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
struct SavedParam {
    enregistre: String,
}

/// The section page's data, with the criteria and indicators as stored.
async fn section_page(ctx: PageContext, pool: &PgPool, id: i64, code: &str) -> Result<SectionPage> {
    let assessment = load(pool, id).await?;
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

async fn section(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Path((id, code)): Path<(String, String)>,
    Query(params): Query<SavedParam>,
) -> Result<Response> {
    let id = id.parse().map_err(|_| Error::NotFound)?;
    let mut page = section_page(ctx, &pool, id, &code).await?;
    page.saved = !params.enregistre.is_empty();
    render(&page)
}

/// Validates and saves one criterion's input; the view tells what happened.
async fn apply_answer(
    pool: &PgPool,
    user: &CurrentUser,
    assessment_id: i64,
    row: AnswerRow,
    input: AnswerInput,
) -> Result<CriterionView> {
    let mut view = CriterionView::new(row, input);
    let answer = match answer::validate_answer(&view.input) {
        Ok(answer) => answer,
        Err(errors) => return Ok(view.rejected(errors)),
    };
    let version = view.based_on();
    // The connection goes back to the pool before the conflict path reads again: holding it
    // there would let concurrent conflicts exhaust the pool.
    let saved = {
        let mut conn = pool.acquire().await?;
        let actor = user.actor();
        db::save_answer(
            &mut conn,
            &actor,
            assessment_id,
            &view.row,
            version,
            &answer,
        )
        .await?
    };
    if view.settle(saved) {
        let current = reload_answer(pool, assessment_id, &view.row.code).await?;
        let version = current.version;
        view.conflicted(current, version);
    }
    Ok(view)
}

async fn reload_answer(pool: &PgPool, assessment_id: i64, code: &str) -> Result<AnswerRow> {
    db::answers(pool, assessment_id, None, Some(code))
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound)
}

async fn reload_indicator(pool: &PgPool, assessment_id: i64, code: &str) -> Result<IndicatorRow> {
    db::indicators(pool, assessment_id, None, Some(code))
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound)
}

/// Validates and saves one indicator's input; the view tells what happened.
async fn apply_indicator(
    pool: &PgPool,
    user: &CurrentUser,
    assessment_id: i64,
    row: IndicatorRow,
    input: IndicatorInput,
) -> Result<IndicatorView> {
    let mut view = IndicatorView::new(row, input);
    let bounds = Bounds {
        min: view.row.min_value,
        max: view.row.max_value,
    };
    let value = match answer::validate_indicator(&view.input, bounds, this_year()) {
        Ok(value) => value,
        Err(errors) => return Ok(view.rejected(errors)),
    };
    let version = view.based_on();
    let saved = {
        let mut conn = pool.acquire().await?;
        let actor = user.actor();
        db::save_indicator(&mut conn, &actor, assessment_id, &view.row, version, &value).await?
    };
    if view.settle(saved) {
        let current = reload_indicator(pool, assessment_id, &view.row.code).await?;
        let version = current.version;
        view.conflicted(current, version);
    }
    Ok(view)
}

/// The status of a response that reports on several saves.
fn status_of(states: impl Iterator<Item = SaveState>) -> StatusCode {
    let states: Vec<SaveState> = states.collect();
    if states.contains(&SaveState::Invalid) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if states.contains(&SaveState::Conflict) || states.contains(&SaveState::ReadOnly) {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    }
}

/// Saves a whole section (the form posted without JavaScript): each criterion and indicator
/// whose input differs from what is stored is validated and saved on its own version.
async fn save_section(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    Path((id, code)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let posted = Posted(fields);
    let mut page = section_page(ctx, &pool, id, &code).await?;
    let mut criteria = Vec::new();
    for view in std::mem::take(&mut page.criteria) {
        let input = posted.answer(&view.row.code);
        if !posted.has(&view.row.code) || input == view.input {
            criteria.push(view);
        } else {
            criteria.push(apply_answer(&pool, &user, id, view.row, input).await?);
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
    let mut status = status_of(
        criteria
            .iter()
            .map(|c| c.state.clone())
            .chain(indicators.iter().map(|i| i.state.clone())),
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

/// One criterion block (htmx: "take the stored value" after a conflict).
#[derive(Template)]
#[template(path = "assessments/criterion.html")]
struct CriterionBlock {
    ctx: PageContext,
    assessment: AssessmentRow,
    levels: Vec<framework::db::LevelRow>,
    c: CriterionView,
}

/// The answer to an autosave: the new version, the save state and the field messages, swapped
/// out of band so that nothing the consultant is typing gets replaced.
#[derive(Template)]
#[template(path = "assessments/saved.html")]
struct SavedFragment {
    ctx: PageContext,
    code: String,
    fields: &'static [&'static str],
    version: String,
    errors: FieldErrors,
    state: SaveState,
    /// The stored values, summarised, after a conflict.
    conflict: Option<Vec<(String, String)>>,
    conflict_by: Option<String>,
    /// Where the stored block can be fetched ("take the stored value"), for criteria.
    reload: Option<String>,
    /// After a conflict: the stored version, which only "keep my input" sends. The form keeps
    /// the version it was based on, so later automatic saves keep reporting the conflict
    /// until the consultant chooses.
    keep_version: Option<String>,
}

const ANSWER_FIELDS: &[&str] = &[
    "level",
    "justification",
    "importance",
    "target",
    "evidence",
    "confidence",
];
const INDICATOR_FIELDS: &[&str] = &["value", "year", "source_note"];

async fn criterion_block(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let assessment = load(&pool, id).await?;
    let row = reload_answer(&pool, id, &code).await?;
    render(&CriterionBlock {
        levels: framework::db::levels(&pool, assessment.framework_version_id).await?,
        c: CriterionView::stored(row),
        assessment,
        ctx,
    })
}

/// A stored row as the conflict notice shows it.
trait Stored {
    /// Who saved it last.
    fn updated_by(&self) -> Option<String>;
    /// Its values as (label, value) lines.
    fn summary(&self, ctx: &PageContext) -> Vec<(String, String)>;
}

impl Stored for AnswerRow {
    fn updated_by(&self) -> Option<String> {
        self.updated_by.clone()
    }

    fn summary(&self, ctx: &PageContext) -> Vec<(String, String)> {
        let answer = self.answer();
        let level = match (answer.not_applicable, answer.level) {
            (true, _) => ctx.t("answer-na"),
            (false, Some(level)) => level.to_string(),
            (false, None) => ctx.t("answer-none"),
        };
        let mut lines = vec![
            (ctx.t("answer-level"), level),
            (ctx.t("answer-importance"), answer.importance.to_string()),
            (
                ctx.t("answer-target"),
                answer.target.map(|t| t.to_string()).unwrap_or_default(),
            ),
            (
                ctx.t("answer-confidence"),
                answer
                    .confidence
                    .map(|c| ctx.label("confidence", c))
                    .unwrap_or_default(),
            ),
            (ctx.t("answer-evidence"), answer.evidence.clone()),
        ];
        if answer.not_applicable {
            lines.push((ctx.t("answer-justification"), answer.justification.clone()));
        }
        lines
    }
}

impl Stored for IndicatorRow {
    fn updated_by(&self) -> Option<String> {
        self.updated_by.clone()
    }

    fn summary(&self, ctx: &PageContext) -> Vec<(String, String)> {
        vec![
            (
                ctx.t("indicator-value"),
                self.value.map(answer::format_number).unwrap_or_default(),
            ),
            (
                ctx.t("indicator-year"),
                self.year.map(|y| y.to_string()).unwrap_or_default(),
            ),
            (ctx.t("indicator-source-note"), self.source_note.clone()),
        ]
    }
}

/// What an autosave sends back (htmx): the version, the save state and the field messages;
/// a plain form post that saved goes back to the overview instead.
struct AutosaveReply {
    htmx: bool,
    assessment_id: i64,
    code: String,
    fields: &'static [&'static str],
    /// The version the input was based on.
    based_on: String,
    reload: Option<String>,
}

impl AutosaveReply {
    fn send<R: Stored, I: Versioned>(
        self,
        ctx: PageContext,
        mut view: BlockView<R, I>,
    ) -> Result<Response> {
        let status = status_of(std::iter::once(view.state.clone()));
        if !self.htmx && status == StatusCode::OK {
            let overview = format!("/evaluations/{}", self.assessment_id);
            return Ok(Redirect::to(&overview).into_response());
        }
        let saved_version = view.input.version().clone();
        // After a conflict the form stays on the version it was based on: only "keep my
        // input" sends the stored one.
        let (version, keep_version) = match &view.conflict {
            Some(_) => (self.based_on, Some(saved_version)),
            None => (saved_version, None),
        };
        let fragment = SavedFragment {
            conflict_by: view.conflict.as_ref().and_then(Stored::updated_by),
            conflict: view.conflict.as_ref().map(|stored| stored.summary(&ctx)),
            reload: self.reload,
            code: self.code,
            fields: self.fields,
            keep_version,
            version,
            errors: view.errors,
            state: view.state,
            ctx,
        };
        render_with_status(status, &fragment)
    }
}

/// Autosave of one criterion. Without htmx (a form posted to this URL), the overview.
async fn save_criterion(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    headers: HeaderMap,
    Path((id, code)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let row = reload_answer(&pool, id, &code).await?;
    let posted = Posted(fields);
    let view = apply_answer(&pool, &user, id, row, posted.answer(&code)).await?;
    let reply = AutosaveReply {
        htmx: is_htmx(&headers),
        assessment_id: id,
        based_on: posted.field(&code, "version").unwrap_or_default(),
        reload: Some(format!("/evaluations/{id}/reponses/{code}")),
        fields: ANSWER_FIELDS,
        code,
    };
    reply.send(ctx, view)
}

/// Autosave of one indicator value. Without htmx, the overview.
async fn save_indicator(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    headers: HeaderMap,
    Path((id, code)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let row = reload_indicator(&pool, id, &code).await?;
    let posted = Posted(fields);
    let view = apply_indicator(&pool, &user, id, row, posted.indicator(&code)).await?;
    let reply = AutosaveReply {
        htmx: is_htmx(&headers),
        assessment_id: id,
        based_on: posted.field(&code, "version").unwrap_or_default(),
        reload: None,
        fields: INDICATOR_FIELDS,
        code,
    };
    reply.send(ctx, view)
}
