//! Cases computed by hand, and properties checked over many generated assessments.

use super::*;

pub(super) fn framework() -> Framework {
    let dimension = |code: &str, kind| Dimension {
        code: code.into(),
        kind,
    };
    let criterion = |code: &str, weight| Criterion {
        code: code.into(),
        dimension: code.split('-').next().unwrap().into(),
        weight,
    };
    let template = |criterion: &str, from_level, horizon| Template {
        criterion: criterion.into(),
        from_level,
        horizon,
        cost: Cost::Moyen,
    };
    let mut templates = Vec::new();
    for code in [
        "ECO-1", "ECO-2", "ECO-3", "MOB-1", "MOB-2", "MOB-3", "RCO-1", "MEF-1",
    ] {
        for (from, horizon) in [
            (0, Horizon::Court),
            (1, Horizon::Court),
            (2, Horizon::Moyen),
            (3, Horizon::Long),
        ] {
            templates.push(template(code, from, horizon));
        }
    }
    Framework {
        dimensions: vec![
            dimension("ECO", Kind::Thematic),
            dimension("MOB", Kind::Thematic),
            dimension("RCO", Kind::Transversal),
            dimension("MEF", Kind::Transversal),
        ],
        criteria: vec![
            criterion("ECO-1", 1.0),
            criterion("ECO-2", 2.0),
            criterion("ECO-3", 1.0),
            criterion("MOB-1", 1.0),
            criterion("MOB-2", 1.0),
            criterion("MOB-3", 1.0),
            criterion("RCO-1", 1.0),
            criterion("MEF-1", 1.0),
        ],
        indicators: vec![
            Indicator {
                code: "ECO-I1".into(),
                dimension: "ECO".into(),
                direction: Direction::HigherBetter,
                bands: [10.0, 20.0, 30.0, 40.0],
            },
            Indicator {
                code: "MOB-I1".into(),
                dimension: "MOB".into(),
                direction: Direction::LowerBetter,
                bands: [10.0, 20.0, 30.0, 40.0],
            },
        ],
        templates,
        dependencies: vec![Dependency {
            criterion: "ECO-1".into(),
            level: 3,
            requires: "RCO-1".into(),
            requires_level: 2,
        }],
        tags: vec![
            Tag {
                code: "deficit_transport_collectif".into(),
                family: TagFamily::Challenge,
                criteria: vec!["MOB-1".into()],
            },
            Tag {
                code: "universite".into(),
                family: TagFamily::Asset,
                criteria: vec!["ECO-1".into()],
            },
        ],
    }
}

pub(super) fn answer(criterion: &str, level: Option<i16>) -> Answer {
    Answer {
        criterion: criterion.into(),
        level,
        not_applicable: false,
        importance: 1,
        target: None,
        confidence: None,
    }
}

pub(super) fn na(criterion: &str) -> Answer {
    Answer {
        not_applicable: true,
        ..answer(criterion, None)
    }
}

pub(super) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn maturity_is_the_weighted_mean_of_applicable_levels() {
    let inputs = Inputs {
        answers: vec![
            answer("ECO-1", Some(2)),
            answer("ECO-2", Some(4)),
            na("ECO-3"),
            na("MOB-1"),
            na("MOB-2"),
            na("MOB-3"),
        ],
        ..Inputs::default()
    };
    let scores = score(&framework(), &inputs);
    let eco = scores.dimension("ECO").unwrap();
    // (2 × 1 + 4 × 2) / (1 + 2) = 10/3; the N/A is out of the denominator.
    assert!(close(eco.maturity.unwrap(), 10.0 / 3.0));
    assert!(close(eco.percent().unwrap(), 250.0 / 3.0));
    assert_eq!((eco.answered, eco.not_applicable, eco.criteria), (2, 1, 3));
    assert!(
        !eco.incomplete,
        "one N/A out of three is not more than a third"
    );
    assert!(close(eco.completeness(), 1.0));
    // An axis where everything is N/A has no maturity and is incomplete.
    let mob = scores.dimension("MOB").unwrap();
    assert_eq!(mob.maturity, None);
    assert!(mob.incomplete);
    // Thematic and transversal kept apart; axes without maturity are left out.
    assert!(close(scores.thematic.unwrap(), 10.0 / 3.0));
    assert_eq!(scores.transversal, None);
}

