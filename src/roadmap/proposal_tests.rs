//! The proposal on hand cases: grouping by challenge and theme, merging and splitting to five
//! to eight chantiers, months, budgets scaled to the population, indicators and funding.

use super::*;

fn step(criterion: &str, from_level: i16, horizon: Horizon, cost: Cost) -> PlanStep {
    PlanStep {
        criterion: criterion.into(),
        dimension: criterion.split('-').next().unwrap().into(),
        from_level,
        horizon,
        cost,
        challenges: Vec::new(),
    }
}

fn names(codes: &[&str]) -> Vec<(String, Text)> {
    codes
        .iter()
        .map(|c| {
            (
                (*c).to_owned(),
                Text::new(format!("Nom {c}"), format!("Name {c}")),
            )
        })
        .collect()
}

fn sources<'a>(
    steps: &'a [PlanStep],
    dimensions: &'a [(String, Text)],
    challenges: &'a [(String, Text)],
) -> Sources<'a> {
    Sources {
        steps,
        dimensions,
        challenges,
        criteria: &[],
        indicators: &[],
        programmes: &[],
        population: Some(50_000),
    }
}

fn titles(chantiers: &[Chantier]) -> Vec<&str> {
    chantiers.iter().map(|c| c.title.fr.as_str()).collect()
}

#[test]
fn a_shared_challenge_gets_its_chantier_and_the_rest_go_by_theme_in_rank_order() {
    let mut mob1 = step("MOB-1", 1, Horizon::Moyen, Cost::Moyen);
    mob1.challenges = vec!["transport".into()];
    let mut mob3 = step("MOB-3", 1, Horizon::Court, Cost::Faible);
    mob3.challenges = vec!["transport".into()];
    let steps = vec![
        step("GPA-1", 1, Horizon::Court, Cost::Faible),
        mob1,
        step("TRA-1", 1, Horizon::Court, Cost::Faible),
        step("DNI-2", 1, Horizon::Moyen, Cost::Faible),
        mob3,
        step("RCO-1", 1, Horizon::Moyen, Cost::Moyen),
        step("ECO-1", 0, Horizon::Court, Cost::Faible),
        step("MOB-5", 2, Horizon::Long, Cost::Eleve),
    ];
    let dimensions = names(&["GPA", "TRA", "MOB", "DNI", "RCO", "ECO"]);
    let challenges = vec![(
        "transport".to_owned(),
        Text::new("Déficit de transport collectif", "Lack of public transport"),
    )];
    let proposal = propose(&sources(&steps, &dimensions, &challenges));
    assert_eq!(
        titles(&proposal),
        [
            "Piloter le programme et décloisonner l'action",
            "Répondre à l'enjeu : déficit de transport collectif",
            "Données et infrastructures numériques",
            "Compétences, culture numérique et conduite du changement",
            "Économie, innovation et attractivité",
            "Mobilités",
        ]
    );
    assert_eq!(
        proposal[0].steps,
        [("GPA-1".into(), 1), ("TRA-1".into(), 1)]
    );
    assert_eq!(
        proposal[1].steps,
        [("MOB-1".into(), 1), ("MOB-3".into(), 1)]
    );
    assert_eq!(
        proposal[1].title.en,
        "Tackle the local challenge: lack of public transport"
    );
    // Months from the horizons: court 1–12, moyen 7–30, long 19–36.
    assert_eq!((proposal[1].start_month, proposal[1].end_month), (1, 30));
    assert_eq!((proposal[5].start_month, proposal[5].end_month), (19, 36));
    assert_eq!(
        proposal[1].milestones.fr,
        "M12 : 1 étape(s) de court terme réalisée(s)\nM30 : 1 étape(s) de moyen terme réalisée(s)"
    );
}

