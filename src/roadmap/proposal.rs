//! The roadmap the app proposes from a diagnosis (issue #15), pure: the steps of the action plan
//! (already in rank order, prerequisites first) grouped into five to eight chantiers. A local
//! challenge shared by at least two steps gets a chantier of its own; the other steps go to the
//! chantier of their theme (a family of related axes and dimensions); when there are more than
//! eight, the smallest merge into the one sharing the most dimensions (nearest in rank on a
//! tie), and when there are fewer than five,
//! the largest splits by dimension. Each chantier gets its months from its steps' horizons, a
//! budget from their cost brackets scaled to the authority's size, indicators to follow and
//! the funding programmes that fit its dimensions.

pub use crate::diagnosis::cost::Budget;
use crate::diagnosis::cost::CostModel;
use crate::text::Text;
use crate::vocabulary::{Cost, Direction, Horizon};

/// Fewest and most chantiers proposed.
pub const MIN_CHANTIERS: usize = 5;
pub const MAX_CHANTIERS: usize = 8;
/// The longest title a merge makes (a chantier named by two themes at most, as a Gantt bar
/// can show it).
pub const MAX_TITLE_CHARS: usize = 80;
/// The roadmap's horizon in months.
pub const MONTHS: i16 = 36;

/// A step of the action plan, as the proposal needs it.
#[derive(Clone, Debug)]
pub struct PlanStep {
    pub criterion: String,
    pub dimension: String,
    pub from_level: i16,
    pub horizon: Horizon,
    pub cost: Cost,
    /// The territory's challenges tagged to the criterion.
    pub challenges: Vec<String>,
}

/// An indicator of the assessment with a value, as the proposal needs it.
#[derive(Clone, Debug)]
pub struct MeasuredIndicator {
    pub code: String,
    pub dimension: String,
    pub value: f64,
    pub direction: Direction,
    pub bands: [f64; 4],
    /// 0–4 (lower first when choosing what to follow).
    pub score: f64,
}

/// A funding programme the territory is eligible for, with the dimensions it funds.
#[derive(Clone, Debug)]
pub struct Programme {
    pub code: String,
    pub dimensions: Vec<String>,
}

/// What the proposal is made from.
pub struct Sources<'a> {
    /// The action plan's steps, in rank order.
    pub steps: &'a [PlanStep],
    /// (code, name) of every dimension, in framework order.
    pub dimensions: &'a [(String, Text)],
    /// (code, name) of the territory's challenges.
    pub challenges: &'a [(String, Text)],
    /// (code, name, level, target) of the criteria with a next step, in rank order.
    pub criteria: &'a [(String, Text, i16, i16)],
    pub indicators: &'a [MeasuredIndicator],
    pub programmes: &'a [Programme],
    pub population: Option<i64>,
}

/// A proposed chantier.
#[derive(Clone, Debug, PartialEq)]
pub struct Chantier {
    pub title: Text,
    pub objective: Text,
    /// (criterion, from level), in plan order.
    pub steps: Vec<(String, i16)>,
    pub start_month: i16,
    pub end_month: i16,
    pub milestones: Text,
    pub budget: Budget,
    /// (indicator or criterion code, target): what to follow.
    pub indicators: Vec<(String, f64)>,
    pub funding: Vec<String>,
}

