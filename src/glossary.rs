//! The glossary (`datasets/glossary/`): every acronym the framework, the obligations, the
//! funding programmes and the interface use, expanded and defined in French and English. The
//! report lists the ones it uses in an annex and marks their first appearance with `<abbr>`; a
//! test checks that no acronym of those sources lacks an entry. Pure: no I/O besides parsing.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::Deserialize;

/// The dataset versions shipped with the application; the highest version is the current one.
pub const BUILTIN_SOURCES: &[(&str, &str)] = &[(
    "datasets/glossary/glossary-v1.toml",
    include_str!("../datasets/glossary/glossary-v1.toml"),
)];

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Glossary {
    pub dataset: Header,
    pub term: Vec<Term>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub code: String,
    pub version: i32,
    pub checked: String,
    /// Tokens the acronym rule matches that are not acronyms.
    #[serde(default)]
    pub ignore: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub acronym: String,
    pub expansion_fr: String,
    pub expansion_en: String,
    pub definition_fr: String,
    pub definition_en: String,
    pub url: Option<String>,
}

/// The acronyms of a text: tokens (split on whatever is not a letter or a digit) of at least
/// two characters, all ASCII capitals or digits, with at least two capitals.
pub fn acronyms(text: &str) -> BTreeSet<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| {
            t.len() >= 2
                && t.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && t.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2
        })
        .collect()
}

impl Glossary {
    pub fn find(&self, acronym: &str) -> Option<&Term> {
        self.term.iter().find(|t| t.acronym == acronym)
    }

    /// The entries for the acronyms of `text`, alphabetically.
    pub fn used_in(&self, text: &str) -> Vec<&Term> {
        acronyms(text)
            .into_iter()
            .filter_map(|a| self.find(a))
            .collect()
    }
}

/// The current (highest) version of the shipped dataset; the tests check the shipped files.
pub fn current() -> &'static Glossary {
    static CURRENT: OnceLock<Glossary> = OnceLock::new();
    CURRENT
        .get_or_init(|| crate::dataset::latest(BUILTIN_SOURCES, |g: &Glossary| g.dataset.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_finds_acronyms_only() {
        let found: Vec<&str> = acronyms("STI-FR, l'ANCT et GTFS/NeTEx ; MOB-I1 en 2026, CO2 et A.")
            .into_iter()
            .collect();
        assert_eq!(found, ["ANCT", "CO2", "FR", "GTFS", "MOB", "STI"]);
    }

    #[test]
    fn every_acronym_of_the_framework_datasets_and_interface_has_an_entry() {
        let glossary = current();
        let root = env!("CARGO_MANIFEST_DIR");
        let mut missing = BTreeSet::new();
        for file in [
            "datasets/framework/sti-fr-v1.toml",
            "datasets/framework/sti-fr-v2.toml",
            "datasets/framework/sti-fr-v1-to-v2.toml",
            "datasets/obligations/obligations-v1.toml",
            "datasets/funding/funding-v1.toml",
            "locales/fr/main.ftl",
            "locales/en/main.ftl",
        ] {
            let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
            for acronym in acronyms(&text) {
                if glossary.find(acronym).is_none()
                    && !glossary.dataset.ignore.iter().any(|i| i == acronym)
                {
                    missing.insert(format!("{acronym} ({file})"));
                }
            }
        }
        assert!(missing.is_empty(), "acronyms without an entry: {missing:?}");
        let mut seen = BTreeSet::new();
        for term in &glossary.term {
            assert!(seen.insert(&term.acronym), "{} twice", term.acronym);
            assert!(
                !term.expansion_fr.is_empty() && !term.expansion_en.is_empty(),
                "{}",
                term.acronym
            );
            assert_eq!(
                acronyms(&term.acronym).len(),
                1,
                "{} is not an acronym",
                term.acronym
            );
        }
    }
}
