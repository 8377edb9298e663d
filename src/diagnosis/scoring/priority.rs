//! The ranking of steps (issue #14): which criterion should move next, and why. The unit is the
//! **step**, a criterion moving from its level to the next one towards its target. Each step
//! gets an impact (importance raised by local challenges, distance to the target, what it
//! unlocks, building the capacity to act) and a feasibility (cost bracket scaled to the authority's
//! population, prerequisites met, local assets, internal capacity), both in small integer
//! points that the report prints, so that a consultant can recompute any priority by hand.
//! Steps towards an unmet legal obligation rank ahead of optional ones; every tie is broken by
//! a domain rule, never by the position of a criterion in the framework file. Pure.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::{Answer, Framework, Inputs, STRONG_LEVEL, TOP, TagFamily, default_target};
pub use crate::diagnosis::cost::Burden;
use crate::diagnosis::cost::CostModel;
use crate::vocabulary::{Confidence, Cost, Horizon};

/// Internal capacity (mean maturity of roles & skills RCO and funding MEF) below which it is
/// called weak.
pub const CAPACITY_WEAK: f64 = 1.5;
/// The dimensions whose maturity measures the authority's capacity to act.
pub const CAPACITY_DIMENSIONS: [&str; 2] = ["RCO", "MEF"];
/// The dimensions whose first steps build that capacity (with change management, ACC).
pub const CAPACITY_BUILDING: [&str; 3] = ["RCO", "MEF", "ACC"];
/// A quick win has at least this impact.
pub const QUICK_WIN_IMPACT: i16 = 4;
/// How many priorities page 1 shows, and how many quick wins besides them.
pub const TOP_PRIORITIES: usize = 5;
pub const QUICK_WINS: usize = 3;
/// Impact points of unlocking `n` dependent criteria: 0, 1, 2 (2 to 4), 3 (5 or more).
pub fn unlock_points(n: usize) -> i16 {
    match n {
        0 => 0,
        1 => 1,
        2..=4 => 2,
        _ => 3,
    }
}

/// A legal obligation that applies to the territory, as scoring needs it: reaching `level` of
/// `criterion` meets it. `presumed`: it applies for sure (kind and size); otherwise it depends
/// on a condition to check and does not move the ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Obligation {
    pub code: String,
    pub criterion: String,
    pub level: i16,
    pub presumed: bool,
}

/// Where the territory stands on an obligation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compliance {
    /// Below the level, and the obligation applies for sure: an alert.
    Unmet,
    /// The criterion is not answered.
    Unanswered,
    /// Below the level, and the obligation applies only under a condition to check.
    ToCheck,
    /// The level is reached but only declared (no documented or verified evidence).
    Declared,
    /// The consultant judged the criterion not applicable.
    NotApplicable,
    Met,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObligationStatus {
    pub code: String,
    pub criterion: String,
    pub level: i16,
    pub status: Compliance,
}

/// A level backed by documents or verified: enough to call it a strength or an obligation met.
pub fn established(confidence: Option<Confidence>) -> bool {
    matches!(
        confidence,
        Some(Confidence::Documente | Confidence::Verifie)
    )
}

/// The next step of one criterion, with every factor of its rank.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Priority {
    pub criterion: String,
    /// The current level; the step goes to `level + 1`.
    pub level: i16,
    pub target: i16,
    /// The consultant set the target (otherwise: the next level, or an obligation's level).
    pub target_set: bool,
    /// Importance 1–3, raised to 3 by a local challenge.
    pub importance: i16,
    /// The territory's challenges tagged to the criterion.
    pub challenges: Vec<String>,
    /// Criteria held back until this criterion reaches a level this step leads to.
    pub unlocks: Vec<String>,
    /// A step of RCO, MEF or ACC from level 0 or 1: a building block of the capacity to act.
    pub capacity_building: bool,
    pub horizon: Horizon,
    pub cost: Cost,
    pub burden: Burden,
    /// Prerequisites of the next level not met yet: (criterion, level).
    pub prerequisites: Vec<(String, i16)>,
    /// The territory's assets tagged to the criterion.
    pub assets: Vec<String>,
    /// Weak capacity weighs on a step that is not light.
    pub capacity_strain: bool,
    /// Unmet legal obligations (applying for sure) this step works towards.
    pub obligations: Vec<String>,
    pub impact: i16,
    pub feasibility: i16,
    /// impact × feasibility.
    pub score: f64,
    pub quick_win: bool,
}

