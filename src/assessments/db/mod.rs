//! Assessment queries: creating a round (answers and indicator rows for every criterion and
//! indicator, importance raised by the territory's challenges, optionally prefilled from the
//! previous round by criterion code), reading sections and progress, and status changes;
//! version-checked saves of one answer or one indicator value are in [`save`]. Every change is
//! audited.

mod links;
mod save;

pub use links::{prefill_evidence_from_roadmap, report_of};

pub use save::{
    AnswerHistory, EditableRound, FieldAuthor, Saved, StoredAnswer, answer_at, hold_editable,
    save_answer, save_indicator, stored_answer,
};

use serde_json::json;
use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};

use super::answer::{Answer, IndicatorValue};
use crate::audit::{Actor, audit};
use crate::framework;
use crate::framework::model::Competence;
use crate::i18n::{I18n, Lang};
use crate::text::Text;
use crate::vocabulary::{
    AssessmentId, AssessmentStatus, CompetenceHolder, Confidence, DimensionKind, TerritoryId,
    TerritoryKind, Version,
};
use sqlx::types::Json;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AssessmentRow {
    pub assessment_id: AssessmentId,
    pub territory_id: TerritoryId,
    pub territory_name: String,
    pub framework_version_id: i64,
    pub framework_name: Text,
    pub label: String,
    pub round_date: Date,
    pub status: AssessmentStatus,
    pub version: Version,
    pub previous_assessment_id: Option<i64>,
    pub updated_at: OffsetDateTime,
}

impl AssessmentRow {
    pub fn is_read_only(&self) -> bool {
        self.status.is_read_only()
    }
}

pub async fn find(
    db: impl PgExecutor<'_>,
    assessment_id: AssessmentId,
) -> Result<Option<AssessmentRow>, sqlx::Error> {
    sqlx::query_as!(
        AssessmentRow,
        r#"select a.assessment_id, a.territory_id, t.name as territory_name,
                  a.framework_version_id, (f.name_fr, f.name_en)::bilingual as "framework_name!: Text", a.label, a.round_date,
                  a.status as "status: AssessmentStatus", a.version, a.previous_assessment_id,
                  a.updated_at
             from assessment a join territory t using (territory_id)
             join framework_version f using (framework_version_id)
            where a.assessment_id = $1"#,
        assessment_id.0
    )
    .fetch_optional(db)
    .await
}

/// A territory's rounds, newest first.
pub async fn list_for_territory(
    db: impl PgExecutor<'_>,
    territory_id: TerritoryId,
) -> Result<Vec<AssessmentRow>, sqlx::Error> {
    sqlx::query_as!(
        AssessmentRow,
        r#"select a.assessment_id, a.territory_id, t.name as territory_name,
                  a.framework_version_id, (f.name_fr, f.name_en)::bilingual as "framework_name!: Text", a.label, a.round_date,
                  a.status as "status: AssessmentStatus", a.version, a.previous_assessment_id,
                  a.updated_at
             from assessment a join territory t using (territory_id)
             join framework_version f using (framework_version_id)
            where a.territory_id = $1 order by a.round_date desc, a.assessment_id desc"#,
        territory_id.0
    )
    .fetch_all(db)
    .await
}

/// A new round as asked for.
pub struct NewRound<'a> {
    pub territory_id: TerritoryId,
    pub framework_version_id: i64,
    pub label: &'a str,
    pub round_date: Date,
    /// The round to copy answers and indicator values from.
    pub previous: Option<AssessmentId>,
}

