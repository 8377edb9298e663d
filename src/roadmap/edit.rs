//! Editing a roadmap at `/evaluations/{id}/feuille-de-route`: the proposal, then a chantier's
//! fields, a new chantier, merging, removing an empty chantier, a free step, moving a step
//! (into a new chantier splits one), dropping a step with its reason or restoring it, and the
//! governance. Every edit holds the round shared (publication waits), moves the roadmap's
//! version on only if the form was based on the current one (else 409 with the input kept),
//! and re-renders with one message per field on bad input (422).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use sqlx::{PgConnection, PgPool};

use super::db::{self, Placement};
use super::form::{self, ChantierForm, SmallForm};
use super::model;
use super::view::{ChantierView, EditPage, Target, form_of};
use crate::assessments::db::{AssessmentRow, EditableRound};
use crate::audit::Actor;
use crate::auth::CurrentUser;
use crate::diagnosis::Diagnosis;
use crate::error::{Error, Result};
use crate::text::Text;
use crate::vocabulary::{AssessmentId, AssessmentStatus, ChantierId, StepId, Version};
use crate::web::form::{FieldErrors, bounded};
use crate::web::{Id, PageContext, PagePath, render_with_status};

/// What a submission left to show.
#[derive(Default)]
struct Outcome {
    target: Option<Target>,
    errors: FieldErrors,
    chantier: Option<ChantierForm>,
    small: SmallForm,
    notice: Option<&'static str>,
    /// The edit before this page was taken (the page confirms it).
    saved: bool,
}

async fn respond(
    ctx: PageContext,
    conn: &mut PgConnection,
    assessment: AssessmentRow,
    status: StatusCode,
    outcome: Outcome,
) -> Result<Response> {
    let roadmap = db::load(&mut *conn, assessment.assessment_id).await?;
    let diagnosis = Diagnosis::load(&mut *conn, &assessment).await?;
    let data = diagnosis.catalog();
    let mut chantiers = Vec::new();
    let mut dropped = Vec::new();
    if let Some(roadmap) = &roadmap {
        for row in &roadmap.chantiers {
            let mut form = form_of(row, roadmap, roadmap.row.version);
            if let (Some(Target::Chantier(id)), Some(posted)) = (&outcome.target, &outcome.chantier)
                && *id == row.chantier_id
            {
                form = ChantierForm {
                    version: roadmap.row.version.0.to_string(),
                    ..posted.clone()
                };
            }
            let steps = roadmap
                .steps_of(row.chantier_id)
                .into_iter()
                .map(|s| model::step(&data, s))
                .collect();
            chantiers.push(ChantierView {
                row: row.clone(),
                form,
                steps,
            });
        }
        for s in roadmap.dropped() {
            dropped.push((
                model::step(&data, s),
                s.dropped_reason.clone().unwrap_or_default(),
            ));
        }
    }
    let eligible = crate::funding::current()
        .eligible(data.kind, data.population)
        .into_iter()
        .map(|p| {
            (
                p.code.clone(),
                Text::new(p.name_fr.clone(), p.name_en.clone()),
                Text::new(p.operator_fr.clone(), p.operator_en.clone()),
            )
        })
        .collect();
    let territory = diagnosis.territory;
    let contacts = [territory.contact_name, territory.contact_role]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect();
    let page = EditPage {
        ctx,
        assessment,
        roadmap,
        chantiers,
        dropped,
        data,
        eligible,
        contacts,
        target: outcome.target,
        errors: outcome.errors,
        small: outcome.small,
        notice: outcome.notice,
        saved: outcome.saved,
    };
    render_with_status(status, &page)
}

async fn load(pool: &PgPool, id: AssessmentId) -> Result<AssessmentRow> {
    crate::assessments::db::find(pool, id)
        .await?
        .ok_or(Error::NotFound)
}

/// Back to the roadmap after an edit that was taken, which the page confirms.
fn back(id: AssessmentId, anchor: &str) -> Response {
    Redirect::to(&format!(
        "/evaluations/{id}/feuille-de-route?enregistre=1{anchor}"
    ))
    .into_response()
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SavedParam {
    enregistre: String,
}

pub async fn page(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Id(id): Id<AssessmentId>,
    axum_extra::extract::Query(params): axum_extra::extract::Query<SavedParam>,
) -> Result<Response> {
    let assessment = load(&pool, id).await?;
    let mut conn = pool.acquire().await?;
    let outcome = Outcome {
        saved: !params.enregistre.is_empty(),
        ..Outcome::default()
    };
    respond(ctx, &mut conn, assessment, StatusCode::OK, outcome).await
}

pub async fn propose(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    Id(id): Id<AssessmentId>,
) -> Result<Response> {
    let assessment = load(&pool, id).await?;
    let mut conn = pool.acquire().await?;
    if super::propose(&mut conn, &user.actor(), &assessment).await? {
        return Ok(back(id, ""));
    }
    let notice = Outcome {
        notice: Some(if assessment.status == AssessmentStatus::Published {
            "roadmap-read-only"
        } else {
            "roadmap-conflict"
        }),
        ..Outcome::default()
    };
    respond(ctx, &mut conn, assessment, StatusCode::CONFLICT, notice).await
}

/// Opens an edit: holds the round (see [`EditableRound`]) and moves the roadmap's version on.
/// `Err` carries why it cannot go on (read-only round, or a form based on an older version).
async fn begin<'c>(
    conn: &'c mut PgConnection,
    actor: &Actor,
    id: AssessmentId,
    version: &str,
) -> Result<std::result::Result<EditableRound<'c>, &'static str>> {
    let Some(mut round) = crate::assessments::db::hold_editable(conn, id).await? else {
        return Ok(Err("roadmap-read-only"));
    };
    let bumped = match Version::from_form(version) {
        Some(version) => db::bump(&mut round, actor, version).await?,
        None => false,
    };
    Ok(if bumped {
        Ok(round)
    } else {
        Err("roadmap-conflict")
    })
}