impl Priority {
    pub fn is_obligation(&self) -> bool {
        !self.obligations.is_empty()
    }

    /// Impact: importance + distance to the target + unlocking + capacity building.
    pub fn impact_points(&self) -> [i16; 4] {
        [
            self.importance,
            self.target - self.level,
            unlock_points(self.unlocks.len()),
            i16::from(self.capacity_building),
        ]
    }

    /// Feasibility: scaled cost + prerequisites met + asset + capacity.
    pub fn feasibility_points(&self) -> [i16; 4] {
        [
            self.burden.points(),
            i16::from(self.prerequisites.is_empty()),
            i16::from(!self.assets.is_empty()),
            i16::from(!self.capacity_strain),
        ]
    }

    /// The documented total order: unmet obligations first, then the higher score; ties go to
    /// the lower current level, then to the step that unlocks more, then to the higher
    /// importance, then to the lighter cost, and last to the criterion code (ECO-2 before
    /// ECO-10), which is unique.
    pub fn rank_order(&self, other: &Self) -> Ordering {
        other
            .is_obligation()
            .cmp(&self.is_obligation())
            .then(other.score.total_cmp(&self.score))
            .then(self.level.cmp(&other.level))
            .then(other.unlocks.len().cmp(&self.unlocks.len()))
            .then(other.importance.cmp(&self.importance))
            .then(self.burden.cmp(&other.burden))
            .then(code_key(&self.criterion).cmp(&code_key(&other.criterion)))
    }
}

/// A criterion code in natural order: ("ECO", 2) before ("ECO", 10).
pub fn code_key(code: &str) -> (&str, u32, &str) {
    match code.rsplit_once('-') {
        Some((prefix, number)) => match number.parse() {
            Ok(n) => (prefix, n, code),
            Err(_) => (code, 0, code),
        },
        None => (code, 0, code),
    }
}

/// The applicable, answered answer of `criterion`.
fn answered<'a>(inputs: &'a Inputs, criterion: &str) -> Option<&'a Answer> {
    inputs
        .answers
        .iter()
        .find(|a| a.criterion == criterion && !a.not_applicable && a.level.is_some())
}

fn sorted(mut codes: Vec<String>) -> Vec<String> {
    codes.sort_by(|a, b| code_key(a).cmp(&code_key(b)));
    codes.dedup();
    codes
}

