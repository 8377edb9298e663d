//! The roadmap as stored (its rows, read whole) and as a report freezes it: every chantier with its owners, partners, months,
//! budget (and the derivation from its steps' cost brackets), funding leads with their source,
//! what it follows (baseline and target), and its steps in words. Built from the stored roadmap
//! and what the framework and the assessment say of its steps. Pure.

use serde::{Deserialize, Serialize};

use super::proposal::{Budget, MONTHS};
use crate::diagnosis::Catalog;
pub use crate::funding::FundingPart;
use crate::text::Text;
use crate::vocabulary::{AssessmentId, ChantierId, Cost, Horizon, StepId, Version};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RoadmapRow {
    pub assessment_id: AssessmentId,
    pub governance: String,
    pub version: Version,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ChantierRow {
    pub chantier_id: ChantierId,
    pub position: i32,
    pub title: String,
    pub objective: String,
    pub elu: String,
    pub pilot: String,
    pub partners_academia: String,
    pub partners_associations: String,
    pub partners_businesses: String,
    pub partners_citizens: String,
    pub partners_authorities: String,
    pub start_month: i16,
    pub end_month: i16,
    pub milestones: String,
    pub budget_min_keur: i32,
    pub budget_max_keur: i32,
    pub etp: f64,
    pub funding: Vec<String>,
    /// Taken from this chantier of the previous round's roadmap, not reviewed yet.
    pub carried_from: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StepRow {
    pub step_id: StepId,
    pub chantier_id: Option<ChantierId>,
    pub position: i32,
    pub criterion_code: Option<String>,
    pub from_level: Option<i16>,
    pub text: String,
    pub dropped_reason: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FollowedRow {
    pub chantier_id: ChantierId,
    pub code: String,
    pub target: f64,
}

/// A roadmap read whole.
#[derive(Clone, Debug)]
pub struct Roadmap {
    pub row: RoadmapRow,
    pub chantiers: Vec<ChantierRow>,
    pub steps: Vec<StepRow>,
    pub followed: Vec<FollowedRow>,
}

impl Roadmap {
    pub fn steps_of(&self, chantier: ChantierId) -> Vec<&StepRow> {
        self.steps
            .iter()
            .filter(|s| s.chantier_id == Some(chantier))
            .collect()
    }

    pub fn dropped(&self) -> Vec<&StepRow> {
        self.steps
            .iter()
            .filter(|s| s.dropped_reason.is_some())
            .collect()
    }

    pub fn followed_of(&self, chantier: ChantierId) -> Vec<&FollowedRow> {
        self.followed
            .iter()
            .filter(|f| f.chantier_id == chantier)
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoadmapPart {
    pub governance: String,
    pub chantiers: Vec<ChantierPart>,
    /// The factor the steps' cost brackets were scaled by.
    pub size_factor: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChantierPart {
    pub id: ChantierId,
    pub title: String,
    pub objective: String,
    pub elu: String,
    pub pilot: String,
    /// (label key of the family, partners).
    pub partners: Vec<(String, String)>,
    pub start_month: i16,
    pub end_month: i16,
    pub milestones: String,
    pub budget_min_keur: i32,
    pub budget_max_keur: i32,
    pub etp: f64,
    /// What the steps' brackets give (the budget above may have been edited).
    pub derived_min_keur: i32,
    pub derived_max_keur: i32,
    pub derived_etp: f64,
    pub funding: Vec<FundingPart>,
    pub followed: Vec<FollowedPart>,
    pub steps: Vec<StepPart>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowedPart {
    pub code: String,
    pub name: Text,
    pub unit: String,
    /// The assessment's value (or level) and its year.
    pub baseline: Option<f64>,
    pub year: Option<i16>,
    pub target: f64,
    /// A criterion's level rather than an indicator.
    pub level: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepPart {
    pub id: StepId,
    pub criterion: Option<String>,
    pub name: Option<Text>,
    pub from_level: Option<i16>,
    pub text: Text,
    pub horizon: Option<Horizon>,
    pub cost: Option<Cost>,
}

/// A followable code (indicator or criterion) in words, with its baseline.
pub fn followed(catalog: &Catalog, code: &str, target: f64) -> FollowedPart {
    if let Some(i) = catalog.indicator(code) {
        return FollowedPart {
            code: i.code.clone(),
            name: i.name.clone(),
            unit: i.unit.clone(),
            baseline: i.value,
            year: i.year,
            target,
            level: false,
        };
    }
    let criterion = catalog.criterion(code);
    FollowedPart {
        code: code.to_owned(),
        name: criterion.map(|c| c.name.clone()).unwrap_or_default(),
        unit: String::new(),
        baseline: criterion.and_then(|c| c.level).map(f64::from),
        year: Some(catalog.round_year),
        target,
        level: true,
    }
}

/// A step in words, with its horizon and cost when it comes from the action plan.
pub fn step(catalog: &Catalog, row: &StepRow) -> StepPart {
    let code = row.criterion_code.as_deref();
    let template = match (code, row.from_level) {
        (Some(code), Some(from)) => catalog.template(code, from),
        _ => None,
    };
    StepPart {
        id: row.step_id,
        criterion: code.map(str::to_owned),
        name: code.and_then(|code| catalog.criterion(code).map(|c| c.name.clone())),
        from_level: row.from_level,
        text: match template {
            Some(t) => t.text.clone(),
            None => Text::new(&row.text, &row.text),
        },
        horizon: template.map(|t| t.horizon),
        cost: template.map(|t| t.cost),
    }
}

/// Freezes a stored roadmap.
pub fn build(roadmap: &Roadmap, catalog: &Catalog) -> RoadmapPart {
    let chantiers = roadmap
        .chantiers
        .iter()
        .map(|c| {
            let steps: Vec<StepPart> = roadmap
                .steps_of(c.chantier_id)
                .into_iter()
                .map(|s| step(catalog, s))
                .collect();
            let derived: Budget = catalog.cost.budget(steps.iter().filter_map(|s| s.cost));
            ChantierPart {
                id: c.chantier_id,
                title: c.title.clone(),
                objective: c.objective.clone(),
                elu: c.elu.clone(),
                pilot: c.pilot.clone(),
                partners: [
                    ("roadmap-partners-academia", &c.partners_academia),
                    ("roadmap-partners-associations", &c.partners_associations),
                    ("roadmap-partners-businesses", &c.partners_businesses),
                    ("roadmap-partners-citizens", &c.partners_citizens),
                    ("roadmap-partners-authorities", &c.partners_authorities),
                ]
                .into_iter()
                .filter(|(_, p)| !p.is_empty())
                .map(|(k, p)| (k.to_owned(), p.clone()))
                .collect(),
                start_month: c.start_month,
                end_month: c.end_month,
                milestones: c.milestones.clone(),
                budget_min_keur: c.budget_min_keur,
                budget_max_keur: c.budget_max_keur,
                etp: c.etp,
                derived_min_keur: derived.min_keur,
                derived_max_keur: derived.max_keur,
                derived_etp: derived.etp,
                funding: c
                    .funding
                    .iter()
                    .filter_map(|code| catalog.funding.iter().find(|f| &f.code == code).cloned())
                    .collect(),
                followed: roadmap
                    .followed_of(c.chantier_id)
                    .into_iter()
                    .map(|f| followed(catalog, &f.code, f.target))
                    .collect(),
                steps,
            }
        })
        .collect();
    RoadmapPart {
        governance: roadmap.row.governance.clone(),
        chantiers,
        size_factor: catalog.cost.size_factor(),
    }
}

/// One year of the roadmap: budget (k€) and staff time, each chantier's spread evenly over its
/// months.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct YearTotal {
    pub year: i16,
    pub min_keur: f64,
    pub max_keur: f64,
    pub etp: f64,
}

impl RoadmapPart {
    pub fn totals_by_year(&self) -> Vec<YearTotal> {
        (1..=MONTHS / 12)
            .map(|year| {
                let (first, last) = ((year - 1) * 12 + 1, year * 12);
                let mut total = YearTotal {
                    year,
                    min_keur: 0.0,
                    max_keur: 0.0,
                    etp: 0.0,
                };
                for c in &self.chantiers {
                    let months = f64::from(c.end_month - c.start_month + 1);
                    let overlap = (c.end_month.min(last) - c.start_month.max(first) + 1).max(0);
                    let share = f64::from(overlap) / months;
                    total.min_keur += f64::from(c.budget_min_keur) * share;
                    total.max_keur += f64::from(c.budget_max_keur) * share;
                    total.etp += c.etp * share;
                }
                total
            })
            .collect()
    }

    pub fn total(&self) -> (i64, i64, f64) {
        self.chantiers.iter().fold((0, 0, 0.0), |t, c| {
            (
                t.0 + i64::from(c.budget_min_keur),
                t.1 + i64::from(c.budget_max_keur),
                t.2 + c.etp,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chantier(start: i16, end: i16, min: i32, max: i32, etp: f64) -> ChantierPart {
        ChantierPart {
            id: ChantierId(1),
            title: "C".into(),
            objective: String::new(),
            elu: String::new(),
            pilot: String::new(),
            partners: Vec::new(),
            start_month: start,
            end_month: end,
            milestones: String::new(),
            budget_min_keur: min,
            budget_max_keur: max,
            etp,
            derived_min_keur: 0,
            derived_max_keur: 0,
            derived_etp: 0.0,
            funding: Vec::new(),
            followed: Vec::new(),
            steps: Vec::new(),
        }
    }

    #[test]
    fn yearly_totals_spread_each_chantier_over_its_months() {
        let roadmap = RoadmapPart {
            governance: String::new(),
            // 1–12: all in year 1; 7–30: 6/24 in year 1, 12/24 in year 2, 6/24 in year 3.
            chantiers: vec![
                chantier(1, 12, 100, 200, 1.0),
                chantier(7, 30, 240, 480, 2.4),
            ],
            size_factor: 1.0,
        };
        let years = roadmap.totals_by_year();
        assert_eq!(years.len(), 3);
        assert_eq!((years[0].min_keur, years[0].max_keur), (160.0, 320.0));
        assert_eq!((years[1].min_keur, years[2].min_keur), (120.0, 60.0));
        assert!((years[1].etp - 1.2).abs() < 1e-9);
        assert_eq!(roadmap.total(), (340, 680, 3.4));
    }
}
