//! The roadmap (feuille de route, issue #15): the chantiers an assessment's diagnosis leads to.
//! The app proposes them from the ranked steps (`proposal`); the consultant edits them while
//! the round is in draft or review (`edit`: every edit checked against the roadmap's version,
//! validated, audited, without JavaScript); publication freezes them in the report (`model`);
//! then each step is followed at `/rapports/{id}/suivi` (`followup`).

pub mod db;
mod edit;
pub mod form;
pub mod model;
pub mod proposal;
mod view;

use sqlx::PgConnection;

use crate::assessments::db::{AssessmentRow, EditableRound};
use crate::audit::Actor;
use crate::diagnosis::Diagnosis;
use crate::error::Result;
use crate::funding;
use crate::text::Text;
use crate::vocabulary::AssessmentId;
use crate::web::access::{Access, Routes};
use model::Roadmap;

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/evaluations/{id}/feuille-de-route",
            Access::Staff,
            edit::page,
        )
        .post(
            "/evaluations/{id}/feuille-de-route/proposer",
            Access::Staff,
            edit::propose,
        )
        .post(
            "/evaluations/{id}/feuille-de-route/gouvernance",
            Access::Staff,
            edit::governance,
        )
        .post(
            "/evaluations/{id}/feuille-de-route/chantiers",
            Access::Staff,
            edit::add_chantier,
        )
        .post(
            "/evaluations/{id}/feuille-de-route/chantiers/{chantier}",
            Access::Staff,
            edit::save_chantier,
        )
        .post(
            "/evaluations/{id}/feuille-de-route/chantiers/{chantier}/actions",
            Access::Staff,
            edit::chantier_action,
        )
        .post(
            "/evaluations/{id}/feuille-de-route/etapes/{step}",
            Access::Staff,
            edit::step_action,
        )
}

/// The programme governance a new roadmap starts with.
pub const DEFAULT_GOVERNANCE: &str = "Comité de pilotage (maire ou président, élu référent, \
    DGS, directions pilotes) : tous les trimestres.\nComité technique (chef de projet, \
    directions pilotes, partenaires) : tous les mois.";

/// The chantiers the app proposes for a diagnosis.
pub fn proposal(diagnosis: &Diagnosis) -> Vec<proposal::Chantier> {
    let scores = diagnosis.scores();
    let steps: Vec<proposal::PlanStep> = scores
        .recommendations
        .iter()
        .map(|r| proposal::PlanStep {
            criterion: r.criterion.clone(),
            dimension: diagnosis.dimension_of(&r.criterion).to_owned(),
            from_level: r.from_level,
            horizon: r.horizon,
            cost: r.cost,
            challenges: r.challenges.clone(),
        })
        .collect();
    let dimensions: Vec<(String, Text)> = diagnosis
        .dimensions
        .iter()
        .map(|d| (d.code.clone(), d.name.clone()))
        .collect();
    let challenges: Vec<(String, Text)> = diagnosis
        .challenges
        .iter()
        .filter_map(|code| diagnosis.tags.iter().find(|t| &t.code == code))
        .map(|t| (t.code.clone(), t.name.clone()))
        .collect();
    let criteria: Vec<(String, Text, i16, i16)> = scores
        .priorities
        .iter()
        .filter_map(|p| {
            let answer = diagnosis.answers.iter().find(|a| a.code == p.criterion)?;
            Some((p.criterion.clone(), answer.name.clone(), p.level, p.target))
        })
        .collect();
    let indicators: Vec<proposal::MeasuredIndicator> = scores
        .indicators
        .iter()
        .filter_map(|s| {
            let i = diagnosis.indicators.iter().find(|i| i.code == s.code)?;
            Some(proposal::MeasuredIndicator {
                code: s.code.clone(),
                dimension: i.dimension_code.clone(),
                value: s.value,
                direction: i.direction,
                bands: i.thresholds(),
                score: s.score,
            })
        })
        .collect();
    let programmes: Vec<proposal::Programme> = funding::current()
        .eligible(diagnosis.territory.kind, diagnosis.population)
        .into_iter()
        .map(|p| proposal::Programme {
            code: p.code.clone(),
            dimensions: p.dimensions.clone(),
        })
        .collect();
    proposal::propose(&proposal::Sources {
        steps: &steps,
        dimensions: &dimensions,
        challenges: &challenges,
        criteria: &criteria,
        indicators: &indicators,
        programmes: &programmes,
        population: diagnosis.population,
    })
}

/// Stores the proposal as the roadmap of a round in draft or review that has none; false
/// otherwise. The diagnosis is read in the transaction that holds the round.
pub async fn propose(
    conn: &mut PgConnection,
    actor: &Actor,
    assessment: &AssessmentRow,
) -> Result<bool> {
    let Some(mut round) =
        crate::assessments::db::hold_editable(&mut *conn, assessment.assessment_id).await?
    else {
        return Ok(false);
    };
    let diagnosis = Diagnosis::load(round.conn(), assessment).await?;
    let chantiers = proposal(&diagnosis);
    let created = db::create(&mut round, actor, &chantiers, DEFAULT_GOVERNANCE).await?;
    if created && let Some(previous) = assessment.previous_assessment_id {
        carry_forward(&mut round, AssessmentId(previous)).await?;
    }
    round.commit().await?;
    Ok(created)
}

/// A new round's proposed chantiers take the title, owners and partners of the previous
/// round's chantiers they continue (see [`carry_matches`]), marked for review.
async fn carry_forward(round: &mut EditableRound<'_>, previous: AssessmentId) -> Result<()> {
    let id = round.id();
    let earlier = db::load(round.conn(), previous).await?;
    let now = db::load(round.conn(), id).await?;
    let (Some(earlier), Some(now)) = (earlier, now) else {
        return Ok(());
    };
    let codes = |roadmap: &Roadmap| -> Vec<Vec<String>> {
        roadmap
            .chantiers
            .iter()
            .map(|c| {
                roadmap
                    .steps_of(c.chantier_id)
                    .iter()
                    .filter_map(|s| s.criterion_code.clone())
                    .collect()
            })
            .collect()
    };
    for (to, from) in carry_matches(&codes(&earlier), &codes(&now)) {
        db::carry_chantier(
            round,
            now.chantiers[to].chantier_id,
            &earlier.chantiers[from],
        )
        .await?;
    }
    Ok(())
}

/// Which earlier chantier each new chantier continues, as (new, earlier) indexes: the pairs
/// that share the most criteria among their steps first, each chantier in one pair at most.
pub fn carry_matches(earlier: &[Vec<String>], now: &[Vec<String>]) -> Vec<(usize, usize)> {
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
    for (to, codes) in now.iter().enumerate() {
        for (from, before) in earlier.iter().enumerate() {
            let shared = codes.iter().filter(|c| before.contains(c)).count();
            if shared > 0 {
                pairs.push((shared, to, from));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut matched: Vec<(usize, usize)> = Vec::new();
    for (_, to, from) in pairs {
        if !matched.iter().any(|(t, f)| *t == to || *f == from) {
            matched.push((to, from));
        }
    }
    matched.sort_unstable();
    matched
}