/// The territory's tags of `family` that concern `criterion`, by code.
pub(super) fn tags_of(
    framework: &Framework,
    inputs: &Inputs,
    family: TagFamily,
    criterion: &str,
) -> Vec<String> {
    let chosen = match family {
        TagFamily::Challenge => &inputs.challenges,
        TagFamily::Asset => &inputs.assets,
    };
    let mut tags: Vec<String> = framework
        .tags
        .iter()
        .filter(|t| t.family == family && chosen.contains(&t.code))
        .filter(|t| t.criteria.iter().any(|c| c == criterion))
        .map(|t| t.code.clone())
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

/// The next step of every criterion that has one, ranked. `capacity` is the mean maturity of
/// [`CAPACITY_DIMENSIONS`] (None when unknown: not weak).
pub fn rank(framework: &Framework, inputs: &Inputs, capacity: Option<f64>) -> Vec<Priority> {
    let capacity_weak = capacity.is_some_and(|c| c < CAPACITY_WEAK);
    let mut priorities: Vec<Priority> = framework
        .criteria
        .iter()
        .filter_map(|criterion| {
            let answer = answered(inputs, &criterion.code)?;
            let level = answer.level?;
            let obligations: Vec<&Obligation> = inputs
                .obligations
                .iter()
                .filter(|o| o.criterion == criterion.code && o.presumed && level < o.level)
                .collect();
            let required = obligations.iter().map(|o| o.level).max();
            let set = answer.target.filter(|t| *t > level);
            // A strength is a priority only when the consultant aims higher (or the law does).
            if level >= STRONG_LEVEL && set.is_none() && required.is_none() {
                return None;
            }
            let target = set
                .unwrap_or_else(|| default_target(level))
                .max(required.unwrap_or(0))
                .min(TOP as i16);
            if target <= level {
                return None;
            }
            let challenges = tags_of(framework, inputs, TagFamily::Challenge, &criterion.code);
            let importance = if challenges.is_empty() {
                answer.importance
            } else {
                answer.importance.max(3)
            };
            let unlocks = sorted(
                framework
                    .dependencies
                    .iter()
                    .filter(|d| d.requires == criterion.code && level < d.requires_level)
                    .filter(|d| {
                        answered(inputs, &d.criterion).is_some_and(|a| a.level < Some(d.level))
                    })
                    .map(|d| d.criterion.clone())
                    .collect(),
            );
            let mut prerequisites: Vec<(String, i16)> = framework
                .dependencies
                .iter()
                .filter(|d| d.criterion == criterion.code && d.level == level + 1)
                .filter(|d| {
                    let not_applicable = inputs
                        .answers
                        .iter()
                        .any(|a| a.criterion == d.requires && a.not_applicable);
                    let reached = answered(inputs, &d.requires)
                        .and_then(|a| a.level)
                        .is_some_and(|l| l >= d.requires_level);
                    !(not_applicable || reached)
                })
                .map(|d| (d.requires.clone(), d.requires_level))
                .collect();
            prerequisites.sort_by(|a, b| code_key(&a.0).cmp(&code_key(&b.0)).then(a.1.cmp(&b.1)));
            prerequisites.dedup();
            let (horizon, cost) = framework
                .templates
                .iter()
                .find(|t| t.criterion == criterion.code && t.from_level == level)
                .map_or((Horizon::Moyen, Cost::Moyen), |t| (t.horizon, t.cost));
            let burden = CostModel::new(inputs.population).burden(cost);
            let capacity_building = level <= super::WEAK_LEVEL
                && CAPACITY_BUILDING.contains(&criterion.dimension.as_str());
            let mut priority = Priority {
                criterion: criterion.code.clone(),
                level,
                target,
                target_set: set.is_some(),
                importance,
                challenges,
                unlocks,
                capacity_building,
                horizon,
                cost,
                burden,
                prerequisites,
                assets: tags_of(framework, inputs, TagFamily::Asset, &criterion.code),
                capacity_strain: capacity_weak && burden != Burden::Light,
                obligations: sorted(obligations.iter().map(|o| o.code.clone()).collect()),
                impact: 0,
                feasibility: 0,
                score: 0.0,
                quick_win: false,
            };
            priority.impact = priority.impact_points().iter().sum();
            priority.feasibility = priority.feasibility_points().iter().sum();
            priority.score = f64::from(priority.impact) * f64::from(priority.feasibility);
            priority.quick_win = priority.horizon == Horizon::Court
                && priority.burden == Burden::Light
                && priority.prerequisites.is_empty()
                && priority.impact >= QUICK_WIN_IMPACT;
            Some(priority)
        })
        .collect();
    priorities.sort_by(Priority::rank_order);
    priorities
}

/// The quick wins page 1 lists besides its top priorities: the next flagged steps in rank order.
pub fn quick_wins(priorities: &[Priority]) -> Vec<String> {
    priorities
        .iter()
        .skip(TOP_PRIORITIES)
        .filter(|p| p.quick_win)
        .take(QUICK_WINS)
        .map(|p| p.criterion.clone())
        .collect()
}

/// Where the territory stands on each obligation that applies to it: the most urgent first
/// (unmet, unanswered, to check, declared, not applicable, met), then by code.
pub fn compliance(inputs: &Inputs) -> Vec<ObligationStatus> {
    let mut statuses: Vec<ObligationStatus> = inputs
        .obligations
        .iter()
        .map(|o| {
            let answer = inputs.answers.iter().find(|a| a.criterion == o.criterion);
            let status = match answer {
                Some(a) if a.not_applicable => Compliance::NotApplicable,
                Some(Answer {
                    level: Some(level),
                    confidence,
                    ..
                }) => {
                    if *level >= o.level {
                        if established(*confidence) {
                            Compliance::Met
                        } else {
                            Compliance::Declared
                        }
                    } else if o.presumed {
                        Compliance::Unmet
                    } else {
                        Compliance::ToCheck
                    }
                }
                _ => Compliance::Unanswered,
            };
            ObligationStatus {
                code: o.code.clone(),
                criterion: o.criterion.clone(),
                level: o.level,
                status,
            }
        })
        .collect();
    statuses.sort_by(|a, b| a.status.cmp(&b.status).then(a.code.cmp(&b.code)));
    statuses
}
