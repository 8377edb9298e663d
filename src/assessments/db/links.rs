//! What links a round to the rest of its territory's history in the database: the steps of
//! the previous round's roadmap that were done, carried into a new round's evidence, and the
//! report a round was published as. SQL over other features' tables, kept here so that
//! assessments import nothing from the features built on them.

use sqlx::{PgConnection, PgExecutor};

use crate::vocabulary::{AssessmentId, ReportId};

/// Adds the steps done in `previous`'s roadmap to the evidence of their criteria in `round`.
pub async fn prefill_evidence_from_roadmap(
    conn: &mut PgConnection,
    round: AssessmentId,
    previous: AssessmentId,
) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        r#"update criterion_answer ca
              set evidence = left(concat_ws(E'\n', nullif(ca.evidence, ''), done.note), 5000)
             from (select c.criterion_id,
                          string_agg(format('Étape %s → %s de la feuille de route réalisée le %s%s',
                                            s.from_level, s.from_level + 1,
                                            to_char(st.status_date, 'DD/MM/YYYY'),
                                            case when st.comment <> '' then ' : ' || st.comment else '' end),
                                     E'\n' order by s.from_level) as note
                     from roadmap_step s
                     join lateral (select status, status_date, comment from step_status
                                    where step_id = s.step_id
                                    order by step_status_id desc limit 1) st on st.status = 'fait'
                     join criterion c on c.code = s.criterion_code
                      and c.framework_version_id = (select framework_version_id from assessment
                                                     where assessment_id = $1)
                    where s.assessment_id = $2
                    group by c.criterion_id) done
            where ca.assessment_id = $1 and ca.criterion_id = done.criterion_id"#,
        round.0,
        previous.0
    )
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// The report of an assessment, if published.
pub async fn report_of(
    db: impl PgExecutor<'_>,
    assessment_id: AssessmentId,
) -> sqlx::Result<Option<ReportId>> {
    sqlx::query_scalar!(
        r#"select report_id as "report_id: ReportId" from report where assessment_id = $1"#,
        assessment_id.0
    )
    .fetch_optional(db)
    .await
}