#[test]
fn an_empty_assessment_scores_nothing_and_is_incomplete_everywhere() {
    let scores = score(&framework(), &Inputs::default());
    assert!(
        scores
            .dimensions
            .iter()
            .all(|d| d.maturity.is_none() && d.incomplete)
    );
    assert_eq!((scores.thematic, scores.transversal), (None, None));
    assert!(scores.priorities.is_empty() && scores.recommendations.is_empty());
    assert!(scores.strong_criteria.is_empty() && scores.weak_criteria.is_empty());
    assert!(scores.quick_wins.is_empty() && scores.obligations.is_empty());
    assert_eq!(scores.capacity, None);
}

#[test]
fn indicators_use_the_reference_group_from_five_values_else_the_bands() {
    let f = framework();
    let (higher, lower) = (&f.indicators[0], &f.indicators[1]);
    assert_eq!(score_indicator(higher, 25.0, &[]).score, 2.0);
    assert_eq!(score_indicator(higher, 40.0, &[]).score, 4.0);
    assert_eq!(score_indicator(higher, 9.9, &[]).score, 0.0);
    assert_eq!(score_indicator(lower, 25.0, &[]).score, 2.0);
    assert_eq!(score_indicator(lower, 5.0, &[]).score, 4.0);
    assert_eq!(score_indicator(lower, 45.0, &[]).score, 0.0);
    let four = [10.0, 20.0, 30.0, 40.0];
    assert_eq!(score_indicator(higher, 46.0, &four).method, Method::Bands);

    // Mean 30, sample sd √250 ≈ 15.811; x = 46 → z ≈ 1.0119.
    let five = [10.0, 20.0, 30.0, 40.0, 50.0];
    let s = score_indicator(higher, 46.0, &five);
    assert_eq!(s.method, Method::Reference);
    assert!(close(s.z.unwrap(), 16.0 / 250f64.sqrt()));
    assert!(close(s.score, 2.0 + 16.0 / 250f64.sqrt()));
    let flipped = score_indicator(lower, 46.0, &five);
    assert!(close(flipped.score, 2.0 - 16.0 / 250f64.sqrt()));
    // Clamped to [−2, 2].
    assert_eq!(score_indicator(higher, 1000.0, &five).score, 4.0);
    assert_eq!(score_indicator(lower, 1000.0, &five).score, 0.0);
    // No spread: the bands decide.
    assert_eq!(
        score_indicator(higher, 25.0, &[7.0; 6]).method,
        Method::Bands
    );
}