/// The theme of a dimension: related axes and dimensions share one chantier.
pub fn theme(dimension: &str) -> (&'static str, &'static str, &'static str) {
    match dimension {
        "GPA" | "TRA" => (
            "gouvernance",
            "Piloter le programme et décloisonner l'action",
            "Steer the programme and break down silos",
        ),
        "RCO" | "ACC" => (
            "capacites",
            "Compétences, culture numérique et conduite du changement",
            "Skills, digital culture and change management",
        ),
        "MEF" => (
            "financement",
            "Modèle économique et financement",
            "Business model and funding",
        ),
        "DNI" => (
            "donnees",
            "Données et infrastructures numériques",
            "Data and digital infrastructure",
        ),
        "GOV" | "PEO" => (
            "services",
            "Services numériques, inclusion et participation",
            "Digital services, inclusion and participation",
        ),
        "MOB" => ("mobilite", "Mobilités", "Mobility"),
        "ENV" => (
            "transition",
            "Transition écologique",
            "Ecological transition",
        ),
        "ECO" => (
            "economie",
            "Économie, innovation et attractivité",
            "Economy, innovation and appeal",
        ),
        "LIV" => (
            "cadre_de_vie",
            "Qualité de vie et cohésion",
            "Quality of life and cohesion",
        ),
        _ => ("", "", ""),
    }
}

/// The months a step of `horizon` takes: court 1–12, moyen 7–30, long 19–36.
pub fn months(horizon: Horizon) -> (i16, i16) {
    match horizon {
        Horizon::Court => (1, 12),
        Horizon::Moyen => (7, 30),
        Horizon::Long => (19, MONTHS),
    }
}

/// The target of an indicator: the next threshold of its bands in its better direction (the
/// value itself when it is already past the last one).
pub fn indicator_target(indicator: &MeasuredIndicator) -> f64 {
    match indicator.direction {
        Direction::HigherBetter => indicator
            .bands
            .iter()
            .copied()
            .find(|b| *b > indicator.value)
            .unwrap_or(indicator.value),
        Direction::LowerBetter => indicator
            .bands
            .iter()
            .rev()
            .copied()
            .find(|b| *b < indicator.value)
            .unwrap_or(indicator.value),
    }
}

/// A group of steps on its way to becoming a chantier.
struct Group {
    key: String,
    title: Text,
    /// Positions in the plan.
    steps: Vec<usize>,
}

impl Group {
    fn first(&self) -> usize {
        self.steps.iter().copied().min().unwrap_or(usize::MAX)
    }
}

/// Proposes the chantiers of a roadmap.
pub fn propose(sources: &Sources) -> Vec<Chantier> {
    let steps = sources.steps;
    let mut groups: Vec<Group> = Vec::new();
    let mut placed = vec![false; steps.len()];
    // A challenge shared by two steps or more gets its own chantier.
    for (code, name) in sources.challenges {
        let members: Vec<usize> = (0..steps.len())
            .filter(|i| !placed[*i] && steps[*i].challenges.contains(code))
            .collect();
        if members.len() >= 2 {
            for i in &members {
                placed[*i] = true;
            }
            groups.push(Group {
                key: format!("enjeu:{code}"),
                title: Text::new(
                    format!("Répondre à l'enjeu : {}", lower_first(&name.fr)),
                    format!("Tackle the local challenge: {}", lower_first(&name.en)),
                ),
                steps: members,
            });
        }
    }
    for (i, step) in steps.iter().enumerate().filter(|(i, _)| !placed[*i]) {
        let (theme, fr, en) = theme(&step.dimension);
        let (key, title) = if theme.is_empty() {
            let name = sources
                .dimensions
                .iter()
                .find(|d| d.0 == step.dimension)
                .map_or_else(
                    || Text::new(&step.dimension, &step.dimension),
                    |d| d.1.clone(),
                );
            (format!("dimension:{}", step.dimension), name)
        } else {
            (format!("theme:{theme}"), Text::new(fr, en))
        };
        match groups.iter_mut().find(|g| g.key == key) {
            Some(group) => group.steps.push(i),
            None => groups.push(Group {
                key,
                title,
                steps: vec![i],
            }),
        }
    }
    groups.sort_by_key(Group::first);
    while groups.len() > MAX_CHANTIERS {
        merge_smallest(&mut groups, sources);
    }
    while groups.len() < MIN_CHANTIERS && split_largest(&mut groups, sources) {}
    groups.sort_by_key(Group::first);
    // Each code is followed by one chantier only: the first in rank takes it.
    let mut followed = Vec::new();
    groups
        .into_iter()
        .map(|g| chantier(g, sources, &mut followed))
        .collect()
}

