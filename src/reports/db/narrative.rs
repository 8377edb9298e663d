//! The "En bref" queries: the consultant's key messages and decisions for a round, and saving
//! them (version-checked, only while the round can change).

use serde_json::json;
use sqlx::PgExecutor;

use crate::assessments::db::EditableRound;
use crate::audit::{Actor, audit};
use crate::error::Result;
use crate::vocabulary::AssessmentId;

/// The consultant's "En bref" for an assessment, if written.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NarrativeRow {
    pub messages: String,
    pub decisions: String,
    pub version: crate::vocabulary::Version,
}

pub async fn narrative(
    db: impl PgExecutor<'_>,
    assessment_id: AssessmentId,
) -> Result<Option<NarrativeRow>> {
    Ok(sqlx::query_as!(
        NarrativeRow,
        r#"select messages, decisions, version as "version: crate::vocabulary::Version"
             from report_narrative where assessment_id = $1"#,
        assessment_id.0
    )
    .fetch_optional(db)
    .await?)
}

/// Stores the "En bref" of a round held editable: written anew when `version` is 0 and there
/// is none, else updated if still at `version`. False when the version moved.
pub async fn save_narrative(
    round: &mut EditableRound<'_>,
    actor: &Actor,
    version: crate::vocabulary::Version,
    messages: &str,
    decisions: &str,
) -> Result<bool> {
    let assessment_id = round.id();
    let tx = round.conn();
    let saved = sqlx::query!(
        "insert into report_narrative as n (assessment_id, messages, decisions, updated_by)
         select $1, $2, $3, $4 where $5 = 0
         on conflict (assessment_id) do nothing",
        assessment_id.0,
        messages,
        decisions,
        actor.user_id.map(|u| u.0),
        version.0
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        + sqlx::query!(
            "update report_narrative set messages = $2, decisions = $3, updated_by = $4,
                    updated_at = now(), version = version + 1
              where assessment_id = $1 and version = $5 and $5 > 0",
            assessment_id.0,
            messages,
            decisions,
            actor.user_id.map(|u| u.0),
            version.0
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if saved == 1 {
        audit(
            &mut *tx,
            actor,
            "report.narrative",
            ("assessment", Some(assessment_id.0)),
            None,
            Some(json!({ "messages": messages, "decisions": decisions })),
        )
        .await?;
    }
    Ok(saved == 1)
}
