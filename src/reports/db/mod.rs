//! Report queries: reading what a report is built from (framework, answers, values, territory,
//! the reference group of comparable published assessments, the previous published round),
//! publishing (snapshot, rendered bodies and the assessment's status in one transaction), and
//! reading published reports within the reader's scope.

use std::collections::BTreeMap;

use serde_json::json;
use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;

mod narrative;
mod stored;

pub use narrative::{NarrativeRow, narrative, save_narrative};
pub use stored::{StoredBody, body, has_pdf, pdf, store_encoding, store_pdf, without_pdf};

use super::model::{
    CriterionPart, IndicatorPart, LevelPart, ReportData, Sources, TerritoryPart, Text,
};
use crate::assessments::db::AssessmentRow;
use crate::audit::{Actor, audit};
use crate::auth::Reader;
use crate::error::Result;
use crate::scoring;
use crate::vocabulary::Role;
use crate::vocabulary::{AssessmentId, Cost, Direction, Horizon, ReportId, TagFamily, TerritoryId};
use crate::{assessments, framework, geo, roadmap, territories};

#[derive(sqlx::FromRow)]
struct IndicatorDefinition {
    code: String,
    dimension_code: String,
    direction: Direction,
    bands: Vec<f64>,
}

#[derive(sqlx::FromRow)]
struct TemplateRow {
    criterion_code: String,
    from_level: i16,
    horizon: Horizon,
    cost: Cost,
    text: Text,
}

#[derive(sqlx::FromRow)]
struct DependencyRow {
    criterion_code: String,
    level: i16,
    requires_code: String,
    requires_level: i16,
}

