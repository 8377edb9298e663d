//! Funding programmes (`datasets/funding/`): a versioned reference dataset of French and
//! European programmes that fund the work of a roadmap, each with its operator, instrument,
//! what it funds, who is eligible (kinds, population bounds, conditions), the framework
//! dimensions whose steps it can fund, and its official source with the date it was checked.
//! This module parses and checks the shipped versions and says which programmes a territory may
//! use; roadmaps propose them as funding leads and reports freeze the leads kept. Pure.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::text::Text;
use crate::vocabulary::TerritoryKind;

/// The dataset versions shipped with the application; the highest version is the current one.
pub const BUILTIN_SOURCES: &[(&str, &str)] = &[(
    "datasets/funding/funding-v1.toml",
    include_str!("../datasets/funding/funding-v1.toml"),
)];

/// The instruments a programme may be.
pub const INSTRUMENTS: [&str; 4] = ["subvention", "pret", "ingenierie", "appel_a_projets"];

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub dataset: Header,
    pub programme: Vec<Programme>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub code: String,
    pub version: i32,
    pub checked: String,
    pub name_fr: String,
    pub name_en: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub operator_fr: String,
    pub operator_en: String,
    pub instrument: String,
    pub funds_fr: String,
    pub funds_en: String,
    pub kinds: Vec<TerritoryKind>,
    pub min_population: Option<i64>,
    pub max_population: Option<i64>,
    pub condition_fr: Option<String>,
    pub condition_en: Option<String>,
    pub dimensions: Vec<String>,
    pub window_fr: Option<String>,
    pub window_en: Option<String>,
    pub url: String,
    pub source_checked: String,
}

/// A programme as a report freezes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FundingPart {
    pub code: String,
    pub name: Text,
    pub operator: Text,
    pub instrument: String,
    pub url: String,
    pub checked: String,
}

impl Programme {
    /// Whether a territory of `kind` and `population` may use it (an unknown population passes
    /// the bounds: the consultant checks).
    pub fn eligible(&self, kind: TerritoryKind, population: Option<i64>) -> bool {
        self.kinds.contains(&kind)
            && population.is_none_or(|p| {
                self.min_population.is_none_or(|min| p >= min)
                    && self.max_population.is_none_or(|max| p <= max)
            })
    }

    /// As a report freezes it.
    pub fn part(&self) -> FundingPart {
        FundingPart {
            code: self.code.clone(),
            name: Text::new(self.name_fr.clone(), self.name_en.clone()),
            operator: Text::new(self.operator_fr.clone(), self.operator_en.clone()),
            instrument: self.instrument.clone(),
            url: self.url.clone(),
            checked: self.source_checked.clone(),
        }
    }
}

impl Dataset {
    pub fn parse(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// The programmes a territory may use, by code.
    pub fn eligible(&self, kind: TerritoryKind, population: Option<i64>) -> Vec<&Programme> {
        let mut programmes: Vec<&Programme> = self
            .programme
            .iter()
            .filter(|p| p.eligible(kind, population))
            .collect();
        programmes.sort_by(|a, b| a.code.cmp(&b.code));
        programmes
    }

    pub fn find(&self, code: &str) -> Option<&Programme> {
        self.programme.iter().find(|p| p.code == code)
    }

    /// Every rule an entry breaks, in words; `dimensions` are the framework's dimension codes.
    pub fn problems(&self, dimensions: &[String]) -> Vec<String> {
        let mut problems = Vec::new();
        let mut codes = HashSet::new();
        for p in &self.programme {
            let at = |what: &str| format!("programme {}: {what}", p.code);
            if !codes.insert(&p.code) {
                problems.push(at("the code is used twice"));
            }
            if !crate::dataset::is_code(&p.code) {
                problems.push(at("the code must be [a-z0-9_]+"));
            }
            if !INSTRUMENTS.contains(&p.instrument.as_str()) {
                problems.push(at("unknown instrument"));
            }
            if p.kinds.is_empty() || p.kinds.contains(&TerritoryKind::Grouping) {
                problems.push(at(
                    "kinds must name communes, epci, departements or regions",
                ));
            }
            if p.dimensions.is_empty() || p.dimensions.iter().any(|d| !dimensions.contains(d)) {
                problems.push(at("dimensions must be framework dimension codes"));
            }
            if let (Some(min), Some(max)) = (p.min_population, p.max_population)
                && min > max
            {
                problems.push(at("min_population is above max_population"));
            }
            if !p.url.starts_with("https://") {
                problems.push(at("the source must be an https URL"));
            }
            if p.condition_fr.is_some() != p.condition_en.is_some()
                || p.window_fr.is_some() != p.window_en.is_some()
            {
                problems.push(at("conditions and windows need both languages"));
            }
        }
        problems
    }
}

/// The current (highest) version of the shipped dataset; the tests check the shipped files.
pub fn current() -> &'static Dataset {
    static CURRENT: OnceLock<Dataset> = OnceLock::new();
    CURRENT.get_or_init(|| crate::dataset::latest(BUILTIN_SOURCES, |d: &Dataset| d.dataset.version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::model::{BUILTIN_SOURCES as FRAMEWORKS, FrameworkSource};

    #[test]
    fn every_shipped_version_parses_and_follows_every_rule() {
        let dimensions: Vec<String> = FrameworkSource::parse(FRAMEWORKS[0].1)
            .unwrap()
            .dimension
            .into_iter()
            .map(|d| d.code)
            .collect();
        for (path, text) in BUILTIN_SOURCES {
            let dataset = Dataset::parse(text).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(dataset.dataset.code, "funding");
            assert_eq!(
                dataset.problems(&dimensions),
                Vec::<String>::new(),
                "{path}"
            );
        }
        assert!(!current().programme.is_empty());
    }

    #[test]
    fn eligibility_follows_kind_and_population_bounds() {
        let programme = Programme {
            kinds: vec![TerritoryKind::Commune],
            min_population: Some(1_000),
            max_population: Some(20_000),
            ..current().programme[0].clone()
        };
        assert!(programme.eligible(TerritoryKind::Commune, Some(20_000)));
        assert!(!programme.eligible(TerritoryKind::Commune, Some(20_001)));
        assert!(!programme.eligible(TerritoryKind::Commune, Some(999)));
        assert!(!programme.eligible(TerritoryKind::Epci, Some(5_000)));
        assert!(programme.eligible(TerritoryKind::Commune, None));
    }
}
