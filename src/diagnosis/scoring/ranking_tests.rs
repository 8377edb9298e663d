//! The ranking of steps: each factor computed by hand on small grids, and properties over
//! generated assessments.

use super::tests::{Rng, answer, framework, random_inputs};
use super::*;
use crate::diagnosis::cost::CostModel;

/// A grid of criteria (code, cost of every step, horizon court), with a university asset on
/// `asset_on` and the given dependencies.
fn grid(criteria: &[(&str, Cost)], asset_on: &[&str], dependencies: Vec<Dependency>) -> Framework {
    let mut dimensions: Vec<Dimension> = Vec::new();
    for (code, _) in criteria {
        let dimension = code.split('-').next().unwrap();
        if !dimensions.iter().any(|d| d.code == dimension) {
            dimensions.push(Dimension {
                code: dimension.into(),
                kind: Kind::Thematic,
            });
        }
    }
    Framework {
        dimensions,
        criteria: criteria
            .iter()
            .map(|(code, _)| Criterion {
                code: (*code).into(),
                dimension: code.split('-').next().unwrap().into(),
                weight: 1.0,
            })
            .collect(),
        templates: criteria
            .iter()
            .flat_map(|(code, cost)| {
                (0..4).map(|from_level| Template {
                    criterion: (*code).into(),
                    from_level,
                    horizon: Horizon::Court,
                    cost: *cost,
                })
            })
            .collect(),
        dependencies,
        tags: vec![Tag {
            code: "universite".into(),
            family: TagFamily::Asset,
            criteria: asset_on.iter().map(|c| (*c).into()).collect(),
        }],
        indicators: Vec::new(),
    }
}

fn with_importance(criterion: &str, level: i16, importance: i16) -> Answer {
    Answer {
        importance,
        ..answer(criterion, Some(level))
    }
}

fn order(scores: &Scores) -> Vec<&str> {
    scores
        .priorities
        .iter()
        .map(|p| p.criterion.as_str())
        .collect()
}

fn requires(criterion: &str, level: i16, requires: &str, requires_level: i16) -> Dependency {
    Dependency {
        criterion: criterion.into(),
        level,
        requires: requires.into(),
        requires_level,
    }
}

#[test]
fn the_cost_scaled_to_the_population_changes_the_order() {
    // ECO-2 matters more (3) but costs "élevé"; ECO-1 matters less (2), costs "faible" and
    // has an asset.
    let f = grid(
        &[("ECO-1", Cost::Faible), ("ECO-2", Cost::Eleve)],
        &["ECO-1"],
        vec![],
    );
    let inputs = |population| Inputs {
        answers: vec![
            with_importance("ECO-1", 1, 2),
            with_importance("ECO-2", 1, 3),
        ],
        assets: vec!["universite".into()],
        population: Some(population),
        ..Inputs::default()
    };
    // 2,000 inhabitants (size factor 0.25, the floor): élevé's reference amount is 68 k€, 34 €
    // per inhabitant, heavy: ECO-2 4 × (1 + 1 + 0 + 1) = 12; faible's is 2.5 k€, 1.25 €,
    // moderate: ECO-1 3 × (2 + 1 + 1 + 1) = 15.
    let small = score(&f, &inputs(2_000));
    assert_eq!(order(&small), ["ECO-1", "ECO-2"]);
    assert_eq!(small.priorities[1].burden, Burden::Heavy);
    assert_eq!(small.priorities[0].burden, Burden::Moderate);
    assert_eq!(
        (small.priorities[0].score, small.priorities[1].score),
        (15.0, 12.0)
    );
    // 2,000,000 inhabitants (factor 4, the ceiling): both light; ECO-2 4 × 5 = 20, ECO-1 3 × 6.
    let large = score(&f, &inputs(2_000_000));
    assert_eq!(order(&large), ["ECO-2", "ECO-1"]);
    assert_eq!(
        (large.priorities[0].score, large.priorities[1].score),
        (20.0, 18.0)
    );
    // The reference amounts per inhabitant, on either side of the thresholds (moyen: 54.8 k€
    // at 50,000 inhabitants, light from 60,000; 13.7 k€ at the floor, moderate from 2,739).
    let burden = |cost, p| CostModel::new(p).burden(cost);
    assert_eq!(burden(Cost::Moyen, Some(60_100)), Burden::Light);
    assert_eq!(burden(Cost::Moyen, Some(59_900)), Burden::Moderate);
    assert_eq!(burden(Cost::Moyen, Some(2_800)), Burden::Moderate);
    assert_eq!(burden(Cost::Moyen, Some(2_700)), Burden::Heavy);
    assert_eq!(burden(Cost::Eleve, None), Burden::Heavy);
}