/// Merges the group with the fewest steps (the later one on a tie) into the group that shares
/// the most dimensions with it, the nearest in rank on a tie.
fn merge_smallest(groups: &mut Vec<Group>, sources: &Sources) {
    let smallest = (0..groups.len())
        .min_by_key(|i| {
            (
                groups[*i].steps.len(),
                std::cmp::Reverse(groups[*i].first()),
            )
        })
        .unwrap_or(0);
    let group = groups.remove(smallest);
    let dimensions = |g: &Group| -> Vec<&str> {
        g.steps
            .iter()
            .map(|i| sources.steps[*i].dimension.as_str())
            .collect()
    };
    let mine = dimensions(&group);
    let nearest = (0..groups.len())
        .min_by_key(|i| {
            let shared = dimensions(&groups[*i])
                .iter()
                .filter(|d| mine.contains(d))
                .count();
            (
                std::cmp::Reverse(shared),
                groups[*i].first().abs_diff(group.first()),
            )
        })
        .unwrap_or(0);
    let into = &mut groups[nearest];
    let joined = Text::new(
        format!("{} ; {}", into.title.fr, lower_first(&group.title.fr)),
        format!("{}; {}", into.title.en, lower_first(&group.title.en)),
    );
    // A title a Gantt bar can hold: the themes merged past it are in the objective.
    if joined.fr.chars().count().max(joined.en.chars().count()) <= MAX_TITLE_CHARS {
        into.title = joined;
    }
    into.key = format!("{}+{}", into.key, group.key);
    into.steps.extend(group.steps);
    into.steps.sort_unstable();
}

/// Splits the largest group that spans several dimensions: its first dimension's steps stay,
/// the others form a group named after their dimension. False when no group can split.
fn split_largest(groups: &mut Vec<Group>, sources: &Sources) -> bool {
    let dimension_of = |i: usize| sources.steps[i].dimension.clone();
    let candidate = (0..groups.len())
        .filter(|g| {
            let first = dimension_of(groups[*g].steps[0]);
            groups[*g].steps.iter().any(|i| dimension_of(*i) != first)
        })
        .max_by_key(|g| groups[*g].steps.len());
    let Some(g) = candidate else {
        return false;
    };
    let first = dimension_of(groups[g].steps[0]);
    let (stay, leave): (Vec<usize>, Vec<usize>) = groups[g]
        .steps
        .iter()
        .partition(|i| dimension_of(**i) == first);
    let other = dimension_of(leave[0]);
    let (moved, rest): (Vec<usize>, Vec<usize>) =
        leave.into_iter().partition(|i| dimension_of(*i) == other);
    groups[g].steps = stay.into_iter().chain(rest).collect();
    groups[g].steps.sort_unstable();
    let name = sources
        .dimensions
        .iter()
        .find(|d| d.0 == other)
        .map_or_else(|| Text::new(&other, &other), |d| d.1.clone());
    groups.push(Group {
        key: format!("dimension:{other}"),
        title: name,
        steps: moved,
    });
    true
}

/// "Déficit" → "déficit", keeping acronyms ("SIG") as they are.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => first
            .to_lowercase()
            .chain(std::iter::once(second))
            .chain(chars)
            .collect(),
        _ => text.to_owned(),
    }
}

