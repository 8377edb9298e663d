//! How the report explains its decisions in words, in the page's language: the one-sentence
//! reason of each priority, the arithmetic of its rank (so that a consultant can recompute it
//! from the appendix), the status of each legal obligation, the means × results reading of an
//! axis and its level distribution, and the priority matrix's points.

use super::ReportBody;
use super::charts::escape;
use super::model::{DimensionPart, ObligationFinding, PriorityPart};
use super::{charts, gantt};
use crate::diagnosis::scoring::{self, Compliance};
use crate::roadmap::model::RoadmapPart;

/// The text of an HTML fragment, a space where each tag was.
pub(super) fn visible_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

impl ReportBody<'_> {
    /// `text`, escaped for HTML, with the first appearance in the report of each acronym of the
    /// glossary marked `<abbr title="expansion">`.
    pub(super) fn abbr(&self, text: &str) -> String {
        let glossary = crate::glossary::current();
        let mut marked = self.marked.borrow_mut();
        let mut html = String::with_capacity(text.len() + 32);
        let mut rest = text;
        while !rest.is_empty() {
            let start = rest
                .find(|c: char| c.is_alphanumeric())
                .unwrap_or(rest.len());
            html.push_str(&escape(&rest[..start]));
            rest = &rest[start..];
            let end = rest
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(rest.len());
            let token = &rest[..end];
            let is_acronym = crate::glossary::acronyms(token).contains(token);
            match glossary.find(token).filter(|_| is_acronym) {
                Some(term) if marked.insert(token.to_owned()) => {
                    let expansion = match self.ctx.i18n.lang {
                        crate::i18n::Lang::Fr => &term.expansion_fr,
                        crate::i18n::Lang::En => &term.expansion_en,
                    };
                    html.push_str(&format!(
                        r#"<abbr title="{}">{token}</abbr>"#,
                        escape(expansion)
                    ));
                }
                _ => html.push_str(&escape(token)),
            }
            rest = &rest[end..];
        }
        html
    }

    /// The glossary entries of every acronym the report shows.
    pub(super) fn glossary(&self) -> &[&'static crate::glossary::Term] {
        &self.terms
    }

    /// "Enjeu local : … · débloque 3 critères · coût léger pour 64 000 habitants (20 à 150 k€)
    /// · appui : …": why a step is where it is.
    pub(super) fn reasons(&self, p: &PriorityPart) -> String {
        let ctx = &self.ctx;
        let Some(step) = &p.step else {
            return String::new();
        };
        let names = |texts: &[crate::text::Text]| {
            texts
                .iter()
                .map(|t| ctx.text(t))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut parts = Vec::new();
        if !p.obligations.is_empty() {
            parts.push(
                ctx.i18n
                    .t1("report-why-obligation", "name", names(&p.obligations)),
            );
        }
        if p.challenges.is_empty() {
            parts.push(
                ctx.i18n
                    .t1("report-why-importance", "level", step.importance),
            );
        } else {
            parts.push(
                ctx.i18n
                    .t1("report-why-challenge", "name", names(&p.challenges)),
            );
        }
        if step.target_set {
            parts.push(ctx.i18n.t1("report-why-target", "level", step.target));
        }
        if !step.unlocks.is_empty() {
            parts.push(ctx.i18n.n("report-why-unlocks", step.unlocks.len() as i64));
        }
        if step.capacity_building {
            parts.push(ctx.t("report-why-capacity-building"));
        }
        let cost = ctx.label("cost-range", step.cost);
        parts.push(match self.data.territory.population {
            Some(population) => format!(
                "{} {} ({cost})",
                ctx.label("burden", step.burden.as_str()),
                ctx.i18n
                    .t1("report-why-population", "population", ctx.int(population))
            ),
            None => format!("{} ({cost})", ctx.label("burden", step.burden.as_str())),
        });
        if !p.assets.is_empty() {
            parts.push(ctx.i18n.t1("report-why-asset", "name", names(&p.assets)));
        }
        if !step.prerequisites.is_empty() {
            let list = step
                .prerequisites
                .iter()
                .map(|(code, level)| format!("{code} ≥ {level}"))
                .collect::<Vec<_>>()
                .join(", ");
            parts.push(ctx.i18n.t1("report-why-prerequisite", "name", list));
        }
        if step.capacity_strain {
            parts.push(ctx.t("report-why-capacity-strain"));
        }
        parts.join(" · ")
    }

    /// "impact 6 (3 + 1 + 2 + 0) × faisabilité 5 (3 + 1 + 1 + 0) = 30".
    pub(super) fn formula(&self, p: &PriorityPart) -> String {
        let Some(step) = &p.step else {
            return self.number(&p.score, 1);
        };
        let sum = |points: [i16; 4]| {
            points
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(" + ")
        };
        format!(
            "{} {} ({}) × {} {} ({}) = {}",
            self.ctx.t("report-impact"),
            step.impact,
            sum(step.impact_points()),
            self.ctx.t("report-feasibility"),
            step.feasibility,
            sum(step.feasibility_points()),
            step.score
        )
    }

    pub(super) fn is_quick_win(&self, p: &PriorityPart) -> bool {
        p.step.as_ref().is_some_and(|s| s.quick_win)
    }

    /// The obligations that apply and are not met for sure: the page-1 alerts.
    pub(super) fn alerts(&self) -> Vec<&ObligationFinding> {
        self.data
            .obligations
            .iter()
            .filter(|o| o.status == Compliance::Unmet)
            .collect()
    }

    pub(super) fn compliance(&self, o: &ObligationFinding) -> String {
        let key = match o.status {
            Compliance::Unmet => "unmet",
            Compliance::Unanswered => "unanswered",
            Compliance::ToCheck => "to-check",
            Compliance::Declared => "declared",
            Compliance::NotApplicable => "not-applicable",
            Compliance::Met => "met",
        };
        self.ctx.label("compliance", key)
    }

    /// The CSS class of an obligation's status.
    pub(super) fn compliance_class(&self, o: &ObligationFinding) -> &'static str {
        match o.status {
            Compliance::Unmet => "alert",
            Compliance::Met => "ok",
            _ => "check",
        }
    }

    /// The means × results reading of an axis, in words ("démarche avancée, résultats en
    /// retrait"); empty without a maturity.
    pub(super) fn reading(&self, d: &DimensionPart) -> String {
        let performance = d
            .score
            .performance
            .filter(|_| !d.score.performance_flagged());
        scoring::reading(d.score.maturity, performance)
            .map(|r| self.ctx.label("reading", r.as_str()))
            .unwrap_or_default()
    }

    /// The axes and dimensions that have indicators, for the means × results table.
    pub(super) fn measured(&self) -> Vec<&DimensionPart> {
        self.data
            .dimensions
            .iter()
            .filter(|d| d.score.indicators > 0)
            .collect()
    }

    /// "0 · 2 · 3 · 0 · 0": how many criteria sit at each level.
    pub(super) fn distribution(&self, d: &DimensionPart) -> String {
        d.score
            .levels
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// Share of answered criteria with verified evidence, "40 %".
    pub(super) fn verified_share(&self, d: &DimensionPart) -> String {
        if d.score.answered == 0 {
            return "–".to_owned();
        }
        let share = d.score.verified as f64 / d.score.answered as f64 * 100.0;
        crate::format::percent(self.ctx.i18n.lang, share)
    }

    pub(super) fn gantt(&self, roadmap: &RoadmapPart) -> String {
        let bars: Vec<gantt::Bar> = roadmap
            .chantiers
            .iter()
            .enumerate()
            .map(|(n, c)| gantt::Bar {
                label: format!("{}. {}", n + 1, c.title),
                start: c.start_month,
                end: c.end_month,
            })
            .collect();
        gantt::gantt(
            "gantt",
            &self.ctx.t("report-roadmap-gantt"),
            &self.ctx.t("report-roadmap-year"),
            &bars,
        )
    }

    pub(super) fn matrix(&self) -> String {
        let points: Vec<charts::MatrixPoint> = self
            .data
            .priorities
            .iter()
            .map(|p| charts::MatrixPoint {
                rank: p.rank,
                label: self.ctx.text(&p.name).to_owned(),
                level: p.level,
                impact: p.step.as_ref().map_or(p.importance, |s| s.impact),
            })
            .collect();
        charts::matrix(
            "matrice",
            &self.ctx.t("report-matrix-title"),
            (
                &self.ctx.t("report-matrix-x"),
                &self.ctx.t("report-matrix-y"),
            ),
            &points,
        )
    }
}