#[test]
fn an_asset_moves_a_step_up() {
    let inputs = |assets: Vec<String>| Inputs {
        answers: vec![
            with_importance("ECO-1", 1, 2),
            with_importance("ECO-2", 1, 2),
        ],
        assets,
        population: Some(64_000),
        ..Inputs::default()
    };
    let f = grid(
        &[("ECO-1", Cost::Moyen), ("ECO-2", Cost::Moyen)],
        &["ECO-2"],
        vec![],
    );
    // Without it, a perfect tie (3 × 5) falls to the code: ECO-1 first.
    assert_eq!(order(&score(&f, &inputs(vec![]))), ["ECO-1", "ECO-2"]);
    // With it, ECO-2 3 × 6 = 18.
    let with = score(&f, &inputs(vec!["universite".into()]));
    assert_eq!(order(&with), ["ECO-2", "ECO-1"]);
    assert_eq!(with.priorities[0].score, 18.0);
    assert_eq!(with.priorities[0].assets, vec!["universite"]);
}

#[test]
fn a_step_that_unlocks_others_moves_up() {
    let costs = [
        ("ECO-1", Cost::Moyen),
        ("ECO-2", Cost::Moyen),
        ("MOB-1", Cost::Moyen),
    ];
    let inputs = Inputs {
        answers: vec![
            with_importance("ECO-1", 1, 2),
            with_importance("ECO-2", 1, 2),
            with_importance("MOB-1", 1, 1),
        ],
        population: Some(64_000),
        ..Inputs::default()
    };
    let without = score(&grid(&costs, &[], vec![]), &inputs);
    assert_eq!(&order(&without)[..2], ["ECO-1", "ECO-2"]);
    // MOB-1 may reach 2 only once ECO-2 is at 2: ECO-2's step unlocks it, (3 + 1) × 5 = 20.
    let with = score(
        &grid(&costs, &[], vec![requires("MOB-1", 2, "ECO-2", 2)]),
        &inputs,
    );
    assert_eq!(order(&with), ["ECO-2", "ECO-1", "MOB-1"]);
    assert_eq!(with.priorities[0].unlocks, vec!["MOB-1"]);
    assert_eq!(with.priorities[0].score, 20.0);
    // MOB-1 waits for its prerequisite: 2 × (3 + 0 + 0 + 1) = 8.
    assert_eq!(
        with.priorities[2].prerequisites,
        vec![("ECO-2".to_owned(), 2)]
    );
    assert_eq!(with.priorities[2].score, 8.0);
    // Unlocking points: 0, 1, 2 up to four, 3 from five.
    let points: Vec<i16> = (0..7).map(priority::unlock_points).collect();
    assert_eq!(points, [0, 1, 2, 2, 2, 3, 3]);
}

