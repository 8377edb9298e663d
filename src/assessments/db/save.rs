//! Version-checked saves of one answer or one indicator value: the round must not be
//! published and the row must still be at the version the input was based on; the save, its
//! new version and its audit event (the changed fields only) are one statement, so one round
//! trip and one transaction. An autosave compares its input with [`StoredAnswer`], the
//! answer's mutable columns only (the framework's texts are not read again at each keystroke).

use serde::Serialize;
use serde_json::{Value, json};
use sqlx::{PgConnection, PgExecutor};

use super::IndicatorRow;
use crate::assessments::answer::{Answer, IndicatorValue};
use crate::audit::{Actor, changed_fields};
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

/// One criterion's answer as stored, without the framework's texts: what a save compares its
/// input with, and what a conflict notice shows.
#[derive(Clone, Debug)]
pub struct StoredAnswer {
    pub criterion_id: i64,
    pub code: String,
    pub answer: Answer,
    pub version: Version,
    pub updated_by: Option<String>,
    pub updated_by_id: Option<i64>,
}

/// The answer to criterion `code` of a round, as stored.
pub async fn stored_answer(
    db: impl PgExecutor<'_>,
    assessment_id: AssessmentId,
    code: &str,
) -> Result<Option<StoredAnswer>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select a.criterion_id, c.code, a.level, a.not_applicable, a.justification,
                  a.importance, a.target, a.evidence, a.confidence as "confidence: Confidence",
                  a.version, u.email as "updated_by?", a.updated_by as updated_by_id
             from criterion_answer a
             join criterion c using (criterion_id)
             left join app_user u on u.user_id = a.updated_by
            where a.assessment_id = $1 and c.code = $2"#,
        assessment_id.0,
        code
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| StoredAnswer {
        criterion_id: row.criterion_id,
        code: row.code,
        answer: Answer {
            level: row.level,
            not_applicable: row.not_applicable,
            justification: row.justification,
            importance: row.importance,
            target: row.target,
            evidence: row.evidence,
            confidence: row.confidence,
        },
        version: Version(row.version),
        updated_by: row.updated_by,
        updated_by_id: row.updated_by_id,
    }))
}

/// Who last changed a field of an answer: (form field, author's account, author's label).
pub type FieldAuthor = (String, Option<i64>, String);

/// An answer as it was at an earlier version, and who last changed each field since.
pub struct AnswerHistory {
    pub answer: Answer,
    /// The latest change of each field changed since.
    pub authors: Vec<FieldAuthor>,
}

/// The answer to criterion `code` as it was at `version`, rebuilt from `stored` and the audit
/// log: each later version was written by one save, whose event holds the changed fields
/// before the change. `None` when the log does not cover every later version (then the
/// caller cannot tell who changed what).
pub async fn answer_at(
    db: impl PgExecutor<'_>,
    assessment_id: AssessmentId,
    stored: &StoredAnswer,
    version: Version,
) -> Result<Option<AnswerHistory>, sqlx::Error> {
    let later = i64::from(stored.version.0) - i64::from(version.0);
    if version.0 < 1 || later < 0 {
        return Ok(None);
    }
    let events = sqlx::query!(
        "select before, actor_user_id, actor_label from audit_event
          where object_type = 'assessment' and object_id = $1 and action = 'answer.update'
            and after ->> 'criterion' = $2
          order by audit_event_id desc limit $3",
        assessment_id.0,
        &stored.code,
        later
    )
    .fetch_all(db)
    .await?;
    if events.len() as i64 != later {
        return Ok(None);
    }
    let mut answer = serde_json::to_value(&stored.answer).unwrap_or_default();
    let mut authors: Vec<FieldAuthor> = Vec::new();
    // Newest first: the oldest change of a field leaves its value at `version`, the newest
    // names its author.
    for event in &events {
        let Some(fields) = event.before.as_ref().and_then(Value::as_object) else {
            continue;
        };
        for (field, value) in fields {
            if let Some(answer) = answer.as_object_mut() {
                answer.insert(field.clone(), value.clone());
            }
            let form_field = if field == "not_applicable" {
                "level"
            } else {
                field
            };
            if !authors.iter().any(|(f, _, _)| f == form_field) {
                authors.push((
                    form_field.to_owned(),
                    event.actor_user_id,
                    event.actor_label.clone(),
                ));
            }
        }
    }
    Ok(serde_json::from_value(answer)
        .ok()
        .map(|answer| AnswerHistory { answer, authors }))
}

