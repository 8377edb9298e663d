//! The action plan: the recommendation template of every step from each priority's level to
//! its target, in rank order, each preceded by the steps its dependencies require, then
//! grouped by horizon. Pure.

use std::collections::HashSet;

use super::priority::{Priority, tags_of};
use super::{Framework, Inputs, Recommendation, TagFamily};
use crate::vocabulary::Horizon;

/// The recommendations for every step of every priority, highest rank first.
pub(super) fn recommend(
    framework: &Framework,
    inputs: &Inputs,
    priorities: &[Priority],
) -> Vec<Recommendation> {
    let mut planner = Planner {
        framework,
        inputs,
        placed: HashSet::new(),
        plan: Vec::new(),
    };
    for p in priorities {
        for step in p.level..p.target {
            planner.place(&p.criterion, step, p.score, None);
        }
    }
    planner.plan
}

/// Builds the ordered list of recommendations.
struct Planner<'a> {
    framework: &'a Framework,
    inputs: &'a Inputs,
    placed: HashSet<(String, i16)>,
    plan: Vec<Recommendation>,
}

impl Planner<'_> {
    fn level_of(&self, criterion: &str) -> i16 {
        self.inputs
            .answers
            .iter()
            .find(|a| a.criterion == criterion)
            .and_then(|a| a.level)
            .unwrap_or(0)
    }

    /// Adds the step of `criterion` from `from_level`, after the steps its dependencies need.
    fn place(
        &mut self,
        criterion: &str,
        from_level: i16,
        priority: f64,
        prerequisite_for: Option<(String, i16)>,
    ) {
        if !self.placed.insert((criterion.to_owned(), from_level)) {
            return;
        }
        let to_level = from_level + 1;
        let framework = self.framework;
        for dependency in framework
            .dependencies
            .iter()
            .filter(|d| d.criterion == criterion && d.level == to_level)
        {
            for step in self.level_of(&dependency.requires)..dependency.requires_level {
                let reason = Some((criterion.to_owned(), to_level));
                self.place(&dependency.requires, step, 0.0, reason);
            }
        }
        if let Some(template) = framework
            .templates
            .iter()
            .find(|t| t.criterion == criterion && t.from_level == from_level)
        {
            self.plan.push(Recommendation {
                criterion: criterion.to_owned(),
                from_level,
                horizon: template.horizon,
                cost: template.cost,
                priority,
                prerequisite_for,
                challenges: tags_of(framework, self.inputs, TagFamily::Challenge, criterion),
                assets: tags_of(framework, self.inputs, TagFamily::Asset, criterion),
            });
        }
    }
}

/// The recommendations grouped by horizon (court, moyen, long), keeping their order.
pub fn action_plan(recommendations: &[Recommendation]) -> Vec<(Horizon, Vec<&Recommendation>)> {
    Horizon::ALL
        .iter()
        .map(|h| {
            (
                *h,
                recommendations.iter().filter(|r| r.horizon == *h).collect(),
            )
        })
        .collect()
}
