//! Scoring of an assessment (domain model §6), pure: no HTTP, no database. From the framework
//! (criteria with weights, indicators with bands, recommendation templates, dependencies, tags),
//! the answers and the legal obligations that apply, it computes the maturity of each axis and
//! dimension (weighted mean of the applicable levels, N/A out of the denominator, completeness,
//! level distribution, verified share), indicator scores (z-score against a reference group of
//! at least five values, else the framework's bands), strengths, weaknesses, the means ×
//! results reading of each axis, compliance with the obligations, the ranked next steps
//! ([`priority`]) with their quick wins, and the recommendations ordered by rank and
//! dependencies ([`plan`]).

pub mod plan;
pub mod priority;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Highest level of the scale.
pub const TOP: f64 = 4.0;
/// A section is incomplete when more than this share of its criteria is N/A or unanswered.
pub const INCOMPLETE_SHARE: f64 = 1.0 / 3.0;
/// Fewest reference values for a z-score; below, the framework's bands score the value.
pub const MIN_REFERENCE: usize = 5;
/// An axis's indicator performance is flagged below this share of available indicators.
pub const MIN_INDICATOR_SHARE: f64 = 0.5;
/// Strength: a level at least this; weakness: at most [`WEAK_LEVEL`].
pub const STRONG_LEVEL: i16 = 3;
pub const WEAK_LEVEL: i16 = 1;
/// Indicator strength/weakness thresholds on the 0–4 score (z = ±0.5).
pub const STRONG_SCORE: f64 = 2.5;
pub const WEAK_SCORE: f64 = 1.5;

pub use crate::vocabulary::{
    Confidence, Cost, DimensionKind as Kind, Direction, Horizon, TagFamily,
};
pub use plan::action_plan;
pub use priority::{Burden, Compliance, Obligation, ObligationStatus, Priority};

/// What scoring needs from the framework version.
#[derive(Clone, Debug, Default)]
pub struct Framework {
    pub dimensions: Vec<Dimension>,
    pub criteria: Vec<Criterion>,
    pub indicators: Vec<Indicator>,
    pub templates: Vec<Template>,
    pub dependencies: Vec<Dependency>,
    pub tags: Vec<Tag>,
}

#[derive(Clone, Debug)]
pub struct Dimension {
    pub code: String,
    pub kind: Kind,
}

#[derive(Clone, Debug)]
pub struct Criterion {
    pub code: String,
    pub dimension: String,
    pub weight: f64,
}

#[derive(Clone, Debug)]
pub struct Indicator {
    pub code: String,
    pub dimension: String,
    pub direction: Direction,
    /// Four ascending thresholds (the framework's fallback bands).
    pub bands: [f64; 4],
}

#[derive(Clone, Debug)]
pub struct Template {
    pub criterion: String,
    pub from_level: i16,
    pub horizon: Horizon,
    pub cost: Cost,
}

/// `criterion` may reach `level` only once `requires` has reached `requires_level`.
#[derive(Clone, Debug)]
pub struct Dependency {
    pub criterion: String,
    pub level: i16,
    pub requires: String,
    pub requires_level: i16,
}

#[derive(Clone, Debug)]
pub struct Tag {
    pub code: String,
    pub family: TagFamily,
    pub criteria: Vec<String>,
}

/// One criterion's answer.
#[derive(Clone, Debug, Default)]
pub struct Answer {
    pub criterion: String,
    pub level: Option<i16>,
    pub not_applicable: bool,
    pub importance: i16,
    pub target: Option<i16>,
    pub confidence: Option<Confidence>,
}