/// A transaction that holds a round shared and found it editable (draft or review): the proof
/// that every function writing to a round's roadmap or "En bref" requires, and the only way to
/// get one is [`hold_editable`]. A publication takes the round exclusively, so it waits for
/// the writes under way, and later ones find the round published. (An answer's or an
/// indicator's save holds the round in its own single statement.) Dropped without
/// [`commit`](Self::commit), everything it wrote is rolled back.
///
/// A write without the proof does not compile:
///
/// ```compile_fail
/// async fn write(conn: &mut sqlx::PgConnection, actor: &territoires::audit::Actor) {
///     territoires::roadmap::db::save_governance(conn, actor, "Comité de pilotage").await;
/// }
/// ```
///
/// ```
/// async fn write(
///     conn: &mut sqlx::PgConnection,
///     actor: &territoires::audit::Actor,
///     round: territoires::vocabulary::AssessmentId,
/// ) -> Result<(), sqlx::Error> {
///     if let Some(mut held) = territoires::assessments::db::hold_editable(conn, round).await? {
///         territoires::roadmap::db::save_governance(&mut held, actor, "Comité").await?;
///         held.commit().await?;
///     }
///     Ok(())
/// }
/// ```
pub struct EditableRound<'c> {
    tx: sqlx::Transaction<'c, sqlx::Postgres>,
    id: AssessmentId,
}

impl EditableRound<'_> {
    /// The round held.
    pub fn id(&self) -> AssessmentId {
        self.id
    }

    /// The transaction's connection, for the writes (and reads) of the edit.
    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// Begins a transaction on `conn` that holds round `assessment_id` shared until it ends, if the
/// round can still be edited; `None` (nothing held) when it is published or does not exist.
pub async fn hold_editable(
    conn: &mut PgConnection,
    assessment_id: AssessmentId,
) -> Result<Option<EditableRound<'_>>, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    let status: Option<AssessmentStatus> = sqlx::query_scalar!(
        r#"select status as "status: AssessmentStatus" from assessment where assessment_id = $1 for share"#,
        assessment_id.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(status
        .is_some_and(|s| !s.is_read_only())
        .then_some(EditableRound {
            tx,
            id: assessment_id,
        }))
}

/// What a save of `input` over `stored` (its version and value) will change, for the audit
/// log: the changed fields before and after, with the criterion's or indicator's code
/// (`field`); or the outcome without writing, when the input was based on another version or
/// changes nothing.
fn change<T: Serialize>(
    (stored_version, stored): (Version, &T),
    input: &T,
    version: Version,
    (field, code): (&str, &str),
) -> Result<(Value, Value), Saved> {
    let before = serde_json::to_value(stored).unwrap_or_default();
    let after = serde_json::to_value(input).unwrap_or_default();
    if stored_version != version {
        return Err(Saved::Conflict);
    }
    if before == after {
        return Err(Saved::Unchanged(version));
    }
    let (old, mut new) = changed_fields(&before, &after);
    new[field] = json!(code);
    Ok((old, new))
}

/// What the one statement of a save reports: the new version when it wrote, and whether the
/// round could still be edited.
struct Written {
    version: Option<i32>,
    editable: bool,
}

impl Written {
    fn saved(self) -> Saved {
        match self.version {
            Some(version) => Saved::Stored(Version(version)),
            None if !self.editable => Saved::ReadOnly,
            None => Saved::Conflict,
        }
    }
}

/// What the one statement of an answer's save found and did.
struct AnswerWritten {
    /// The version stored when the statement began (none: no such criterion in the round).
    stored: Option<i32>,
    /// The new version, when it wrote.
    version: Option<i32>,
    /// Whether the input differs from what is stored at `version`.
    changed: bool,
    editable: bool,
}

