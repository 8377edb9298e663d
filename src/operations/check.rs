//! `territoires check`: verifies a database the way an operator needs before trusting it: every
//! migration of this binary applied as shipped, every published report's stored body matching
//! its fingerprint, and every published round's stored answers and indicator values equal to
//! what its report's snapshot shows. Returns the problems found, in words.

use sqlx::PgPool;

use crate::database::MIGRATOR;
use crate::reports::model::ReportData;
use crate::vocabulary::AssessmentId;

/// Everything wrong with the database, in words (empty when all is well).
pub async fn check(pool: &PgPool) -> anyhow::Result<Vec<String>> {
    let mut problems = migrations(pool).await?;
    if !problems.is_empty() {
        // Later checks read tables that a missing migration may not have made.
        return Ok(problems);
    }
    problems.extend(report_bodies(pool).await?);
    problems.extend(rounds(pool).await?);
    Ok(problems)
}

async fn migrations(pool: &PgPool) -> anyhow::Result<Vec<String>> {
    let applied = sqlx::query!(
        "select version, checksum from _sqlx_migrations where success order by version"
    )
    .fetch_all(pool)
    .await?;
    let mut problems = Vec::new();
    for migration in MIGRATOR.iter() {
        match applied.iter().find(|a| a.version == migration.version) {
            None => problems.push(format!(
                "migration {} ({}) is not applied",
                migration.version, migration.description
            )),
            Some(a) if a.checksum != *migration.checksum => problems.push(format!(
                "migration {} ({}) was applied from a different file",
                migration.version, migration.description
            )),
            Some(_) => {}
        }
    }
    Ok(problems)
}

async fn report_bodies(pool: &PgPool) -> anyhow::Result<Vec<String>> {
    let reports = sqlx::query!(
        "select report_id, body_fr, body_en, fingerprint from report order by report_id"
    )
    .fetch_all(pool)
    .await?;
    Ok(reports
        .into_iter()
        .filter(|r| crate::reports::fingerprint(&r.body_fr, &r.body_en) != r.fingerprint)
        .map(|r| {
            format!(
                "report {}: its stored body does not match its fingerprint",
                r.report_id
            )
        })
        .collect())
}

async fn rounds(pool: &PgPool) -> anyhow::Result<Vec<String>> {
    let reports =
        sqlx::query!("select report_id, assessment_id, snapshot from report order by report_id")
            .fetch_all(pool)
            .await?;
    let mut problems = Vec::new();
    for report in reports {
        let Ok(snapshot) = serde_json::from_value::<ReportData>(report.snapshot) else {
            problems.push(format!(
                "report {}: its snapshot cannot be read",
                report.report_id
            ));
            continue;
        };
        let answers =
            crate::assessments::db::answers(pool, AssessmentId(report.assessment_id), None, None)
                .await?;
        let values = crate::assessments::db::indicators(
            pool,
            AssessmentId(report.assessment_id),
            None,
            None,
        )
        .await?;
        let published: Vec<_> = snapshot
            .dimensions
            .iter()
            .flat_map(|d| &d.criteria)
            .collect();
        for answer in &answers {
            let stored = answer.answer();
            let same = published
                .iter()
                .find(|c| c.code == answer.code)
                .is_some_and(|c| {
                    c.level == stored.level
                        && c.not_applicable == stored.not_applicable
                        && c.justification == stored.justification
                        && c.importance == stored.importance
                        && c.target == stored.target
                        && c.evidence == stored.evidence
                        && c.confidence == stored.confidence
                });
            if !same {
                problems.push(format!(
                    "round {} (report {}): the stored answer to {} differs from the published one",
                    report.assessment_id, report.report_id, answer.code
                ));
            }
        }
        let published: Vec<_> = snapshot
            .dimensions
            .iter()
            .flat_map(|d| &d.indicators)
            .collect();
        for value in &values {
            let same = published
                .iter()
                .find(|i| i.code == value.code)
                .is_some_and(|i| {
                    i.value == value.value
                        && i.year == value.year
                        && i.source_note == value.source_note
                });
            if !same {
                problems.push(format!(
                    "round {} (report {}): the stored value of {} differs from the published one",
                    report.assessment_id, report.report_id, value.code
                ));
            }
        }
    }
    Ok(problems)
}