#[test]
fn more_than_eight_themes_merge_the_smallest_into_the_nearest_in_rank_when_none_shares_a_dimension()
{
    // Nine themes, one step each except the first two.
    let steps: Vec<PlanStep> = [
        "GPA-1", "GPA-2", "RCO-1", "RCO-2", "MEF-1", "DNI-1", "GOV-1", "MOB-1", "ENV-1", "ECO-1",
        "LIV-1",
    ]
    .iter()
    .map(|c| step(c, 1, Horizon::Court, Cost::Faible))
    .collect();
    let dimensions = names(&[]);
    let proposal = propose(&sources(&steps, &dimensions, &[]));
    assert_eq!(proposal.len(), MAX_CHANTIERS);
    // LIV (last, one step) merged into ECO (the nearest in rank, also one step).
    assert_eq!(
        proposal.last().unwrap().title.fr,
        "Économie, innovation et attractivité ; qualité de vie et cohésion"
    );
    assert_eq!(
        proposal.last().unwrap().steps,
        [("ECO-1".into(), 1), ("LIV-1".into(), 1)]
    );
    let all: usize = proposal.iter().map(|c| c.steps.len()).sum();
    assert_eq!(all, steps.len(), "no step lost");
}

#[test]
fn a_merged_group_goes_where_its_dimensions_already_are() {
    // Nine groups: a challenge on PEO and DNI steps (two steps), and eight themes; the challenge
    // group is the smallest and joins the data theme (DNI), not its neighbour in rank.
    let mut peo = step("PEO-1", 1, Horizon::Court, Cost::Faible);
    peo.challenges = vec!["fracture".into()];
    let mut dni = step("DNI-1", 1, Horizon::Court, Cost::Faible);
    dni.challenges = vec!["fracture".into()];
    // Every theme has three steps; the challenge has two.
    let themes = [
        "GPA-1", "RCO-1", "MEF-1", "MOB-1", "ENV-1", "ECO-1", "LIV-1",
    ];
    let mut steps: Vec<PlanStep> = themes
        .iter()
        .flat_map(|c| (0..3).map(|l| step(c, l, Horizon::Court, Cost::Faible)))
        .collect();
    steps.insert(0, peo);
    steps.insert(1, dni);
    steps.extend((2..5).map(|n| step(&format!("DNI-{n}"), 1, Horizon::Court, Cost::Faible)));
    let dimensions = names(&[]);
    let challenges = vec![(
        "fracture".to_owned(),
        Text::new("Fracture numérique", "Digital divide"),
    )];
    let proposal = propose(&sources(&steps, &dimensions, &challenges));
    assert_eq!(proposal.len(), MAX_CHANTIERS);
    let data = proposal
        .iter()
        .find(|c| {
            c.title
                .fr
                .starts_with("Données et infrastructures numériques")
        })
        .unwrap();
    assert_eq!(
        data.title.fr,
        "Données et infrastructures numériques ; répondre à l'enjeu : fracture numérique"
    );
    assert_eq!(data.steps.len(), 5);
}

#[test]
fn fewer_than_five_split_the_largest_by_dimension() {
    let steps: Vec<PlanStep> = ["GPA-1", "TRA-1", "GPA-2", "RCO-1", "ACC-1", "MOB-1"]
        .iter()
        .map(|c| step(c, 1, Horizon::Court, Cost::Faible))
        .collect();
    let dimensions = names(&["GPA", "TRA", "RCO", "ACC", "MOB"]);
    let proposal = propose(&sources(&steps, &dimensions, &[]));
    // Three themes, then TRA leaves GPA's chantier and ACC leaves RCO's.
    assert_eq!(proposal.len(), 5);
    assert_eq!(
        titles(&proposal),
        [
            "Piloter le programme et décloisonner l'action",
            "Nom TRA",
            "Compétences, culture numérique et conduite du changement",
            "Nom ACC",
            "Mobilités"
        ]
    );
    assert_eq!(
        proposal[0].steps,
        [("GPA-1".into(), 1), ("GPA-2".into(), 1)]
    );
    // Too few steps to make five: no empty chantier is invented.
    let two = &steps[..2];
    assert_eq!(propose(&sources(two, &dimensions, &[])).len(), 2);
}

