//! The roadmap's edit page as a view: which form a refused submission came from, each
//! chantier with the values of its form and its steps in words, and what the template asks
//! of them (labels, owners offered, what can be followed, the budget's derivation).

use askama::Template;

use super::db::{ChantierRow, Roadmap};
use super::form::{ChantierForm, PARTNERS, SmallForm};
use super::model::StepPart;
use crate::assessments::db::AssessmentRow;
use crate::diagnosis::Catalog;
use crate::text::Text;
use crate::vocabulary::{AssessmentStatus, ChantierId, StepId, Version};
use crate::web::PageContext;
use crate::web::form::FieldErrors;

/// Which form of the page a failed submission came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Governance,
    NewChantier,
    Chantier(ChantierId),
    ChantierAction(ChantierId),
    Step(StepId),
}

/// A chantier as the page shows it: its row, the values of its form, its steps in words.
pub struct ChantierView {
    pub row: ChantierRow,
    pub form: ChantierForm,
    pub steps: Vec<StepPart>,
}

#[derive(Template)]
#[template(path = "roadmap/edit.html")]
pub struct EditPage {
    pub ctx: PageContext,
    pub assessment: AssessmentRow,
    pub roadmap: Option<Roadmap>,
    pub chantiers: Vec<ChantierView>,
    pub dropped: Vec<(StepPart, String)>,
    pub data: Catalog,
    /// (code, name, operator) of the programmes the territory may use.
    pub eligible: Vec<(String, Text, Text)>,
    /// The profile's contact, offered for the owners.
    pub contacts: Vec<String>,
    pub target: Option<Target>,
    pub errors: FieldErrors,
    pub small: SmallForm,
    /// An i18n key: why the submission was not taken (conflict, read-only).
    pub notice: Option<&'static str>,
    /// The last edit was taken.
    pub saved: bool,
}

impl EditPage {
    fn editable(&self) -> bool {
        self.assessment.status != AssessmentStatus::Published
    }

    fn version(&self) -> i32 {
        self.roadmap.as_ref().map_or(0, |r| r.row.version.0)
    }

    fn is_target(&self, target: &Target) -> bool {
        self.target.as_ref() == Some(target)
    }

    fn error_of(&self, target: &Target, field: &str) -> Option<String> {
        self.is_target(target)
            .then(|| self.ctx.error(&self.errors, field))
            .flatten()
    }

    fn chantier_target(&self, id: &ChantierId) -> Target {
        Target::Chantier(*id)
    }

    fn action_target(&self, id: &ChantierId) -> Target {
        Target::ChantierAction(*id)
    }

    fn step_target(&self, id: &StepId) -> Target {
        Target::Step(*id)
    }

    /// "MOB-1 Offre de transport · 1 → 2", or the free step's own words.
    fn step_label(&self, step: &StepPart) -> String {
        match (&step.criterion, &step.name, step.from_level) {
            (Some(code), Some(name), Some(from)) => {
                format!("{code} {} · {from} → {}", self.ctx.text(name), from + 1)
            }
            _ => self.ctx.t("roadmap-free-step"),
        }
    }

    /// "court terme (< 1 an), moyen (20 à 150 k€)" for a step of the action plan.
    fn step_when(&self, step: &StepPart) -> Option<String> {
        Some(format!(
            "{}, {}",
            self.ctx.label("horizon", step.horizon?),
            self.ctx.label("cost", step.cost?)
        ))
    }

    fn others(&self, id: &ChantierId) -> Vec<&ChantierView> {
        self.chantiers
            .iter()
            .filter(|c| c.row.chantier_id != *id)
            .collect()
    }

    fn partners(&self) -> &'static [(&'static str, &'static str)] {
        &PARTNERS
    }

    /// The followable codes with their names, for the datalist.
    fn followable(&self) -> Vec<(String, String)> {
        self.data
            .indicators
            .iter()
            .map(|i| (i.code.clone(), self.ctx.text(&i.name).to_owned()))
            .chain(self.data.criteria.iter().map(|c| {
                (
                    c.code.clone(),
                    format!(
                        "{} ({})",
                        self.ctx.text(&c.name),
                        self.ctx.t("roadmap-level-of")
                    ),
                )
            }))
            .collect()
    }

    fn derivation(&self, view: &ChantierView) -> String {
        let costs: Vec<_> = view.steps.iter().filter_map(|s| s.cost).collect();
        let budget = self.data.cost.budget(costs.iter().copied());
        format!(
            "{} {} × {} {} = {}–{} k€, {} ETP",
            costs.len(),
            self.ctx.t("roadmap-derivation-steps"),
            self.ctx.t("roadmap-derivation-factor"),
            self.ctx.decimal(self.data.cost.size_factor(), 2),
            budget.min_keur,
            budget.max_keur,
            self.ctx.decimal(budget.etp, 1)
        )
    }

    fn is_kept(&self, view: &ChantierView, code: &str) -> bool {
        view.form.funding.iter().any(|f| f == code)
    }
}

/// The form of a stored chantier.
pub fn form_of(row: &ChantierRow, roadmap: &Roadmap, version: Version) -> ChantierForm {
    let followed = roadmap.followed_of(row.chantier_id);
    let at = |k: usize| followed.get(k).map(|f| (f.code.clone(), number(f.target)));
    let [f1, f2, f3] = [at(0), at(1), at(2)].map(Option::unwrap_or_default);
    ChantierForm {
        version: version.0.to_string(),
        title: row.title.clone(),
        objective: row.objective.clone(),
        elu: row.elu.clone(),
        pilot: row.pilot.clone(),
        partners_academia: row.partners_academia.clone(),
        partners_associations: row.partners_associations.clone(),
        partners_businesses: row.partners_businesses.clone(),
        partners_citizens: row.partners_citizens.clone(),
        partners_authorities: row.partners_authorities.clone(),
        start_month: row.start_month.to_string(),
        end_month: row.end_month.to_string(),
        milestones: row.milestones.clone(),
        budget_min: row.budget_min_keur.to_string(),
        budget_max: row.budget_max_keur.to_string(),
        etp: number(row.etp),
        funding: row.funding.clone(),
        followed_1: f1.0,
        target_1: f1.1,
        followed_2: f2.0,
        target_2: f2.1,
        followed_3: f3.0,
        target_3: f3.1,
        scope: String::new(),
    }
}

/// A number as a French form shows it ("12,5", "3").
fn number(value: f64) -> String {
    let text = format!("{}", (value * 1000.0).round() / 1000.0);
    text.replace('.', ",")
}
