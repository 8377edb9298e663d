//! Legal obligations of local authorities (`datasets/obligations/`): a versioned reference
//! dataset beside the framework, each entry with its legal basis and official reference, the
//! kinds of authority and the population threshold it applies to, and the criterion and level
//! of the framework that meeting it corresponds to. This module parses and checks the shipped
//! versions and says which entries apply to a territory; scoring ranks the steps towards unmet
//! ones first, and reports freeze the entries they show. Pure: no I/O besides parsing.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::text::Text;
use crate::vocabulary::TerritoryKind;

/// The dataset versions shipped with the application; the highest version is the current one.
pub const BUILTIN_SOURCES: &[(&str, &str)] = &[(
    "datasets/obligations/obligations-v1.toml",
    include_str!("../datasets/obligations/obligations-v1.toml"),
)];

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub dataset: Header,
    pub obligation: Vec<Obligation>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub code: String,
    pub version: i32,
    /// The date the sources were last checked (ISO).
    pub checked: String,
    pub name_fr: String,
    pub name_en: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub summary_fr: String,
    pub summary_en: String,
    pub basis_fr: String,
    pub basis_en: String,
    pub url: String,
    pub kinds: Vec<TerritoryKind>,
    /// Applies from this population on; None: whatever the size.
    pub min_population: Option<i64>,
    /// Applies as soon as kind and size match; otherwise only under `condition`.
    pub presumed: bool,
    pub condition_fr: Option<String>,
    pub condition_en: Option<String>,
    pub criterion: String,
    pub level: i16,
    pub since: Option<String>,
}

/// Whether an obligation applies to a territory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    /// For sure: kind and size match, no other condition.
    Presumed,
    /// Only if a condition the application cannot check holds (or the population is unknown).
    ToCheck,
}

impl Obligation {
    pub fn applies(&self, kind: TerritoryKind, population: Option<i64>) -> Option<Applies> {
        if !self.kinds.contains(&kind) {
            return None;
        }
        match (self.min_population, population) {
            (Some(min), Some(p)) if p < min => None,
            (Some(_), None) => Some(Applies::ToCheck),
            _ if self.presumed => Some(Applies::Presumed),
            _ => Some(Applies::ToCheck),
        }
    }

    /// As the report freezes it.
    pub fn part(&self, dataset: &Header, applies: Applies) -> ObligationPart {
        ObligationPart {
            code: self.code.clone(),
            name: Text::new(self.name_fr.clone(), self.name_en.clone()),
            summary: Text::new(self.summary_fr.clone(), self.summary_en.clone()),
            basis: Text::new(self.basis_fr.clone(), self.basis_en.clone()),
            url: self.url.clone(),
            condition: match (&self.condition_fr, &self.condition_en) {
                (Some(fr), Some(en)) => Some(Text::new(fr.clone(), en.clone())),
                _ => None,
            },
            criterion: self.criterion.clone(),
            level: self.level,
            presumed: applies == Applies::Presumed,
            version: dataset.version,
            checked: dataset.checked.clone(),
        }
    }
}

/// An obligation as a report shows it (frozen in the snapshot).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObligationPart {
    pub code: String,
    pub name: Text,
    pub summary: Text,
    pub basis: Text,
    pub url: String,
    pub condition: Option<Text>,
    pub criterion: String,
    pub level: i16,
    pub presumed: bool,
    pub version: i32,
    pub checked: String,
}

