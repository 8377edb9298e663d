//! Framework queries: installing a version from its source (idempotent, refusing to alter a
//! version in use) and reading it back for the pages.

use sqlx::{PgConnection, PgExecutor};

use sqlx::types::Json;

use super::model::{Competence, FrameworkSource, LegalMinimum};
use crate::text::Text;
use crate::vocabulary::{Cost, DimensionKind, Direction, Horizon, TagFamily};

/// What installing a source did.
#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    /// The version was not there: it is now.
    New,
    /// The same content was already there: nothing changed.
    Unchanged,
    /// An unused version with other content was there: it was replaced.
    Replaced,
}

/// Why a source could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error(
        "framework {code} version {version} is used by assessments and cannot change; \
         this source differs from the loaded one. Copy it to a new version instead."
    )]
    VersionInUse { code: String, version: i32 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Installs `source` in one transaction. The same content again is a no-op; different content
/// for a version that an assessment uses (locked) is refused loudly.
pub async fn install(
    conn: &mut PgConnection,
    source: &FrameworkSource,
) -> Result<Installed, InstallError> {
    let header = &source.framework;
    let fingerprint = source.fingerprint();
    let mut tx = sqlx::Connection::begin(conn).await?;
    // Two instances starting together install one after the other.
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtext('framework:' || $1))",
        &header.code
    )
    .execute(&mut *tx)
    .await?;
    let existing = sqlx::query!(
        r#"select framework_version_id, fingerprint, locked_at is not null as "locked!"
             from framework_version where code = $1 and version = $2"#,
        &header.code,
        header.version
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| (r.framework_version_id, r.fingerprint, r.locked));
    let outcome = match existing {
        Some((_, ref loaded, _)) if *loaded == fingerprint => return Ok(Installed::Unchanged),
        Some((_, _, true)) => {
            return Err(InstallError::VersionInUse {
                code: header.code.clone(),
                version: header.version,
            });
        }
        Some((id, _, false)) => {
            sqlx::query!(
                "delete from framework_version where framework_version_id = $1",
                id
            )
            .execute(&mut *tx)
            .await?;
            Installed::Replaced
        }
        None => Installed::New,
    };
    insert(&mut tx, source, &fingerprint).await?;
    tx.commit().await?;
    Ok(outcome)
}