/// The assessment's inputs: answers, indicator values, the territory's tags and population,
/// the legal obligations that apply to it, and the reference values of each indicator (from
/// comparable published assessments).
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub answers: Vec<Answer>,
    pub values: BTreeMap<String, f64>,
    pub challenges: Vec<String>,
    pub assets: Vec<String>,
    pub reference: BTreeMap<String, Vec<f64>>,
    pub population: Option<i64>,
    pub obligations: Vec<Obligation>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DimensionScore {
    pub code: String,
    pub kind: Kind,
    /// Weighted mean of the applicable levels, 0–4; None when no level is given.
    pub maturity: Option<f64>,
    pub criteria: usize,
    pub answered: usize,
    pub not_applicable: usize,
    /// More than a third of the criteria are N/A or unanswered.
    pub incomplete: bool,
    /// Mean of the indicator scores, 0–4.
    pub performance: Option<f64>,
    pub indicators: usize,
    pub indicators_scored: usize,
    /// How many applicable criteria sit at each level 0–4.
    #[serde(default)]
    pub levels: [usize; 5],
    /// How many of the answered criteria have verified evidence.
    #[serde(default)]
    pub verified: usize,
}

impl DimensionScore {
    pub fn percent(&self) -> Option<f64> {
        self.maturity.map(|m| m / TOP * 100.0)
    }

    /// Answered share of the applicable criteria, 0–1.
    pub fn completeness(&self) -> f64 {
        let applicable = self.criteria - self.not_applicable;
        if applicable == 0 {
            1.0
        } else {
            self.answered as f64 / applicable as f64
        }
    }

