//! Report queries: reading what a report adds to the diagnosis (the previous published round,
//! the stored roadmap, the "En bref"), publishing (snapshot, rendered bodies and the assessment's status in one transaction), and
//! reading published reports within the reader's scope.

use serde_json::json;
use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;

mod followup;
mod narrative;
mod stored;

pub use followup::{StatusRow, latest_status_id, latest_values, set_status, statuses};
pub use narrative::{NarrativeRow, narrative, save_narrative};
pub use stored::{StoredBody, body, has_pdf, pdf, store_encoding, store_pdf, without_pdf};

use super::model::ReportData;
use crate::assessments::db::AssessmentRow;
use crate::audit::{Actor, audit};
use crate::auth::Reader;
use crate::error::Result;
use crate::roadmap;
use crate::roadmap::db::Roadmap;
use crate::text::Text;
use crate::vocabulary::Role;
use crate::vocabulary::{AssessmentId, AssessmentStatus, ReportId, TerritoryId};

/// What a report adds to the diagnosis, read in the same transaction: the territory's previous
/// published report, the round's stored roadmap and its "En bref".
pub struct Additions {
    pub previous: Option<ReportData>,
    pub roadmap: Option<Roadmap>,
    pub narrative: Option<NarrativeRow>,
}

pub async fn additions(conn: &mut PgConnection, assessment: &AssessmentRow) -> Result<Additions> {
    Ok(Additions {
        previous: previous_report(&mut *conn, assessment).await?,
        roadmap: roadmap::db::load(&mut *conn, assessment.assessment_id).await?,
        narrative: narrative(&mut *conn, assessment.assessment_id).await?,
    })
}

/// The snapshot of the territory's latest report published before this round.
async fn previous_report(
    conn: &mut PgConnection,
    assessment: &AssessmentRow,
) -> Result<Option<ReportData>> {
    let snapshot: Option<serde_json::Value> = sqlx::query_scalar!(
        "select r.snapshot from report r join assessment a using (assessment_id)
          where r.territory_id = $1 and r.assessment_id <> $2
            and (a.round_date, a.assessment_id) < ($3, $2)
          order by a.round_date desc, a.assessment_id desc limit 1",
        assessment.territory_id.0,
        assessment.assessment_id.0,
        assessment.round_date
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(snapshot.and_then(|s| serde_json::from_value(s).ok()))
}

/// A report ready to store.
pub struct Publication<'a> {
    pub assessment: &'a AssessmentRow,
    pub data: &'a ReportData,
    pub body_fr: &'a str,
    pub body_en: &'a str,
    pub fingerprint: &'a str,
}

/// Takes the assessment for publication: locks its row (waiting for saves under way, which
/// hold it shared, and keeping later ones out until the transaction ends) if it is in review
/// at `version`, and returns it as it now stands; `None` when it is not.
pub async fn lock_for_publication(
    conn: &mut PgConnection,
    assessment_id: AssessmentId,
    version: crate::vocabulary::Version,
) -> Result<Option<AssessmentRow>> {
    Ok(sqlx::query_as!(
        AssessmentRow,
        r#"select a.assessment_id, a.territory_id, t.name as territory_name,
                  a.framework_version_id, (f.name_fr, f.name_en)::bilingual as "framework_name!: Text", a.label, a.round_date,
                  a.status as "status: AssessmentStatus", a.version, a.previous_assessment_id,
                  a.updated_at
             from assessment a join territory t using (territory_id)
             join framework_version f using (framework_version_id)
            where a.assessment_id = $1 and a.version = $2 and a.status = 'review'
              for update of a"#,
        assessment_id.0,
        version.0
    )
    .fetch_optional(&mut *conn)
    .await?)
}

