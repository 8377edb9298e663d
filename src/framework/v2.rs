//! What version 2 of the framework adds and how answers cross from version 1: the rules a
//! v2 source follows besides the common ones (evidence for every level, competence holders for
//! every kind of territory, legal minimums that name a known obligation, indicators with their
//! data source), and the correspondence of the criteria (`sti-fr-v1-to-v2.toml`) with what it
//! carries over of a v1 round. Pure: no I/O besides parsing the text it is given.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Deserialize;

use super::model::FrameworkSource;

/// The rules of version 2, as problems (empty when the source follows them).
pub fn problems(source: &FrameworkSource) -> Vec<String> {
    let mut problems = Vec::new();
    let obligations: BTreeSet<&str> = crate::obligations::current()
        .obligation
        .iter()
        .map(|o| o.code.as_str())
        .collect();
    for c in &source.criterion {
        let at = |what: &str| format!("criterion {}: {what}", c.code);
        for (lang, evidence) in [("fr", &c.evidence_fr), ("en", &c.evidence_en)] {
            if evidence.len() != 5 || evidence.iter().any(|t| t.trim().is_empty()) {
                problems.push(at(&format!("needs the evidence of its 5 levels in {lang}")));
            }
        }
        if c.competence.is_none() {
            problems.push(at("needs its competence holders"));
        }
        let basis = [&c.competence_basis_fr, &c.competence_basis_en];
        if basis
            .iter()
            .any(|b| b.as_deref().is_none_or(|t| t.trim().is_empty()))
        {
            problems.push(at("needs the legal basis of its competence in fr and en"));
        }
        if c.rule_fr.is_some() != c.rule_en.is_some() {
            problems.push(at("a rule needs both languages"));
        }
        for legal in &c.legal {
            if !(0..=4).contains(&legal.level) || !obligations.contains(legal.obligation.as_str()) {
                problems.push(at(&format!(
                    "legal minimum {} at level {} names no known obligation or level",
                    legal.obligation, legal.level
                )));
            }
        }
    }
    for i in &source.indicator {
        let at = |what: &str| format!("indicator {}: {what}", i.code);
        let texts = [
            &i.producer,
            &i.dataset_fr,
            &i.dataset_en,
            &i.vintage,
            &i.bands_rationale_fr,
            &i.bands_rationale_en,
        ];
        if texts
            .iter()
            .any(|t| t.as_deref().is_none_or(|t| t.trim().is_empty()))
        {
            problems.push(at(
                "needs its producer, dataset, vintage and the rationale of its bands",
            ));
        }
        if !i.url.as_deref().is_some_and(|u| u.starts_with("https://")) {
            problems.push(at("needs the https URL of its data"));
        }
        if i.geo_levels.is_empty() {
            problems.push(at("needs the levels its data exists at"));
        }
        if !matches!(i.fallback.as_deref(), Some("epci" | "none")) {
            problems.push(at("the fallback must be \"epci\" or \"none\""));
        }
    }
    problems
}

/// The correspondence of the criteria of one framework version with the next.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correspondence {
    pub map: Vec<Mapped>,
    #[serde(default)]
    pub dropped: Vec<Dropped>,
}

/// A criterion of the older version and where its answers go.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapped {
    pub from: String,
    pub to: String,
    /// The newer level of each older level 0..4 (None: the same level).
    pub levels: Option<Vec<i16>>,
    pub note_fr: Option<String>,
    pub note_en: Option<String>,
}

impl Mapped {
    /// The newer level of an older one.
    pub fn level(&self, level: i16) -> i16 {
        self.levels
            .as_ref()
            .and_then(|l| l.get(usize::try_from(level).ok()?).copied())
            .unwrap_or(level)
    }
}

/// A criterion of the older version with no counterpart.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dropped {
    pub from: String,
    pub reason_fr: String,
    pub reason_en: String,
}

const V1_TO_V2: &str = include_str!("../../datasets/framework/sti-fr-v1-to-v2.toml");

/// The correspondence from version `from` to version `to` of the framework, when one is
/// shipped (None: answers cross by identical code).
pub fn correspondence(from: i32, to: i32) -> Option<&'static Correspondence> {
    static V1_V2: OnceLock<Correspondence> = OnceLock::new();
    ((from, to) == (1, 2)).then(|| {
        V1_V2.get_or_init(|| toml::from_str(V1_TO_V2).expect("the shipped correspondence parses"))
    })
}

