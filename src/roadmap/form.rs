//! The roadmap's forms as typed, validated values: a chantier's fields (months, budget, staff
//! time, funding leads, what it follows), a step's placement, a free step, a new chantier and
//! the governance. Raw strings in, domain values or one message per field out.

use serde::Deserialize;

use super::db::ChantierFields;
use super::proposal::MONTHS;
use crate::web::form::{FieldErrors, bounded};

/// Most things a chantier follows.
pub const MAX_FOLLOWED: usize = 3;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChantierForm {
    pub version: String,
    pub title: String,
    pub objective: String,
    pub elu: String,
    pub pilot: String,
    pub partners_academia: String,
    pub partners_associations: String,
    pub partners_businesses: String,
    pub partners_citizens: String,
    pub partners_authorities: String,
    pub start_month: String,
    pub end_month: String,
    pub milestones: String,
    pub budget_min: String,
    pub budget_max: String,
    pub etp: String,
    pub funding: Vec<String>,
    pub followed_1: String,
    pub target_1: String,
    pub followed_2: String,
    pub target_2: String,
    pub followed_3: String,
    pub target_3: String,
    /// `essentiel`: the row of the overview table, which posts only the title, the owners,
    /// the months and the budget (the other fields stay as stored).
    pub scope: String,
}

impl ChantierForm {
    /// `stored` with the overview table's fields of `self` (and its version) over it.
    pub fn essentials_over(&self, stored: ChantierForm) -> ChantierForm {
        ChantierForm {
            version: self.version.clone(),
            title: self.title.clone(),
            elu: self.elu.clone(),
            pilot: self.pilot.clone(),
            start_month: self.start_month.clone(),
            end_month: self.end_month.clone(),
            budget_min: self.budget_min.clone(),
            budget_max: self.budget_max.clone(),
            scope: self.scope.clone(),
            ..stored
        }
    }
}

/// The partner fields: (form field, label key).
pub const PARTNERS: [(&str, &str); 5] = [
    ("partners_academia", "roadmap-partners-academia"),
    ("partners_associations", "roadmap-partners-associations"),
    ("partners_businesses", "roadmap-partners-businesses"),
    ("partners_citizens", "roadmap-partners-citizens"),
    ("partners_authorities", "roadmap-partners-authorities"),
];

impl ChantierForm {
    pub fn partner(&self, field: &str) -> &str {
        match field {
            "partners_academia" => &self.partners_academia,
            "partners_associations" => &self.partners_associations,
            "partners_businesses" => &self.partners_businesses,
            "partners_citizens" => &self.partners_citizens,
            _ => &self.partners_authorities,
        }
    }

    /// The three (code field, target field, code, target) rows of what it follows.
    pub fn followed(&self) -> [(&'static str, &'static str, &str, &str); MAX_FOLLOWED] {
        [
            ("followed_1", "target_1", &self.followed_1, &self.target_1),
            ("followed_2", "target_2", &self.followed_2, &self.target_2),
            ("followed_3", "target_3", &self.followed_3, &self.target_3),
        ]
    }
}

/// A number typed the French or the English way ("1,5" or "1.5"), finite.
pub fn decimal(text: &str) -> Option<f64> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// A whole number within `range`, else the message at `field`.
fn whole(
    errors: &mut FieldErrors,
    field: &'static str,
    text: &str,
    range: std::ops::RangeInclusive<i64>,
) -> i64 {
    match text.trim().parse::<i64>() {
        Ok(v) if range.contains(&v) => v,
        Ok(_) => {
            errors.add(field, "roadmap-error-range");
            *range.start()
        }
        Err(_) => {
            errors.add(field, "roadmap-error-number");
            *range.start()
        }
    }
}

/// What validation checks codes against.
pub struct Known<'a> {
    /// Indicator and criterion codes that can be followed.
    pub followable: &'a [String],
    /// Funding programme codes the territory may use.
    pub funding: &'a [String],
}

pub fn validate(form: &ChantierForm, known: &Known) -> Result<ChantierFields, FieldErrors> {
    let mut errors = FieldErrors::default();
    let title = bounded(&mut errors, "title", &form.title, 200);
    if title.is_empty() {
        errors.add("title", "roadmap-error-title");
    }
    let objective = bounded(&mut errors, "objective", &form.objective, 2000);
    let elu = bounded(&mut errors, "elu", &form.elu, 200);
    let pilot = bounded(&mut errors, "pilot", &form.pilot, 200);
    let partners = PARTNERS.map(|(field, _)| bounded(&mut errors, field, form.partner(field), 500));
    let months = 1..=i64::from(MONTHS);
    let start_month = whole(
        &mut errors,
        "start_month",
        &form.start_month,
        months.clone(),
    );
    let end_month = whole(&mut errors, "end_month", &form.end_month, months);
    if !errors.has("start_month") && !errors.has("end_month") && end_month < start_month {
        errors.add("end_month", "roadmap-error-end-before-start");
    }
    let milestones = bounded(&mut errors, "milestones", &form.milestones, 2000);
    let budget = 0..=1_000_000;
    let budget_min = whole(&mut errors, "budget_min", &form.budget_min, budget.clone());
    let budget_max = whole(&mut errors, "budget_max", &form.budget_max, budget);
    if !errors.has("budget_min") && !errors.has("budget_max") && budget_min > budget_max {
        errors.add("budget_max", "roadmap-error-budget-order");
    }
    let etp = match decimal(&form.etp) {
        Some(v) if (0.0..=1000.0).contains(&v) => (v * 10.0).round() / 10.0,
        Some(_) => {
            errors.add("etp", "roadmap-error-range");
            0.0
        }
        None => {
            errors.add("etp", "roadmap-error-number");
            0.0
        }
    };
    let mut funding: Vec<String> = Vec::new();
    for code in &form.funding {
        let code = code.trim();
        if !known.funding.iter().any(|k| k == code) {
            errors.add("funding", "roadmap-error-funding");
        } else if !funding.iter().any(|f| f == code) {
            funding.push(code.to_owned());
        }
    }
    let mut followed: Vec<(String, f64)> = Vec::new();
    for (code_field, target_field, code, target) in form.followed() {
        let code = code.trim();
        if code.is_empty() {
            if !target.trim().is_empty() {
                errors.add(code_field, "roadmap-error-followed-missing");
            }
            continue;
        }
        if !known.followable.iter().any(|k| k == code) {
            errors.add(code_field, "roadmap-error-followed-unknown");
            continue;
        }
        if followed.iter().any(|(c, _)| c == code) {
            errors.add(code_field, "roadmap-error-followed-twice");
            continue;
        }
        match decimal(target) {
            Some(t) if t.abs() <= 1e12 => followed.push((code.to_owned(), t)),
            _ => errors.add(target_field, "roadmap-error-number"),
        }
    }
    if followed.is_empty() && !errors.has("followed_1") && !errors.has("target_1") {
        errors.add("followed_1", "roadmap-error-followed-none");
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ChantierFields {
        title,
        objective,
        elu,
        pilot,
        partners,
        start_month: start_month as i16,
        end_month: end_month as i16,
        milestones,
        budget_min_keur: budget_min as i32,
        budget_max_keur: budget_max as i32,
        etp,
        funding,
        followed,
    })
}