    pub fn performance_flagged(&self) -> bool {
        self.indicators > 0
            && (self.indicators_scored as f64) < MIN_INDICATOR_SHARE * self.indicators as f64
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// z-score against the reference group.
    Reference,
    /// The framework's threshold bands.
    Bands,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorScore {
    pub code: String,
    pub value: f64,
    /// 0–4.
    pub score: f64,
    pub method: Method,
    /// The z-score (after the sign flip) when scored against the reference group.
    pub z: Option<f64>,
    pub reference_size: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub criterion: String,
    pub from_level: i16,
    pub horizon: Horizon,
    pub cost: Cost,
    /// The priority score of the criterion (0 for a prerequisite that is not a priority).
    pub priority: f64,
    /// Prerequisite (criterion, level) this recommendation was brought forward for.
    pub prerequisite_for: Option<(String, i16)>,
    pub challenges: Vec<String>,
    pub assets: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub dimensions: Vec<DimensionScore>,
    /// Mean maturity of the thematic axes, and of the transversal dimensions, kept apart.
    pub thematic: Option<f64>,
    pub transversal: Option<f64>,
    pub indicators: Vec<IndicatorScore>,
    /// Criteria codes, best first / weakest first.
    pub strong_criteria: Vec<String>,
    pub weak_criteria: Vec<String>,
    pub strong_indicators: Vec<String>,
    pub weak_indicators: Vec<String>,
    /// Criteria at a strong level whose evidence is only declared: to document.
    pub declared_strengths: Vec<String>,
    /// Mean maturity of the capacity dimensions (RCO, MEF).
    pub capacity: Option<f64>,
    /// Every criterion's next step, in rank order.
    pub priorities: Vec<Priority>,
    /// Quick wins listed besides the top priorities (criterion codes).
    pub quick_wins: Vec<String>,
    pub obligations: Vec<ObligationStatus>,
    pub recommendations: Vec<Recommendation>,
}

impl Scores {
    pub fn dimension(&self, code: &str) -> Option<&DimensionScore> {
        self.dimensions.iter().find(|d| d.code == code)
    }
}

/// The target used when none is set: the next level, capped at 4.
pub fn default_target(level: i16) -> i16 {
    (level + 1).min(TOP as i16)
}

/// Scores an indicator value: z-score against `reference` when it holds at least
/// [`MIN_REFERENCE`] values with some spread, else the bands.
pub fn score_indicator(indicator: &Indicator, value: f64, reference: &[f64]) -> IndicatorScore {
    let n = reference.len();
    if n >= MIN_REFERENCE {
        let mean = reference.iter().sum::<f64>() / n as f64;
        let variance = reference.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let sd = variance.sqrt();
        if sd > f64::EPSILON {
            let mut z = (value - mean) / sd;
            if indicator.direction == Direction::LowerBetter {
                z = -z;
            }
            let z = z.clamp(-2.0, 2.0);
            return IndicatorScore {
                code: indicator.code.clone(),
                value,
                score: z + 2.0,
                method: Method::Reference,
                z: Some(z),
                reference_size: n,
            };
        }
    }
    let reached = indicator.bands.iter().filter(|b| **b <= value).count() as f64;
    let score = match indicator.direction {
        Direction::HigherBetter => reached,
        Direction::LowerBetter => TOP - reached,
    };
    IndicatorScore {
        code: indicator.code.clone(),
        value,
        score,
        method: Method::Bands,
        z: None,
        reference_size: n,
    }
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// Scores an assessment.
pub fn score(framework: &Framework, inputs: &Inputs) -> Scores {
    let answer_of = |code: &str| inputs.answers.iter().find(|a| a.criterion == code);
    let weight_of = |code: &str| {
        framework
            .criteria
            .iter()
            .find(|c| c.code == code)
            .map_or(1.0, |c| c.weight)
    };

    let indicators: Vec<IndicatorScore> = framework
        .indicators
        .iter()
        .filter_map(|i| {
            let value = *inputs.values.get(&i.code)?;
            let reference = inputs.reference.get(&i.code).map_or(&[][..], |r| &r[..]);
            Some(score_indicator(i, value, reference))
        })
        .collect();

    let dimensions: Vec<DimensionScore> = framework
        .dimensions
        .iter()
        .map(|d| {
            let criteria: Vec<&Criterion> = framework
                .criteria
                .iter()
                .filter(|c| c.dimension == d.code)
                .collect();
            let answers: Vec<Option<&Answer>> =
                criteria.iter().map(|c| answer_of(&c.code)).collect();
            let not_applicable = answers
                .iter()
                .flatten()
                .filter(|a| a.not_applicable)
                .count();
            let levels: Vec<(f64, f64)> = answers
                .iter()
                .flatten()
                .filter(|a| !a.not_applicable)
                .filter_map(|a| Some((a.level? as f64, weight_of(&a.criterion))))
                .collect();
            let total_weight: f64 = levels.iter().map(|(_, w)| w).sum();
            let maturity = (total_weight > 0.0)
                .then(|| levels.iter().map(|(l, w)| l * w).sum::<f64>() / total_weight);
            let empty = criteria.len() - not_applicable - levels.len();
            let mut distribution = [0; 5];
            let mut verified = 0;
            for a in answers.iter().flatten().filter(|a| !a.not_applicable) {
                if let Some(level) = a.level {
                    distribution[level.clamp(0, TOP as i16) as usize] += 1;
                    verified += usize::from(a.confidence == Some(Confidence::Verifie));
                }
            }
            let dimension_indicators: Vec<&Indicator> = framework
                .indicators
                .iter()
                .filter(|i| i.dimension == d.code)
                .collect();
            let scored: Vec<f64> = indicators
                .iter()
                .filter(|s| dimension_indicators.iter().any(|i| i.code == s.code))
                .map(|s| s.score)
                .collect();
            DimensionScore {
                code: d.code.clone(),
                kind: d.kind,
                maturity,
                criteria: criteria.len(),
                answered: levels.len(),
                not_applicable,
                incomplete: (not_applicable + empty) as f64
                    > INCOMPLETE_SHARE * criteria.len() as f64,
                performance: mean(scored.iter().copied()),
                indicators: dimension_indicators.len(),
                indicators_scored: scored.len(),
                levels: distribution,
                verified,
            }
        })
        .collect();

    let overall = |kind: Kind| {
        mean(
            dimensions
                .iter()
                .filter(|d| d.kind == kind)
                .filter_map(|d| d.maturity),
        )
    };
    let maturity_of = |code: &str| {
        dimensions
            .iter()
            .find(|d| d.code == code)
            .and_then(|d| d.maturity)
    };
    let capacity = mean(
        priority::CAPACITY_DIMENSIONS
            .iter()
            .filter_map(|code| maturity_of(code)),
    );

    // Strengths and weaknesses; ties by code, so the framework's order never matters.
    let applicable: Vec<&Answer> = framework
        .criteria
        .iter()
        .filter_map(|c| answer_of(&c.code))
        .filter(|a| !a.not_applicable && a.level.is_some())
        .collect();
    let by_code = |a: &&Answer, b: &&Answer| {
        priority::code_key(&a.criterion).cmp(&priority::code_key(&b.criterion))
    };
    let mut strong: Vec<&Answer> = applicable
        .iter()
        .copied()
        .filter(|a| a.level.unwrap_or_default() >= STRONG_LEVEL)
        .collect();
    strong.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(b.importance.cmp(&a.importance))
            .then(by_code(a, b))
    });
    let (strong, declared): (Vec<&Answer>, Vec<&Answer>) = strong
        .into_iter()
        .partition(|a| priority::established(a.confidence));
    let mut weak: Vec<&Answer> = applicable
        .iter()
        .copied()
        .filter(|a| a.level.unwrap_or_default() <= WEAK_LEVEL)
        .collect();
    weak.sort_by(|a, b| {
        b.importance
            .cmp(&a.importance)
            .then(a.level.cmp(&b.level))
            .then(by_code(a, b))
    });

    let mut strong_indicators: Vec<&IndicatorScore> = indicators
        .iter()
        .filter(|s| s.score >= STRONG_SCORE)
        .collect();
    strong_indicators.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.code.cmp(&b.code)));
    let mut weak_indicators: Vec<&IndicatorScore> = indicators
        .iter()
        .filter(|s| s.score <= WEAK_SCORE)
        .collect();
    weak_indicators.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.code.cmp(&b.code)));

    let priorities = priority::rank(framework, inputs, capacity);
    let recommendations = plan::recommend(framework, inputs, &priorities);
    let codes = |answers: &[&Answer]| answers.iter().map(|a| a.criterion.clone()).collect();

    Scores {
        thematic: overall(Kind::Thematic),
        transversal: overall(Kind::Transversal),
        strong_criteria: codes(&strong),
        weak_criteria: codes(&weak),
        strong_indicators: strong_indicators.iter().map(|s| s.code.clone()).collect(),
        weak_indicators: weak_indicators.iter().map(|s| s.code.clone()).collect(),
        declared_strengths: codes(&declared),
        dimensions,
        indicators,
        capacity,
        quick_wins: priority::quick_wins(&priorities),
        obligations: priority::compliance(inputs),
        priorities,
        recommendations,
    }
}