/// One answer of the earlier round, as carried over (or not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviousAnswer {
    pub code: String,
    pub level: Option<i16>,
    pub not_applicable: bool,
}

/// What a round prefilled from a round of the previous version received.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CarryOver {
    /// (earlier code, earlier level, newer code, newer level, note), in newer order.
    pub carried: Vec<Carried>,
    /// Earlier criteria whose answer has nowhere to go, with the reason.
    pub not_carried: Vec<(String, crate::text::Text)>,
    /// Newer criteria no earlier answer reaches: to assess.
    pub new: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Carried {
    pub from: String,
    pub from_level: Option<i16>,
    pub to: String,
    pub to_level: Option<i16>,
    pub not_applicable: bool,
    pub note: Option<crate::text::Text>,
}

/// What `correspondence` carries of `previous` answers into a round with `criteria` (newer
/// codes, in order).
pub fn carry_over(
    correspondence: &Correspondence,
    previous: &[PreviousAnswer],
    criteria: &[String],
) -> CarryOver {
    let answers: BTreeMap<&str, &PreviousAnswer> =
        previous.iter().map(|a| (a.code.as_str(), a)).collect();
    let mut carry = CarryOver::default();
    for code in criteria {
        let sources: Vec<&Mapped> = correspondence
            .map
            .iter()
            .filter(|m| m.to == *code)
            .collect();
        if sources.is_empty() {
            carry.new.push(code.clone());
        }
        for m in sources {
            let Some(answer) = answers.get(m.from.as_str()) else {
                continue;
            };
            let note = match (&m.note_fr, &m.note_en) {
                (Some(fr), Some(en)) => Some(crate::text::Text {
                    fr: fr.clone(),
                    en: en.clone(),
                }),
                _ => None,
            };
            carry.carried.push(Carried {
                from: m.from.clone(),
                from_level: answer.level,
                to: m.to.clone(),
                to_level: answer.level.map(|l| m.level(l)),
                not_applicable: answer.not_applicable,
                note,
            });
        }
    }
    for d in &correspondence.dropped {
        if answers.contains_key(d.from.as_str()) {
            carry.not_carried.push((
                d.from.clone(),
                crate::text::Text {
                    fr: d.reason_fr.clone(),
                    en: d.reason_en.clone(),
                },
            ));
        }
    }
    carry
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::model::BUILTIN_SOURCES;
    use crate::vocabulary::{CompetenceHolder, TerritoryKind};

    fn version(n: usize) -> FrameworkSource {
        FrameworkSource::parse(BUILTIN_SOURCES[n - 1].1).expect("the shipped framework parses")
    }

    #[test]
    fn version_2_follows_every_rule_and_version_1_keeps_its_fingerprint_rules() {
        let v2 = version(2);
        assert_eq!(v2.framework.version, 2);
        assert_eq!(crate::framework::problems(&v2), Vec::<String>::new());
        assert!(v2.criterion.len() > version(1).criterion.len());
        // Version 1 has none of the new fields, and is not asked for them.
        let v1 = version(1);
        assert!(v1.criterion.iter().all(|c| c.competence.is_none()));
        assert_eq!(crate::framework::problems(&v1), Vec::<String>::new());
    }

    #[test]
    fn every_shipped_obligation_names_a_criterion_of_every_framework_version() {
        for n in 1..=BUILTIN_SOURCES.len() {
            let criteria: Vec<String> = version(n).criterion.into_iter().map(|c| c.code).collect();
            for (path, text) in crate::obligations::BUILTIN_SOURCES {
                let dataset = crate::obligations::Dataset::parse(text).expect("parses");
                assert_eq!(
                    dataset.problems(&criteria),
                    Vec::<String>::new(),
                    "{path} v{n}"
                );
            }
        }
    }

    #[test]
    fn a_v2_criterion_without_evidence_or_competence_is_refused() {
        let mut v2 = version(2);
        v2.criterion[0].evidence_fr.pop();
        v2.criterion[1].competence = None;
        v2.criterion[2]
            .legal
            .push(crate::framework::model::LegalMinimum {
                level: 2,
                obligation: "inconnue".into(),
            });
        v2.indicator[0].url = Some("http://exemple.fr".into());
        v2.indicator[1].fallback = Some("region".into());
        let problems = crate::framework::problems(&v2).join("\n");
        for expected in [
            format!("criterion {}: needs the evidence", v2.criterion[0].code),
            format!("criterion {}: needs its competence", v2.criterion[1].code),
            format!("criterion {}: legal minimum inconnue", v2.criterion[2].code),
            format!("indicator {}: needs the https URL", v2.indicator[0].code),
            format!("indicator {}: the fallback", v2.indicator[1].code),
        ] {
            assert!(problems.contains(&expected), "{expected}\n{problems}");
        }
    }

    #[test]
    fn a_commune_is_not_the_mobility_authority() {
        let v2 = version(2);
        let mob3 = v2.criterion.iter().find(|c| c.code == "MOB-3").unwrap();
        let competence = mob3.competence.as_ref().unwrap();
        assert_eq!(
            competence.held_elsewhere(TerritoryKind::Commune),
            Some(CompetenceHolder::Aom)
        );
        assert_eq!(competence.held_elsewhere(TerritoryKind::Grouping), None);
        // Organisational dimensions are everyone's.
        for c in v2.criterion.iter().filter(|c| c.dimension == "ACC") {
            let competence = c.competence.as_ref().unwrap();
            for kind in [TerritoryKind::Commune, TerritoryKind::Region] {
                assert_eq!(competence.held_elsewhere(kind), None, "{}", c.code);
            }
        }
    }

    #[test]
    fn every_v1_criterion_goes_somewhere_once_and_lands_on_a_v2_criterion() {
        let (v1, v2) = (version(1), version(2));
        let shipped = correspondence(1, 2).unwrap();
        let v2_codes: BTreeSet<&str> = v2.criterion.iter().map(|c| c.code.as_str()).collect();
        let mut sources: Vec<&str> = shipped
            .map
            .iter()
            .map(|m| m.from.as_str())
            .chain(shipped.dropped.iter().map(|d| d.from.as_str()))
            .collect();
        sources.sort_unstable();
        let mut v1_codes: Vec<&str> = v1.criterion.iter().map(|c| c.code.as_str()).collect();
        v1_codes.sort_unstable();
        assert_eq!(sources, v1_codes);
        for m in &shipped.map {
            assert!(v2_codes.contains(m.to.as_str()), "{} → {}", m.from, m.to);
            if let Some(levels) = &m.levels {
                assert_eq!(levels.len(), 5, "{}", m.from);
                assert!(levels.windows(2).all(|w| w[0] <= w[1]), "{}", m.from);
            }
        }
        assert!(correspondence(2, 1).is_none() && correspondence(1, 1).is_none());
    }

    #[test]
    fn carrying_over_translates_levels_and_lists_the_new_and_the_dropped() {
        let correspondence: Correspondence = toml::from_str(
            r#"
            [[map]]
            from = "A-1"
            to = "A-1"
            [[map]]
            from = "A-2"
            to = "A-3"
            levels = [0, 1, 1, 2, 3]
            note_fr = "scindé"
            note_en = "split"
            [[dropped]]
            from = "A-9"
            reason_fr = "retiré"
            reason_en = "removed"
            "#,
        )
        .unwrap();
        let answer = |code: &str, level: Option<i16>| PreviousAnswer {
            code: code.into(),
            level,
            not_applicable: level.is_none(),
        };
        let previous = [
            answer("A-1", Some(2)),
            answer("A-2", Some(3)),
            answer("A-9", Some(1)),
        ];
        let criteria = ["A-1", "A-2", "A-3"].map(String::from);
        let carry = carry_over(&correspondence, &previous, &criteria);
        assert_eq!(
            carry
                .carried
                .iter()
                .map(|c| (c.from.as_str(), c.from_level, c.to.as_str(), c.to_level))
                .collect::<Vec<_>>(),
            [
                ("A-1", Some(2), "A-1", Some(2)),
                ("A-2", Some(3), "A-3", Some(2))
            ]
        );
        assert_eq!(carry.carried[1].note.as_ref().unwrap().en, "split");
        assert_eq!(carry.new, ["A-2"]);
        assert_eq!(carry.not_carried.len(), 1);
        assert_eq!(carry.not_carried[0].0, "A-9");
    }
}