/// Publishes, inside the transaction that took [`lock_for_publication`]: stores the report
/// and moves the assessment from review to published.
pub async fn publish(
    tx: &mut PgConnection,
    actor: &Actor,
    publication: &Publication<'_>,
) -> Result<ReportId> {
    let assessment = publication.assessment;
    sqlx::query!(
        "update assessment set status = 'published', version = version + 1
          where assessment_id = $1",
        assessment.assessment_id.0
    )
    .execute(&mut *tx)
    .await?;
    let id: i64 = sqlx::query_scalar!(
        "insert into report (assessment_id, territory_id, territory_name, published_by, snapshot,
                             body_fr, body_en, fingerprint)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning report_id",
        assessment.assessment_id.0,
        assessment.territory_id.0,
        &publication.data.territory.name,
        actor.user_id.map(|u| u.0),
        serde_json::to_value(publication.data).map_err(anyhow::Error::from)?,
        publication.body_fr,
        publication.body_en,
        publication.fingerprint
    )
    .fetch_one(&mut *tx)
    .await?;
    audit(
        &mut *tx,
        actor,
        "report.publish",
        ("assessment", Some(assessment.assessment_id.0)),
        Some(json!({ "status": "review" })),
        Some(json!({ "status": "published", "report_id": id })),
    )
    .await?;
    Ok(ReportId(id))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportRow {
    pub report_id: ReportId,
    pub territory_name: String,
    pub fingerprint: String,
    /// The languages its PDF is rendered in.
    pub pdf_langs: Vec<String>,
    /// Whether the job printing its PDF stopped on errors.
    pub pdf_failed: bool,
}

/// A published report (without its body), if `user` may read it (élus: their territories
/// only).
pub async fn find_readable(
    db: impl PgExecutor<'_>,
    reader: Reader,
    report_id: ReportId,
) -> Result<Option<ReportRow>> {
    Ok(sqlx::query_as!(
        ReportRow,
        r#"select r.report_id, r.territory_name, r.fingerprint,
                array(select p.lang from report_pdf p where p.report_id = r.report_id) as "pdf_langs!",
                exists (select 1 from job j where j.kind = 'report_pdf'
                           and j.report_id = r.report_id and j.state = 'failed') as "pdf_failed!"
           from report r
          where r.report_id = $1
            and ($2 or exists (select 1 from user_territory ut
                                where ut.user_id = $3 and ut.territory_id = r.territory_id))"#,
        report_id.0,
        reader.role != Role::Elu,
        reader.user_id.0
    )
    .fetch_optional(db)
    .await?)
}

/// The content of a published report, as frozen (None when it cannot be read).
pub async fn snapshot(db: impl PgExecutor<'_>, report_id: ReportId) -> Result<Option<ReportData>> {
    let snapshot: Option<serde_json::Value> = sqlx::query_scalar!(
        "select snapshot from report where report_id = $1",
        report_id.0
    )
    .fetch_optional(db)
    .await?;
    Ok(snapshot.and_then(|s| serde_json::from_value(s).ok()))
}

/// The published reports `user` may read, newest first (without their bodies).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportListRow {
    pub report_id: ReportId,
    pub territory_id: TerritoryId,
    pub territory_name: String,
    pub round_date: time::Date,
    pub round_label: String,
    pub published_at: OffsetDateTime,
    /// The framework's version number the round was assessed on.
    pub framework_version: i32,
}

impl ReportListRow {
    /// The publication date ("YYYY-MM-DD", Paris time is close enough for a day).
    pub fn published_on(&self) -> String {
        self.published_at.date().to_string()
    }
}

pub async fn list_readable(
    pool: &PgPool,
    reader: Reader,
    territory: Option<i64>,
    limit: i64,
) -> Result<Vec<ReportListRow>> {
    // One statement per kind of reader and filter (no `$n or …`), with the limit written in it
    // (a parameter there has PostgreSQL plan the statement again at each execution): each
    // keeps its plan.
    let elu = reader.role == Role::Elu;
    let scope = if elu {
        "join user_territory ut on ut.territory_id = r.territory_id and ut.user_id = $1"
    } else {
        ""
    };
    let territory_filter = match (elu, territory.is_some()) {
        (true, true) => "where r.territory_id = $2",
        (false, true) => "where r.territory_id = $1",
        (_, false) => "",
    };
    let sql = format!(
        "select r.report_id, r.territory_id, r.territory_name, a.round_date,
                a.label as round_label, r.published_at, fv.version as framework_version
           from report r join assessment a on a.assessment_id = r.assessment_id
           join framework_version fv on fv.framework_version_id = a.framework_version_id
           {scope} {territory_filter}
          order by r.published_at desc limit {limit}"
    );
    let mut query = sqlx::query_as(&sql);
    if elu {
        query = query.bind(reader.user_id.0);
    }
    if let Some(territory) = territory {
        query = query.bind(territory);
    }
    Ok(query.fetch_all(pool).await?)
}
