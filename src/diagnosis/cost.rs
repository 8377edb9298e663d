//! The one cost model of a diagnosis: what a step of a cost bracket costs here, for the ranking
//! (how heavy it weighs on this authority) and for the roadmap (the budget and staff time of a
//! chantier). A bracket's range is written for a territory of [`REFERENCE_POPULATION`]
//! inhabitants and scales by the square root of the population against it, within
//! [`SCALE_BOUNDS`]; its reference amount is the geometric mean of the scaled range, and its
//! burden is that amount per inhabitant: light up to [`LIGHT_PER_INHABITANT`] euros, moderate
//! up to [`MODERATE_PER_INHABITANT`], heavy above. Without a population the range is unscaled
//! and the bracket is its own burden (faible light, moyen moderate, élevé heavy). Pure.

use serde::{Deserialize, Serialize};

use crate::vocabulary::Cost;

/// The population a cost bracket is written for.
pub const REFERENCE_POPULATION: f64 = 50_000.0;
/// The bounds of the size factor.
pub const SCALE_BOUNDS: (f64, f64) = (0.25, 4.0);
/// Reference amount per inhabitant up to which a step is light, then moderate (euros).
pub const LIGHT_PER_INHABITANT: f64 = 1.0;
pub const MODERATE_PER_INHABITANT: f64 = 5.0;

/// A bracket's range in k€ for a territory of the reference population (élevé is capped at
/// 500 k€ for an estimate) and its staff time in full-time equivalents.
pub fn bracket(cost: Cost) -> (f64, f64, f64) {
    match cost {
        Cost::Faible => (5.0, 20.0, 0.1),
        Cost::Moyen => (20.0, 150.0, 0.3),
        Cost::Eleve => (150.0, 500.0, 0.6),
    }
}

/// What a step's cost weighs for this authority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Burden {
    Light,
    Moderate,
    Heavy,
}

impl Burden {
    pub fn as_str(self) -> &'static str {
        match self {
            Burden::Light => "light",
            Burden::Moderate => "moderate",
            Burden::Heavy => "heavy",
        }
    }

    /// Feasibility points of the cost: light 3, moderate 2, heavy 1.
    pub fn points(self) -> i16 {
        match self {
            Burden::Light => 3,
            Burden::Moderate => 2,
            Burden::Heavy => 1,
        }
    }
}

/// A budget range in k€ and staff time in full-time equivalents.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Budget {
    pub min_keur: i32,
    pub max_keur: i32,
    pub etp: f64,
}

/// The cost model of one territory (its population is all it reads today).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CostModel {
    population: Option<i64>,
}

impl CostModel {
    pub fn new(population: Option<i64>) -> Self {
        Self {
            population: population.filter(|p| *p > 0),
        }
    }

    /// The factor brackets are scaled by: √(population / 50,000) within [0.25, 4]; 1 when the
    /// population is unknown.
    pub fn size_factor(&self) -> f64 {
        self.population.map_or(1.0, |p| {
            (p as f64 / REFERENCE_POPULATION)
                .sqrt()
                .clamp(SCALE_BOUNDS.0, SCALE_BOUNDS.1)
        })
    }

    /// A bracket's reference amount here, in euros.
    pub fn reference_amount(&self, cost: Cost) -> f64 {
        let (min, max, _) = bracket(cost);
        (min * max).sqrt() * self.size_factor() * 1000.0
    }

    /// How heavy a step of `cost` weighs here.
    pub fn burden(&self, cost: Cost) -> Burden {
        match self.population {
            Some(p) => {
                let per_inhabitant = self.reference_amount(cost) / p as f64;
                if per_inhabitant <= LIGHT_PER_INHABITANT {
                    Burden::Light
                } else if per_inhabitant <= MODERATE_PER_INHABITANT {
                    Burden::Moderate
                } else {
                    Burden::Heavy
                }
            }
            None => match cost {
                Cost::Faible => Burden::Light,
                Cost::Moyen => Burden::Moderate,
                Cost::Eleve => Burden::Heavy,
            },
        }
    }

    /// The budget of a set of steps: the sum of their ranges times the size factor (rounded
    /// to the k€), and the sum of their staff time.
    pub fn budget(&self, costs: impl Iterator<Item = Cost>) -> Budget {
        let factor = self.size_factor();
        let (min, max, etp) = costs
            .map(bracket)
            .fold((0.0, 0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
        Budget {
            min_keur: (min * factor).round() as i32,
            max_keur: (max * factor).round() as i32,
            etp: (etp * 10.0).round() / 10.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ranking_and_the_budget_read_the_same_amount() {
        for population in [
            None,
            Some(800),
            Some(2_000),
            Some(9_000),
            Some(64_458),
            Some(2_000_000),
        ] {
            let model = CostModel::new(population);
            for cost in [Cost::Faible, Cost::Moyen, Cost::Eleve] {
                let budget = model.budget(std::iter::once(cost));
                let amount = model.reference_amount(cost) / 1000.0;
                // The reference amount lies inside the budget's range for one step.
                assert!(
                    f64::from(budget.min_keur) - 1.0 <= amount
                        && amount <= f64::from(budget.max_keur) + 1.0,
                    "{population:?} {cost:?}: {amount} outside {budget:?}"
                );
            }
        }
    }

    #[test]
    fn the_burden_grows_with_the_bracket_and_falls_with_the_population() {
        let costs = [Cost::Faible, Cost::Moyen, Cost::Eleve];
        let populations = [300, 1_000, 2_500, 10_000, 60_000, 300_000, 2_000_000];
        for p in populations {
            let model = CostModel::new(Some(p));
            let burdens: Vec<Burden> = costs.iter().map(|c| model.burden(*c)).collect();
            assert!(burdens.windows(2).all(|w| w[0] <= w[1]), "{p}: {burdens:?}");
        }
        for cost in costs {
            let burdens: Vec<Burden> = populations
                .iter()
                .map(|p| CostModel::new(Some(*p)).burden(cost))
                .collect();
            assert!(
                burdens.windows(2).all(|w| w[0] >= w[1]),
                "{cost:?}: {burdens:?}"
            );
        }
        // A commune of a few thousand inhabitants has light steps.
        assert_eq!(
            CostModel::new(Some(3_500)).burden(Cost::Faible),
            Burden::Light
        );
        assert_eq!(CostModel::new(None).burden(Cost::Moyen), Burden::Moderate);
        assert!((CostModel::new(Some(64_458)).size_factor() - 1.1354).abs() < 1e-3);
    }
}
