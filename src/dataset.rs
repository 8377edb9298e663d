//! What the versioned reference datasets beside the framework (`datasets/obligations/`,
//! `datasets/funding/`) share: picking the current version among the shipped files, and the
//! rule for entry codes. A leaf module.

use serde::de::DeserializeOwned;

/// The shipped version with the highest number. A shipped file that does not parse is a build
/// defect (every shipped file is parsed by the tests), hence the panic naming it.
pub fn latest<T: DeserializeOwned>(sources: &[(&str, &str)], version: impl Fn(&T) -> i32) -> T {
    sources
        .iter()
        .map(|(path, text)| {
            toml::from_str::<T>(text).unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
        })
        .max_by_key(version)
        .expect("at least one version is shipped")
}

/// An entry code: lowercase ASCII letters, digits and underscores, not empty.
pub fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_lowercase_ascii() {
        assert!(super::is_code("open_data_2"));
        for bad in ["", "Open", "données", "a-b", "a b"] {
            assert!(!super::is_code(bad), "{bad}");
        }
    }
}