/// The chantier of a group; `followed` holds the codes earlier chantiers follow, which this one
/// does not take again (it adds its own).
fn chantier(group: Group, sources: &Sources, followed: &mut Vec<String>) -> Chantier {
    let steps: Vec<&PlanStep> = group.steps.iter().map(|i| &sources.steps[*i]).collect();
    let start_month = steps.iter().map(|s| months(s.horizon).0).min().unwrap_or(1);
    let end_month = steps
        .iter()
        .map(|s| months(s.horizon).1)
        .max()
        .unwrap_or(MONTHS);
    let mut dimensions: Vec<&str> = steps.iter().map(|s| s.dimension.as_str()).collect();
    dimensions.dedup();
    // Where the chantier's criteria are going, best rank first.
    let aims: Vec<&(String, Text, i16, i16)> = sources
        .criteria
        .iter()
        .filter(|c| steps.iter().any(|s| s.criterion == c.0))
        .collect();
    let list = |fr: bool| {
        let mut parts: Vec<String> = aims
            .iter()
            .take(3)
            .map(|(_, name, _, target)| {
                let name = if fr { &name.fr } else { &name.en };
                if fr {
                    format!("{name} au niveau {target}")
                } else {
                    format!("{name} to level {target}")
                }
            })
            .collect();
        if aims.len() > 3 {
            parts.push(if fr {
                format!("{} autres critères", aims.len() - 3)
            } else {
                format!("{} other criteria", aims.len() - 3)
            });
        }
        parts.join(", ")
    };
    let objective = Text::new(
        format!("Porter {} ({} étapes).", list(true), steps.len()),
        format!("Bring {} ({} steps).", list(false), steps.len()),
    );
    let mut milestones_fr = Vec::new();
    let mut milestones_en = Vec::new();
    for horizon in Horizon::ALL {
        let n = steps.iter().filter(|s| s.horizon == *horizon).count();
        if n > 0 {
            let month = months(*horizon).1;
            milestones_fr.push(format!(
                "M{month} : {n} étape(s) de {} réalisée(s)",
                horizon_fr(*horizon)
            ));
            milestones_en.push(format!(
                "M{month}: {n} {} step(s) done",
                horizon_en(*horizon)
            ));
        }
    }
    // Up to two measured indicators of its dimensions, weakest first; else the level of its
    // first criterion; none that an earlier chantier follows.
    let mut measured: Vec<&MeasuredIndicator> = sources
        .indicators
        .iter()
        .filter(|i| dimensions.contains(&i.dimension.as_str()) && !followed.contains(&i.code))
        .collect();
    measured.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.code.cmp(&b.code)));
    let mut indicators: Vec<(String, f64)> = measured
        .iter()
        .take(2)
        .map(|i| (i.code.clone(), indicator_target(i)))
        .collect();
    if indicators.is_empty()
        && let Some((code, _, _, target)) = aims.iter().find(|a| !followed.contains(&a.0))
    {
        indicators.push((code.clone(), f64::from(*target)));
    }
    followed.extend(indicators.iter().map(|(code, _)| code.clone()));
    let mut funding: Vec<(&Programme, usize)> = sources
        .programmes
        .iter()
        .map(|p| {
            let overlap = p
                .dimensions
                .iter()
                .filter(|d| dimensions.contains(&d.as_str()))
                .count();
            (p, overlap)
        })
        .filter(|(_, overlap)| *overlap > 0)
        .collect();
    funding.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.code.cmp(&b.0.code)));
    Chantier {
        title: group.title,
        objective,
        start_month,
        end_month,
        milestones: Text::new(milestones_fr.join("\n"), milestones_en.join("\n")),
        budget: CostModel::new(sources.population).budget(steps.iter().map(|s| s.cost)),
        indicators,
        funding: funding
            .iter()
            .take(3)
            .map(|(p, _)| p.code.clone())
            .collect(),
        steps: steps
            .iter()
            .map(|s| (s.criterion.clone(), s.from_level))
            .collect(),
    }
}

fn horizon_fr(horizon: Horizon) -> &'static str {
    match horizon {
        Horizon::Court => "court terme",
        Horizon::Moyen => "moyen terme",
        Horizon::Long => "long terme",
    }
}

fn horizon_en(horizon: Horizon) -> &'static str {
    match horizon {
        Horizon::Court => "short-term",
        Horizon::Moyen => "medium-term",
        Horizon::Long => "long-term",
    }
}

#[cfg(test)]
#[path = "proposal_tests.rs"]
mod tests;
