//! Roadmap queries: storing a proposal, reading a roadmap whole, the edits (each inside a
//! transaction that holds the round shared, so that publication waits for it, and that moves
//! the roadmap's single version on), and the follow-up statuses of published steps.

use serde_json::json;
use sqlx::PgConnection;

pub use super::model::{ChantierRow, FollowedRow, Roadmap, RoadmapRow, StepRow};

use super::proposal;
use crate::assessments::db::EditableRound;
use crate::audit::{Actor, audit};
use crate::vocabulary::{AssessmentId, ChantierId, StepId, Version};

/// The roadmap of an assessment, if it has one.
pub async fn load(
    conn: &mut PgConnection,
    assessment: AssessmentId,
) -> sqlx::Result<Option<Roadmap>> {
    let Some(row) = sqlx::query_as!(
        RoadmapRow,
        r#"select assessment_id, governance, version as "version: Version"
             from roadmap where assessment_id = $1"#,
        assessment.0
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let chantiers = sqlx::query_as!(
        ChantierRow,
        r#"select chantier_id, position, title, objective, elu, pilot, partners_academia,
                  partners_associations, partners_businesses, partners_citizens,
                  partners_authorities, start_month, end_month, milestones, budget_min_keur,
                  budget_max_keur, etp::float8 as "etp!", funding, carried_from
             from roadmap_chantier where assessment_id = $1 order by position, chantier_id"#,
        assessment.0
    )
    .fetch_all(&mut *conn)
    .await?;
    let steps = sqlx::query_as!(
        StepRow,
        r#"select step_id, chantier_id as "chantier_id: ChantierId", position, criterion_code,
                  from_level, text, dropped_reason
             from roadmap_step where assessment_id = $1 order by position, step_id"#,
        assessment.0
    )
    .fetch_all(&mut *conn)
    .await?;
    let followed = sqlx::query_as!(
        FollowedRow,
        "select i.chantier_id, i.code, i.target
           from roadmap_indicator i join roadmap_chantier c using (chantier_id)
          where c.assessment_id = $1 order by i.chantier_id, i.position",
        assessment.0
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(Roadmap {
        row,
        chantiers,
        steps,
        followed,
    }))
}

/// Moves the roadmap to its next version if it is still at `version`; false when someone
/// edited it in between.
pub async fn bump(
    round: &mut EditableRound<'_>,
    actor: &Actor,
    version: Version,
) -> sqlx::Result<bool> {
    let assessment = round.id();
    let tx = round.conn();
    Ok(sqlx::query!(
        "update roadmap set version = version + 1, updated_by = $3, updated_at = now()
          where assessment_id = $1 and version = $2",
        assessment.0,
        version.0,
        actor.user_id.map(|u| u.0)
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// Stores a proposal as the roadmap of a round that has none; false when it has one already.
pub async fn create(
    round: &mut EditableRound<'_>,
    actor: &Actor,
    chantiers: &[proposal::Chantier],
    governance: &str,
) -> sqlx::Result<bool> {
    let assessment = round.id();
    let tx = round.conn();
    let created = sqlx::query!(
        "insert into roadmap (assessment_id, governance, updated_by) values ($1, $2, $3)
         on conflict do nothing",
        assessment.0,
        governance,
        actor.user_id.map(|u| u.0)
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !created {
        return Ok(false);
    }
    let mut position = 0;
    for (n, c) in chantiers.iter().enumerate() {
        let id: i64 = sqlx::query_scalar!(
            "insert into roadmap_chantier (assessment_id, position, title, objective, start_month,
                                           end_month, milestones, budget_min_keur,
                                           budget_max_keur, etp, funding)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::float8::numeric, $11)
             returning chantier_id",
            assessment.0,
            n as i32,
            &c.title.fr,
            &c.objective.fr,
            c.start_month,
            c.end_month,
            &c.milestones.fr,
            c.budget.min_keur,
            c.budget.max_keur,
            c.budget.etp,
            &c.funding
        )
        .fetch_one(&mut *tx)
        .await?;
        for (criterion, from_level) in &c.steps {
            sqlx::query!(
                "insert into roadmap_step (assessment_id, chantier_id, position, criterion_code,
                                           from_level)
                 values ($1, $2, $3, $4, $5)",
                assessment.0,
                id,
                position,
                criterion,
                from_level
            )
            .execute(&mut *tx)
            .await?;
            position += 1;
        }
        insert_followed(&mut *tx, ChantierId(id), &c.indicators).await?;
    }
    audit(
        &mut *tx,
        actor,
        "roadmap.propose",
        ("assessment", Some(assessment.0)),
        None,
        Some(json!({ "chantiers": chantiers.len() })),
    )
    .await?;
    Ok(true)
}

/// What a chantier follows, in order: (indicator or criterion code, target).
async fn insert_followed(
    tx: &mut PgConnection,
    chantier: ChantierId,
    followed: &[(String, f64)],
) -> sqlx::Result<()> {
    for (k, (code, target)) in followed.iter().enumerate() {
        sqlx::query!(
            "insert into roadmap_indicator (chantier_id, code, target, position)
             values ($1, $2, $3, $4)",
            chantier.0,
            code,
            target,
            k as i16
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// The fields of a chantier a consultant edits.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ChantierFields {
    pub title: String,
    pub objective: String,
    pub elu: String,
    pub pilot: String,
    pub partners: [String; 5],
    pub start_month: i16,
    pub end_month: i16,
    pub milestones: String,
    pub budget_min_keur: i32,
    pub budget_max_keur: i32,
    pub etp: f64,
    pub funding: Vec<String>,
    /// (indicator or criterion code, target).
    pub followed: Vec<(String, f64)>,
}

pub async fn save_chantier(
    round: &mut EditableRound<'_>,
    actor: &Actor,
    chantier: ChantierId,
    fields: &ChantierFields,
) -> sqlx::Result<bool> {
    let assessment = round.id();
    let tx = round.conn();
    let [academia, associations, businesses, citizens, authorities] = &fields.partners;
    let updated = sqlx::query!(
        "update roadmap_chantier set title = $3, objective = $4, elu = $5, pilot = $6,
                partners_academia = $7, partners_associations = $8, partners_businesses = $9,
                partners_citizens = $10, partners_authorities = $11, start_month = $12,
                end_month = $13, milestones = $14, budget_min_keur = $15, budget_max_keur = $16,
                etp = $17::float8::numeric, funding = $18, carried_from = null
          where chantier_id = $1 and assessment_id = $2",
        chantier.0,
        assessment.0,
        fields.title,
        fields.objective,
        fields.elu,
        fields.pilot,
        academia,
        associations,
        businesses,
        citizens,
        authorities,
        fields.start_month,
        fields.end_month,
        fields.milestones,
        fields.budget_min_keur,
        fields.budget_max_keur,
        fields.etp,
        &fields.funding
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !updated {
        return Ok(false);
    }
    sqlx::query!(
        "delete from roadmap_indicator where chantier_id = $1",
        chantier.0
    )
    .execute(&mut *tx)
    .await?;
    insert_followed(&mut *tx, chantier, &fields.followed).await?;
    audit(
        &mut *tx,
        actor,
        "roadmap.chantier",
        ("chantier", Some(chantier.0)),
        None,
        Some(serde_json::to_value(fields).unwrap_or_default()),
    )
    .await?;
    Ok(true)
}

/// Gives chantier `chantier` the title, owners and partners of `from` (a chantier of the
/// previous round's roadmap), marked as carried until it is saved.
pub async fn carry_chantier(
    round: &mut EditableRound<'_>,
    chantier: ChantierId,
    from: &super::model::ChantierRow,
) -> sqlx::Result<()> {
    let tx = round.conn();
    sqlx::query!(
        "update roadmap_chantier
            set title = $2, elu = $3, pilot = $4, partners_academia = $5,
                partners_associations = $6, partners_businesses = $7, partners_citizens = $8,
                partners_authorities = $9, carried_from = $2
          where chantier_id = $1",
        chantier.0,
        from.title,
        from.elu,
        from.pilot,
        from.partners_academia,
        from.partners_associations,
        from.partners_businesses,
        from.partners_citizens,
        from.partners_authorities
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Adds an empty chantier at the end; returns its id.
pub async fn add_chantier(
    round: &mut EditableRound<'_>,
    actor: &Actor,
    title: &str,
) -> sqlx::Result<ChantierId> {
    let assessment = round.id();
    let tx = round.conn();
    let id: i64 = sqlx::query_scalar!(
        "insert into roadmap_chantier (assessment_id, position, title, start_month, end_month,
                                       budget_min_keur, budget_max_keur, etp)
         select $1, coalesce(max(position) + 1, 0), $2, 1, 36, 0, 0, 0
           from roadmap_chantier where assessment_id = $1
         returning chantier_id",
        assessment.0,
        title
    )
    .fetch_one(&mut *tx)
    .await?;
    audit(
        &mut *tx,
        actor,
        "roadmap.chantier_add",
        ("chantier", Some(id)),
        None,
        Some(json!({ "title": title })),
    )
    .await?;
    Ok(ChantierId(id))
}

/// Moves every step of `from` into `into`, then removes `from`.
pub async fn merge(
    round: &mut EditableRound<'_>,
    actor: &Actor,
    from: ChantierId,
    into: ChantierId,
) -> sqlx::Result<bool> {
    let assessment = round.id();
    let tx = round.conn();
    let moved = sqlx::query!(
        "update roadmap_step s set chantier_id = $3
          where s.chantier_id = $2 and s.assessment_id = $1
            and exists (select 1 from roadmap_chantier c
                         where c.chantier_id = $3 and c.assessment_id = $1)",
        assessment.0,
        from.0,
        into.0
    )
    .execute(&mut *tx)
    .await?;
    let removed = sqlx::query!(
        "delete from roadmap_chantier c where c.chantier_id = $2 and c.assessment_id = $1
            and $2 <> $3
            and exists (select 1 from roadmap_chantier i
                         where i.chantier_id = $3 and i.assessment_id = $1)",
        assessment.0,
        from.0,
        into.0
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if removed {
        audit(
            &mut *tx,
            actor,
            "roadmap.merge",
            ("chantier", Some(into.0)),
            Some(json!({ "merged": from.0 })),
            Some(json!({ "steps_moved": moved.rows_affected() })),
        )
        .await?;
    }
    Ok(removed)
}

/// Removes a chantier that has no step left.
pub async fn delete_chantier(
    round: &mut EditableRound<'_>,
    actor: &Actor,
    chantier: ChantierId,
) -> sqlx::Result<bool> {
    let assessment = round.id();
    let tx = round.conn();
    let removed = sqlx::query!(
        "delete from roadmap_chantier c where c.chantier_id = $2 and c.assessment_id = $1
            and not exists (select 1 from roadmap_step s where s.chantier_id = c.chantier_id)",
        assessment.0,
        chantier.0
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if removed {
        audit(
            &mut *tx,
            actor,
            "roadmap.chantier_delete",
            ("chantier", Some(chantier.0)),
            None,
            None,
        )
        .await?;
    }
    Ok(removed)
}

/// Where a step goes: into a chantier (moved, or restored if dropped), or out with a reason.
pub enum Placement<'a> {
    Into(ChantierId),
    Dropped(&'a str),
}

pub async fn place_step(
    round: &mut EditableRound<'_>,
    actor: &Actor,
    step: StepId,
    placement: Placement<'_>,
) -> sqlx::Result<bool> {
    let assessment = round.id();
    let tx = round.conn();
    let (chantier, reason) = match placement {
        Placement::Into(c) => (Some(c.0), None),
        Placement::Dropped(reason) => (None, Some(reason)),
    };
    let updated = sqlx::query!(
        "update roadmap_step s set chantier_id = $3, dropped_reason = $4
          where s.step_id = $2 and s.assessment_id = $1
            and ($3::bigint is null or exists (select 1 from roadmap_chantier c
                                                where c.chantier_id = $3 and c.assessment_id = $1))",
        assessment.0,
        step.0,
        chantier,
        reason
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if updated {
        audit(
            &mut *tx,
            actor,
            "roadmap.step",
            ("step", Some(step.0)),
            None,
            Some(json!({ "chantier": chantier, "dropped_reason": reason })),
        )
        .await?;
    }
    Ok(updated)
}

/// Adds a free step at the end of a chantier.
pub async fn add_step(
    round: &mut EditableRound<'_>,
    actor: &Actor,
    chantier: ChantierId,
    text: &str,
) -> sqlx::Result<bool> {
    let assessment = round.id();
    let tx = round.conn();
    let id: Option<i64> = sqlx::query_scalar!(
        "insert into roadmap_step (assessment_id, chantier_id, position, text)
         select $1, c.chantier_id,
                (select coalesce(max(position) + 1, 0) from roadmap_step where assessment_id = $1),
                $3
           from roadmap_chantier c where c.chantier_id = $2 and c.assessment_id = $1
         returning step_id",
        assessment.0,
        chantier.0,
        text
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = id {
        audit(
            &mut *tx,
            actor,
            "roadmap.step_add",
            ("step", Some(id)),
            None,
            Some(json!({ "chantier": chantier.0, "text": text })),
        )
        .await?;
    }
    Ok(id.is_some())
}

pub async fn save_governance(
    round: &mut EditableRound<'_>,
    actor: &Actor,
    governance: &str,
) -> sqlx::Result<()> {
    let assessment = round.id();
    let tx = round.conn();
    sqlx::query!(
        "update roadmap set governance = $2 where assessment_id = $1",
        assessment.0,
        governance
    )
    .execute(&mut *tx)
    .await?;
    audit(
        &mut *tx,
        actor,
        "roadmap.governance",
        ("assessment", Some(assessment.0)),
        None,
        Some(json!({ "governance": governance })),
    )
    .await
}