/// The page again, 422 with the messages, or 409 with why the edit was not taken.
async fn refuse(
    ctx: PageContext,
    pool: &PgPool,
    assessment: AssessmentRow,
    outcome: Outcome,
) -> Result<Response> {
    let status = if outcome.notice.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut conn = pool.acquire().await?;
    respond(ctx, &mut conn, assessment, status, outcome).await
}

pub async fn save_chantier(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    PagePath((id, chantier)): PagePath<(i64, i64)>,
    Form(mut posted): Form<ChantierForm>,
) -> Result<Response> {
    let (id, chantier) = (AssessmentId(id), ChantierId(chantier));
    let assessment = load(&pool, id).await?;
    let mut conn = pool.acquire().await?;
    if posted.scope == "essentiel" {
        // The overview table's row: every other field as stored.
        let roadmap = db::load(&mut conn, id).await?.ok_or(Error::NotFound)?;
        let row = roadmap
            .chantiers
            .iter()
            .find(|c| c.chantier_id == chantier)
            .ok_or(Error::NotFound)?;
        posted = posted.essentials_over(form_of(row, &roadmap, roadmap.row.version));
    }
    let data = Diagnosis::load(&mut conn, &assessment).await?.catalog();
    let followable = data.followable();
    let funding: Vec<String> = crate::funding::current()
        .eligible(data.kind, data.population)
        .into_iter()
        .map(|p| p.code.clone())
        .collect();
    let known = form::Known {
        followable: &followable,
        funding: &funding,
    };
    let target = Some(Target::Chantier(chantier));
    let fields = match form::validate(&posted, &known) {
        Ok(fields) => fields,
        Err(errors) => {
            drop(conn);
            let outcome = Outcome {
                target,
                errors,
                chantier: Some(posted),
                ..Outcome::default()
            };
            return refuse(ctx, &pool, assessment, outcome).await;
        }
    };
    let actor = user.actor();
    let notice = match begin(&mut conn, &actor, id, &posted.version).await? {
        Ok(mut round) => {
            if !db::save_chantier(&mut round, &actor, chantier, &fields).await? {
                return Err(Error::NotFound);
            }
            round.commit().await?;
            let anchor = if posted.scope == "essentiel" {
                "#chantiers-tableau".to_owned()
            } else {
                format!("#chantier-{chantier}")
            };
            return Ok(back(id, &anchor));
        }
        Err(notice) => notice,
    };
    drop(conn);
    let outcome = Outcome {
        target,
        chantier: Some(posted),
        notice: Some(notice),
        ..Outcome::default()
    };
    refuse(ctx, &pool, assessment, outcome).await
}

pub async fn add_chantier(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    Id(id): Id<AssessmentId>,
    Form(posted): Form<SmallForm>,
) -> Result<Response> {
    let assessment = load(&pool, id).await?;
    let mut errors = FieldErrors::default();
    let title = bounded(&mut errors, "title", &posted.title, 200);
    if title.is_empty() {
        errors.add("title", "roadmap-error-title");
    }
    small_edit(
        ctx,
        &pool,
        user,
        assessment,
        Target::NewChantier,
        posted,
        errors,
        |round, actor| {
            Box::pin(async move {
                let chantier = db::add_chantier(round, actor, &title).await?;
                Ok(Some(format!("#chantier-{chantier}")))
            })
        },
    )
    .await
}

pub async fn governance(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    Id(id): Id<AssessmentId>,
    Form(posted): Form<SmallForm>,
) -> Result<Response> {
    let assessment = load(&pool, id).await?;
    let mut errors = FieldErrors::default();
    let text = bounded(&mut errors, "governance", &posted.governance, 4000);
    small_edit(
        ctx,
        &pool,
        user,
        assessment,
        Target::Governance,
        posted,
        errors,
        |round, actor| {
            Box::pin(async move {
                db::save_governance(round, actor, &text).await?;
                Ok(Some("#gouvernance".to_owned()))
            })
        },
    )
    .await
}

