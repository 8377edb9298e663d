//! The domain vocabulary, typed: the text values the database CHECKs (roles, statuses, kinds,
//! tag families, confidence, horizons, costs) as Rust enums that read and write themselves as
//! PostgreSQL text, and the version a form was based on, parsed once at the edge. A leaf
//! module: it depends on nothing else of the crate.

use std::fmt;

use serde::{Deserialize, Serialize};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
use sqlx::{Decode, Encode, Postgres, Type};

/// A closed list of text values: an enum with its database spelling, `ALL`, `as_str`, `parse`,
/// `Display`, serde and sqlx (as `text`) in that spelling.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &[$name] = &[$($name::$variant),+];

            /// The database (and form) spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value spelled `text`, if any.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl Type<Postgres> for $name {
            fn type_info() -> PgTypeInfo {
                <&str as Type<Postgres>>::type_info()
            }

            fn compatible(ty: &PgTypeInfo) -> bool {
                <&str as Type<Postgres>>::compatible(ty)
            }
        }

        impl Encode<'_, Postgres> for $name {
            fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
                <&str as Encode<Postgres>>::encode(self.as_str(), buf)
            }
        }

        impl<'r> Decode<'r, Postgres> for $name {
            fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&str as Decode<Postgres>>::decode(value)?;
                $name::parse(text).ok_or_else(|| {
                    format!("{:?} is not a {}", text, stringify!($name)).into()
                })
            }
        }

        impl sqlx::postgres::PgHasArrayType for $name {
            fn array_type_info() -> PgTypeInfo {
                <&str as sqlx::postgres::PgHasArrayType>::array_type_info()
            }
        }
    };
}

vocabulary! {
    /// What a user may do (DESIGN §3, roles table).
    Role {
        Admin = "admin",
        Consultant = "consultant",
        Elu = "elu",
    }
}

vocabulary! {
    /// Where an assessment stands: consultants move it between draft and review; publication
    /// (by the report) makes it read-only.
    AssessmentStatus {
        Draft = "draft",
        Review = "review",
        Published = "published",
    }
}

impl AssessmentStatus {
    /// The statuses a consultant may move an assessment to from this one (publishing is the
    /// report's own action).
    pub fn next(self) -> &'static [AssessmentStatus] {
        match self {
            AssessmentStatus::Draft => &[AssessmentStatus::Review],
            AssessmentStatus::Review => &[AssessmentStatus::Draft],
            AssessmentStatus::Published => &[],
        }
    }

    pub fn is_read_only(self) -> bool {
        self == AssessmentStatus::Published
    }
}

vocabulary! {
    /// What a territory profile covers: an official area's kind, or a custom grouping.
    TerritoryKind {
        Commune = "commune",
        Epci = "epci",
        Departement = "departement",
        Region = "region",
        Grouping = "grouping",
    }
}

vocabulary! {
    /// Who holds the competence a criterion assesses, for a kind of territory (framework v2):
    /// the criterion applies when it is the territory's own kind or shared.
    CompetenceHolder {
        Commune = "commune",
        Epci = "epci",
        /// Autorité organisatrice de la mobilité.
        Aom = "aom",
        Departement = "departement",
        Region = "region",
        Etat = "etat",
        Partagee = "partagee",
    }
}

vocabulary! {
    /// Where a roadmap step stands after publication (the follow-up).
    StepStatus {
        ALancer = "a_lancer",
        EnCours = "en_cours",
        Fait = "fait",
        Abandonne = "abandonne",
    }
}

vocabulary! {
    /// The kind of an area of the official geography.
    AreaKind {
        Commune = "commune",
        Epci = "epci",
        Departement = "departement",
        Region = "region",
    }
}

impl From<AreaKind> for TerritoryKind {
    fn from(kind: AreaKind) -> Self {
        match kind {
            AreaKind::Commune => TerritoryKind::Commune,
            AreaKind::Epci => TerritoryKind::Epci,
            AreaKind::Departement => TerritoryKind::Departement,
            AreaKind::Region => TerritoryKind::Region,
        }
    }
}

vocabulary! {
    /// A profile tag: a local challenge (raises importance) or a local asset.
    TagFamily {
        Challenge = "challenge",
        Asset = "asset",
    }
}

vocabulary! {
    /// How well the evidence of an answer was checked.
    Confidence {
        Declaratif = "declaratif",
        Documente = "documente",
        Verifie = "verifie",
    }
}

vocabulary! {
    /// Thematic axes say what the territory achieves; transversal dimensions how it organises
    /// itself.
    DimensionKind {
        Thematic = "thematic",
        Transversal = "transversal",
    }
}

vocabulary! {
    /// Whether more of an indicator is better or worse.
    Direction {
        HigherBetter = "higher_better",
        LowerBetter = "lower_better",
    }
}

vocabulary! {
    /// When a recommended action pays off: court < 1 year, moyen 1–3 years, long > 3 years.
    Horizon {
        Court = "court",
        Moyen = "moyen",
        Long = "long",
    }
}

vocabulary! {
    /// The cost bracket of a recommendation: faible < 20 k€, moyen 20–150 k€, eleve > 150 k€.
    Cost {
        Faible = "faible",
        Moyen = "moyen",
        Eleve = "eleve",
    }
}

/// Ids of the main records: numbers that cannot be mixed up with one another. Rows read them
/// from their `bigint` columns (`From<i64>`); queries bind their number (`.0`).
macro_rules! id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            sqlx::Type,
        )]
        #[sqlx(transparent)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                $name(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(
    /// A territory profile.
    TerritoryId
);
id!(
    /// An assessment (a round).
    AssessmentId
);
id!(
    /// A published report.
    ReportId
);
id!(
    /// An account.
    UserId
);
id!(
    /// A chantier of a roadmap.
    ChantierId
);
id!(
    /// A step of a roadmap.
    StepId
);

/// The version of a row a form was based on (optimistic locking), read once at the edge: a
/// form without a readable version was based on nothing, and conflicts with whatever is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(transparent)]
#[serde(transparent)]
pub struct Version(pub i32);

impl Version {
    /// The version posted in a form field; `None` when absent or not a number.
    pub fn from_form(text: &str) -> Option<Version> {
        text.trim().parse().ok().map(Version)
    }
}

impl From<i32> for Version {
    fn from(version: i32) -> Self {
        Version(version)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_their_own_spelling() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        for status in AssessmentStatus::ALL {
            assert_eq!(AssessmentStatus::parse(&status.to_string()), Some(*status));
        }
        assert_eq!(Confidence::parse("verifie"), Some(Confidence::Verifie));
        assert_eq!(Confidence::parse("Vérifié"), None);
        assert_eq!(
            serde_json::to_string(&TerritoryKind::Departement).unwrap(),
            "\"departement\""
        );
    }

    #[test]
    fn consultants_move_rounds_between_draft_and_review_only() {
        use AssessmentStatus::*;
        assert_eq!(Draft.next(), &[Review]);
        assert_eq!(Review.next(), &[Draft]);
        assert!(Published.next().is_empty() && Published.is_read_only());
    }

    #[test]
    fn versions_are_read_once_from_forms() {
        assert_eq!(Version::from_form(" 7 "), Some(Version(7)));
        assert_eq!(Version::from_form(""), None);
        assert_eq!(Version::from_form("sept"), None);
    }
}