#[test]
fn an_unmet_obligation_comes_first_and_raises_the_target() {
    let f = grid(
        &[
            ("ECO-1", Cost::Moyen),
            ("ECO-2", Cost::Moyen),
            ("ECO-3", Cost::Moyen),
        ],
        &[],
        vec![],
    );
    let inputs = Inputs {
        answers: vec![
            with_importance("ECO-1", 0, 1),
            with_importance("ECO-2", 0, 3),
            with_importance("ECO-3", 0, 3),
        ],
        population: Some(64_000),
        obligations: vec![
            Obligation {
                code: "open_data".into(),
                criterion: "ECO-1".into(),
                level: 2,
                presumed: true,
            },
            // Under a condition to check: it does not move the ranking.
            Obligation {
                code: "pcs".into(),
                criterion: "ECO-3".into(),
                level: 2,
                presumed: false,
            },
        ],
        ..Inputs::default()
    };
    let scores = score(&f, &inputs);
    // ECO-1: 1 + 2 (target raised to 2) = 3, × 5 = 15, below ECO-2 and ECO-3 (4 × 5 = 20),
    // yet first.
    assert_eq!(order(&scores), ["ECO-1", "ECO-2", "ECO-3"]);
    let first = &scores.priorities[0];
    assert_eq!(
        (first.target, first.target_set, first.score),
        (2, false, 15.0)
    );
    assert_eq!(first.obligations, vec!["open_data"]);
    assert!(scores.priorities[2].obligations.is_empty());
    let statuses: Vec<(&str, Compliance)> = scores
        .obligations
        .iter()
        .map(|o| (o.code.as_str(), o.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("open_data", Compliance::Unmet),
            ("pcs", Compliance::ToCheck)
        ]
    );
}

#[test]
fn confidence_decides_whether_an_obligation_is_met_and_a_strength_is_one() {
    let f = grid(
        &[("ECO-1", Cost::Moyen), ("ECO-2", Cost::Moyen)],
        &[],
        vec![],
    );
    let inputs = |confidence| Inputs {
        answers: vec![
            Answer {
                confidence,
                ..answer("ECO-1", Some(3))
            },
            Answer {
                confidence,
                ..answer("ECO-2", Some(1))
            },
        ],
        obligations: vec![Obligation {
            code: "dpo".into(),
            criterion: "ECO-1".into(),
            level: 1,
            presumed: true,
        }],
        ..Inputs::default()
    };
    let declared = score(&f, &inputs(Some(Confidence::Declaratif)));
    assert_eq!(declared.obligations[0].status, Compliance::Declared);
    assert!(declared.strong_criteria.is_empty());
    assert_eq!(declared.declared_strengths, vec!["ECO-1"]);
    let unstated = score(&f, &inputs(None));
    assert_eq!(unstated.obligations[0].status, Compliance::Declared);
    let verified = score(&f, &inputs(Some(Confidence::Verifie)));
    assert_eq!(verified.obligations[0].status, Compliance::Met);
    assert_eq!(verified.strong_criteria, vec!["ECO-1"]);
    assert!(verified.declared_strengths.is_empty());
    // Met or declared, the level is reached: no step is forced.
    assert_eq!(order(&verified), ["ECO-2"]);
    assert_eq!(order(&declared), ["ECO-2"]);
}

#[test]
fn ties_follow_the_domain_rules_and_strengths_need_a_higher_target() {
    let f = grid(
        &[
            ("ECO-10", Cost::Moyen),
            ("ECO-2", Cost::Moyen),
            ("ECO-3", Cost::Moyen),
            ("ECO-4", Cost::Moyen),
        ],
        &[],
        vec![],
    );
    let mut strength = with_importance("ECO-4", 3, 1);
    let inputs = |strength: &Answer| Inputs {
        answers: vec![
            with_importance("ECO-10", 1, 2),
            with_importance("ECO-2", 1, 2),
            // Same score (3 × 5) from a lower level.
            with_importance("ECO-3", 0, 2),
            strength.clone(),
        ],
        population: Some(64_000),
        ..Inputs::default()
    };
    // Lower level first, then ECO-2 before ECO-10 (natural order of codes); the strength at
    // level 3 with no target of its own is not a priority.
    assert_eq!(
        order(&score(&f, &inputs(&strength))),
        ["ECO-3", "ECO-2", "ECO-10"]
    );
    strength.target = Some(4);
    let aimed = score(&f, &inputs(&strength));
    let step = aimed
        .priorities
        .iter()
        .find(|p| p.criterion == "ECO-4")
        .unwrap();
    assert!(step.target_set && step.target == 4);
}

