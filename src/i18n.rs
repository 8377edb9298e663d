//! User-interface languages. Every UI string lives in `locales/<lang>/main.ftl` (Fluent syntax,
//! French first, English second); templates and handlers look strings up by key through
//! [`I18n`], so adding or changing a language never touches the templates.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        // No Unicode isolation marks around arguments: they would end up in the HTML.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static FRENCH: LanguageIdentifier = langid!("fr");
static ENGLISH: LanguageIdentifier = langid!("en");

/// A language of the user interface and of the reports. French is the default.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// Every supported language, default first.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The BCP 47 code used in `lang` attributes, cookies and `?lang=`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Parses a code such as `fr`, `en`, `en-GB` (case-insensitive); `None` if unsupported.
    pub fn parse(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    fn identifier(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Fr => &FRENCH,
            Lang::En => &ENGLISH,
        }
    }
}

/// String lookups for one language, handed to every page template as `i18n`.
#[derive(Clone, Copy, Debug, Default)]
pub struct I18n {
    pub lang: Lang,
}

impl I18n {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The message `key` (falls back to French, then to the key itself).
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(self.lang.identifier(), key)
    }

    /// The message `key` with one named argument (`{ $name }` in the Fluent message).
    pub fn t1(&self, key: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        let args = HashMap::from([(Cow::Borrowed(name), FluentValue::from(value.to_string()))]);
        LOCALES.lookup_with_args(self.lang.identifier(), key, &args)
    }

    /// The message `key` chosen by plural rules for `count` (`{ $count }` in the message).
    pub fn n(&self, key: &str, count: impl std::borrow::Borrow<i64>) -> String {
        let args = HashMap::from([(Cow::Borrowed("count"), FluentValue::from(*count.borrow()))]);
        LOCALES.lookup_with_args(self.lang.identifier(), key, &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(lang: &str) -> BTreeSet<String> {
        let path = format!("{}/locales/{lang}/main.ftl", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        text.lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
            .collect()
    }

    #[test]
    fn french_and_english_have_the_same_keys() {
        let (fr, en) = (keys("fr"), keys("en"));
        assert!(!fr.is_empty());
        let missing_en: Vec<_> = fr.difference(&en).collect();
        let missing_fr: Vec<_> = en.difference(&fr).collect();
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
        assert!(missing_fr.is_empty(), "missing in fr: {missing_fr:?}");
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let known = keys("fr");
        let mut used = BTreeSet::new();
        for dir in ["templates", "src"] {
            collect_used_keys(&format!("{}/{dir}", env!("CARGO_MANIFEST_DIR")), &mut used);
        }
        assert!(!used.is_empty());
        let unknown: Vec<_> = used.difference(&known).collect();
        assert!(unknown.is_empty(), "keys used but not defined: {unknown:?}");
    }

    fn collect_used_keys(dir: &str, used: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_used_keys(path.to_str().unwrap(), used);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for marker in [".t(\"", ".t1(\"", ".n(\""] {
                for part in text.split(marker).skip(1) {
                    if let Some(key) = part.split('"').next()
                        && !key.is_empty()
                        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    {
                        used.insert(key.to_owned());
                    }
                }
            }
        }
    }

    #[test]
    fn lookups_follow_the_language_and_plural_rules() {
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
        let fr = I18n::new(Lang::Fr);
        let en = I18n::new(Lang::En);
        assert_eq!(fr.t("nav-home"), "Accueil");
        assert_eq!(en.t("nav-home"), "Home");
        // French counts 0 and 1 as singular.
        assert_eq!(fr.n("territory-count", 0), "0 territoire");
        assert_eq!(fr.n("territory-count", 2), "2 territoires");
        assert_eq!(en.n("territory-count", 1), "1 territory");
        assert_eq!(en.n("territory-count", 0), "0 territories");
    }
}