#[test]
fn each_criterion_s_next_step_is_ranked_by_impact_times_feasibility() {
    let mut eco1 = answer("ECO-1", Some(2));
    eco1.target = Some(4);
    let mut mob2 = answer("MOB-2", Some(4));
    mob2.confidence = Some(Confidence::Verifie);
    let inputs = Inputs {
        answers: vec![
            eco1,
            answer("ECO-2", Some(3)),
            answer("MOB-1", Some(1)),
            mob2,
            answer("RCO-1", Some(1)),
            answer("MEF-1", Some(1)),
        ],
        challenges: vec!["deficit_transport_collectif".into()],
        assets: vec!["universite".into()],
        ..Inputs::default()
    };
    let scores = score(&framework(), &inputs);
    // RCO and MEF at 1: capacity 1.0, weak; every step costs "moyen", moderate with no
    // population, so each one strains it (no capacity point).
    assert!(close(scores.capacity.unwrap(), 1.0));
    let of = |code: &str| {
        scores
            .priorities
            .iter()
            .find(|p| p.criterion == code)
            .unwrap()
    };
    // ECO-1 2→3, target 4: impact 1 + 2 = 3; feasibility 2 (moderate) + 0 (RCO-1 ≥ 2 not
    // reached) + 1 (university) + 0 = 3; 9.
    let eco1 = of("ECO-1");
    assert_eq!((eco1.impact, eco1.feasibility, eco1.score), (3, 3, 9.0));
    assert_eq!(eco1.prerequisites, vec![("RCO-1".to_owned(), 2)]);
    assert_eq!(eco1.assets, vec!["universite"]);
    assert!(eco1.target_set && eco1.capacity_strain);
    // MOB-1: importance raised to 3 by the challenge, impact 3 + 1 = 4; feasibility 2 + 1 = 3.
    let mob1 = of("MOB-1");
    assert_eq!((mob1.importance, mob1.impact, mob1.feasibility), (3, 4, 3));
    assert_eq!(mob1.challenges, vec!["deficit_transport_collectif"]);
    // RCO-1: 1 + 1 + 1 (unlocks ECO-1) + 1 (capacity building) = 4; 2 + 1 = 3.
    let rco1 = of("RCO-1");
    assert_eq!((rco1.impact, rco1.feasibility), (4, 3));
    assert_eq!(rco1.unlocks, vec!["ECO-1"]);
    // MEF-1: 1 + 1 + 0 + 1 = 3; 3.
    assert_eq!((of("MEF-1").impact, of("MEF-1").feasibility), (3, 3));
    // 12, 12, 9, 9: RCO-1 before MOB-1 (same level, RCO-1 unlocks more); MEF-1 before ECO-1
    // (lower level).
    let order: Vec<&str> = scores
        .priorities
        .iter()
        .map(|p| p.criterion.as_str())
        .collect();
    assert_eq!(order, ["RCO-1", "MOB-1", "MEF-1", "ECO-1"]);
    // Strengths without a target above them are not priorities; one only declared is not a
    // strength yet.
    assert_eq!(scores.strong_criteria, vec!["MOB-2"]);
    assert_eq!(scores.declared_strengths, vec!["ECO-2"]);
    assert_eq!(scores.weak_criteria, vec!["MEF-1", "MOB-1", "RCO-1"]);

    // The plan follows the ranking, each step once, every step of ECO-1 up to its target.
    let steps: Vec<(String, i16)> = scores
        .recommendations
        .iter()
        .map(|r| (r.criterion.clone(), r.from_level))
        .collect();
    let at = |c: &str, l: i16| steps.iter().position(|s| s.0 == c && s.1 == l).unwrap();
    assert!(at("RCO-1", 1) < at("ECO-1", 2), "{steps:?}");
    assert!(at("ECO-1", 2) < at("ECO-1", 3));
    assert_eq!(
        scores.recommendations[at("ECO-1", 2)].assets,
        vec!["universite"]
    );
    assert_eq!(
        scores.recommendations[at("MOB-1", 1)].challenges,
        vec!["deficit_transport_collectif"]
    );
    let mut unique = steps.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), steps.len());
    let plan = action_plan(&scores.recommendations);
    assert_eq!(
        plan.iter().map(|(h, _)| *h).collect::<Vec<_>>(),
        [Horizon::Court, Horizon::Moyen, Horizon::Long]
    );
    assert!(
        plan[1]
            .1
            .iter()
            .any(|r| r.criterion == "ECO-1" && r.from_level == 2)
    );
    assert!(
        plan[2]
            .1
            .iter()
            .any(|r| r.criterion == "ECO-1" && r.from_level == 3)
    );
}

