//! What the framework and the assessment say of a roadmap's codes (criteria and their levels,
//! recommendation texts with horizon and cost, indicators with their values, funding
//! programmes), and the territory's kind and population, read once for a page or a report.

use sqlx::PgConnection;

use super::super::model::{Catalog, FundingPart, IndicatorEntry};
use crate::assessments::db::AssessmentRow;
use crate::text::Text;
use crate::vocabulary::{Cost, Horizon, TerritoryId, TerritoryKind};
use crate::{assessments, framework, geo, territories};

/// What the framework and the assessment say of a roadmap's codes, read once.
pub struct CatalogData {
    pub criteria: Vec<(String, Text, Option<i16>)>,
    pub templates: Vec<(String, i16, Text, Horizon, Cost)>,
    pub indicators: Vec<IndicatorEntry>,
    pub funding: Vec<FundingPart>,
    pub kind: TerritoryKind,
    pub population: Option<i64>,
    pub round_year: i16,
}

impl CatalogData {
    pub fn catalog(&self) -> Catalog<'_> {
        Catalog {
            criteria: &self.criteria,
            templates: &self.templates,
            indicators: &self.indicators,
            funding: &self.funding,
            population: self.population,
            round_year: self.round_year,
        }
    }

    /// The codes a chantier may follow: indicators, then criteria.
    pub fn followable(&self) -> Vec<String> {
        self.indicators
            .iter()
            .map(|i| i.0.clone())
            .chain(self.criteria.iter().map(|c| c.0.clone()))
            .collect()
    }
}

/// The kind of a territory and its population (its official area's, or its communes' sum).
pub async fn territory_size(
    conn: &mut PgConnection,
    territory: TerritoryId,
) -> sqlx::Result<(TerritoryKind, Option<i64>)> {
    let Some(row) = territories::db::find(&mut *conn, territory).await? else {
        return Ok((TerritoryKind::Grouping, None));
    };
    let population = match row.geo_area_id {
        Some(area) => geo::db::find(&mut *conn, area)
            .await?
            .and_then(|a| a.population)
            .map(i64::from),
        None => {
            let codes = territories::db::member_codes(&mut *conn, territory).await?;
            let communes = geo::db::communes_by_code(&mut *conn, &codes).await?;
            let known: Vec<i64> = communes
                .iter()
                .filter_map(|c| c.population.map(i64::from))
                .collect();
            (!known.is_empty()).then(|| known.iter().sum())
        }
    };
    Ok((row.kind, population))
}

pub async fn catalog(
    conn: &mut PgConnection,
    assessment: &AssessmentRow,
) -> sqlx::Result<CatalogData> {
    let id = assessment.assessment_id;
    let answers = assessments::db::answers(&mut *conn, id, None, None).await?;
    let values = assessments::db::indicators(&mut *conn, id, None, None).await?;
    let templates =
        framework::db::recommendations(&mut *conn, assessment.framework_version_id, None).await?;
    let (kind, population) = territory_size(&mut *conn, assessment.territory_id).await?;
    Ok(CatalogData {
        criteria: answers
            .iter()
            .map(|a| {
                (
                    a.code.clone(),
                    a.name.clone(),
                    a.level.filter(|_| !a.not_applicable),
                )
            })
            .collect(),
        templates: templates
            .into_iter()
            .map(|t| (t.criterion_code, t.from_level, t.text, t.horizon, t.cost))
            .collect(),
        indicators: values
            .into_iter()
            .map(|v| (v.code, v.name, v.unit, v.value, v.year))
            .collect(),
        funding: crate::funding::current()
            .programme
            .iter()
            .map(|p| p.part())
            .collect(),
        kind,
        population,
        round_year: assessment.round_date.year() as i16,
    })
}