#[test]
fn quick_wins_are_short_light_ready_and_high_impact_beyond_the_top_five() {
    let mut criteria: Vec<(String, Cost)> = (1..=7)
        .map(|n| (format!("ECO-{n}"), Cost::Faible))
        .collect();
    criteria.push(("MOB-1".into(), Cost::Eleve));
    let codes: Vec<(&str, Cost)> = criteria.iter().map(|(c, k)| (c.as_str(), *k)).collect();
    let mut f = grid(&codes, &[], vec![requires("ECO-7", 2, "MOB-1", 3)]);
    // ECO-6 is a medium-term step.
    for t in f.templates.iter_mut().filter(|t| t.criterion == "ECO-6") {
        t.horizon = Horizon::Moyen;
    }
    let mut answers: Vec<Answer> = (1..=7)
        .map(|n| with_importance(&format!("ECO-{n}"), 1, 3))
        .collect();
    answers[4].importance = 2; // ECO-5: impact 3, below a quick win's 4.
    answers.push(with_importance("MOB-1", 1, 3));
    let scores = score(
        &f,
        &Inputs {
            answers,
            population: Some(64_000),
            ..Inputs::default()
        },
    );
    let flagged: Vec<&str> = scores
        .priorities
        .iter()
        .filter(|p| p.quick_win)
        .map(|p| p.criterion.as_str())
        .collect();
    // Not ECO-5 (impact 3), ECO-6 (medium term), ECO-7 (prerequisite missing), MOB-1 (not
    // light for 64,000: 300 k€ is 4.7 €/inhabitant, moderate).
    assert_eq!(flagged, ["ECO-1", "ECO-2", "ECO-3", "ECO-4"]);
    // The top five are ECO-1…4 and MOB-1 or ECO-6; the quick wins listed are beyond them.
    assert!(scores.quick_wins.iter().all(|q| {
        scores
            .priorities
            .iter()
            .position(|p| &p.criterion == q)
            .unwrap()
            >= priority::TOP_PRIORITIES
    }));
    assert!(scores.quick_wins.len() <= priority::QUICK_WINS);
}

/// The test framework with random costs and horizons, and more dependencies.
fn random_framework(rng: &mut Rng) -> Framework {
    let mut f = framework();
    for t in &mut f.templates {
        t.cost = Cost::ALL[rng.below(3) as usize];
        t.horizon = Horizon::ALL[rng.below(3) as usize];
    }
    f.dependencies.push(requires("MOB-1", 2, "ECO-3", 2));
    f.dependencies.push(requires("MOB-2", 3, "ECO-3", 2));
    f.dependencies.push(requires("ECO-2", 3, "MOB-3", 1));
    f
}

fn shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i as u64 + 1) as usize);
    }
}

#[test]
fn property_shuffling_the_framework_never_changes_the_ranking() {
    let mut rng = Rng(0x5eed_1234_abcd_0101);
    for _ in 0..2000 {
        let f = random_framework(&mut rng);
        let mut inputs = random_inputs(&mut rng, &f);
        let before = score(&f, &inputs);
        let mut shuffled = f.clone();
        shuffle(&mut rng, &mut shuffled.criteria);
        shuffle(&mut rng, &mut shuffled.templates);
        shuffle(&mut rng, &mut shuffled.dependencies);
        shuffle(&mut rng, &mut shuffled.dimensions);
        shuffle(&mut rng, &mut inputs.answers);
        shuffle(&mut rng, &mut inputs.obligations);
        let after = score(&shuffled, &inputs);
        assert_eq!(before.priorities, after.priorities);
        assert_eq!(before.quick_wins, after.quick_wins);
        assert_eq!(before.obligations, after.obligations);
        assert_eq!(before.strong_criteria, after.strong_criteria);
        assert_eq!(before.weak_criteria, after.weak_criteria);
    }
}

