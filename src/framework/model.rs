//! The reference framework as data: the shape of a framework source file (TOML under
//! `datasets/framework/`), its validation rules, and its fingerprint. Pure: no I/O besides
//! parsing the text it is given.

use std::collections::{BTreeSet, HashSet};

pub use crate::vocabulary::{
    CompetenceHolder, Cost, DimensionKind, Direction, Horizon, TerritoryKind,
};

use serde::{Deserialize, Serialize};

use crate::fingerprint::fnv1a;

/// The framework versions shipped with the application, loaded at start-up.
pub const BUILTIN_SOURCES: &[(&str, &str)] = &[
    (
        "datasets/framework/sti-fr-v1.toml",
        include_str!("../../datasets/framework/sti-fr-v1.toml"),
    ),
    (
        "datasets/framework/sti-fr-v2.toml",
        include_str!("../../datasets/framework/sti-fr-v2.toml"),
    ),
];

/// A whole framework version, as written in its source file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkSource {
    pub framework: Header,
    pub level: Vec<Level>,
    pub dimension: Vec<Dimension>,
    pub criterion: Vec<Criterion>,
    pub indicator: Vec<Indicator>,
    pub challenge: Vec<Tag>,
    pub asset: Vec<Tag>,
    #[serde(default)]
    pub dependency: Vec<Dependency>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub code: String,
    pub version: i32,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
}

/// One step of the generic maturity scale (0 Absent … 4 Optimisé).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub level: i16,
    pub label_fr: String,
    pub label_en: String,
    pub generic_fr: String,
    pub generic_en: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub code: String,
    pub kind: DimensionKind,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub giffinger_fr: Option<String>,
    pub giffinger_en: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub code: String,
    pub dimension: String,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
    #[serde(default)]
    pub giffinger_factors: Vec<String>,
    pub weight: f64,
    pub levels_fr: Vec<String>,
    pub levels_en: Vec<String>,
    pub recommendation: Vec<Recommendation>,
    /// From version 2 (absent in version 1, and then left out of the fingerprint): what proves
    /// each level, who holds the competence, the rule for compound levels, the legal minimums.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence_fr: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence_en: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competence: Option<Competence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competence_basis_fr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competence_basis_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_fr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_en: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal: Vec<LegalMinimum>,
}

/// Who holds a criterion's competence, for each kind of official territory.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Competence {
    pub commune: CompetenceHolder,
    pub epci: CompetenceHolder,
    pub departement: CompetenceHolder,
    pub region: CompetenceHolder,
}

impl Competence {
    /// The holder, when a territory of `kind` does not hold the competence itself (None: it
    /// applies; groupings of communes are assessed on everything).
    pub fn held_elsewhere(&self, kind: TerritoryKind) -> Option<CompetenceHolder> {
        let (holder, own) = match kind {
            TerritoryKind::Commune => (self.commune, CompetenceHolder::Commune),
            TerritoryKind::Epci => (self.epci, CompetenceHolder::Epci),
            TerritoryKind::Departement => (self.departement, CompetenceHolder::Departement),
            TerritoryKind::Region => (self.region, CompetenceHolder::Region),
            TerritoryKind::Grouping => return None,
        };
        (holder != own && holder != CompetenceHolder::Partagee).then_some(holder)
    }
}

/// A level of a criterion that is a legal minimum: the obligation (code in the obligations
/// dataset) is met at that level.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LegalMinimum {
    pub level: i16,
    pub obligation: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    pub from: i16,
    pub to: i16,
    pub horizon: Horizon,
    pub cost: Cost,
    pub text_fr: String,
    pub text_en: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub code: String,
    pub dimension: String,
    pub name_fr: String,
    pub name_en: String,
    pub unit: String,
    pub direction: Direction,
    pub source_fr: String,
    pub source_en: String,
    pub min: f64,
    pub max: f64,
    pub bands: Vec<f64>,
    /// From version 2 (absent in version 1): where the data comes from, how fresh it is, where
    /// it exists, what a commune without its own value uses ("epci": its EPCI's value, flagged;
    /// "none"), and why the bands are where they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_fr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vintage: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub geo_levels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bands_rationale_fr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bands_rationale_en: Option<String>,
}

/// A challenge (enjeu local) or asset (atout) tag, with the criteria it concerns.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub criteria: Vec<String>,
}

/// `criterion` may only reach `level` once `requires` has reached `requires_level`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    pub criterion: String,
    pub level: i16,
    pub requires: String,
    pub requires_level: i16,
    pub reason_fr: String,
    pub reason_en: String,
}

/// The thematic axes, in report order, and the transversal dimensions.
pub const THEMATIC_CODES: [&str; 6] = ["ECO", "MOB", "ENV", "PEO", "LIV", "GOV"];
pub const TRANSVERSAL_CODES: [&str; 6] = ["GPA", "TRA", "RCO", "ACC", "MEF", "DNI"];

