//! The territory profile form: raw input as typed, and its validation into a [`Profile`]
//! (field errors carry i18n keys). Pure: the caller supplies what needs the database (the
//! chosen area, the member communes found, the framework's tag codes).

use serde::Deserialize;

use crate::vocabulary::{AreaKind, TerritoryKind};
use crate::web::form::{FieldErrors, bounded, has_forbidden_control};

/// Longest context notes accepted.
pub const MAX_NOTES: usize = 10_000;
/// Longest short text (name, contact fields).
pub const MAX_SHORT: usize = 200;
/// Most member communes in a grouping.
pub const MAX_MEMBERS: usize = 2_000;
/// Longest member list accepted, in characters: [`MAX_MEMBERS`] codes with generous separators.
pub const MAX_MEMBERS_TEXT: usize = MAX_MEMBERS * 12;

/// The form as submitted (every field as text, nothing lost).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TerritoryForm {
    /// "official" (an area of the official geography) or "grouping" (custom).
    pub mode: String,
    /// Search text for the official area (also the no-JavaScript search).
    pub q: String,
    pub geo_area_id: String,
    pub name: String,
    /// INSEE codes of a grouping's communes, separated by spaces, commas or new lines.
    pub members: String,
    pub context_notes: String,
    pub challenges: Vec<String>,
    pub assets: Vec<String>,
    pub contact_name: String,
    pub contact_role: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// The version the edit started from (optimistic locking).
    pub version: String,
}

impl TerritoryForm {
    pub fn is_grouping(&self) -> bool {
        self.mode == "grouping"
    }

    /// The member codes as typed, split and de-duplicated in order (linear in the length of
    /// the field, whatever its size).
    pub fn member_codes(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.members
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|c| !c.is_empty())
            .map(str::to_uppercase)
            .filter(|code| seen.insert(code.clone()))
            .collect()
    }

    pub fn has_challenge(&self, code: &str) -> bool {
        self.challenges.iter().any(|c| c == code)
    }

    pub fn has_asset(&self, code: &str) -> bool {
        self.assets.iter().any(|c| c == code)
    }

    /// The chosen area id, when it is a number.
    pub fn geo_area(&self) -> Option<i64> {
        self.geo_area_id.trim().parse().ok()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub role: String,
    pub email: String,
    pub phone: String,
}

/// A valid profile, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    pub kind: TerritoryKind,
    pub geo_area_id: Option<i64>,
    pub name: String,
    pub member_ids: Vec<i64>,
    pub context_notes: String,
    pub challenges: Vec<String>,
    pub assets: Vec<String>,
    pub contact: Contact,
}

/// What validation needs from the database.
pub struct Known<'a> {
    /// The chosen official area (kind, name), when the id exists.
    pub area: Option<(AreaKind, String)>,
    /// The member communes found, as (code, id).
    pub members: &'a [(String, i64)],
    pub challenge_codes: &'a [String],
    pub asset_codes: &'a [String],
}

/// Validates the form; every problem is reported against its field.
pub fn validate(form: &TerritoryForm, known: &Known<'_>) -> Result<Profile, FieldErrors> {
    let mut errors = FieldErrors::default();
    let (kind, geo_area_id, name, member_ids) = if form.is_grouping() {
        let name = bounded(&mut errors, "name", &form.name, MAX_SHORT);
        if name.is_empty() {
            errors.add("name", "territory-error-name-required");
        }
        let codes = form.member_codes();
        let known_members: std::collections::HashMap<&str, i64> = known
            .members
            .iter()
            .map(|(code, id)| (code.as_str(), *id))
            .collect();
        let ids: Vec<i64> = codes
            .iter()
            .filter_map(|code| known_members.get(code.as_str()).copied())
            .collect();
        if form.members.chars().count() > MAX_MEMBERS_TEXT {
            errors.add("members", "territory-error-members-too-many");
        } else if has_forbidden_control(&form.members) {
            errors.add("members", "form-control-character");
        } else if codes.is_empty() {
            errors.add("members", "territory-error-members-required");
        } else if codes.len() > MAX_MEMBERS {
            errors.add("members", "territory-error-members-too-many");
        } else if ids.len() < codes.len() {
            errors.add("members", "territory-error-members-unknown");
        }
        (Some(TerritoryKind::Grouping), None, name, ids)
    } else {
        match (form.geo_area(), &known.area) {
            (Some(id), Some((kind, name))) => (
                Some(TerritoryKind::from(*kind)),
                Some(id),
                name.clone(),
                Vec::new(),
            ),
            (None, _) if form.geo_area_id.trim().is_empty() => {
                errors.add("geo_area_id", "territory-error-area-required");
                (None, None, String::new(), Vec::new())
            }
            _ => {
                errors.add("geo_area_id", "territory-error-area-unknown");
                (None, None, String::new(), Vec::new())
            }
        }
    };
    let context_notes = bounded(&mut errors, "context_notes", &form.context_notes, MAX_NOTES);
    let contact = Contact {
        name: bounded(&mut errors, "contact_name", &form.contact_name, MAX_SHORT),
        role: bounded(&mut errors, "contact_role", &form.contact_role, MAX_SHORT),
        email: bounded(&mut errors, "contact_email", &form.contact_email, MAX_SHORT),
        phone: bounded(&mut errors, "contact_phone", &form.contact_phone, 40),
    };
    if !contact.email.is_empty() && !looks_like_email(&contact.email) {
        errors.add("contact_email", "territory-error-email");
    }
    if !contact.phone.is_empty()
        && !contact
            .phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +.-()".contains(c))
    {
        errors.add("contact_phone", "territory-error-phone");
    }
    let challenges = known_tags(
        &mut errors,
        "challenges",
        &form.challenges,
        known.challenge_codes,
    );
    let assets = known_tags(&mut errors, "assets", &form.assets, known.asset_codes);
    let Some(kind) = kind.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    Ok(Profile {
        kind,
        geo_area_id,
        name,
        member_ids,
        context_notes,
        challenges,
        assets,
        contact,
    })
}