#[test]
fn budgets_scale_with_the_square_root_of_the_population() {
    let costs = [Cost::Faible, Cost::Moyen, Cost::Eleve];
    // 5 + 20 + 150 = 175, 20 + 150 + 500 = 670, 0.1 + 0.3 + 0.6 = 1.0 ETP at 50,000.
    let reference = CostModel::new(Some(50_000)).budget(costs.iter().copied());
    assert_eq!(
        reference,
        Budget {
            min_keur: 175,
            max_keur: 670,
            etp: 1.0
        }
    );
    // 200,000 inhabitants: × 2; 3,125: × 0.25; 2,000: still × 0.25 (the floor); unknown: × 1.
    assert_eq!(
        CostModel::new(Some(200_000))
            .budget(costs.iter().copied())
            .max_keur,
        1340
    );
    assert_eq!(
        CostModel::new(Some(3_125))
            .budget(costs.iter().copied())
            .min_keur,
        44
    );
    assert_eq!(
        CostModel::new(Some(2_000))
            .budget(costs.iter().copied())
            .min_keur,
        44
    );
    assert_eq!(
        CostModel::new(None).budget(costs.iter().copied()).max_keur,
        670
    );
    assert!((CostModel::new(Some(64_458)).size_factor() - 1.1354).abs() < 1e-3);
}

#[test]
fn indicators_follow_the_weakest_measure_towards_its_next_threshold_else_a_level() {
    let measured = |code: &str, value, direction, score| MeasuredIndicator {
        code: code.into(),
        dimension: "MOB".into(),
        value,
        direction,
        bands: [10.0, 20.0, 30.0, 40.0],
        score,
    };
    let indicators = vec![
        measured("MOB-I1", 25.0, Direction::HigherBetter, 2.0),
        measured("MOB-I2", 25.0, Direction::LowerBetter, 1.0),
        measured("MOB-I3", 45.0, Direction::HigherBetter, 4.0),
    ];
    assert_eq!(indicator_target(&indicators[0]), 30.0);
    assert_eq!(indicator_target(&indicators[1]), 20.0);
    assert_eq!(indicator_target(&indicators[2]), 45.0);
    let steps = vec![
        step("MOB-1", 1, Horizon::Court, Cost::Faible),
        step("GPA-1", 1, Horizon::Court, Cost::Faible),
    ];
    let criteria = vec![
        ("MOB-1".to_owned(), Text::new("Offre", "Supply"), 1, 2),
        ("GPA-1".to_owned(), Text::new("Portage", "Lead"), 1, 3),
    ];
    let programmes = vec![
        Programme {
            code: "b_dsil".into(),
            dimensions: vec!["MOB".into()],
        },
        Programme {
            code: "a_feder".into(),
            dimensions: vec!["DNI".into()],
        },
        Programme {
            code: "a_both".into(),
            dimensions: vec!["MOB".into(), "GPA".into()],
        },
    ];
    let dimensions = names(&[]);
    let proposal = propose(&Sources {
        criteria: &criteria,
        indicators: &indicators,
        programmes: &programmes,
        ..sources(&steps, &dimensions, &[])
    });
    let mobility = proposal.iter().find(|c| c.title.fr == "Mobilités").unwrap();
    assert_eq!(
        mobility.indicators,
        [("MOB-I2".into(), 20.0), ("MOB-I1".into(), 30.0)]
    );
    assert_eq!(mobility.funding, ["a_both", "b_dsil"]);
    assert_eq!(
        mobility.objective.fr,
        "Porter Offre au niveau 2 (1 étapes)."
    );
    // No measured indicator for GPA: the level of its criterion is followed.
    let steering = &proposal[1];
    assert_eq!(
        steering.title.fr,
        "Piloter le programme et décloisonner l'action"
    );
    assert_eq!(steering.indicators, [("GPA-1".into(), 3.0)]);
    assert_eq!(steering.funding, ["a_both"]);
}