/// A step's placement, a free step, a new chantier, a merge, the governance: small forms.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SmallForm {
    pub version: String,
    /// What the button does.
    pub action: String,
    /// A chantier id, or "nouveau" (a step moved to a new chantier).
    pub chantier: String,
    pub reason: String,
    pub text: String,
    pub title: String,
    pub governance: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ChantierForm {
        ChantierForm {
            version: "1".into(),
            title: "Mobilités".into(),
            start_month: "1".into(),
            end_month: "30".into(),
            budget_min: "20".into(),
            budget_max: "150".into(),
            etp: "0,5".into(),
            funding: vec!["dsil".into()],
            followed_1: "MOB-I1".into(),
            target_1: "12,5".into(),
            ..ChantierForm::default()
        }
    }

    fn known() -> (Vec<String>, Vec<String>) {
        (vec!["MOB-I1".into(), "GPA-1".into()], vec!["dsil".into()])
    }

    fn errors_of(form: &ChantierForm) -> Vec<(&'static str, String)> {
        let (followable, funding) = known();
        let known = Known {
            followable: &followable,
            funding: &funding,
        };
        match validate(form, &known) {
            Ok(_) => Vec::new(),
            Err(e) => e.all().to_vec(),
        }
    }

    #[test]
    fn a_valid_chantier_reads_french_decimals() {
        let (followable, funding) = known();
        let fields = validate(
            &valid(),
            &Known {
                followable: &followable,
                funding: &funding,
            },
        )
        .unwrap();
        assert_eq!(fields.etp, 0.5);
        assert_eq!(fields.followed, vec![("MOB-I1".to_owned(), 12.5)]);
        assert_eq!((fields.start_month, fields.end_month), (1, 30));
    }

    #[test]
    fn each_mistake_is_reported_at_its_field() {
        type Case = (fn(&mut ChantierForm), &'static str, &'static str);
        let cases: Vec<Case> = vec![
            (|f| f.title = " ".into(), "title", "roadmap-error-title"),
            (
                |f| f.end_month = "0".into(),
                "end_month",
                "roadmap-error-range",
            ),
            (
                |f| f.start_month = "douze".into(),
                "start_month",
                "roadmap-error-number",
            ),
            (
                |f| (f.start_month, f.end_month) = ("20".into(), "10".into()),
                "end_month",
                "roadmap-error-end-before-start",
            ),
            (
                |f| (f.budget_min, f.budget_max) = ("200".into(), "100".into()),
                "budget_max",
                "roadmap-error-budget-order",
            ),
            (
                |f| f.budget_min = "-5".into(),
                "budget_min",
                "roadmap-error-range",
            ),
            (|f| f.etp = "beaucoup".into(), "etp", "roadmap-error-number"),
            (
                |f| f.funding = vec!["inconnu".into()],
                "funding",
                "roadmap-error-funding",
            ),
            (
                |f| f.followed_1 = "XYZ-9".into(),
                "followed_1",
                "roadmap-error-followed-unknown",
            ),
            (
                |f| f.target_1 = "".into(),
                "target_1",
                "roadmap-error-number",
            ),
            (
                |f| (f.followed_2, f.target_2) = ("MOB-I1".into(), "3".into()),
                "followed_2",
                "roadmap-error-followed-twice",
            ),
            (
                |f| (f.followed_1, f.target_1) = (String::new(), String::new()),
                "followed_1",
                "roadmap-error-followed-none",
            ),
            (
                |f| f.followed_1 = String::new(),
                "followed_1",
                "roadmap-error-followed-missing",
            ),
            (
                |f| f.pilot = "a\u{0}b".into(),
                "pilot",
                "form-control-character",
            ),
            (
                |f| f.objective = "x".repeat(2001),
                "objective",
                "form-too-long",
            ),
        ];
        for (change, field, message) in cases {
            let mut form = valid();
            change(&mut form);
            let errors = errors_of(&form);
            assert!(
                errors.iter().any(|(f, m)| *f == field && m == message),
                "{field}: {errors:?}"
            );
        }
    }
}