fn known_tags(
    errors: &mut FieldErrors,
    field: &'static str,
    chosen: &[String],
    known: &[String],
) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for code in chosen {
        if !known.contains(code) {
            errors.add(field, "territory-error-unknown-tag");
        } else if !tags.contains(code) {
            tags.push(code.clone());
        }
    }
    tags
}

fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known<'a>(members: &'a [(String, i64)], tags: &'a [String]) -> Known<'a> {
        Known {
            area: Some((AreaKind::Commune, "Lyon".into())),
            members,
            challenge_codes: tags,
            asset_codes: tags,
        }
    }

    #[test]
    fn an_official_profile_takes_the_area_name_and_kind() {
        let form = TerritoryForm {
            geo_area_id: "12".into(),
            context_notes: "  Métropole dense  ".into(),
            challenges: vec!["securite".into(), "securite".into()],
            ..TerritoryForm::default()
        };
        let tags = vec!["securite".to_owned()];
        let profile = validate(&form, &known(&[], &tags)).unwrap();
        assert_eq!(
            (profile.kind.as_str(), profile.name.as_str()),
            ("commune", "Lyon")
        );
        assert_eq!(profile.geo_area_id, Some(12));
        assert_eq!(profile.context_notes, "Métropole dense");
        assert_eq!(profile.challenges, vec!["securite"]);
    }

    #[test]
    fn every_problem_lands_on_its_field() {
        let form = TerritoryForm {
            mode: "grouping".into(),
            name: "   ".into(),
            members: "69123, 99999".into(),
            context_notes: "x".repeat(MAX_NOTES + 1),
            contact_email: "pas-un-email".into(),
            contact_phone: "appelez-moi".into(),
            assets: vec!["inconnu".into()],
            ..TerritoryForm::default()
        };
        let members = vec![("69123".to_owned(), 1)];
        let errors = validate(&form, &known(&members, &[])).unwrap_err();
        assert_eq!(errors.get("name"), Some("territory-error-name-required"));
        assert_eq!(
            errors.get("members"),
            Some("territory-error-members-unknown")
        );
        assert_eq!(errors.get("context_notes"), Some("form-too-long"));
        assert_eq!(errors.get("contact_email"), Some("territory-error-email"));
        assert_eq!(errors.get("contact_phone"), Some("territory-error-phone"));
        assert_eq!(errors.get("assets"), Some("territory-error-unknown-tag"));
    }

    #[test]
    fn an_official_profile_needs_a_known_area() {
        let none = Known {
            area: None,
            members: &[],
            challenge_codes: &[],
            asset_codes: &[],
        };
        let empty = validate(&TerritoryForm::default(), &none).unwrap_err();
        assert_eq!(
            empty.get("geo_area_id"),
            Some("territory-error-area-required")
        );
        let form = TerritoryForm {
            geo_area_id: "abc".into(),
            ..TerritoryForm::default()
        };
        let unknown = validate(&form, &none).unwrap_err();
        assert_eq!(
            unknown.get("geo_area_id"),
            Some("territory-error-area-unknown")
        );
    }

    #[test]
    fn member_codes_are_split_and_deduplicated() {
        let form = TerritoryForm {
            members: "69123,69003\n 69123; 2a004".into(),
            ..TerritoryForm::default()
        };
        assert_eq!(form.member_codes(), vec!["69123", "69003", "2A004"]);
    }
}
