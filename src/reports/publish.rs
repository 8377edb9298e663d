//! Publication, as one sequence in one transaction: lock the round → load the diagnosis →
//! score → build → render → store → enqueue the report's job → commit → redirect. The job
//! compresses the bodies and prints the PDFs, so the request waits for neither; the draft
//! preview builds the same way without storing anything.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use sqlx::{PgConnection, PgPool};

use super::model::ReportData;
use super::{db, fingerprint, model, narrative, render_body, sources};
use crate::assessments::db::AssessmentRow;
use crate::auth::CurrentUser;
use crate::diagnosis::Diagnosis;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::vocabulary::{AssessmentId, AssessmentStatus, ReportId, Version};
use crate::web::Id;

/// Builds the report content of an assessment as it stands.
pub(super) async fn build(
    conn: &mut PgConnection,
    assessment: &AssessmentRow,
) -> Result<ReportData> {
    let diagnosis = Diagnosis::load(&mut *conn, assessment).await?;
    let additions = db::additions(&mut *conn, assessment).await?;
    let mut data = model::build(sources::of(&diagnosis, additions), &diagnosis.scores());
    // The consultant's "En bref" when written, else the app's draft of it.
    if data.narrative.is_none() {
        data.narrative = Some(narrative::draft(&data));
    }
    Ok(data)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PublishForm {
    version: String,
}

/// Why a publication did not happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not in review at that version.
    Conflict,
    /// No roadmap with at least one chantier.
    NoRoadmap,
}

/// Publishes an assessment that is in review at `version`: scores it, renders the report in
/// both languages and stores the snapshot, roadmap included. Refused when it is not in review
/// at that version, or when its roadmap has no chantier.
///
/// Everything happens in one transaction that first locks the assessment: saves under way
/// finish before the answers are read, and saves that come later find the round published (and
/// are refused), so every acknowledged save is in the snapshot.
pub async fn publish_assessment(
    pool: &PgPool,
    actor: &crate::audit::Actor,
    assessment_id: AssessmentId,
    version: Version,
) -> Result<Result<ReportId, Refusal>> {
    // Lock the round: saves under way finish first, later ones find it published.
    let mut tx = pool.begin().await?;
    let Some(assessment) = db::lock_for_publication(&mut tx, assessment_id, version).await? else {
        return Ok(Err(Refusal::Conflict));
    };
    // Load the diagnosis, score it and build the report, all in this transaction.
    let data = build(&mut tx, &assessment).await?;
    if data.roadmap.as_ref().is_none_or(|r| r.chantiers.is_empty()) {
        return Ok(Err(Refusal::NoRoadmap));
    }
    // Render it in both languages.
    let body_fr = render_body(&data, Lang::Fr, false)?;
    let body_en = render_body(&data, Lang::En, false)?;
    let fingerprint = fingerprint(&body_fr, &body_en);
    // Store the snapshot and its bodies.
    let publication = db::Publication {
        assessment: &assessment,
        data: &data,
        body_fr: &body_fr,
        body_en: &body_en,
        fingerprint: &fingerprint,
    };
    let report = db::publish(&mut tx, actor, &publication).await?;
    // Enqueue its job: a worker compresses its bodies for sending and prints its PDFs once the
    // report exists (a durable job, same commit); the request waits for neither brotli nor
    // Chromium.
    crate::jobs::enqueue_report_pdf(&mut *tx, report).await?;
    tx.commit().await?;
    Ok(Ok(report))
}

pub(super) async fn publish(
    State(pool): State<PgPool>,
    State(pdf_jobs): State<Arc<tokio::sync::Notify>>,
    user: CurrentUser,
    Id(id): Id<AssessmentId>,
    Form(form): Form<PublishForm>,
) -> Result<Response> {
    let assessment = crate::assessments::db::find(&pool, id)
        .await?
        .ok_or(Error::NotFound)?;
    if assessment.status != AssessmentStatus::Review {
        return Ok(Redirect::to(&format!("/evaluations/{id}?publication=refusee")).into_response());
    }
    let published = match Version::from_form(&form.version) {
        Some(version) => publish_assessment(&pool, &user.actor(), id, version).await?,
        None => Err(Refusal::Conflict),
    };
    if published.is_ok() {
        // This instance's worker prints the PDFs now; the request does not wait for them.
        pdf_jobs.notify_one();
    }
    let to = match published {
        Ok(report) => format!("/rapports/{report}"),
        Err(Refusal::Conflict) => format!("/evaluations/{id}?publication=conflit"),
        Err(Refusal::NoRoadmap) => format!("/evaluations/{id}?publication=feuille-de-route"),
    };
    Ok(Redirect::to(&to).into_response())
}
