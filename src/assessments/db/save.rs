//! Version-checked saves of one answer or one indicator value: the round must not be
//! published and the row must still be at the version the input was based on; the save, its
//! new version and its audit event (the changed fields only) are one transaction.

use serde_json::{Value, json};
use sqlx::PgConnection;

use super::{AnswerRow, IndicatorRow};
use crate::assessments::answer::{Answer, IndicatorValue};
use crate::audit::{Actor, audit, changed_fields};
use crate::vocabulary::{AssessmentId, AssessmentStatus, Confidence, Version};

/// What a version-checked save came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    /// Stored; the new version.
    Stored(Version),
    /// Nothing to store: the input equals what is stored.
    Unchanged(Version),
    /// Someone saved since the version the input was based on; nothing was written.
    Conflict,
    /// The assessment is published: nothing may change.
    ReadOnly,
}

/// The row a save is about.
enum Row {
    Answer(i64),
    Indicator(i64),
}

/// A save under way: its transaction holds the assessment (shared) and the row (exclusive).
struct Locked<'c> {
    tx: sqlx::Transaction<'c, sqlx::Postgres>,
    /// The row's version, equal to the one the input was based on.
    version: Version,
}

/// Holds the round shared until the transaction ends, if it can still be edited (draft or
/// review): every write to a round (answers, values, roadmap, "En bref") takes it first, so a
/// publication, which takes the round exclusively, waits for the writes under way and later
/// ones find it published.
pub async fn hold_editable(
    tx: &mut PgConnection,
    assessment_id: AssessmentId,
) -> Result<bool, sqlx::Error> {
    let status: Option<AssessmentStatus> = sqlx::query_scalar!(
        r#"select status as "status: AssessmentStatus" from assessment where assessment_id = $1 for share"#,
        assessment_id.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(status.is_some_and(|s| !s.is_read_only()))
}

/// Starts a save: the assessment must not be published, and the row must still be at
/// `version`; otherwise the outcome to report, with nothing written.
async fn lock_for_save(
    conn: &mut PgConnection,
    assessment_id: AssessmentId,
    row: Row,
    version: Version,
) -> Result<Result<Locked<'_>, Saved>, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    if !hold_editable(&mut tx, assessment_id).await? {
        return Ok(Err(Saved::ReadOnly));
    }
    let current = match row {
        Row::Answer(id) => {
            sqlx::query_scalar!(
                "select version from criterion_answer
              where assessment_id = $1 and criterion_id = $2 for update",
                assessment_id.0,
                id
            )
            .fetch_optional(&mut *tx)
            .await?
        }
        Row::Indicator(id) => {
            sqlx::query_scalar!(
                "select version from indicator_value
              where assessment_id = $1 and indicator_id = $2 for update",
                assessment_id.0,
                id
            )
            .fetch_optional(&mut *tx)
            .await?
        }
    }
    .map(Version);
    Ok(match current.filter(|v| *v == version) {
        Some(version) => Ok(Locked { tx, version }),
        None => Err(Saved::Conflict),
    })
}

/// What a save changed, for the audit log.
struct Change<'a> {
    action: &'static str,
    /// "criterion" or "indicator", and its code.
    field: &'static str,
    code: &'a str,
    before: &'a Value,
    after: &'a Value,
}

/// Records the changed fields in the audit log and commits the save.
async fn record_save(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    actor: &Actor,
    assessment_id: AssessmentId,
    change: Change<'_>,
) -> Result<(), sqlx::Error> {
    let (old, mut new) = changed_fields(change.before, change.after);
    new[change.field] = json!(change.code);
    audit(
        &mut *tx,
        actor,
        change.action,
        ("assessment", Some(assessment_id.0)),
        Some(old),
        Some(new),
    )
    .await?;
    tx.commit().await
}

/// Saves one answer if it is still at `version`.
pub async fn save_answer(
    conn: &mut PgConnection,
    actor: &Actor,
    assessment_id: AssessmentId,
    row: &AnswerRow,
    version: Version,
    answer: &Answer,
) -> Result<Saved, sqlx::Error> {
    let mut locked =
        match lock_for_save(conn, assessment_id, Row::Answer(row.criterion_id), version).await? {
            Ok(locked) => locked,
            Err(outcome) => return Ok(outcome),
        };
    let before = serde_json::to_value(row.answer()).unwrap_or_default();
    let after = serde_json::to_value(answer).unwrap_or_default();
    if before == after {
        return Ok(Saved::Unchanged(locked.version));
    }
    let new_version = Version(
        sqlx::query_scalar!(
            "update criterion_answer
            set level = $3, not_applicable = $4, justification = $5, importance = $6,
                target = $7, evidence = $8, confidence = $9, version = version + 1,
                updated_by = $10, updated_at = now()
          where assessment_id = $1 and criterion_id = $2
          returning version",
            assessment_id.0,
            row.criterion_id,
            answer.level,
            answer.not_applicable,
            &answer.justification,
            answer.importance,
            answer.target,
            &answer.evidence,
            answer.confidence.map(Confidence::as_str),
            actor.user_id.map(|u| u.0)
        )
        .fetch_one(&mut *locked.tx)
        .await?,
    );
    let change = Change {
        action: "answer.update",
        field: "criterion",
        code: &row.code,
        before: &before,
        after: &after,
    };
    record_save(locked.tx, actor, assessment_id, change).await?;
    Ok(Saved::Stored(new_version))
}

/// Saves one indicator value if it is still at `version`.
pub async fn save_indicator(
    conn: &mut PgConnection,
    actor: &Actor,
    assessment_id: AssessmentId,
    row: &IndicatorRow,
    version: Version,
    value: &IndicatorValue,
) -> Result<Saved, sqlx::Error> {
    let mut locked = match lock_for_save(
        conn,
        assessment_id,
        Row::Indicator(row.indicator_id),
        version,
    )
    .await?
    {
        Ok(locked) => locked,
        Err(outcome) => return Ok(outcome),
    };
    let before = serde_json::to_value(row.stored()).unwrap_or_default();
    let after = serde_json::to_value(value).unwrap_or_default();
    if before == after {
        return Ok(Saved::Unchanged(locked.version));
    }
    let new_version = Version(
        sqlx::query_scalar!(
            "update indicator_value
            set value = $3, year = $4, source_note = $5, version = version + 1,
                updated_by = $6, updated_at = now()
          where assessment_id = $1 and indicator_id = $2
          returning version",
            assessment_id.0,
            row.indicator_id,
            value.value,
            value.year,
            &value.source_note,
            actor.user_id.map(|u| u.0)
        )
        .fetch_one(&mut *locked.tx)
        .await?,
    );
    let change = Change {
        action: "indicator.update",
        field: "indicator",
        code: &row.code,
        before: &before,
        after: &after,
    };
    record_save(locked.tx, actor, assessment_id, change).await?;
    Ok(Saved::Stored(new_version))
}