pub async fn chantier_action(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    PagePath((id, chantier)): PagePath<(i64, i64)>,
    Form(posted): Form<SmallForm>,
) -> Result<Response> {
    let (id, chantier) = (AssessmentId(id), ChantierId(chantier));
    let assessment = load(&pool, id).await?;
    let mut errors = FieldErrors::default();
    let action = posted.action.clone();
    let text = bounded(&mut errors, "text", &posted.text, 1000);
    let into = posted.chantier.trim().parse().ok().map(ChantierId);
    match action.as_str() {
        "ajouter" if text.is_empty() => errors.add("text", "roadmap-error-step-text"),
        "fusionner" if into.is_none_or(|i| i == chantier) => {
            errors.add("chantier", "roadmap-error-merge")
        }
        "ajouter" | "fusionner" | "supprimer" => {}
        _ => return Err(Error::NotFound),
    }
    let target = Target::ChantierAction(chantier);
    small_edit(
        ctx,
        &pool,
        user,
        assessment,
        target,
        posted,
        errors,
        |round, actor| {
            Box::pin(async move {
                let done = match action.as_str() {
                    "ajouter" => db::add_step(round, actor, chantier, &text).await?,
                    "fusionner" => {
                        db::merge(round, actor, chantier, into.unwrap_or(chantier)).await?
                    }
                    _ => db::delete_chantier(round, actor, chantier).await?,
                };
                Ok(done.then(|| match action.as_str() {
                    "fusionner" => format!("#chantier-{}", into.unwrap_or(chantier)),
                    "supprimer" => String::new(),
                    _ => format!("#chantier-{chantier}"),
                }))
            })
        },
    )
    .await
}

pub async fn step_action(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    PagePath((id, step)): PagePath<(i64, i64)>,
    Form(posted): Form<SmallForm>,
) -> Result<Response> {
    let (id, step) = (AssessmentId(id), StepId(step));
    let assessment = load(&pool, id).await?;
    let mut errors = FieldErrors::default();
    let action = posted.action.clone();
    let reason = bounded(&mut errors, "reason", &posted.reason, 500);
    let chantier = posted.chantier.trim().to_owned();
    match action.as_str() {
        "ecarter" if reason.is_empty() => errors.add("reason", "roadmap-error-reason"),
        "deplacer" if chantier != "nouveau" && chantier.parse::<i64>().is_err() => {
            errors.add("chantier", "roadmap-error-chantier")
        }
        "ecarter" | "deplacer" => {}
        _ => return Err(Error::NotFound),
    }
    let new_title = format!("{} {}", ctx.t("roadmap-new-chantier"), step);
    small_edit(
        ctx,
        &pool,
        user,
        assessment,
        Target::Step(step),
        posted,
        errors,
        |round, actor| {
            Box::pin(async move {
                let placement = match (action.as_str(), chantier.as_str()) {
                    ("ecarter", _) => Placement::Dropped(&reason),
                    (_, "nouveau") => {
                        Placement::Into(db::add_chantier(round, actor, &new_title).await?)
                    }
                    (_, other) => Placement::Into(ChantierId(other.parse().unwrap_or_default())),
                };
                let anchor = match &placement {
                    Placement::Into(c) => format!("#chantier-{c}"),
                    Placement::Dropped(_) => "#ecartees".to_owned(),
                };
                Ok(db::place_step(round, actor, step, placement)
                    .await?
                    .then_some(anchor))
            })
        },
    )
    .await
}

type EditFuture<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Option<String>>> + Send + 'a>>;

/// A small edit: 422 on `errors`; else, inside [`begin`], `apply` (None: the chantier or step
/// is not this roadmap's, 404), then back to the page at the anchor it returns.
#[allow(clippy::too_many_arguments)]
async fn small_edit<F>(
    ctx: PageContext,
    pool: &PgPool,
    user: CurrentUser,
    assessment: AssessmentRow,
    target: Target,
    posted: SmallForm,
    errors: FieldErrors,
    apply: F,
) -> Result<Response>
where
    F: for<'t, 'r> FnOnce(&'t mut EditableRound<'r>, &'t Actor) -> EditFuture<'t>,
{
    let id = assessment.assessment_id;
    if !errors.is_empty() {
        let outcome = Outcome {
            target: Some(target),
            errors,
            small: posted,
            ..Outcome::default()
        };
        return refuse(ctx, pool, assessment, outcome).await;
    }
    let actor = user.actor();
    let mut conn = pool.acquire().await?;
    let notice = match begin(&mut conn, &actor, id, &posted.version).await? {
        Ok(mut round) => {
            let Some(anchor) = apply(&mut round, &actor).await? else {
                return Err(Error::NotFound);
            };
            round.commit().await?;
            return Ok(back(id, &anchor));
        }
        Err(notice) => notice,
    };
    drop(conn);
    let outcome = Outcome {
        target: Some(target),
        small: posted,
        notice: Some(notice),
        ..Outcome::default()
    };
    refuse(ctx, pool, assessment, outcome).await
}