/// Everything a report of `assessment` is built from.
pub async fn load(
    conn: &mut PgConnection,
    assessment: &AssessmentRow,
) -> Result<(scoring::Framework, scoring::Inputs, Sources)> {
    let version = assessment.framework_version_id;
    let dimensions = framework::db::dimensions(&mut *conn, version).await?;
    let criteria = framework::db::criteria(&mut *conn, version, None).await?;
    let levels = framework::db::levels(&mut *conn, version).await?;
    let tags = framework::db::tags(&mut *conn, version).await?;
    let indicators: Vec<IndicatorDefinition> = sqlx::query_as!(
        IndicatorDefinition,
        r#"select i.code, d.code as dimension_code, i.direction as "direction: Direction", i.bands
           from indicator i join dimension d using (dimension_id)
          where i.framework_version_id = $1 order by i.position"#,
        version
    )
    .fetch_all(&mut *conn)
    .await?;
    let templates: Vec<TemplateRow> = sqlx::query_as!(
        TemplateRow,
        r#"select c.code as criterion_code, r.from_level, r.horizon as "horizon: Horizon", r.cost as "cost: Cost",
                  (r.text_fr, r.text_en)::bilingual as "text!: Text"
           from recommendation_template r join criterion c using (criterion_id)
          where c.framework_version_id = $1 order by c.position, r.from_level"#,
        version
    )
    .fetch_all(&mut *conn)
    .await?;
    let dependencies: Vec<DependencyRow> = sqlx::query_as!(
        DependencyRow,
        "select c.code as criterion_code, d.level, r.code as requires_code, d.requires_level
           from criterion_dependency d join criterion c using (criterion_id)
           join criterion r on r.criterion_id = d.requires_criterion_id
          where c.framework_version_id = $1",
        version
    )
    .fetch_all(&mut *conn)
    .await?;
    let answers =
        assessments::db::answers(&mut *conn, assessment.assessment_id, None, None).await?;
    let values =
        assessments::db::indicators(&mut *conn, assessment.assessment_id, None, None).await?;
    let territory = territories::db::find(&mut *conn, assessment.territory_id)
        .await?
        .ok_or(crate::error::Error::NotFound)?;
    let area = match territory.geo_area_id {
        Some(id) => geo::db::find(&mut *conn, id).await?,
        None => None,
    };
    let challenges =
        territories::db::tags(&mut *conn, territory.territory_id, TagFamily::Challenge).await?;
    let assets =
        territories::db::tags(&mut *conn, territory.territory_id, TagFamily::Asset).await?;
    let population = area.as_ref().and_then(|a| a.population).map(i64::from);
    let obligations = crate::obligations::current();

    let scoring_framework = scoring::Framework {
        dimensions: dimensions
            .iter()
            .map(|d| scoring::Dimension {
                code: d.code.clone(),
                kind: d.kind,
            })
            .collect(),
        criteria: criteria
            .iter()
            .map(|c| scoring::Criterion {
                code: c.code.clone(),
                dimension: c.dimension_code.clone(),
                weight: c.weight,
            })
            .collect(),
        indicators: indicators
            .iter()
            .map(|i| scoring::Indicator {
                code: i.code.clone(),
                dimension: i.dimension_code.clone(),
                direction: i.direction,
                bands: [0, 1, 2, 3].map(|k| i.bands.get(k).copied().unwrap_or(f64::MAX)),
            })
            .collect(),
        templates: templates
            .iter()
            .map(|t| scoring::Template {
                criterion: t.criterion_code.clone(),
                from_level: t.from_level,
                horizon: t.horizon,
                cost: t.cost,
            })
            .collect(),
        dependencies: dependencies
            .iter()
            .map(|d| scoring::Dependency {
                criterion: d.criterion_code.clone(),
                level: d.level,
                requires: d.requires_code.clone(),
                requires_level: d.requires_level,
            })
            .collect(),
        tags: tags
            .iter()
            .map(|t| scoring::Tag {
                code: t.code.clone(),
                family: t.family,
                criteria: t.criteria.clone(),
            })
            .collect(),
    };
    let inputs = scoring::Inputs {
        answers: answers
            .iter()
            .map(|a| scoring::Answer {
                criterion: a.code.clone(),
                level: a.level,
                not_applicable: a.not_applicable,
                importance: a.importance,
                target: a.target,
                confidence: a.confidence,
            })
            .collect(),
        values: values
            .iter()
            .filter_map(|v| Some((v.code.clone(), v.value?)))
            .collect(),
        challenges: challenges.clone(),
        assets: assets.clone(),
        reference: reference_values(&mut *conn, &territory, population).await?,
        population,
        obligations: linked_obligations(
            obligations.for_scoring(territory.kind, population),
            &criteria,
        ),
    };
    let tag_text = |family: &str, codes: &[String]| -> Vec<Text> {
        tags.iter()
            .filter(|t| t.family == family && codes.contains(&t.code))
            .map(|t| t.name.clone())
            .collect()
    };
    let place = area
        .as_ref()
        .map(|a| {
            [a.departement_name.clone(), a.region_name.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let sources = Sources {
        territory: TerritoryPart {
            name: territory.name.clone(),
            kind: territory.kind.to_string(),
            code: area.as_ref().map(|a| a.code.clone()),
            population,
            place,
            challenges: tag_text("challenge", &challenges),
            assets: tag_text("asset", &assets),
            epci: area.as_ref().and_then(|a| a.epci_name.clone()),
            context_notes: territory.context_notes.clone(),
        },
        round_label: assessment.label.clone(),
        round_date: assessment.round_date.to_string(),
        framework: assessment.framework_name.clone(),
        framework_code: framework::FRAMEWORK_CODE.to_owned(),
        framework_version: sqlx::query_scalar!(
            "select version from framework_version where framework_version_id = $1",
            version
        )
        .fetch_one(&mut *conn)
        .await?,
        levels: levels
            .iter()
            .map(|l| LevelPart {
                level: l.level,
                label: l.label.clone(),
                generic: l.generic.clone(),
            })
            .collect(),
        dimensions: dimensions
            .iter()
            .map(|d| (d.code.clone(), d.name.clone(), d.giffinger.clone()))
            .collect(),
        criteria: answers
            .iter()
            .map(|a| {
                let dimension = criteria
                    .iter()
                    .find(|c| c.code == a.code)
                    .map(|c| c.dimension_code.clone())
                    .unwrap_or_default();
                let descriptors = a.levels.clone();
                (
                    a.code.clone(),
                    dimension,
                    a.name.clone(),
                    descriptors,
                    CriterionPart {
                        code: a.code.clone(),
                        name: a.name.clone(),
                        level: a.level,
                        not_applicable: a.not_applicable,
                        justification: a.justification.clone(),
                        importance: a.importance,
                        target: a.target,
                        evidence: a.evidence.clone(),
                        confidence: a.confidence,
                        descriptor: None,
                        expected_evidence: a
                            .level
                            .filter(|_| !a.not_applicable)
                            .and_then(|l| a.level_evidence.get(usize::try_from(l).ok()?).cloned()),
                        competence_of: a.competence_of.filter(|_| a.not_applicable),
                    },
                )
            })
            .collect(),
        indicators: values
            .iter()
            .map(|v| {
                let dimension = indicators
                    .iter()
                    .find(|i| i.code == v.code)
                    .map(|i| i.dimension_code.clone())
                    .unwrap_or_default();
                (
                    dimension,
                    IndicatorPart {
                        code: v.code.clone(),
                        name: v.name.clone(),
                        unit: v.unit.clone(),
                        source: v.source.clone(),
                        value: v.value,
                        year: v.year,
                        source_note: v.source_note.clone(),
                        score: None,
                    },
                )
            })
            .collect(),
        templates: templates
            .iter()
            .map(|t| (t.criterion_code.clone(), t.from_level, t.text.clone()))
            .collect(),
        tag_names: tags
            .iter()
            .map(|t| (t.code.clone(), t.name.clone()))
            .collect(),
        previous: previous_report(&mut *conn, assessment).await?,
        roadmap: match roadmap::db::load(&mut *conn, assessment.assessment_id).await? {
            Some(stored) => {
                let catalog = roadmap::db::catalog(&mut *conn, assessment).await?;
                Some(roadmap::model::build(&stored, &catalog.catalog()))
            }
            None => None,
        },
        narrative: narrative(&mut *conn, assessment.assessment_id)
            .await?
            .map(|n| (n.messages, n.decisions)),
        obligations: obligations
            .applicable(territory.kind, population)
            .into_iter()
            .map(|(o, applies)| o.part(&obligations.dataset, applies))
            .collect(),
    };
    Ok((scoring_framework, inputs, sources))
}

/// Indicator values of the latest published round of every other territory of the same kind
/// and population band (the reference group of the z-scores).
async fn reference_values(
    conn: &mut PgConnection,
    territory: &territories::db::TerritoryRow,
    population: Option<i64>,
) -> Result<BTreeMap<String, Vec<f64>>> {
    // Population bands, upper bounds exclusive: < 2k, 2–10k, 10–50k, 50–200k, > 200k.
    let rows = sqlx::query!(
        r#"select code as "code!", value as "value!" from (
            select distinct on (t.territory_id, i.code) i.code, v.value
              from indicator_value v
              join indicator i using (indicator_id)
              join assessment a using (assessment_id)
              join territory t on t.territory_id = a.territory_id
              left join geo_area g on g.geo_area_id = t.geo_area_id
             where a.status = 'published' and v.value is not null
               and t.territory_id <> $1 and t.kind = $2
               and width_bucket(g.population, array[2000, 10000, 50000, 200000])
                   is not distinct from width_bucket($3::int, array[2000, 10000, 50000, 200000])
             order by t.territory_id, i.code, a.round_date desc, a.assessment_id desc) latest"#,
        territory.territory_id.0,
        territory.kind.as_str(),
        population.map(|p| p as i32)
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut reference: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for row in rows {
        reference.entry(row.code).or_default().push(row.value);
    }
    Ok(reference)
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

/// The obligations where the framework says they are met: a version that marks its legal
/// minimums (v2) names the criterion and level of each obligation itself; otherwise the
/// obligations dataset's own mapping stands.
fn linked_obligations(
    mut obligations: Vec<scoring::Obligation>,
    criteria: &[framework::db::CriterionRow],
) -> Vec<scoring::Obligation> {
    for o in &mut obligations {
        let link = criteria.iter().find_map(|c| {
            let legal = c.legal.0.iter().find(|l| l.obligation == o.code)?;
            Some((c.code.clone(), legal.level))
        });
        if let Some((criterion, level)) = link {
            o.criterion = criterion;
            o.level = level;
        }
    }
    obligations
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
    let locked: Option<i64> = sqlx::query_scalar!(
        "select assessment_id from assessment
          where assessment_id = $1 and version = $2 and status = 'review' for update",
        assessment_id.0,
        version.0
    )
    .fetch_optional(&mut *conn)
    .await?;
    match locked {
        Some(id) => Ok(assessments::db::find(&mut *conn, AssessmentId(id)).await?),
        None => Ok(None),
    }
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
                array(select p.lang from report_pdf p where p.report_id = r.report_id) as "pdf_langs!"
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

/// The report of an assessment, if published.
pub async fn of_assessment(pool: &PgPool, assessment_id: AssessmentId) -> Result<Option<ReportId>> {
    Ok(sqlx::query_scalar!(
        r#"select report_id as "report_id: ReportId" from report where assessment_id = $1"#,
        assessment_id.0
    )
    .fetch_optional(pool)
    .await?)
}