/// Saves the answer to criterion `code` if it is still at `version`, in one statement (its
/// own transaction, one round trip): it holds the round shared (see [`hold_editable`]), reads
/// the stored answer, lists the fields that `answer` leaves as they are (`same`), writes the
/// row only at `version` and when some field changed, and records the changed fields in the
/// audit log (the criterion's code with them). `None`: the round has no such criterion.
///
/// The answer read and the answer written are the same row version: the input was based on a
/// committed `version`, so the statement's snapshot holds that version or a later one, and the
/// update's own check on `version` refuses a later one.
pub async fn save_answer(
    conn: &mut PgConnection,
    actor: &Actor,
    assessment_id: AssessmentId,
    code: &str,
    version: Version,
    answer: &Answer,
) -> Result<Option<Saved>, sqlx::Error> {
    let written = sqlx::query_as!(
        AnswerWritten,
        r#"with editable as (
               select 1 from assessment
                where assessment_id = $1 and status in ('draft', 'review') for share
           ), stored as (
               select a.criterion_id, a.version,
                      jsonb_build_object('level', a.level, 'not_applicable', a.not_applicable,
                                         'justification', a.justification,
                                         'importance', a.importance, 'target', a.target,
                                         'evidence', a.evidence, 'confidence', a.confidence)
                          as answer,
                      array_remove(array[
                          case when a.level is not distinct from $4::smallint then 'level' end,
                          case when a.not_applicable = $5::boolean then 'not_applicable' end,
                          case when a.justification = $6::text then 'justification' end,
                          case when a.importance = $7::smallint then 'importance' end,
                          case when a.target is not distinct from $8::smallint then 'target' end,
                          case when a.evidence = $9::text then 'evidence' end,
                          case when a.confidence is not distinct from $10::text
                               then 'confidence' end], null) as same
                 from criterion_answer a join criterion c using (criterion_id)
                where a.assessment_id = $1 and c.code = $2
           ), saved as (
               update criterion_answer a
                  set level = $4::smallint, not_applicable = $5::boolean,
                      justification = $6::text, importance = $7::smallint,
                      target = $8::smallint, evidence = $9::text, confidence = $10::text,
                      version = a.version + 1, updated_by = $11, updated_at = now()
                 from stored s
                where a.assessment_id = $1 and a.criterion_id = s.criterion_id
                  and a.version = $3 and s.version = $3 and cardinality(s.same) < 7
                  and exists (select 1 from editable)
                returning a.version
           ), logged as (
               insert into audit_event (actor_user_id, actor_label, action, object_type,
                                        object_id, before, after)
               select $11, $12, 'answer.update', 'assessment', $1, s.answer - s.same,
                      (jsonb_build_object('level', $4::smallint, 'not_applicable', $5::boolean,
                                          'justification', $6::text, 'importance', $7::smallint,
                                          'target', $8::smallint, 'evidence', $9::text,
                                          'confidence', $10::text) - s.same)
                      || jsonb_build_object('criterion', $2::text)
                 from stored s, saved
           )
           select (select version from stored) as stored,
                  (select version from saved) as version,
                  coalesce((select cardinality(same) < 7 from stored), false) as "changed!",
                  exists (select 1 from editable) as "editable!""#,
        assessment_id.0,
        code,
        version.0,
        answer.level,
        answer.not_applicable,
        &answer.justification,
        answer.importance,
        answer.target,
        &answer.evidence,
        answer.confidence.map(Confidence::as_str),
        actor.user_id.map(|u| u.0),
        &actor.label
    )
    .fetch_one(conn)
    .await?;
    Ok(written.stored.map(|stored| {
        if stored != version.0 {
            Saved::Conflict
        } else if !written.changed {
            Saved::Unchanged(version)
        } else {
            Written {
                version: written.version,
                editable: written.editable,
            }
            .saved()
        }
    }))
}

/// Saves one indicator value if it is still at `version`, in one statement, like
/// [`save_answer`].
pub async fn save_indicator(
    conn: &mut PgConnection,
    actor: &Actor,
    assessment_id: AssessmentId,
    row: &IndicatorRow,
    version: Version,
    value: &IndicatorValue,
) -> Result<Saved, sqlx::Error> {
    let stored = (row.version, &row.stored());
    let (old, new) = match change(stored, value, version, ("indicator", &row.code)) {
        Ok(change) => change,
        Err(outcome) => return Ok(outcome),
    };
    let written = sqlx::query_as!(
        Written,
        r#"with editable as (
               select 1 from assessment
                where assessment_id = $1 and status in ('draft', 'review') for share
           ), saved as (
               update indicator_value
                  set value = $4, year = $5, source_note = $6, version = version + 1,
                      updated_by = $7, updated_at = now()
                where assessment_id = $1 and indicator_id = $2 and version = $3
                  and exists (select 1 from editable)
                returning version
           ), logged as (
               insert into audit_event (actor_user_id, actor_label, action, object_type,
                                        object_id, before, after)
               select $7, $8, 'indicator.update', 'assessment', $1, $9, $10 from saved
           )
           select (select version from saved) as version,
                  exists (select 1 from editable) as "editable!""#,
        assessment_id.0,
        row.indicator_id,
        version.0,
        value.value,
        value.year,
        &value.source_note,
        actor.user_id.map(|u| u.0),
        &actor.label,
        old,
        new
    )
    .fetch_one(conn)
    .await?;
    Ok(written.saved())
}
