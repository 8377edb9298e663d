//! The roadmap catalogue: what the diagnosis says of the codes a roadmap names (criteria with
//! the level reached, the step templates with their horizon and cost, indicators with their
//! value, the funding programmes), with the territory's kind, cost model and round year. The
//! roadmap turns its stored steps and followed codes into words with it. Pure.

use super::Diagnosis;
use super::cost::CostModel;
use crate::framework::db::RecommendationRow;
use crate::funding::FundingPart;
use crate::text::Text;
use crate::vocabulary::TerritoryKind;

/// A criterion of the round: its name and the level reached (none when N/A or unanswered).
#[derive(Clone, Debug)]
pub struct CriterionEntry {
    pub code: String,
    pub name: Text,
    pub level: Option<i16>,
}

/// An indicator of the round with its value and year.
#[derive(Clone, Debug)]
pub struct IndicatorEntry {
    pub code: String,
    pub name: Text,
    pub unit: String,
    pub value: Option<f64>,
    pub year: Option<i16>,
}

/// What the diagnosis says of a roadmap's codes.
#[derive(Clone, Debug)]
pub struct Catalog {
    pub criteria: Vec<CriterionEntry>,
    pub templates: Vec<RecommendationRow>,
    pub indicators: Vec<IndicatorEntry>,
    pub funding: Vec<FundingPart>,
    pub kind: TerritoryKind,
    pub population: Option<i64>,
    pub cost: CostModel,
    pub round_year: i16,
}

impl Catalog {
    /// The codes a chantier may follow: indicators, then criteria.
    pub fn followable(&self) -> Vec<String> {
        self.indicators
            .iter()
            .map(|i| i.code.clone())
            .chain(self.criteria.iter().map(|c| c.code.clone()))
            .collect()
    }

    pub fn criterion(&self, code: &str) -> Option<&CriterionEntry> {
        self.criteria.iter().find(|c| c.code == code)
    }

    pub fn indicator(&self, code: &str) -> Option<&IndicatorEntry> {
        self.indicators.iter().find(|i| i.code == code)
    }

    /// The template of the step of `criterion` from `from_level`.
    pub fn template(&self, criterion: &str, from_level: i16) -> Option<&RecommendationRow> {
        self.templates
            .iter()
            .find(|t| t.criterion_code == criterion && t.from_level == from_level)
    }
}

impl Diagnosis {
    /// The roadmap catalogue of this diagnosis.
    pub fn catalog(&self) -> Catalog {
        Catalog {
            criteria: self
                .answers
                .iter()
                .map(|a| CriterionEntry {
                    code: a.code.clone(),
                    name: a.name.clone(),
                    level: a.level.filter(|_| !a.not_applicable),
                })
                .collect(),
            templates: self.templates.clone(),
            indicators: self
                .values
                .iter()
                .map(|v| IndicatorEntry {
                    code: v.code.clone(),
                    name: v.name.clone(),
                    unit: v.unit.clone(),
                    value: v.value,
                    year: v.year,
                })
                .collect(),
            funding: crate::funding::current()
                .programme
                .iter()
                .map(|p| p.part())
                .collect(),
            kind: self.territory.kind,
            population: self.population,
            cost: self.cost_model(),
            round_year: self.assessment.round_date.year() as i16,
        }
    }
}