#[test]
fn a_prerequisite_no_one_ranked_is_brought_forward_in_the_plan() {
    // ECO-1 2→3 needs RCO-1 at 2; RCO-1 is not answered (taken as 0): both of its steps come
    // first, marked as prerequisites of ECO-1 level 3.
    let inputs = Inputs {
        answers: vec![answer("ECO-1", Some(2))],
        ..Inputs::default()
    };
    let scores = score(&framework(), &inputs);
    type Step<'a> = (&'a str, i16, Option<(String, i16)>);
    let steps: Vec<Step> = scores
        .recommendations
        .iter()
        .map(|r| {
            (
                r.criterion.as_str(),
                r.from_level,
                r.prerequisite_for.clone(),
            )
        })
        .collect();
    let reason = Some(("ECO-1".to_owned(), 3));
    assert_eq!(
        steps,
        [
            ("RCO-1", 0, reason.clone()),
            ("RCO-1", 1, reason),
            ("ECO-1", 2, None)
        ]
    );
}

#[test]
fn levels_are_cumulative_bands() {
    assert_eq!(band(2.49), 2);
    assert_eq!(band(2.99), 2);
    assert_eq!(band(3.0), 3);
    assert_eq!(band(4.0), 4);
    assert_eq!(band(0.2), 0);
}

#[test]
fn an_axis_reads_its_means_against_its_results() {
    assert_eq!(reading(None, Some(3.0)), None);
    assert_eq!(reading(Some(2.0), None), Some(Reading::Unmeasured));
    assert_eq!(
        reading(Some(2.0), Some(2.0)),
        Some(Reading::AdvancedDelivering)
    );
    assert_eq!(
        reading(Some(2.5), Some(1.9)),
        Some(Reading::AdvancedLagging)
    );
    assert_eq!(
        reading(Some(1.9), Some(3.1)),
        Some(Reading::EmergingDelivering)
    );
    assert_eq!(
        reading(Some(0.5), Some(0.5)),
        Some(Reading::EmergingLagging)
    );
}

#[test]
fn each_axis_counts_its_levels_and_its_verified_answers() {
    let mut verified = answer("ECO-1", Some(2));
    verified.confidence = Some(Confidence::Verifie);
    let mut documented = answer("ECO-2", Some(4));
    documented.confidence = Some(Confidence::Documente);
    let inputs = Inputs {
        answers: vec![verified, documented, answer("ECO-3", Some(2)), na("MOB-1")],
        ..Inputs::default()
    };
    let scores = score(&framework(), &inputs);
    let eco = scores.dimension("ECO").unwrap();
    assert_eq!((eco.levels, eco.verified), ([0, 0, 2, 0, 1], 1));
    assert_eq!(scores.dimension("MOB").unwrap().levels, [0; 5]);
}

/// A small deterministic generator (xorshift64*).
pub(super) struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub(super) fn random_inputs(rng: &mut Rng, framework: &Framework) -> Inputs {
    let answers = framework
        .criteria
        .iter()
        .filter_map(|c| match rng.below(7) {
            0 => None,
            1 => Some(na(&c.code)),
            level => {
                let level = (level - 2) as i16;
                let mut a = answer(&c.code, Some(level.min(4)));
                a.importance = 1 + rng.below(3) as i16;
                if rng.below(2) == 0 {
                    a.target = Some((a.level.unwrap() + rng.below(3) as i16).min(4));
                }
                a.confidence = [
                    None,
                    Some(Confidence::Declaratif),
                    Some(Confidence::Verifie),
                ][rng.below(3) as usize];
                Some(a)
            }
        })
        .collect();
    let mut values = BTreeMap::new();
    let mut reference = BTreeMap::new();
    for i in &framework.indicators {
        if rng.below(3) > 0 {
            values.insert(i.code.clone(), rng.below(600) as f64 / 10.0);
        }
        let n = rng.below(9) as usize;
        reference.insert(
            i.code.clone(),
            (0..n).map(|_| rng.below(500) as f64 / 10.0).collect(),
        );
    }
    let mut obligations = Vec::new();
    for c in &framework.criteria {
        if rng.below(6) == 0 {
            obligations.push(Obligation {
                code: format!("law_{}", c.code.to_lowercase()),
                criterion: c.code.clone(),
                level: 1 + rng.below(3) as i16,
                presumed: rng.below(3) > 0,
            });
        }
    }
    Inputs {
        answers,
        values,
        challenges: if rng.below(2) == 0 {
            vec!["deficit_transport_collectif".into()]
        } else {
            vec![]
        },
        assets: if rng.below(2) == 0 {
            vec!["universite".into()]
        } else {
            vec![]
        },
        reference,
        population: [None, Some(1_500), Some(64_000), Some(500_000)][rng.below(4) as usize],
        obligations,
    }
}

