//! The diagnosis of one assessment round: everything it is read from (the framework version,
//! the answers and indicator values, the territory with its area, population, challenges and
//! assets, the obligations that apply, the reference group of comparable territories), loaded
//! once by [`Diagnosis::load`] in the caller's transaction into named types, and what is derived
//! from it without I/O: the scores and ranked steps ([`scoring`]), the roadmap catalogue
//! ([`Catalog`]) and the one cost model both the ranking and the roadmap use ([`cost`]).
//! `roadmap` and `reports` take a `&Diagnosis`; nothing here knows of pages or of reports.

mod catalog;
pub mod cost;
mod load;
pub mod scoring;

use std::collections::BTreeMap;

pub use catalog::{Catalog, CriterionEntry, IndicatorEntry};
pub use load::{DependencyRow, IndicatorDefinition};

use crate::assessments::db::{AnswerRow, AssessmentRow, IndicatorRow};
use crate::framework::db::{CriterionRow, DimensionRow, LevelRow, RecommendationRow, TagRow};
use crate::geo::db::AreaRow;
use crate::obligations::{Applies, Obligation};
use crate::territories::db::TerritoryRow;
use cost::CostModel;

/// One round's diagnosis, as read.
pub struct Diagnosis {
    pub assessment: AssessmentRow,
    /// The framework version's number (1, 2…).
    pub framework_version: i32,
    pub dimensions: Vec<DimensionRow>,
    pub criteria: Vec<CriterionRow>,
    pub levels: Vec<LevelRow>,
    pub tags: Vec<TagRow>,
    pub indicators: Vec<IndicatorDefinition>,
    /// The recommendation templates (the steps), in framework order.
    pub templates: Vec<RecommendationRow>,
    pub dependencies: Vec<DependencyRow>,
    pub answers: Vec<AnswerRow>,
    pub values: Vec<IndicatorRow>,
    pub territory: TerritoryRow,
    /// The territory's official area (none for a grouping of communes).
    pub area: Option<AreaRow>,
    /// The area's population, or the sum of a grouping's communes (when any is known).
    pub population: Option<i64>,
    /// Codes of the territory's challenges and assets.
    pub challenges: Vec<String>,
    pub assets: Vec<String>,
    /// Indicator values of the reference group (latest published round of every other territory
    /// of the same kind and population band), by indicator code.
    pub reference: BTreeMap<String, Vec<f64>>,
}

impl Diagnosis {
    /// The cost model of this territory.
    pub fn cost_model(&self) -> CostModel {
        CostModel::new(self.population)
    }

    /// The obligations that apply to the territory, by code.
    pub fn obligations(&self) -> Vec<(&'static Obligation, Applies)> {
        crate::obligations::current().applicable(self.territory.kind, self.population)
    }

    /// What scoring reads of the framework.
    pub fn scoring_framework(&self) -> scoring::Framework {
        scoring::Framework {
            dimensions: self
                .dimensions
                .iter()
                .map(|d| scoring::Dimension {
                    code: d.code.clone(),
                    kind: d.kind,
                })
                .collect(),
            criteria: self
                .criteria
                .iter()
                .map(|c| scoring::Criterion {
                    code: c.code.clone(),
                    dimension: c.dimension_code.clone(),
                    weight: c.weight,
                })
                .collect(),
            indicators: self
                .indicators
                .iter()
                .map(|i| scoring::Indicator {
                    code: i.code.clone(),
                    dimension: i.dimension_code.clone(),
                    direction: i.direction,
                    bands: i.thresholds(),
                })
                .collect(),
            templates: self
                .templates
                .iter()
                .map(|t| scoring::Template {
                    criterion: t.criterion_code.clone(),
                    from_level: t.from_level,
                    horizon: t.horizon,
                    cost: t.cost,
                })
                .collect(),
            dependencies: self
                .dependencies
                .iter()
                .map(|d| scoring::Dependency {
                    criterion: d.criterion_code.clone(),
                    level: d.level,
                    requires: d.requires_code.clone(),
                    requires_level: d.requires_level,
                })
                .collect(),
            tags: self
                .tags
                .iter()
                .map(|t| scoring::Tag {
                    code: t.code.clone(),
                    family: t.family,
                    criteria: t.criteria.clone(),
                })
                .collect(),
        }
    }

    /// What scoring reads of the round and the territory.
    pub fn scoring_inputs(&self) -> scoring::Inputs {
        scoring::Inputs {
            answers: self
                .answers
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
            values: self
                .values
                .iter()
                .filter_map(|v| Some((v.code.clone(), v.value?)))
                .collect(),
            challenges: self.challenges.clone(),
            assets: self.assets.clone(),
            reference: self.reference.clone(),
            population: self.population,
            obligations: self.scored_obligations(),
        }
    }

    /// The scores and the ranked steps.
    pub fn scores(&self) -> scoring::Scores {
        scoring::score(&self.scoring_framework(), &self.scoring_inputs())
    }

    /// The obligations that apply, where the framework says they are met: a version that marks
    /// its legal minimums (v2) names the criterion and level of each obligation itself;
    /// otherwise the obligations dataset's own mapping stands.
    fn scored_obligations(&self) -> Vec<scoring::Obligation> {
        self.obligations()
            .into_iter()
            .map(|(o, applies)| {
                let link = self.criteria.iter().find_map(|c| {
                    let legal = c.legal.0.iter().find(|l| l.obligation == o.code)?;
                    Some((c.code.clone(), legal.level))
                });
                let (criterion, level) = link.unwrap_or_else(|| (o.criterion.clone(), o.level));
                scoring::Obligation {
                    code: o.code.clone(),
                    criterion,
                    level,
                    presumed: applies == Applies::Presumed,
                }
            })
            .collect()
    }

    /// The dimension of a criterion (empty when the framework does not know it).
    pub fn dimension_of(&self, criterion: &str) -> &str {
        self.criteria
            .iter()
            .find(|c| c.code == criterion)
            .map_or("", |c| c.dimension_code.as_str())
    }
}