async fn insert(
    tx: &mut PgConnection,
    source: &FrameworkSource,
    fingerprint: &str,
) -> Result<(), sqlx::Error> {
    let h = &source.framework;
    let version_id: i64 = sqlx::query_scalar!(
        "insert into framework_version
             (code, version, name_fr, name_en, description_fr, description_en, fingerprint)
         values ($1, $2, $3, $4, $5, $6, $7) returning framework_version_id",
        &h.code,
        h.version,
        &h.name_fr,
        &h.name_en,
        &h.description_fr,
        &h.description_en,
        fingerprint
    )
    .fetch_one(&mut *tx)
    .await?;

    for l in &source.level {
        sqlx::query!("insert into maturity_level (framework_version_id, level, label_fr, label_en, generic_fr, generic_en)
             values ($1, $2, $3, $4, $5, $6)", version_id, l.level, &l.label_fr, &l.label_en, &l.generic_fr, &l.generic_en)
        .execute(&mut *tx)
        .await?;
    }

    let mut dimension_ids = std::collections::HashMap::new();
    for (position, d) in source.dimension.iter().enumerate() {
        let id: i64 = sqlx::query_scalar!(
            "insert into dimension (framework_version_id, code, kind, position, name_fr, name_en,
                                    description_fr, description_en, giffinger_fr, giffinger_en)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning dimension_id",
            version_id,
            &d.code,
            d.kind.as_str(),
            position as i16,
            &d.name_fr,
            &d.name_en,
            &d.description_fr,
            &d.description_en,
            d.giffinger_fr.as_deref(),
            d.giffinger_en.as_deref()
        )
        .fetch_one(&mut *tx)
        .await?;
        dimension_ids.insert(d.code.as_str(), id);
    }

    let mut criterion_ids = std::collections::HashMap::new();
    for (position, c) in source.criterion.iter().enumerate() {
        let competence = c
            .competence
            .as_ref()
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| sqlx::Error::Encode(e.into()))?;
        let legal = serde_json::to_value(&c.legal).map_err(|e| sqlx::Error::Encode(e.into()))?;
        let id: i64 = sqlx::query_scalar!("insert into criterion (framework_version_id, dimension_id, code, position, name_fr, name_en,
                                    description_fr, description_en, giffinger_factors, weight,
                                    competence, competence_basis_fr, competence_basis_en, rule_fr, rule_en, legal)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) returning criterion_id", version_id, dimension_ids[c.dimension.as_str()], &c.code, position as i16, &c.name_fr, &c.name_en, &c.description_fr, &c.description_en, &c.giffinger_factors, c.weight,
             competence, c.competence_basis_fr.as_deref(), c.competence_basis_en.as_deref(), c.rule_fr.as_deref(), c.rule_en.as_deref(), legal)
        .fetch_one(&mut *tx)
        .await?;
        criterion_ids.insert(c.code.as_str(), id);
        // Version 1 has no evidence: the level texts pair with nulls.
        sqlx::query!(
            "insert into level_descriptor (criterion_id, level, text_fr, text_en, evidence_fr, evidence_en)
             select $1, t.level::smallint - 1, t.text_fr, t.text_en, e.evidence_fr, e.evidence_en
               from unnest($2::text[], $3::text[]) with ordinality as t(text_fr, text_en, level)
               left join unnest($4::text[], $5::text[]) with ordinality as e(evidence_fr, evidence_en, level)
                 using (level)",
            id,
            &c.levels_fr,
            &c.levels_en,
            &c.evidence_fr,
            &c.evidence_en
        )
        .execute(&mut *tx)
        .await?;
        for r in &c.recommendation {
            sqlx::query!(
                "insert into recommendation_template
                     (criterion_id, from_level, to_level, horizon, cost, text_fr, text_en)
                 values ($1, $2, $3, $4, $5, $6, $7)",
                id,
                r.from,
                r.to,
                r.horizon.as_str(),
                r.cost.as_str(),
                &r.text_fr,
                &r.text_en
            )
            .execute(&mut *tx)
            .await?;
        }
    }

    for (position, i) in source.indicator.iter().enumerate() {
        sqlx::query!("insert into indicator (framework_version_id, dimension_id, code, position, name_fr, name_en,
                                    unit, direction, source_fr, source_en, min_value, max_value, bands,
                                    producer, dataset_fr, dataset_en, url, vintage, geo_levels, fallback,
                                    bands_rationale_fr, bands_rationale_en)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
             version_id, dimension_ids[i.dimension.as_str()], &i.code, position as i16, &i.name_fr, &i.name_en, &i.unit, i.direction.as_str(), &i.source_fr, &i.source_en, i.min, i.max, &i.bands,
             i.producer.as_deref(), i.dataset_fr.as_deref(), i.dataset_en.as_deref(), i.url.as_deref(), i.vintage.as_deref(), &i.geo_levels, i.fallback.as_deref(), i.bands_rationale_fr.as_deref(), i.bands_rationale_en.as_deref())
        .execute(&mut *tx)
        .await?;
    }

    for (family, tags) in [("challenge", &source.challenge), ("asset", &source.asset)] {
        for (position, t) in tags.iter().enumerate() {
            let id: i64 = sqlx::query_scalar!("insert into framework_tag (framework_version_id, family, code, position, name_fr, name_en,
                                            description_fr, description_en)
                 values ($1, $2, $3, $4, $5, $6, $7, $8) returning framework_tag_id", version_id, family, &t.code, position as i16, &t.name_fr, &t.name_en, &t.description_fr, &t.description_en)
            .fetch_one(&mut *tx)
            .await?;
            let criteria: Vec<i64> = t
                .criteria
                .iter()
                .map(|c| criterion_ids[c.as_str()])
                .collect();
            sqlx::query!(
                "insert into framework_tag_criterion (framework_tag_id, criterion_id)
                 select $1, unnest($2::bigint[])",
                id,
                &criteria
            )
            .execute(&mut *tx)
            .await?;
        }
    }

    for d in &source.dependency {
        sqlx::query!(
            "insert into criterion_dependency
                 (criterion_id, level, requires_criterion_id, requires_level, reason_fr, reason_en)
             values ($1, $2, $3, $4, $5, $6)",
            criterion_ids[d.criterion.as_str()],
            d.level,
            criterion_ids[d.requires.as_str()],
            d.requires_level,
            &d.reason_fr,
            &d.reason_en
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Marks a version as used: from now on its content may not change. Assessments call this
/// when they are created on a version.
pub async fn lock_version(
    db: impl PgExecutor<'_>,
    framework_version_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update framework_version set locked_at = coalesce(locked_at, now())
         where framework_version_id = $1",
        framework_version_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A framework version as listed on the pages.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VersionRow {
    pub framework_version_id: i64,
    pub code: String,
    pub version: i32,
    pub name: Text,
    pub description: Text,
}

/// Every version of framework `code`, newest first.
pub async fn versions(db: impl PgExecutor<'_>, code: &str) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query_as!(VersionRow, r#"select framework_version_id, code, version, (name_fr, name_en)::bilingual as "name!: Text", (description_fr, description_en)::bilingual as "description!: Text"
         from framework_version where code = $1 order by version desc"#, code)
    .fetch_all(db)
    .await
}

/// The newest version of framework `code`.
pub async fn current_version(
    db: impl PgExecutor<'_>,
    code: &str,
) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as!(VersionRow, r#"select framework_version_id, code, version, (name_fr, name_en)::bilingual as "name!: Text", (description_fr, description_en)::bilingual as "description!: Text"
         from framework_version where code = $1 order by version desc limit 1"#, code)
    .fetch_optional(db)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LevelRow {
    pub level: i16,
    pub label: Text,
    pub generic: Text,
}

pub async fn levels(
    db: impl PgExecutor<'_>,
    version_id: i64,
) -> Result<Vec<LevelRow>, sqlx::Error> {
    sqlx::query_as!(
        LevelRow,
        r#"select level, (label_fr, label_en)::bilingual as "label!: Text", (generic_fr, generic_en)::bilingual as "generic!: Text"
         from maturity_level where framework_version_id = $1 order by level"#,
        version_id
    )
    .fetch_all(db)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DimensionRow {
    pub dimension_id: i64,
    pub code: String,
    pub kind: DimensionKind,
    pub name: Text,
    pub description: Text,
    /// The Giffinger characteristic of a thematic axis.
    pub giffinger: Option<Text>,
    pub criteria: i64,
    pub indicators: i64,
}

pub async fn dimensions(
    db: impl PgExecutor<'_>,
    version_id: i64,
) -> Result<Vec<DimensionRow>, sqlx::Error> {
    sqlx::query_as!(DimensionRow, r#"select d.dimension_id, d.code, d.kind as "kind: DimensionKind", (d.name_fr, d.name_en)::bilingual as "name!: Text", (d.description_fr, d.description_en)::bilingual as "description!: Text",
                case when d.giffinger_fr is not null
                     then (d.giffinger_fr, d.giffinger_en)::bilingual end as "giffinger: Text",
                (select count(*) from criterion c where c.dimension_id = d.dimension_id) as "criteria!",
                (select count(*) from indicator i where i.dimension_id = d.dimension_id) as "indicators!"
         from dimension d where d.framework_version_id = $1 order by d.position"#, version_id)
    .fetch_all(db)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CriterionRow {
    pub criterion_id: i64,
    pub dimension_code: String,
    pub code: String,
    pub name: Text,
    pub description: Text,
    pub giffinger_factors: Vec<String>,
    pub weight: f64,
    pub levels: Vec<Text>,
    /// What proves each level (version 2; empty before).
    pub evidence: Vec<Text>,
    pub competence: Option<Json<Competence>>,
    pub competence_basis: Option<Text>,
    pub rule: Option<Text>,
    pub legal: Json<Vec<LegalMinimum>>,
}

impl CriterionRow {
    /// Who holds the competence, by kind of territory (version 2).
    pub fn holders(&self) -> Vec<(&'static str, crate::vocabulary::CompetenceHolder)> {
        self.competence.as_ref().map_or_else(Vec::new, |c| {
            vec![
                ("commune", c.commune),
                ("epci", c.epci),
                ("departement", c.departement),
                ("region", c.region),
            ]
        })
    }

    /// What proves `level` (version 2).
    pub fn evidence_of(&self, level: &i16) -> Option<&Text> {
        self.evidence.get(usize::try_from(*level).ok()?)
    }
}

/// The criteria of a version (of one dimension when `dimension` is given), with descriptors.
pub async fn criteria(
    db: impl PgExecutor<'_>,
    version_id: i64,
    dimension: Option<&str>,
) -> Result<Vec<CriterionRow>, sqlx::Error> {
    sqlx::query_as!(CriterionRow, r#"select c.criterion_id, d.code as dimension_code, c.code, (c.name_fr, c.name_en)::bilingual as "name!: Text",
                (c.description_fr, c.description_en)::bilingual as "description!: Text", c.giffinger_factors, c.weight,
                array(select (text_fr, text_en)::bilingual from level_descriptor l where l.criterion_id = c.criterion_id order by level) as "levels!: Vec<Text>",
                array(select (evidence_fr, evidence_en)::bilingual from level_descriptor l
                       where l.criterion_id = c.criterion_id and evidence_fr is not null order by level) as "evidence!: Vec<Text>",
                c.competence as "competence: Json<Competence>",
                case when c.competence_basis_fr is not null
                     then (c.competence_basis_fr, c.competence_basis_en)::bilingual end as "competence_basis: Text",
                case when c.rule_fr is not null then (c.rule_fr, c.rule_en)::bilingual end as "rule: Text",
                c.legal as "legal!: Json<Vec<LegalMinimum>>"
         from criterion c join dimension d using (dimension_id)
         where c.framework_version_id = $1 and ($2::text is null or d.code = $2)
         order by c.position"#, version_id, dimension)
    .fetch_all(db)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RecommendationRow {
    pub criterion_code: String,
    pub from_level: i16,
    pub to_level: i16,
    pub horizon: Horizon,
    pub cost: Cost,
    pub text: Text,
}

/// The recommendation templates of a version (of one dimension when `dimension` is given).
pub async fn recommendations(
    db: impl PgExecutor<'_>,
    version_id: i64,
    dimension: Option<&str>,
) -> Result<Vec<RecommendationRow>, sqlx::Error> {
    sqlx::query_as!(RecommendationRow, r#"select c.code as criterion_code, r.from_level, r.to_level, r.horizon as "horizon: Horizon", r.cost as "cost: Cost", (r.text_fr, r.text_en)::bilingual as "text!: Text"
         from recommendation_template r join criterion c using (criterion_id) join dimension d using (dimension_id)
         where c.framework_version_id = $1 and ($2::text is null or d.code = $2)
         order by c.position, r.from_level"#, version_id, dimension)
    .fetch_all(db)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IndicatorRow {
    pub dimension_code: String,
    pub code: String,
    pub name: Text,
    pub unit: String,
    pub direction: Direction,
    pub source: Text,
    /// Where the data comes from (version 2; None before).
    pub producer: Option<String>,
    pub dataset: Option<Text>,
    pub url: Option<String>,
    pub vintage: Option<String>,
    pub geo_levels: Vec<String>,
    pub fallback: Option<String>,
    pub bands_rationale: Option<Text>,
}

pub async fn indicators(
    db: impl PgExecutor<'_>,
    version_id: i64,
    dimension: Option<&str>,
) -> Result<Vec<IndicatorRow>, sqlx::Error> {
    sqlx::query_as!(IndicatorRow, r#"select d.code as dimension_code, i.code, (i.name_fr, i.name_en)::bilingual as "name!: Text", i.unit, i.direction as "direction: Direction", (i.source_fr, i.source_en)::bilingual as "source!: Text",
                i.producer, case when i.dataset_fr is not null then (i.dataset_fr, i.dataset_en)::bilingual end as "dataset: Text",
                i.url, i.vintage, i.geo_levels, i.fallback,
                case when i.bands_rationale_fr is not null
                     then (i.bands_rationale_fr, i.bands_rationale_en)::bilingual end as "bands_rationale: Text"
         from indicator i join dimension d using (dimension_id)
         where i.framework_version_id = $1 and ($2::text is null or d.code = $2)
         order by i.position"#, version_id, dimension)
    .fetch_all(db)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TagRow {
    pub family: TagFamily,
    pub code: String,
    pub name: Text,
    pub description: Text,
    pub criteria: Vec<String>,
}

/// Challenge and asset tags of a version, with the codes of the criteria they concern.
pub async fn tags(db: impl PgExecutor<'_>, version_id: i64) -> Result<Vec<TagRow>, sqlx::Error> {
    sqlx::query_as!(TagRow, r#"select t.family as "family: TagFamily", t.code, (t.name_fr, t.name_en)::bilingual as "name!: Text", (t.description_fr, t.description_en)::bilingual as "description!: Text",
                array(select c.code from framework_tag_criterion tc join criterion c using (criterion_id)
                      where tc.framework_tag_id = t.framework_tag_id order by c.position) as "criteria!"
         from framework_tag t where t.framework_version_id = $1
         order by t.family desc, t.position"#, version_id)
    .fetch_all(db)
    .await
}
