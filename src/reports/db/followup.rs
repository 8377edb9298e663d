//! Follow-up queries: the latest status of each step of a published roadmap, recording a
//! status (after locking the step and checking what the consultant saw), and the latest values
//! of what the chantiers follow.

use serde_json::json;
use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};

use crate::audit::{Actor, audit};
use crate::vocabulary::{ReportId, StepId, StepStatus};

/// The latest status of each step of a published report's roadmap.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StatusRow {
    pub step_status_id: i64,
    pub step_id: StepId,
    pub status: StepStatus,
    pub status_date: Date,
    pub comment: String,
    pub author: Option<String>,
    pub created_at: OffsetDateTime,
}

pub async fn statuses(db: impl PgExecutor<'_>, report: ReportId) -> sqlx::Result<Vec<StatusRow>> {
    sqlx::query_as!(
        StatusRow,
        r#"select distinct on (st.step_id) st.step_status_id, st.step_id, st.status as "status: StepStatus",
                  st.status_date, st.comment, u.email as "author?", st.created_at
             from step_status st
             join roadmap_step s using (step_id)
             join report r on r.assessment_id = s.assessment_id
             left join app_user u on u.user_id = st.author_id
            where r.report_id = $1
            order by st.step_id, st.step_status_id desc"#,
        report.0
    )
    .fetch_all(db)
    .await
}

/// Records a step's status; false when the step is not in that report's roadmap.
pub async fn set_status(
    tx: &mut PgConnection,
    actor: &Actor,
    report: ReportId,
    step: StepId,
    status: StepStatus,
    date: Date,
    comment: &str,
) -> sqlx::Result<bool> {
    let id: Option<i64> = sqlx::query_scalar!(
        "insert into step_status (step_id, status, status_date, comment, author_id)
         select s.step_id, $3, $4, $5, $6
           from roadmap_step s join report r on r.assessment_id = s.assessment_id
          where r.report_id = $1 and s.step_id = $2 and s.dropped_reason is null
         returning step_status_id",
        report.0,
        step.0,
        status.as_str(),
        date,
        comment,
        actor.user_id.map(|u| u.0)
    )
    .fetch_optional(&mut *tx)
    .await?;
    if id.is_some() {
        audit(
            &mut *tx,
            actor,
            "roadmap.step_status",
            ("step", Some(step.0)),
            None,
            Some(json!({ "report": report.0, "status": status.as_str(), "date": date.to_string(), "comment": comment })),
        )
        .await?;
    }
    Ok(id.is_some())
}

/// Locks a step of a report's roadmap and returns the id of its latest status (0: none yet);
/// None when the step is not in that roadmap or was dropped.
pub async fn latest_status_id(
    tx: &mut PgConnection,
    report: ReportId,
    step: StepId,
) -> sqlx::Result<Option<i64>> {
    let found: Option<i64> = sqlx::query_scalar!(
        "select s.step_id from roadmap_step s join report r on r.assessment_id = s.assessment_id
          where r.report_id = $1 and s.step_id = $2 and s.dropped_reason is null
            and s.chantier_id is not null
            for update of s",
        report.0,
        step.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    if found.is_none() {
        return Ok(None);
    }
    Ok(Some(
        sqlx::query_scalar!(
            r#"select coalesce(max(step_status_id), 0) as "latest!" from step_status where step_id = $1"#,
            step.0
        )
        .fetch_one(&mut *tx)
        .await?,
    ))
}

/// The latest known value of each followed code in the report's territory: an indicator's
/// latest value, or a criterion's latest level, over its rounds (drafts included: the
/// follow-up shows where things stand).
pub async fn latest_values(
    conn: &mut PgConnection,
    report: ReportId,
    codes: &[String],
) -> sqlx::Result<Vec<(String, f64, Option<i16>)>> {
    let rows = sqlx::query!(
        r#"select code as "code!", value as "value!", year from (
             select distinct on (i.code) i.code, v.value, v.year
               from indicator_value v join indicator i using (indicator_id)
               join assessment a using (assessment_id)
               join report r on r.territory_id = a.territory_id
              where r.report_id = $1 and v.value is not null and i.code = any($2)
              order by i.code, a.round_date desc, a.assessment_id desc) indicators
           union all
           select code, level::float8, extract(year from round_date)::smallint from (
             select distinct on (c.code) c.code, ca.level, a.round_date
               from criterion_answer ca join criterion c using (criterion_id)
               join assessment a using (assessment_id)
               join report r on r.territory_id = a.territory_id
              where r.report_id = $1 and ca.level is not null and not ca.not_applicable
                and c.code = any($2)
              order by c.code, a.round_date desc, a.assessment_id desc) levels"#,
        report.0,
        codes
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.code, r.value, r.year))
        .collect())
}
