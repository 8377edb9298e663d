//! The report's content: everything a diagnostic report shows, in French and English, built
//! from the framework, the assessment and its scores. It is serialised into the published
//! snapshot, so a report re-renders exactly as published whatever changes later. Pure: no
//! HTTP, no database.

use serde::{Deserialize, Serialize};

use crate::diagnosis::scoring::{
    self, Compliance, DimensionScore, IndicatorScore, Kind, Priority, Scores,
};
use crate::obligations::ObligationPart;
use crate::roadmap::model::RoadmapPart;

pub use crate::text::Text;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportData {
    pub territory: TerritoryPart,
    pub round_label: String,
    pub round_date: String,
    pub framework: Text,
    pub framework_code: String,
    pub framework_version: i32,
    pub levels: Vec<LevelPart>,
    pub thematic: Option<f64>,
    pub transversal: Option<f64>,
    pub dimensions: Vec<DimensionPart>,
    pub strengths: Vec<Finding>,
    pub weaknesses: Vec<Finding>,
    pub priorities: Vec<PriorityPart>,
    pub recommendations: Vec<RecommendationPart>,
    pub previous: Option<Evolution>,
    /// Quick wins listed besides the top priorities.
    #[serde(default)]
    pub quick_wins: Vec<PriorityPart>,
    /// Strong levels only declared: to document before calling them strengths.
    #[serde(default)]
    pub declared_strengths: Vec<Finding>,
    /// The legal obligations that apply to the territory, with where it stands.
    #[serde(default)]
    pub obligations: Vec<ObligationFinding>,
    /// Mean maturity of the capacity dimensions (RCO, MEF).
    #[serde(default)]
    pub capacity: Option<f64>,
    /// The roadmap, as edited before publication.
    #[serde(default)]
    pub roadmap: Option<RoadmapPart>,
    /// "En bref": the key messages and the decisions proposed.
    #[serde(default)]
    pub narrative: Option<Narrative>,
}

/// "En bref": the key messages and the decisions proposed to the conseil.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Narrative {
    pub messages: Vec<Text>,
    pub decisions: Vec<Text>,
    /// Written or reviewed by the consultant (else: the app's draft).
    pub edited: bool,
}