#[test]
fn property_scores_stay_in_bounds() {
    let f = framework();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for _ in 0..2000 {
        let inputs = random_inputs(&mut rng, &f);
        let s = score(&f, &inputs);
        for d in &s.dimensions {
            if let Some(m) = d.maturity {
                assert!((0.0..=TOP).contains(&m), "{d:?}");
            }
            if let Some(p) = d.performance {
                assert!((0.0..=TOP).contains(&p), "{d:?}");
            }
            assert!((0.0..=1.0).contains(&d.completeness()));
        }
        for i in &s.indicators {
            assert!((0.0..=TOP).contains(&i.score), "{i:?}");
        }
        for p in &s.priorities {
            assert!(
                p.score > 0.0 && p.target <= 4 && p.target > p.level,
                "{p:?}"
            );
        }
        for overall in [s.thematic, s.transversal].into_iter().flatten() {
            assert!((0.0..=TOP).contains(&overall));
        }
    }
}

#[test]
fn property_an_na_never_changes_another_criterions_contribution() {
    let f = framework();
    let mut rng = Rng(0x5eed_1234_abcd_0002);
    for _ in 0..2000 {
        let mut inputs = random_inputs(&mut rng, &f);
        let pick = f.criteria[rng.below(f.criteria.len() as u64) as usize].clone();
        inputs.answers.retain(|a| a.criterion != pick.code);
        inputs.answers.push(na(&pick.code));
        let with_na = score(&f, &inputs);
        // The same assessment on a framework without that criterion.
        let mut without = f.clone();
        without.criteria.retain(|c| c.code != pick.code);
        inputs.answers.retain(|a| a.criterion != pick.code);
        let reference = score(&without, &inputs);
        let (a, b) = (
            with_na.dimension(&pick.dimension).unwrap().maturity,
            reference.dimension(&pick.dimension).unwrap().maturity,
        );
        match (a, b) {
            (Some(a), Some(b)) => assert!(close(a, b), "{pick:?}: {a} vs {b}"),
            (None, None) => {}
            other => panic!("{pick:?}: {other:?}"),
        }
    }
}

#[test]
fn property_raising_one_level_never_lowers_its_axis() {
    let f = framework();
    let mut rng = Rng(0x5eed_1234_abcd_0003);
    for _ in 0..2000 {
        let mut inputs = random_inputs(&mut rng, &f);
        let candidates: Vec<usize> = inputs
            .answers
            .iter()
            .enumerate()
            .filter(|(_, a)| a.level.is_some_and(|l| l < 4))
            .map(|(i, _)| i)
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let at = candidates[rng.below(candidates.len() as u64) as usize];
        let code = inputs.answers[at].criterion.clone();
        let dimension = code.split('-').next().unwrap().to_owned();
        let before = score(&f, &inputs)
            .dimension(&dimension)
            .unwrap()
            .maturity
            .unwrap();
        *inputs.answers[at].level.as_mut().unwrap() += 1;
        let after = score(&f, &inputs)
            .dimension(&dimension)
            .unwrap()
            .maturity
            .unwrap();
        assert!(after >= before - 1e-12, "{code}: {before} → {after}");
    }
}
