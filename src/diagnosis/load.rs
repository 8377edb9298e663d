//! Reading a diagnosis: one statement per table it needs, in the caller's transaction (so a
//! publication reads what it locked). The framework's own queries are reused where they exist;
//! the two read only here (indicator bands and step dependencies) and the reference group are
//! written here.

use std::collections::BTreeMap;

use sqlx::PgConnection;

use super::Diagnosis;
use crate::assessments::db::AssessmentRow;
use crate::error::{Error, Result};
use crate::territories::db::TerritoryRow;
use crate::vocabulary::Direction;
use crate::{assessments, framework, geo, territories};

/// An indicator as scoring reads it: its dimension, direction and band thresholds.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IndicatorDefinition {
    pub code: String,
    pub dimension_code: String,
    pub direction: Direction,
    pub bands: Vec<f64>,
}

impl IndicatorDefinition {
    /// The four band thresholds (a missing one never reached).
    pub fn thresholds(&self) -> [f64; 4] {
        [0, 1, 2, 3].map(|k| self.bands.get(k).copied().unwrap_or(f64::MAX))
    }
}

/// A criterion's level that needs another criterion at a level first.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DependencyRow {
    pub criterion_code: String,
    pub level: i16,
    pub requires_code: String,
    pub requires_level: i16,
}

impl Diagnosis {
    /// Reads the diagnosis of `assessment` (see the module's documentation).
    pub async fn load(conn: &mut PgConnection, assessment: &AssessmentRow) -> Result<Diagnosis> {
        let version = assessment.framework_version_id;
        let framework_version = sqlx::query_scalar!(
            "select version from framework_version where framework_version_id = $1",
            version
        )
        .fetch_one(&mut *conn)
        .await?;
        let dimensions = framework::db::dimensions(&mut *conn, version).await?;
        let criteria = framework::db::criteria(&mut *conn, version, None).await?;
        let levels = framework::db::levels(&mut *conn, version).await?;
        let tags = framework::db::tags(&mut *conn, version).await?;
        let templates = framework::db::recommendations(&mut *conn, version, None).await?;
        let indicators = sqlx::query_as!(
            IndicatorDefinition,
            r#"select i.code, d.code as dimension_code, i.direction as "direction: Direction", i.bands
               from indicator i join dimension d using (dimension_id)
              where i.framework_version_id = $1 order by i.position"#,
            version
        )
        .fetch_all(&mut *conn)
        .await?;
        let dependencies = sqlx::query_as!(
            DependencyRow,
            "select c.code as criterion_code, d.level, r.code as requires_code, d.requires_level
               from criterion_dependency d join criterion c using (criterion_id)
               join criterion r on r.criterion_id = d.requires_criterion_id
              where c.framework_version_id = $1",
            version
        )
        .fetch_all(&mut *conn)
        .await?;
        let id = assessment.assessment_id;
        let answers = assessments::db::answers(&mut *conn, id, None, None).await?;
        let values = assessments::db::indicators(&mut *conn, id, None, None).await?;
        let territory = territories::db::find(&mut *conn, assessment.territory_id)
            .await?
            .ok_or(Error::NotFound)?;
        let area = match territory.geo_area_id {
            Some(area) => geo::db::find(&mut *conn, area).await?,
            None => None,
        };
        let population = match &area {
            Some(area) => area.population.map(i64::from),
            None => {
                let codes =
                    territories::db::member_codes(&mut *conn, territory.territory_id).await?;
                let communes = geo::db::communes_by_code(&mut *conn, &codes).await?;
                let known: Vec<i64> = communes
                    .iter()
                    .filter_map(|c| c.population.map(i64::from))
                    .collect();
                (!known.is_empty()).then(|| known.iter().sum())
            }
        };
        let (challenges, assets) =
            territories::db::challenges_and_assets(&mut *conn, territory.territory_id).await?;
        let reference = reference_values(&mut *conn, &territory, population).await?;
        Ok(Diagnosis {
            assessment: assessment.clone(),
            framework_version,
            dimensions,
            criteria,
            levels,
            tags,
            indicators,
            templates,
            dependencies,
            answers,
            values,
            territory,
            area,
            population,
            challenges,
            assets,
            reference,
        })
    }
}

/// Indicator values of the latest published round of every other territory of the same kind
/// and population band (the reference group of the z-scores).
async fn reference_values(
    conn: &mut PgConnection,
    territory: &TerritoryRow,
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