/// How an axis's means (maturity) compare with its results (indicator performance).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// Advanced approach, results delivered.
    AdvancedDelivering,
    /// Advanced approach, results lagging.
    AdvancedLagging,
    /// Results delivered, approach to structure.
    EmergingDelivering,
    /// Approach and results both lagging.
    EmergingLagging,
    /// Results not measured (no indicator scored).
    Unmeasured,
}

impl Reading {
    pub fn as_str(self) -> &'static str {
        match self {
            Reading::AdvancedDelivering => "advanced-delivering",
            Reading::AdvancedLagging => "advanced-lagging",
            Reading::EmergingDelivering => "emerging-delivering",
            Reading::EmergingLagging => "emerging-lagging",
            Reading::Unmeasured => "unmeasured",
        }
    }
}

/// Maturity from which an approach reads as advanced (level 2, Structuré, reached) and
/// performance from which results read as delivered (the reference mean, or the middle band).
pub const MEANS_ADVANCED: f64 = 2.0;
pub const RESULTS_DELIVERED: f64 = 2.0;

/// The means × results reading of an axis; None without a maturity.
pub fn reading(maturity: Option<f64>, performance: Option<f64>) -> Option<Reading> {
    let advanced = maturity? >= MEANS_ADVANCED;
    Some(match performance {
        None => Reading::Unmeasured,
        Some(p) if p >= RESULTS_DELIVERED => {
            if advanced {
                Reading::AdvancedDelivering
            } else {
                Reading::EmergingDelivering
            }
        }
        Some(_) => {
            if advanced {
                Reading::AdvancedLagging
            } else {
                Reading::EmergingLagging
            }
        }
    })
}

/// The level (0–4) a maturity has reached: levels are cumulative, so 2.8 has reached 2, not 3.
pub fn band(maturity: f64) -> i16 {
    (maturity + 1e-9).floor().clamp(0.0, TOP) as i16
}

#[cfg(test)]
mod ranking_tests;
#[cfg(test)]
mod tests;