impl FrameworkSource {
    /// Parses a source file; the error names the line and field at fault.
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// A stable fingerprint of the content (not of comments or layout): two sources with the
    /// same fingerprint load the same rows.
    pub fn fingerprint(&self) -> String {
        let canonical = serde_json::to_vec(self).expect("a framework serialises");
        format!("{:016x}", fnv1a(&canonical))
    }

    /// Every rule common to all versions, as a list of problems (empty when valid); see
    /// [`super::problems`] for the whole check, version 2's rules included.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut problem = |message: String| problems.push(message);

        if self.framework.code.trim().is_empty() || self.framework.version < 1 {
            problem("framework: code must be set and version ≥ 1".into());
        }
        let levels: Vec<i16> = self.level.iter().map(|l| l.level).collect();
        if levels != [0, 1, 2, 3, 4] {
            problem(format!(
                "level: expected levels 0..4 in order, found {levels:?}"
            ));
        }
        for l in &self.level {
            for (field, text) in [
                ("label_fr", &l.label_fr),
                ("label_en", &l.label_en),
                ("generic_fr", &l.generic_fr),
                ("generic_en", &l.generic_en),
            ] {
                blank(&mut problem, &format!("level {}", l.level), field, text);
            }
        }

        let dimension_codes: Vec<&str> = self.dimension.iter().map(|d| d.code.as_str()).collect();
        let expected: Vec<&str> = THEMATIC_CODES
            .iter()
            .chain(&TRANSVERSAL_CODES)
            .copied()
            .collect();
        if dimension_codes != expected {
            problem(format!(
                "dimension: expected {expected:?} in order, found {dimension_codes:?}"
            ));
        }
        for d in &self.dimension {
            let thematic = THEMATIC_CODES.contains(&d.code.as_str());
            let kind_ok = (d.kind == DimensionKind::Thematic) == thematic;
            if !kind_ok {
                problem(format!("dimension {}: wrong kind {:?}", d.code, d.kind));
            }
            if thematic != (d.giffinger_fr.is_some() && d.giffinger_en.is_some()) {
                problem(format!(
                    "dimension {}: the Giffinger characteristic (FR and EN) is required for thematic axes only",
                    d.code
                ));
            }
            for (field, text) in [
                ("name_fr", &d.name_fr),
                ("name_en", &d.name_en),
                ("description_fr", &d.description_fr),
                ("description_en", &d.description_en),
            ] {
                blank(&mut problem, &d.code, field, text);
            }
        }

        let mut codes = HashSet::new();
        for code in self
            .criterion
            .iter()
            .map(|c| &c.code)
            .chain(self.indicator.iter().map(|i| &i.code))
            .chain(self.dimension.iter().map(|d| &d.code))
        {
            if !codes.insert(code.as_str()) {
                problem(format!("code {code} is used twice"));
            }
        }
        let criterion_codes: BTreeSet<&str> =
            self.criterion.iter().map(|c| c.code.as_str()).collect();
        let dimension_set: BTreeSet<&str> = dimension_codes.iter().copied().collect();

        for c in &self.criterion {
            if !dimension_set.contains(c.dimension.as_str()) {
                problem(format!(
                    "criterion {}: unknown dimension {}",
                    c.code, c.dimension
                ));
            }
            if !c.code.starts_with(&format!("{}-", c.dimension)) {
                problem(format!(
                    "criterion {}: code does not start with its dimension",
                    c.code
                ));
            }
            if !(c.weight > 0.0 && c.weight <= 10.0) {
                problem(format!("criterion {}: weight must be in ]0, 10]", c.code));
            }
            for (field, text) in [
                ("name_fr", &c.name_fr),
                ("name_en", &c.name_en),
                ("description_fr", &c.description_fr),
                ("description_en", &c.description_en),
            ] {
                blank(&mut problem, &c.code, field, text);
            }
            for (lang, levels) in [("fr", &c.levels_fr), ("en", &c.levels_en)] {
                if levels.len() != 5 || levels.iter().any(|t| t.trim().is_empty()) {
                    problem(format!(
                        "criterion {}: needs 5 non-empty level descriptors in {lang}",
                        c.code
                    ));
                }
            }
            let transitions: Vec<(i16, i16)> =
                c.recommendation.iter().map(|r| (r.from, r.to)).collect();
            if transitions != [(0, 1), (1, 2), (2, 3), (3, 4)] {
                problem(format!(
                    "criterion {}: needs recommendations 0→1, 1→2, 2→3, 3→4 in order, found {transitions:?}",
                    c.code
                ));
            }
            for r in &c.recommendation {
                let place = format!("{} {}→{}", c.code, r.from, r.to);
                blank(&mut problem, &place, "text_fr", &r.text_fr);
                blank(&mut problem, &place, "text_en", &r.text_en);
            }
        }
        for d in &self.dimension {
            if !self.criterion.iter().any(|c| c.dimension == d.code) {
                problem(format!("dimension {}: has no criterion", d.code));
            }
        }

