//! What a report is built from, in its own terms: the diagnosis and what the report adds to it
//! (the previous published report, the stored roadmap frozen with the catalogue, the "En bref")
//! turned into the parts the builder reads. Pure.

use super::db::Additions;
use super::model::{CriterionPart, IndicatorPart, LevelPart, Sources, TerritoryPart, Text};
use crate::diagnosis::Diagnosis;
use crate::framework;
use crate::vocabulary::TagFamily;

/// The builder's sources of a diagnosis.
pub fn of(diagnosis: &Diagnosis, additions: Additions) -> Sources {
    let d = diagnosis;
    let area = d.area.as_ref();
    let tag_text = |family: TagFamily, codes: &[String]| -> Vec<Text> {
        d.tags
            .iter()
            .filter(|t| t.family == family && codes.contains(&t.code))
            .map(|t| t.name.clone())
            .collect()
    };
    let place = area
        .map(|a| {
            [a.departement_name.clone(), a.region_name.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let obligations = crate::obligations::current();
    Sources {
        territory: TerritoryPart {
            name: d.territory.name.clone(),
            kind: d.territory.kind.to_string(),
            code: area.map(|a| a.code.clone()),
            population: d.population,
            place,
            challenges: tag_text(TagFamily::Challenge, &d.challenges),
            assets: tag_text(TagFamily::Asset, &d.assets),
            epci: area.and_then(|a| a.epci_name.clone()),
            context_notes: d.territory.context_notes.clone(),
        },
        round_label: d.assessment.label.clone(),
        round_date: d.assessment.round_date.to_string(),
        framework: d.assessment.framework_name.clone(),
        framework_code: framework::FRAMEWORK_CODE.to_owned(),
        framework_version: d.framework_version,
        levels: d
            .levels
            .iter()
            .map(|l| LevelPart {
                level: l.level,
                label: l.label.clone(),
                generic: l.generic.clone(),
            })
            .collect(),
        dimensions: d
            .dimensions
            .iter()
            .map(|d| (d.code.clone(), d.name.clone(), d.giffinger.clone()))
            .collect(),
        criteria: d
            .answers
            .iter()
            .map(|a| {
                (
                    a.code.clone(),
                    d.dimension_of(&a.code).to_owned(),
                    a.name.clone(),
                    a.levels.clone(),
                    CriterionPart {
                        code: a.code.clone(),
                        name: a.name.clone(),
                        level: a.level,
                        not_applicable: a.not_applicable,
                        justification: a.justification.clone(),
                        importance: a.importance,
                        target: a.target,
                        evidence: a.evidence.clone(),
                        confidence: a.confidence,
                        descriptor: None,
                        expected_evidence: a
                            .level
                            .filter(|_| !a.not_applicable)
                            .and_then(|l| a.evidence_of(&l).cloned()),
                        competence_of: a.competence_of.filter(|_| a.not_applicable),
                    },
                )
            })
            .collect(),
        indicators: d
            .values
            .iter()
            .map(|v| {
                let dimension = d
                    .indicators
                    .iter()
                    .find(|i| i.code == v.code)
                    .map(|i| i.dimension_code.clone())
                    .unwrap_or_default();
                (
                    dimension,
                    IndicatorPart {
                        code: v.code.clone(),
                        name: v.name.clone(),
                        unit: v.unit.clone(),
                        source: v.source.clone(),
                        value: v.value,
                        year: v.year,
                        source_note: v.source_note.clone(),
                        score: None,
                    },
                )
            })
            .collect(),
        templates: d
            .templates
            .iter()
            .map(|t| (t.criterion_code.clone(), t.from_level, t.text.clone()))
            .collect(),
        tag_names: d
            .tags
            .iter()
            .map(|t| (t.code.clone(), t.name.clone()))
            .collect(),
        previous: additions.previous,
        roadmap: additions
            .roadmap
            .map(|stored| crate::roadmap::model::build(&stored, &d.catalog())),
        narrative: additions.narrative.map(|n| (n.messages, n.decisions)),
        obligations: d
            .obligations()
            .into_iter()
            .map(|(o, applies)| o.part(&obligations.dataset, applies))
            .collect(),
    }
}
