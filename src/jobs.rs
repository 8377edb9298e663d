//! Durable jobs in PostgreSQL (the `job` table): work that follows a request, such as printing
//! a published report to PDF, done by the worker of any instance. A worker claims one due job
//! at a time (`FOR UPDATE SKIP LOCKED`, so two instances never take the same one) and leases it
//! by pushing its `run_after` forward: a worker that crashes leaves the job due again when the
//! lease ends. A failure is retried later, each wait twice the previous, until
//! [`MAX_ATTEMPTS`]; then the job stays `failed` with its error, for an administrator to
//! retry. A leaf module: queries only, no HTTP; what a job does belongs to its feature.

use std::time::Duration;

use sqlx::PgExecutor;
use time::OffsetDateTime;

use crate::vocabulary::ReportId;

/// Attempts after which a failing job stops and waits for an administrator.
pub const MAX_ATTEMPTS: i32 = 5;

/// A job taken by this worker, leased until it is done, failed or the lease ends.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub job_id: i64,
    pub report_id: ReportId,
    /// This attempt's number, from 1.
    pub attempts: i32,
}

/// A job as administrators see it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct JobRow {
    pub job_id: i64,
    pub kind: String,
    pub report_id: Option<i64>,
    pub territory_name: Option<String>,
    pub state: String,
    pub attempts: i32,
    pub run_after: OffsetDateTime,
    pub last_error: Option<String>,
    pub updated_at: OffsetDateTime,
}

/// Makes the PDF job of `report` due now (a new job, or one failed or done before, started
/// over); in the caller's transaction, so it exists exactly when the report does.
pub async fn enqueue_report_pdf(db: impl PgExecutor<'_>, report: ReportId) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into job (kind, report_id) values ('report_pdf', $1)
         on conflict (kind, report_id) do update
            set state = 'pending', attempts = 0, run_after = now(), last_error = null,
                updated_at = now()",
        report.0
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Takes the most overdue pending job, if any is due, leasing it for `lease`.
pub async fn claim(db: impl PgExecutor<'_>, lease: Duration) -> sqlx::Result<Option<Claimed>> {
    let row = sqlx::query!(
        r#"update job set attempts = attempts + 1, updated_at = now(),
                          run_after = now() + make_interval(secs => $1)
            where job_id = (select job_id from job
                             where state = 'pending' and run_after <= now()
                             order by run_after, job_id
                             for update skip locked limit 1)
        returning job_id, report_id as "report_id!", attempts"#,
        lease.as_secs_f64()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Claimed {
        job_id: r.job_id,
        report_id: ReportId(r.report_id),
        attempts: r.attempts,
    }))
}

/// The job is done.
pub async fn done(db: impl PgExecutor<'_>, job: &Claimed) -> sqlx::Result<()> {
    sqlx::query!(
        "update job set state = 'done', last_error = null, updated_at = now()
          where job_id = $1",
        job.job_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The job failed with `error`: due again after `backoff` × 2^(attempts − 1), or stopped
/// (`failed`) once it has had [`MAX_ATTEMPTS`].
pub async fn failed(
    db: impl PgExecutor<'_>,
    job: &Claimed,
    error: &str,
    backoff: Duration,
) -> sqlx::Result<()> {
    let wait = backoff.as_secs_f64() * 2f64.powi(job.attempts.clamp(1, 20) - 1);
    let error: String = error.chars().take(2000).collect();
    sqlx::query!(
        "update job
            set state = case when attempts >= $2 then 'failed' else 'pending' end,
                run_after = now() + make_interval(secs => $3), last_error = $4, updated_at = now()
          where job_id = $1",
        job.job_id,
        MAX_ATTEMPTS,
        wait,
        error
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The jobs not done, failed first, for administrators.
pub async fn unfinished(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<JobRow>> {
    sqlx::query_as!(
        JobRow,
        r#"select j.job_id, j.kind, j.report_id, r.territory_name as "territory_name?", j.state,
                  j.attempts, j.run_after, j.last_error, j.updated_at
             from job j left join report r using (report_id)
            where j.state <> 'done'
            order by j.state = 'pending', j.run_after
            limit 200"#
    )
    .fetch_all(db)
    .await
}

/// Makes a failed job due now, attempts counted anew; false when it is not failed.
pub async fn retry(db: impl PgExecutor<'_>, job_id: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query!(
        "update job set state = 'pending', attempts = 0, run_after = now(), updated_at = now()
          where job_id = $1 and state = 'failed'",
        job_id
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}