        for i in &self.indicator {
            if !dimension_set.contains(i.dimension.as_str()) {
                problem(format!(
                    "indicator {}: unknown dimension {}",
                    i.code, i.dimension
                ));
            }
            for (field, text) in [
                ("name_fr", &i.name_fr),
                ("name_en", &i.name_en),
                ("unit", &i.unit),
                ("source_fr", &i.source_fr),
                ("source_en", &i.source_en),
            ] {
                blank(&mut problem, &i.code, field, text);
            }
            let ascending = i.bands.windows(2).all(|w| w[0] < w[1]);
            let within = i.bands.iter().all(|b| (i.min..=i.max).contains(b));
            if i.bands.len() != 4 || !ascending || !within || i.min >= i.max {
                problem(format!(
                    "indicator {}: needs min < max and 4 ascending bands within [min, max]",
                    i.code
                ));
            }
        }

        for (family, tags) in [("challenge", &self.challenge), ("asset", &self.asset)] {
            let mut seen = HashSet::new();
            for t in tags {
                if !seen.insert(t.code.as_str()) {
                    problem(format!("{family} {}: code used twice", t.code));
                }
                for (field, text) in [
                    ("name_fr", &t.name_fr),
                    ("name_en", &t.name_en),
                    ("description_fr", &t.description_fr),
                    ("description_en", &t.description_en),
                ] {
                    blank(&mut problem, &t.code, field, text);
                }
                if t.criteria.is_empty() {
                    problem(format!("{family} {}: concerns no criterion", t.code));
                }
                for c in &t.criteria {
                    if !criterion_codes.contains(c.as_str()) {
                        problem(format!("{family} {}: unknown criterion {c}", t.code));
                    }
                }
            }
        }

        for d in &self.dependency {
            for c in [&d.criterion, &d.requires] {
                if !criterion_codes.contains(c.as_str()) {
                    problem(format!("dependency: unknown criterion {c}"));
                }
            }
            if !(1..=4).contains(&d.level)
                || !(1..=4).contains(&d.requires_level)
                || d.criterion == d.requires
            {
                problem(format!(
                    "dependency {} ≥ {}: invalid levels or self-reference",
                    d.criterion, d.level
                ));
            }
        }
        problems
    }
}

fn blank(problem: &mut impl FnMut(String), place: &str, field: &str, text: &str) {
    if text.trim().is_empty() {
        problem(format!("{place}: {field} is empty"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> FrameworkSource {
        FrameworkSource::parse(BUILTIN_SOURCES[0].1).expect("the shipped framework parses")
    }

    #[test]
    fn the_shipped_framework_follows_every_rule() {
        let source = builtin();
        assert_eq!(source.problems(), Vec::<String>::new());
        assert_eq!(
            (source.framework.code.as_str(), source.framework.version),
            ("STI-FR", 1)
        );
        assert_eq!(source.dimension.len(), 12);
        assert!(
            source.criterion.len() >= 50,
            "{} criteria",
            source.criterion.len()
        );
        assert!(
            source.indicator.len() >= 24,
            "{} indicators",
            source.indicator.len()
        );
        assert!(source.challenge.len() >= 8);
        assert!(!source.asset.is_empty());
        let recommendations: usize = source
            .criterion
            .iter()
            .map(|c| c.recommendation.len())
            .sum();
        assert_eq!(recommendations, source.criterion.len() * 4);
    }

    #[test]
    fn no_two_recommendations_share_a_text() {
        let source = builtin();
        let mut seen = HashSet::new();
        for r in source.criterion.iter().flat_map(|c| &c.recommendation) {
            assert!(seen.insert(&r.text_fr), "repeated: {}", r.text_fr);
            assert!(seen.insert(&r.text_en), "repeated: {}", r.text_en);
        }
    }

    #[test]
    fn broken_sources_are_reported_precisely() {
        let mut source = builtin();
        source.criterion[1].code = source.criterion[0].code.clone();
        source.criterion[2].levels_en.pop();
        source.criterion[3].recommendation.remove(2);
        source.challenge[0].criteria.push("XXX-9".into());
        source.indicator[0].bands = vec![3.0, 2.0, 1.0, 0.5];
        let problems = source.problems().join("\n");
        let first = &source.criterion[0].code;
        assert!(
            problems.contains(&format!("code {first} is used twice")),
            "{problems}"
        );
        assert!(problems.contains(&format!(
            "criterion {}: needs 5 non-empty level descriptors in en",
            source.criterion[2].code
        )));
        assert!(problems.contains(&format!(
            "criterion {}: needs recommendations",
            source.criterion[3].code
        )));
        assert!(problems.contains("unknown criterion XXX-9"));
        assert!(problems.contains(&format!(
            "indicator {}: needs min < max",
            source.indicator[0].code
        )));
    }

    #[test]
    fn the_fingerprint_follows_content_not_layout() {
        let text = BUILTIN_SOURCES[0].1;
        let a = FrameworkSource::parse(text).unwrap();
        let b = FrameworkSource::parse(&format!("# a new comment\n{text}")).unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        let mut c = a.clone();
        c.criterion[0].levels_fr[2].push('!');
        assert_ne!(a.fingerprint(), c.fingerprint());
    }
}
