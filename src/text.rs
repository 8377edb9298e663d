//! A text in both languages of the application (French, the default, and English): framework
//! names, descriptors and recommendations as rows carry them (queries return them as one
//! PostgreSQL `bilingual` value), and every text frozen in a report's snapshot.

use serde::{Deserialize, Serialize};

/// A text in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "bilingual")]
pub struct Text {
    pub fr: String,
    pub en: String,
}

impl Text {
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            fr: fr.into(),
            en: en.into(),
        }
    }
}