impl Dataset {
    pub fn parse(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// The entries that apply to a territory of `kind` and `population`, by code.
    pub fn applicable(
        &self,
        kind: TerritoryKind,
        population: Option<i64>,
    ) -> Vec<(&Obligation, Applies)> {
        let mut entries: Vec<(&Obligation, Applies)> = self
            .obligation
            .iter()
            .filter_map(|o| Some((o, o.applies(kind, population)?)))
            .collect();
        entries.sort_by(|a, b| a.0.code.cmp(&b.0.code));
        entries
    }

    /// Every rule an entry breaks, in words; `criteria` are the framework's criterion codes.
    pub fn problems(&self, criteria: &[String]) -> Vec<String> {
        let mut problems = Vec::new();
        let mut codes = HashSet::new();
        for o in &self.obligation {
            let at = |what: &str| format!("obligation {}: {what}", o.code);
            if !codes.insert(&o.code) {
                problems.push(at("the code is used twice"));
            }
            if !crate::dataset::is_code(&o.code) {
                problems.push(at("the code must be [a-z0-9_]+"));
            }
            if !criteria.contains(&o.criterion) {
                problems.push(at(&format!("unknown criterion {}", o.criterion)));
            }
            if !(1..=4).contains(&o.level) {
                problems.push(at("the level must be 1 to 4"));
            }
            if o.kinds.is_empty() || o.kinds.contains(&TerritoryKind::Grouping) {
                problems.push(at(
                    "kinds must name communes, epci, departements or regions",
                ));
            }
            if !o.url.starts_with("https://") {
                problems.push(at("the reference must be an https URL"));
            }
            if o.min_population.is_some_and(|p| p <= 0) {
                problems.push(at("min_population must be positive"));
            }
            if o.condition_fr.is_some() != o.condition_en.is_some() {
                problems.push(at("the condition needs both languages"));
            }
            if !o.presumed && o.condition_fr.is_none() {
                problems.push(at("an obligation that is not presumed needs its condition"));
            }
            let texts = [
                &o.name_fr,
                &o.name_en,
                &o.summary_fr,
                &o.summary_en,
                &o.basis_fr,
                &o.basis_en,
            ];
            if texts.iter().any(|t| t.trim().is_empty()) {
                problems.push(at("names, summaries and legal bases are required"));
            }
        }
        problems
    }
}

/// The current (highest) version of the shipped dataset. The shipped files are checked by the
/// tests; a file that does not parse is a build defect, hence the panic.
pub fn current() -> &'static Dataset {
    static CURRENT: OnceLock<Dataset> = OnceLock::new();
    CURRENT.get_or_init(|| crate::dataset::latest(BUILTIN_SOURCES, |d: &Dataset| d.dataset.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The criteria the shipped entries name (checked against the framework in
    /// `framework::v2`'s tests, the framework being the side that knows obligations).
    fn criteria() -> Vec<String> {
        current()
            .obligation
            .iter()
            .map(|o| o.criterion.clone())
            .collect()
    }

    #[test]
    fn every_shipped_version_parses_and_follows_every_rule() {
        let criteria = criteria();
        for (path, text) in BUILTIN_SOURCES {
            let dataset = Dataset::parse(text).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(dataset.dataset.code, "obligations");
            assert_eq!(dataset.problems(&criteria), Vec::<String>::new(), "{path}");
            assert!(path.ends_with(&format!("-v{}.toml", dataset.dataset.version)));
        }
        assert!(!current().obligation.is_empty());
    }

    #[test]
    fn the_rules_catch_broken_entries() {
        let mut dataset = current().clone();
        let mut broken = dataset.obligation[0].clone();
        broken.criterion = "XXX-9".into();
        broken.level = 7;
        broken.presumed = false;
        broken.condition_fr = None;
        broken.condition_en = None;
        broken.url = "http://example.org".into();
        dataset.obligation.push(broken);
        let problems = dataset.problems(&criteria()).join("\n");
        for expected in [
            "used twice",
            "unknown criterion XXX-9",
            "level must be 1 to 4",
            "https",
            "needs its condition",
        ] {
            assert!(problems.contains(expected), "{expected}: {problems}");
        }
    }

    #[test]
    fn applicability_follows_kind_and_population() {
        let entry = |kinds: Vec<TerritoryKind>, min: Option<i64>, presumed: bool| Obligation {
            kinds,
            min_population: min,
            presumed,
            ..current().obligation[0].clone()
        };
        use TerritoryKind::*;
        let above = entry(vec![Commune, Epci], Some(3501), true);
        assert_eq!(above.applies(Commune, Some(3501)), Some(Applies::Presumed));
        assert_eq!(above.applies(Commune, Some(3500)), None);
        assert_eq!(above.applies(Region, Some(5_000_000)), None);
        assert_eq!(above.applies(Grouping, Some(10_000)), None);
        assert_eq!(above.applies(Epci, None), Some(Applies::ToCheck));
        let conditional = entry(vec![Commune], None, false);
        assert_eq!(
            conditional.applies(Commune, Some(100)),
            Some(Applies::ToCheck)
        );
        let everyone = entry(vec![Commune], None, true);
        assert_eq!(everyone.applies(Commune, None), Some(Applies::Presumed));
    }
}