impl Narrative {
    /// The consultant's lines (the same text in both reports).
    pub fn edited(messages: &str, decisions: &str) -> Self {
        let lines = |text: &str| -> Vec<Text> {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Text::new(l, l))
                .collect()
        };
        Self {
            messages: lines(messages),
            decisions: lines(decisions),
            edited: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TerritoryPart {
    pub name: String,
    pub kind: String,
    pub code: Option<String>,
    pub population: Option<i64>,
    pub place: String,
    pub challenges: Vec<Text>,
    pub assets: Vec<Text>,
    /// The intercommunality a commune belongs to.
    #[serde(default)]
    pub epci: Option<String>,
    /// The consultant's context notes on the territory.
    #[serde(default)]
    pub context_notes: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelPart {
    pub level: i16,
    pub label: Text,
    pub generic: Text,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DimensionPart {
    pub code: String,
    pub name: Text,
    pub giffinger: Option<Text>,
    pub score: DimensionScore,
    pub criteria: Vec<CriterionPart>,
    pub indicators: Vec<IndicatorPart>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CriterionPart {
    pub code: String,
    pub name: Text,
    pub level: Option<i16>,
    pub not_applicable: bool,
    pub justification: String,
    pub importance: i16,
    pub target: Option<i16>,
    pub evidence: String,
    pub confidence: Option<crate::vocabulary::Confidence>,
    /// The descriptor of the level reached.
    pub descriptor: Option<Text>,
    /// What proves the level reached (framework v2; absent from earlier snapshots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_evidence: Option<Text>,
    /// Who holds the competence, when the round found it outside the territory's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competence_of: Option<crate::vocabulary::CompetenceHolder>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorPart {
    pub code: String,
    pub name: Text,
    pub unit: String,
    pub source: Text,
    pub value: Option<f64>,
    pub year: Option<i16>,
    pub source_note: String,
    pub score: Option<IndicatorScore>,
}

/// A strength or weakness: a criterion (with its level) or an indicator (with its score).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub code: String,
    pub name: Text,
    pub dimension: Text,
    pub level: Option<i16>,
    pub indicator_score: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriorityPart {
    pub code: String,
    pub name: Text,
    pub level: i16,
    pub target: i16,
    pub importance: i16,
    pub score: f64,
    /// The recommendation of the first step (plain words for page 1).
    pub first_step: Option<Text>,
    /// Rank, from 1 (reports published before the ranked steps have none).
    #[serde(default)]
    pub rank: usize,
    /// Every factor of the rank.
    #[serde(default)]
    pub step: Option<Priority>,
    /// Names of the challenges, assets and unmet obligations behind it.
    #[serde(default)]
    pub challenges: Vec<Text>,
    #[serde(default)]
    pub assets: Vec<Text>,
    #[serde(default)]
    pub obligations: Vec<Text>,
}

/// A legal obligation that applies, and where the territory stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObligationFinding {
    pub obligation: ObligationPart,
    pub status: Compliance,
    pub criterion_name: Text,
    /// The criterion's level (None: not answered or N/A).
    pub level: Option<i16>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecommendationPart {
    pub code: String,
    pub name: Text,
    pub from_level: i16,
    pub text: Text,
    pub horizon: String,
    pub cost: String,
    pub priority: f64,
    pub prerequisite_for: Option<(String, i16)>,
    pub challenges: Vec<Text>,
    pub assets: Vec<Text>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evolution {
    pub round_date: String,
    pub round_label: String,
    /// (code, name, maturity then, maturity now).
    pub dimensions: Vec<(String, Text, Option<f64>, Option<f64>)>,
    pub thematic: (Option<f64>, Option<f64>),
    pub transversal: (Option<f64>, Option<f64>),
}

/// Everything the builder needs besides the scores, already read from the database.
pub struct Sources {
    pub territory: TerritoryPart,
    pub round_label: String,
    pub round_date: String,
    pub framework: Text,
    pub framework_code: String,
    pub framework_version: i32,
    pub levels: Vec<LevelPart>,
    /// (code, name, description, giffinger characteristic).
    pub dimensions: Vec<(String, Text, Option<Text>)>,
    /// The criteria with the answers, in framework order; `descriptors` has five texts.
    pub criteria: Vec<(String, String, Text, Vec<Text>, CriterionPart)>,
    /// The indicators with their values, in framework order, with their dimension code.
    pub indicators: Vec<(String, IndicatorPart)>,
    /// Recommendation texts: (criterion, from level) → text.
    pub templates: Vec<(String, i16, Text)>,
    /// Tag code → name, for challenges and assets.
    pub tag_names: Vec<(String, Text)>,
    pub previous: Option<ReportData>,
    /// The obligations that apply to the territory (their status comes from the scores).
    pub obligations: Vec<ObligationPart>,
    pub roadmap: Option<RoadmapPart>,
    /// The consultant's key messages and decisions, one per line, if written.
    pub narrative: Option<(String, String)>,
}

/// How many strengths, weaknesses and priorities page 1 shows.
pub const FIRST_PAGE_FINDINGS: usize = 3;
pub const FIRST_PAGE_PRIORITIES: usize = scoring::priority::TOP_PRIORITIES;

/// Builds the report content from its sources and scores.
pub fn build(sources: Sources, scores: &Scores) -> ReportData {
    let criterion = |code: &str| sources.criteria.iter().find(|c| c.0 == code);
    let dimension_name = |code: &str| {
        sources
            .dimensions
            .iter()
            .find(|d| d.0 == code)
            .map(|d| d.1.clone())
            .unwrap_or_default()
    };
    let tag = |code: &String| {
        sources
            .tag_names
            .iter()
            .find(|t| &t.0 == code)
            .map(|t| t.1.clone())
            .unwrap_or_else(|| Text::new(code.clone(), code.clone()))
    };
    let template = |code: &str, from: i16| {
        sources
            .templates
            .iter()
            .find(|t| t.0 == code && t.1 == from)
            .map(|t| t.2.clone())
    };
    let finding_of_criterion = |code: &String| {
        criterion(code).map(|(code, dimension, name, _, part)| Finding {
            code: code.clone(),
            name: name.clone(),
            dimension: dimension_name(dimension),
            level: part.level,
            indicator_score: None,
        })
    };
    let finding_of_indicator = |code: &String| {
        sources
            .indicators
            .iter()
            .find(|(_, i)| &i.code == code)
            .map(|(dimension, i)| Finding {
                code: i.code.clone(),
                name: i.name.clone(),
                dimension: dimension_name(dimension),
                level: None,
                indicator_score: i.score.as_ref().map(|s| s.score),
            })
    };
    let findings = |criteria: &[String], indicators: &[String]| -> Vec<Finding> {
        criteria
            .iter()
            .filter_map(finding_of_criterion)
            .chain(indicators.iter().filter_map(finding_of_indicator))
            .take(FIRST_PAGE_FINDINGS)
            .collect()
    };

    let dimensions: Vec<DimensionPart> = sources
        .dimensions
        .iter()
        .map(|(code, name, giffinger)| DimensionPart {
            code: code.clone(),
            name: name.clone(),
            giffinger: giffinger.clone(),
            score: scores
                .dimension(code)
                .cloned()
                .unwrap_or_else(|| empty_score(code)),
            criteria: sources
                .criteria
                .iter()
                .filter(|c| &c.1 == code)
                .map(|(_, _, _, descriptors, part)| {
                    let mut part = part.clone();
                    part.descriptor = part
                        .level
                        .filter(|_| !part.not_applicable)
                        .and_then(|l| descriptors.get(l as usize).cloned());
                    part
                })
                .collect(),
            indicators: sources
                .indicators
                .iter()
                .filter(|(d, _)| d == code)
                .map(|(_, i)| {
                    let mut i = i.clone();
                    i.score = scores.indicators.iter().find(|s| s.code == i.code).cloned();
                    i
                })
                .collect(),
        })
        .collect();

    let obligation_name = |code: &String| {
        sources
            .obligations
            .iter()
            .find(|o| &o.code == code)
            .map(|o| o.name.clone())
    };
    let priority_part = |(rank, p): (usize, &Priority)| {
        let (_, _, name, _, _) = criterion(&p.criterion)?;
        Some(PriorityPart {
            code: p.criterion.clone(),
            name: name.clone(),
            level: p.level,
            target: p.target,
            importance: p.importance,
            score: p.score,
            first_step: template(&p.criterion, p.level),
            rank: rank + 1,
            challenges: p.challenges.iter().map(tag).collect(),
            assets: p.assets.iter().map(tag).collect(),
            obligations: p.obligations.iter().filter_map(obligation_name).collect(),
            step: Some(p.clone()),
        })
    };
    let priorities: Vec<PriorityPart> = scores
        .priorities
        .iter()
        .enumerate()
        .filter_map(priority_part)
        .collect();
    let quick_wins = scores
        .quick_wins
        .iter()
        .filter_map(|code| priorities.iter().find(|p| &p.code == code).cloned())
        .collect();
    let obligations = scores
        .obligations
        .iter()
        .filter_map(|status| {
            let obligation = sources.obligations.iter().find(|o| o.code == status.code)?;
            let (_, _, name, _, part) = criterion(&status.criterion)?;
            Some(ObligationFinding {
                obligation: obligation.clone(),
                status: status.status,
                criterion_name: name.clone(),
                level: part.level.filter(|_| !part.not_applicable),
            })
        })
        .collect();

    let recommendations = scores
        .recommendations
        .iter()
        .filter_map(|r| {
            let (_, _, name, _, _) = criterion(&r.criterion)?;
            Some(RecommendationPart {
                code: r.criterion.clone(),
                name: name.clone(),
                from_level: r.from_level,
                text: template(&r.criterion, r.from_level)?,
                horizon: r.horizon.to_string(),
                cost: r.cost.to_string(),
                priority: r.priority,
                prerequisite_for: r.prerequisite_for.clone(),
                challenges: r.challenges.iter().map(tag).collect(),
                assets: r.assets.iter().map(tag).collect(),
            })
        })
        .collect();

    let previous = sources.previous.as_ref().map(|before| Evolution {
        round_date: before.round_date.clone(),
        round_label: before.round_label.clone(),
        dimensions: dimensions
            .iter()
            .map(|d| {
                let then = before
                    .dimensions
                    .iter()
                    .find(|b| b.code == d.code)
                    .and_then(|b| b.score.maturity);
                (d.code.clone(), d.name.clone(), then, d.score.maturity)
            })
            .collect(),
        thematic: (before.thematic, scores.thematic),
        transversal: (before.transversal, scores.transversal),
    });

    let written = sources.narrative.clone();
    ReportData {
        narrative: written.map(|(messages, decisions)| Narrative::edited(&messages, &decisions)),
        strengths: findings(&scores.strong_criteria, &scores.strong_indicators),
        declared_strengths: scores
            .declared_strengths
            .iter()
            .filter_map(finding_of_criterion)
            .collect(),
        weaknesses: findings(&scores.weak_criteria, &scores.weak_indicators),
        territory: sources.territory,
        round_label: sources.round_label,
        round_date: sources.round_date,
        framework: sources.framework,
        framework_code: sources.framework_code,
        framework_version: sources.framework_version,
        levels: sources.levels,
        thematic: scores.thematic,
        transversal: scores.transversal,
        dimensions,
        priorities,
        quick_wins,
        obligations,
        capacity: scores.capacity,
        roadmap: sources.roadmap,
        recommendations,
        previous,
    }
}

fn empty_score(code: &str) -> DimensionScore {
    DimensionScore {
        code: code.to_owned(),
        kind: Kind::Thematic,
        maturity: None,
        criteria: 0,
        answered: 0,
        not_applicable: 0,
        incomplete: true,
        performance: None,
        indicators: 0,
        indicators_scored: 0,
        levels: [0; 5],
        verified: 0,
    }
}

impl ReportData {
    pub fn of_kind(&self, kind: Kind) -> Vec<&DimensionPart> {
        self.dimensions
            .iter()
            .filter(|d| d.score.kind == kind)
            .collect()
    }

    /// The level (0–4) an overall maturity falls in, with its scale entry.
    pub fn band_of(&self, maturity: Option<f64>) -> Option<&LevelPart> {
        let band = scoring::band(maturity?);
        self.levels.iter().find(|l| l.level == band)
    }

    /// Criteria not answered (neither a level nor N/A), for the "what is missing" notes.
    pub fn unanswered(&self) -> Vec<&CriterionPart> {
        self.dimensions
            .iter()
            .flat_map(|d| d.criteria.iter())
            .filter(|c| c.level.is_none() && !c.not_applicable)
            .collect()
    }

    pub fn missing_indicators(&self) -> Vec<&IndicatorPart> {
        self.dimensions
            .iter()
            .flat_map(|d| d.indicators.iter())
            .filter(|i| i.value.is_none())
            .collect()
    }

    pub fn not_applicable(&self) -> Vec<&CriterionPart> {
        self.dimensions
            .iter()
            .flat_map(|d| d.criteria.iter())
            .filter(|c| c.not_applicable)
            .collect()
    }

    pub fn incomplete_dimensions(&self) -> Vec<&DimensionPart> {
        self.dimensions
            .iter()
            .filter(|d| d.score.incomplete)
            .collect()
    }

    /// Recommendations grouped by horizon (court, moyen, long).
    pub fn action_plan(&self) -> Vec<(&'static str, Vec<&RecommendationPart>)> {
        ["court", "moyen", "long"]
            .into_iter()
            .map(|h| {
                (
                    h,
                    self.recommendations
                        .iter()
                        .filter(|r| r.horizon == h)
                        .collect(),
                )
            })
            .collect()
    }

    /// Recommendations that answer a local challenge or build on a local asset.
    pub fn local_recommendations(&self) -> Vec<&RecommendationPart> {
        self.recommendations
            .iter()
            .filter(|r| !r.challenges.is_empty() || !r.assets.is_empty())
            .collect()
    }
}