#[test]
fn property_raising_importance_never_lowers_a_step() {
    let mut rng = Rng(0x5eed_1234_abcd_0102);
    let mut checked = 0;
    for _ in 0..2000 {
        let f = random_framework(&mut rng);
        let mut inputs = random_inputs(&mut rng, &f);
        let before = score(&f, &inputs);
        let Some(step) = before.priorities.iter().find(|p| p.importance < 3).cloned() else {
            continue;
        };
        let rank = |s: &Scores| {
            s.priorities
                .iter()
                .position(|p| p.criterion == step.criterion)
        };
        let answer = inputs
            .answers
            .iter_mut()
            .find(|a| a.criterion == step.criterion)
            .unwrap();
        answer.importance += 1;
        let after = score(&f, &inputs);
        let raised = after
            .priorities
            .iter()
            .find(|p| p.criterion == step.criterion)
            .unwrap();
        assert!(raised.score >= step.score, "{step:?} → {raised:?}");
        assert!(rank(&after) <= rank(&before), "{}", step.criterion);
        checked += 1;
    }
    assert!(checked > 500, "only {checked} cases");
}

#[test]
fn property_meeting_a_prerequisite_never_lowers_the_step_it_gates() {
    let mut rng = Rng(0x5eed_1234_abcd_0103);
    let mut checked = 0;
    for _ in 0..4000 {
        let f = random_framework(&mut rng);
        let mut inputs = random_inputs(&mut rng, &f);
        let before = score(&f, &inputs);
        let Some(gated) = before
            .priorities
            .iter()
            .find(|p| !p.prerequisites.is_empty())
            .cloned()
        else {
            continue;
        };
        let (requires, level) = gated.prerequisites[0].clone();
        match inputs.answers.iter_mut().find(|a| a.criterion == requires) {
            Some(a) => a.level = Some(level),
            None => inputs.answers.push(answer(&requires, Some(level))),
        }
        let after = score(&f, &inputs);
        let now = after
            .priorities
            .iter()
            .find(|p| p.criterion == gated.criterion)
            .unwrap();
        assert!(!now.prerequisites.contains(&(requires.clone(), level)));
        assert!(now.score >= gated.score, "{gated:?} → {now:?}");
        checked += 1;
    }
    assert!(checked > 300, "only {checked} cases");
}

#[test]
fn property_an_obligation_never_ranks_below_an_optional_step() {
    let mut rng = Rng(0x5eed_1234_abcd_0104);
    let mut checked = 0;
    for _ in 0..2000 {
        let f = random_framework(&mut rng);
        let inputs = random_inputs(&mut rng, &f);
        let s = score(&f, &inputs);
        // In the ranking: every obligation step before every optional one.
        let first_optional = s.priorities.iter().position(|p| !p.is_obligation());
        let last_obligation = s.priorities.iter().rposition(|p| p.is_obligation());
        if let (Some(optional), Some(obligation)) = (first_optional, last_obligation) {
            assert!(obligation < optional, "{:?}", s.priorities);
            checked += 1;
        }
        // In the plan: a criterion's steps below the level an obligation requires come before
        // its steps above it.
        for o in inputs.obligations.iter().filter(|o| o.presumed) {
            let positions = |required: bool| -> Vec<usize> {
                s.recommendations
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| {
                        r.criterion == o.criterion && (r.from_level < o.level) == required
                    })
                    .map(|(i, _)| i)
                    .collect()
            };
            if let (Some(last), Some(first)) = (positions(true).last(), positions(false).first()) {
                assert!(last < first, "{o:?}");
            }
        }
    }
    assert!(checked > 300, "only {checked} cases");
}