#[test]
fn a_new_roadmap_continues_the_earlier_chantiers_that_share_its_criteria() {
    let codes = |list: &[&[&str]]| -> Vec<Vec<String>> {
        list.iter()
            .map(|c| c.iter().map(|s| (*s).to_owned()).collect())
            .collect()
    };
    let earlier = codes(&[
        &["GOV-1", "GOV-2"],
        &["MOB-1"],
        &["ENV-1", "ENV-2", "ENV-3"],
    ]);
    let now = codes(&[
        &["ENV-2", "ENV-3"],
        &["GOV-2", "MOB-1"],
        &["DNI-1"],
        &["MOB-1"],
    ]);
    // ENV continues ENV (two shared); GOV-2 takes GOV (tied with MOB, the earlier first); the
    // second MOB-1 chantier continues MOB; DNI-1 is new.
    assert_eq!(
        crate::roadmap::carry_matches(&earlier, &now),
        vec![(0, 2), (1, 0), (3, 1)]
    );
    assert!(crate::roadmap::carry_matches(&earlier, &[]).is_empty());
}

#[test]
fn over_generated_plans_no_code_is_followed_twice_and_titles_fit_a_gantt_bar() {
    const DIMENSIONS: [&str; 12] = [
        "ECO", "PEO", "GOV", "MOB", "ENV", "LIV", "GPA", "TRA", "RCO", "ACC", "MEF", "DNI",
    ];
    const HORIZONS: [Horizon; 3] = [Horizon::Court, Horizon::Moyen, Horizon::Long];
    const COSTS: [Cost; 3] = [Cost::Faible, Cost::Moyen, Cost::Eleve];
    let mut seed: u64 = 0x5eed;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n
    };
    let dimensions: Vec<(String, Text)> = DIMENSIONS
        .iter()
        .map(|d| {
            (
                (*d).to_owned(),
                Text::new(
                    format!("Dimension au nom assez long {d}"),
                    format!("A rather long dimension name {d}"),
                ),
            )
        })
        .collect();
    let challenges = names(&["deficit_transport_collectif", "securite"]);
    for _ in 0..300 {
        let count = 1 + next(40);
        let steps: Vec<PlanStep> = (0..count)
            .map(|i| {
                let dimension = DIMENSIONS[next(DIMENSIONS.len())];
                let mut step = step(
                    &format!("{dimension}-{i}"),
                    next(4) as i16,
                    HORIZONS[next(3)],
                    COSTS[next(3)],
                );
                if next(5) == 0 {
                    step.challenges = vec![challenges[next(2)].0.clone()];
                }
                step
            })
            .collect();
        let criteria: Vec<(String, Text, i16, i16)> = steps
            .iter()
            .map(|s| (s.criterion.clone(), Text::new("C", "C"), s.from_level, 4))
            .collect();
        // A few measured indicators, some dimensions without any.
        let indicators: Vec<MeasuredIndicator> = (0..next(8))
            .map(|i| MeasuredIndicator {
                code: format!("I{i}"),
                dimension: DIMENSIONS[next(DIMENSIONS.len())].to_owned(),
                value: next(50) as f64,
                direction: Direction::HigherBetter,
                bands: [10.0, 20.0, 30.0, 40.0],
                score: next(5) as f64,
            })
            .collect();
        let proposal = propose(&Sources {
            criteria: &criteria,
            indicators: &indicators,
            ..sources(&steps, &dimensions, &challenges)
        });
        let mut followed: Vec<&str> = proposal
            .iter()
            .flat_map(|c| c.indicators.iter().map(|(code, _)| code.as_str()))
            .collect();
        let all = followed.len();
        followed.sort_unstable();
        followed.dedup();
        assert_eq!(followed.len(), all, "a code followed twice: {proposal:#?}");
        for c in &proposal {
            assert!(
                c.title.fr.chars().count() <= MAX_TITLE_CHARS
                    && c.title.en.chars().count() <= MAX_TITLE_CHARS,
                "{}",
                c.title.fr
            );
            // A chantier follows something whenever one of its criteria is still free.
            assert!(
                !c.indicators.is_empty()
                    || c.steps.iter().all(|s| followed.contains(&s.0.as_str()))
            );
        }
    }
}