/// Creates a round with a row per criterion and per indicator; returns its id.
pub async fn create(
    conn: &mut PgConnection,
    actor: &Actor,
    round: &NewRound<'_>,
) -> Result<AssessmentId, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    framework::db::lock_version(&mut *tx, round.framework_version_id).await?;
    let id: i64 = sqlx::query_scalar!(
        "insert into assessment (territory_id, framework_version_id, label, round_date,
                                 previous_assessment_id, created_by)
         values ($1, $2, $3, $4, $5, $6) returning assessment_id",
        round.territory_id.0,
        round.framework_version_id,
        round.label,
        round.round_date,
        round.previous.map(|p| p.0),
        actor.user_id.map(|u| u.0)
    )
    .fetch_one(&mut *tx)
    .await?;
    // Criteria named by one of the territory's challenges start at the highest importance.
    sqlx::query!(
        "insert into criterion_answer (assessment_id, criterion_id, importance)
         select $1, c.criterion_id,
                case when exists (
                    select 1 from framework_tag_criterion tc
                      join framework_tag ft using (framework_tag_id)
                      join territory_tag tt on tt.family = ft.family and tt.code = ft.code
                     where tc.criterion_id = c.criterion_id and ft.family = 'challenge'
                       and tt.territory_id = $2)
                then 3 else 1 end
           from criterion c where c.framework_version_id = $3",
        id,
        round.territory_id.0,
        round.framework_version_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into indicator_value (assessment_id, indicator_id)
         select $1, indicator_id from indicator where framework_version_id = $2",
        id,
        round.framework_version_id
    )
    .execute(&mut *tx)
    .await?;
    // Competences are marked on a fresh round, and over answers carried from an earlier
    // framework version (which had no competences); a round of the same version carries the
    // consultant's own decisions.
    let mut mark = true;
    if let Some(previous) = round.previous {
        // Through the shipped correspondence between two framework versions, else by code.
        let (from, to, levels, same_version) =
            correspondence(&mut tx, previous, round.framework_version_id).await?;
        mark = !same_version;
        sqlx::query!("update criterion_answer a
                set level = (m.levels::smallint[])[p.level + 1], not_applicable = p.not_applicable,
                    justification = p.justification, importance = greatest(a.importance, p.importance),
                    target = p.target, evidence = p.evidence, confidence = p.confidence,
                    competence_of = case when p.not_applicable then p.competence_of end
               from criterion_answer p
               join criterion pc on pc.criterion_id = p.criterion_id
               join unnest($3::text[], $4::text[], $5::text[]) as m(from_code, to_code, levels)
                 on m.from_code = pc.code,
                    criterion c
              where a.assessment_id = $1 and p.assessment_id = $2
                and c.criterion_id = a.criterion_id and c.code = m.to_code", id, previous.0, &from, &to, &levels)
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "update indicator_value v
                set value = p.value, year = p.year, source_note = p.source_note
               from indicator_value p
               join indicator pi on pi.indicator_id = p.indicator_id,
                    indicator i
              where v.assessment_id = $1 and p.assessment_id = $2
                and i.indicator_id = v.indicator_id and i.code = pi.code
                -- A value outside the newer version's bounds has changed meaning (v2's GOV-I3
                -- has no 0, which meant that the authority did not apply): entered again.
                and (p.value is null or p.value between i.min_value and i.max_value)",
            id,
            previous.0
        )
        .execute(&mut *tx)
        .await?;
    }
    if mark {
        mark_competences(&mut tx, id, round).await?;
    }
    audit(
        &mut *tx,
        actor,
        "assessment.create",
        ("assessment", Some(id)),
        None,
        Some(json!({
            "territory_id": round.territory_id,
            "label": round.label,
            "round_date": round.round_date.to_string(),
            "prefilled_from": round.previous,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(AssessmentId(id))
}

/// Marks the criteria that a territory of its kind does not hold the competence for: not
/// applicable, with who holds it and a generated justification (in French, the reports'
/// default language) that the consultant may change.
async fn mark_competences(
    tx: &mut PgConnection,
    assessment_id: i64,
    round: &NewRound<'_>,
) -> Result<(), sqlx::Error> {
    let kind: TerritoryKind = sqlx::query_scalar!(
        r#"select kind as "kind: TerritoryKind" from territory where territory_id = $1"#,
        round.territory_id.0
    )
    .fetch_one(&mut *tx)
    .await?;
    let criteria = sqlx::query!(
        r#"select criterion_id, competence as "competence!: Json<Competence>",
                  coalesce(competence_basis_fr, '') as "basis!"
             from criterion where framework_version_id = $1 and competence is not null"#,
        round.framework_version_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let french = I18n::new(Lang::Fr);
    let (mut ids, mut holders, mut justifications) = (Vec::new(), Vec::new(), Vec::new());
    for c in criteria {
        if let Some(holder) = c.competence.held_elsewhere(kind) {
            ids.push(c.criterion_id);
            holders.push(holder.as_str());
            justifications.push(
                french.t1(
                    "competence-justification",
                    "holder",
                    french.t(&format!("competence-of-{holder}")),
                ) + " "
                    + &c.basis,
            );
        }
    }
    sqlx::query!(
        "update criterion_answer a
            set not_applicable = true, level = null, competence_of = u.holder,
                justification = u.justification
           from unnest($2::bigint[], $3::text[], $4::text[]) as u(criterion_id, holder, justification)
          where a.assessment_id = $1 and a.criterion_id = u.criterion_id",
        assessment_id,
        &ids,
        &holders as &[&str],
        &justifications
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// How answers cross from round `previous` into a round on `version_id`: (earlier codes,
/// newer codes, the newer level of each earlier level 0..4 as an array literal, whether both
/// rounds are on the same version).
async fn correspondence(
    tx: &mut PgConnection,
    previous: AssessmentId,
    version_id: i64,
) -> Result<(Vec<String>, Vec<String>, Vec<String>, bool), sqlx::Error> {
    let versions = sqlx::query!(
        r#"select p.version as "from!", n.version as "to!",
                  array(select code from criterion where framework_version_id = p.framework_version_id) as "codes!"
             from assessment a join framework_version p using (framework_version_id),
                  framework_version n
            where a.assessment_id = $1 and n.framework_version_id = $2"#,
        previous.0,
        version_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let literal = |levels: &[i16]| {
        let levels: Vec<String> = levels.iter().map(i16::to_string).collect();
        format!("{{{}}}", levels.join(","))
    };
    let (mut from, mut to, mut levels) = (Vec::new(), Vec::new(), Vec::new());
    match framework::v2::correspondence(versions.from, versions.to) {
        Some(map) => {
            for m in &map.map {
                from.push(m.from.clone());
                to.push(m.to.clone());
                levels.push(literal(&(0..5).map(|l| m.level(l)).collect::<Vec<_>>()));
            }
        }
        None => {
            for code in versions.codes {
                from.push(code.clone());
                to.push(code);
                levels.push(literal(&[0, 1, 2, 3, 4]));
            }
        }
    }
    Ok((from, to, levels, versions.from == versions.to))
}

/// The framework versions (numbers) of two rounds.
pub async fn framework_versions(
    db: impl PgExecutor<'_>,
    first: &AssessmentRow,
    second: &AssessmentRow,
) -> Result<(i32, i32), sqlx::Error> {
    let row = sqlx::query!(
        r#"select (select version from framework_version where framework_version_id = $1) as "first!",
                  (select version from framework_version where framework_version_id = $2) as "second!""#,
        first.framework_version_id,
        second.framework_version_id
    )
    .fetch_one(db)
    .await?;
    Ok((row.first, row.second))
}

/// Progress of one axis or dimension.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DimensionProgress {
    pub code: String,
    pub kind: DimensionKind,
    pub name: Text,
    pub criteria: i64,
    /// Criteria with a level.
    pub answered: i64,
    pub not_applicable: i64,
    pub indicators: i64,
    pub indicator_values: i64,
}

impl DimensionProgress {
    /// Criteria that apply (not N/A).
    pub fn applicable(&self) -> i64 {
        self.criteria - self.not_applicable
    }

    pub fn is_complete(&self) -> bool {
        self.answered == self.applicable()
    }

    /// Share of criteria dealt with (answered or N/A), 0–100.
    pub fn percent(&self) -> i64 {
        if self.criteria == 0 {
            100
        } else {
            (self.answered + self.not_applicable) * 100 / self.criteria
        }
    }
}

pub async fn progress(
    db: impl PgExecutor<'_>,
    assessment_id: AssessmentId,
) -> Result<Vec<DimensionProgress>, sqlx::Error> {
    sqlx::query_as!(
        DimensionProgress,
        r#"select d.code, d.kind as "kind: DimensionKind", (d.name_fr, d.name_en)::bilingual as "name!: Text",
                coalesce(a.criteria, 0) as "criteria!", coalesce(a.answered, 0) as "answered!",
                coalesce(a.not_applicable, 0) as "not_applicable!",
                coalesce(v.indicators, 0) as "indicators!",
                coalesce(v.indicator_values, 0) as "indicator_values!"
           from dimension d
           left join (select c.dimension_id, count(*) as criteria,
                             count(*) filter (where a.level is not null) as answered,
                             count(*) filter (where a.not_applicable) as not_applicable
                        from criterion_answer a join criterion c using (criterion_id)
                       where a.assessment_id = $1 group by c.dimension_id) a using (dimension_id)
           left join (select i.dimension_id, count(*) as indicators,
                             count(*) filter (where v.value is not null) as indicator_values
                        from indicator_value v join indicator i using (indicator_id)
                       where v.assessment_id = $1 group by i.dimension_id) v using (dimension_id)
          where d.framework_version_id = (select framework_version_id from assessment
                                           where assessment_id = $1)
          order by d.position"#,
        assessment_id.0
    )
    .fetch_all(db)
    .await
}

/// What a round has besides its answers, for the guided overview: its roadmap's chantiers and
/// whether "En bref" holds a key message.
#[derive(Clone, Copy, Debug, Default)]
pub struct Deliverables {
    pub chantiers: i64,
    pub brief: bool,
}

pub async fn deliverables(
    db: impl PgExecutor<'_>,
    assessment_id: AssessmentId,
) -> Result<Deliverables, sqlx::Error> {
    let row = sqlx::query!(
        r#"select (select count(*) from roadmap_chantier where assessment_id = $1) as "chantiers!",
                  exists (select 1 from report_narrative
                           where assessment_id = $1 and btrim(messages) <> '') as "brief!""#,
        assessment_id.0
    )
    .fetch_one(db)
    .await?;
    Ok(Deliverables {
        chantiers: row.chantiers,
        brief: row.brief,
    })
}

/// One criterion of a section with its stored answer.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AnswerRow {
    pub criterion_id: i64,
    pub code: String,
    pub name: Text,
    pub description: Text,
    pub levels: Vec<Text>,
    /// What proves each level (framework v2; empty before).
    pub level_evidence: Vec<Text>,
    /// The rule for a compound level (framework v2).
    pub rule: Option<Text>,
    /// Names of the territory's challenges that raise this criterion's importance.
    pub challenges: Vec<Text>,
    /// Who holds the competence, when the round found it outside the territory's.
    pub competence_of: Option<CompetenceHolder>,
    pub level: Option<i16>,
    pub not_applicable: bool,
    pub justification: String,
    pub importance: i16,
    pub target: Option<i16>,
    pub evidence: String,
    pub confidence: Option<Confidence>,
    pub version: Version,
    pub updated_by: Option<String>,
    pub updated_at: Option<OffsetDateTime>,
}

impl AnswerRow {
    /// What proves `level` (framework v2).
    pub fn evidence_of(&self, level: &i16) -> Option<&Text> {
        self.level_evidence.get(usize::try_from(*level).ok()?)
    }

    pub fn answer(&self) -> Answer {
        Answer {
            level: self.level,
            not_applicable: self.not_applicable,
            justification: self.justification.clone(),
            importance: self.importance,
            target: self.target,
            evidence: self.evidence.clone(),
            confidence: self.confidence,
        }
    }
}

/// The answers of one section (`dimension` code) and/or one criterion (`criterion` code).
pub async fn answers(
    db: impl PgExecutor<'_>,
    assessment_id: AssessmentId,
    dimension: Option<&str>,
    criterion: Option<&str>,
) -> Result<Vec<AnswerRow>, sqlx::Error> {
    sqlx::query_as!(AnswerRow, r#"select c.criterion_id, c.code, (c.name_fr, c.name_en)::bilingual as "name!: Text", (c.description_fr, c.description_en)::bilingual as "description!: Text",
                array(select (text_fr, text_en)::bilingual from level_descriptor l where l.criterion_id = c.criterion_id order by level) as "levels!: Vec<Text>",
                array(select (evidence_fr, evidence_en)::bilingual from level_descriptor l
                       where l.criterion_id = c.criterion_id and evidence_fr is not null order by level) as "level_evidence!: Vec<Text>",
                case when c.rule_fr is not null then (c.rule_fr, c.rule_en)::bilingual end as "rule: Text",
                a.competence_of as "competence_of: CompetenceHolder",
                array(select (ft.name_fr, ft.name_en)::bilingual
                        from framework_tag_criterion tc join framework_tag ft using (framework_tag_id)
                        join territory_tag tt on tt.family = ft.family and tt.code = ft.code
                       where tc.criterion_id = c.criterion_id and ft.family = 'challenge'
                         and tt.territory_id = s.territory_id order by ft.position) as "challenges!: Vec<Text>",
                a.level, a.not_applicable, a.justification, a.importance, a.target, a.evidence,
                a.confidence as "confidence: Confidence", a.version, u.email as "updated_by?", a.updated_at
           from criterion_answer a
           join assessment s using (assessment_id)
           join criterion c using (criterion_id)
           join dimension d using (dimension_id)
           left join app_user u on u.user_id = a.updated_by
          where a.assessment_id = $1 and ($2::text is null or d.code = $2)
            and ($3::text is null or c.code = $3)
          order by c.position"#, assessment_id.0, dimension, criterion)
    .fetch_all(db)
    .await
}

/// One indicator of a section with its stored value.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IndicatorRow {
    pub indicator_id: i64,
    pub code: String,
    pub name: Text,
    pub unit: String,
    pub source: Text,
    pub min_value: f64,
    pub max_value: f64,
    pub value: Option<f64>,
    pub year: Option<i16>,
    pub source_note: String,
    pub version: Version,
    pub updated_by: Option<String>,
    pub updated_at: Option<OffsetDateTime>,
}

impl IndicatorRow {
    pub fn stored(&self) -> IndicatorValue {
        IndicatorValue {
            value: self.value,
            year: self.year,
            source_note: self.source_note.clone(),
        }
    }
}

pub async fn indicators(
    db: impl PgExecutor<'_>,
    assessment_id: AssessmentId,
    dimension: Option<&str>,
    indicator: Option<&str>,
) -> Result<Vec<IndicatorRow>, sqlx::Error> {
    sqlx::query_as!(
        IndicatorRow,
        r#"select i.indicator_id, i.code, (i.name_fr, i.name_en)::bilingual as "name!: Text", i.unit, (i.source_fr, i.source_en)::bilingual as "source!: Text",
                i.min_value, i.max_value, v.value, v.year, v.source_note, v.version,
                u.email as "updated_by?", v.updated_at
           from indicator_value v
           join indicator i using (indicator_id)
           join dimension d using (dimension_id)
           left join app_user u on u.user_id = v.updated_by
          where v.assessment_id = $1 and ($2::text is null or d.code = $2)
            and ($3::text is null or i.code = $3)
          order by i.position"#,
        assessment_id.0,
        dimension,
        indicator
    )
    .fetch_all(db)
    .await
}

/// Moves an assessment from `change.0` to `change.1` if it is still at `version` and in
/// `change.0`.
pub async fn set_status(
    conn: &mut PgConnection,
    actor: &Actor,
    assessment_id: AssessmentId,
    version: Version,
    (from, to): (AssessmentStatus, AssessmentStatus),
) -> Result<bool, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    let changed = sqlx::query!(
        "update assessment set status = $4, version = version + 1
          where assessment_id = $1 and version = $2 and status = $3",
        assessment_id.0,
        version.0,
        from.as_str(),
        to.as_str()
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if changed {
        audit(
            &mut *tx,
            actor,
            "assessment.status",
            ("assessment", Some(assessment_id.0)),
            Some(json!({ "status": from })),
            Some(json!({ "status": to })),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(changed)
}
