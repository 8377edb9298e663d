//! `territoires demo`: a complete, realistic diagnostic of a real territory (Valence, Drôme),
//! entered through the same code paths as the consultant's forms (validation, versioned saves,
//! audit log), sent to review and published, so that a first run shows a full report. Also
//! creates a demo consultant account with a one-time password.

use anyhow::Context;
use time::OffsetDateTime;

use crate::accounts::db::{NewAccount, insert_user};
use crate::accounts::{Role, password};
use crate::assessments::{self, answer};
use crate::audit::Actor;
use crate::framework::{self, FRAMEWORK_CODE};
use crate::territories::{self, form::Contact, form::Profile};
use crate::vocabulary::{
    AssessmentId, AssessmentStatus, Confidence, ReportId, TerritoryId, TerritoryKind,
};
use crate::{geo, reports, roadmap};

/// INSEE code of the demo commune.
const COMMUNE: &str = "26362";
/// The demo account.
pub const DEMO_EMAIL: &str = "demo@territoires.invalid";

/// Typical levels of a medium-sized town starting its smart-territory approach, per axis or
/// dimension; criteria vary around them.
const PROFILE: &[(&str, i16)] = &[
    ("ECO", 2),
    ("MOB", 2),
    ("ENV", 2),
    ("PEO", 2),
    ("LIV", 3),
    ("GOV", 2),
    ("GPA", 2),
    ("TRA", 1),
    ("RCO", 1),
    ("ACC", 1),
    ("MEF", 1),
    ("DNI", 2),
];

/// What the demo created.
pub struct Demo {
    pub territory_id: TerritoryId,
    pub assessment_id: AssessmentId,
    pub report_id: ReportId,
    /// The demo account's one-time password, when the account was created now.
    pub one_time_password: Option<String>,
}

pub async fn run(pool: &sqlx::PgPool) -> anyhow::Result<Demo> {
    let actor = Actor::command_line();
    let area = geo::db::communes_by_code(pool, &[COMMUNE.to_owned()])
        .await?
        .into_iter()
        .next()
        .context("the official geography has no Valence (26362)")?;
    let territory_id = match territories::db::find_by_area(pool, area.geo_area_id).await? {
        Some((id, _)) => id,
        None => {
            let profile = Profile {
                kind: TerritoryKind::Commune,
                geo_area_id: Some(area.geo_area_id),
                name: area.name.clone(),
                member_ids: Vec::new(),
                context_notes: "Ville-centre de Valence Romans Agglo, préfecture de la Drôme. \
                    Démarche « territoire intelligent » lancée après le mandat 2020, portée par la \
                    direction générale ; données dispersées entre la ville et l'agglomération."
                    .to_owned(),
                challenges: [
                    "deficit_transport_collectif",
                    "fracture_numerique",
                    "transition_energetique",
                ]
                .map(str::to_owned)
                .to_vec(),
                assets: [
                    "universite",
                    "pole_gare",
                    "tiers_lieux",
                    "intercommunalite_integree",
                ]
                .map(str::to_owned)
                .to_vec(),
                contact: Contact {
                    name: "Direction générale des services".to_owned(),
                    role: "DGS".to_owned(),
                    email: String::new(),
                    phone: String::new(),
                },
            };
            let mut conn = pool.acquire().await?;
            territories::db::insert(&mut conn, &actor, &profile).await?
        }
    };

    let versions = framework::db::versions(pool, FRAMEWORK_CODE).await?;
    let current = versions.first().context("no framework version is loaded")?;
    let mut previous = assessments::db::list_for_territory(pool, territory_id)
        .await?
        .into_iter()
        .next()
        .map(|a| a.assessment_id);
    // A first demo shows the move between versions: a round on the previous version, then the
    // current one prefilled from it through the correspondence.
    if previous.is_none()
        && let Some(older) = versions.get(1)
    {
        let (assessment_id, _) = publish_round(pool, &actor, territory_id, older, None).await?;
        previous = Some(assessment_id);
    }
    let (assessment_id, report_id) =
        publish_round(pool, &actor, territory_id, current, previous).await?;
    let mut conn = pool.acquire().await?;

    let exists: bool = sqlx::query_scalar!(
        r#"select exists (select 1 from app_user where lower(email) = $1) as "exists!""#,
        DEMO_EMAIL
    )
    .fetch_one(pool)
    .await?;
    let one_time_password = if exists {
        None
    } else {
        let once = password::one_time();
        let hash = password::hash(once.clone()).await?;
        let account = NewAccount {
            email: DEMO_EMAIL,
            display_name: "Consultant démo",
            role: Role::Consultant,
            password_hash: &hash,
            must_change_password: true,
            territories: &[],
        };
        insert_user(&mut conn, &actor, &account).await?;
        Some(once)
    };
    Ok(Demo {
        territory_id,
        assessment_id,
        report_id,
        one_time_password,
    })
}

/// Creates a round of the demo territory on `version` (prefilled from `previous`), answers
/// what the prefill left open, plans its roadmap and publishes it.
async fn publish_round(
    pool: &sqlx::PgPool,
    actor: &Actor,
    territory_id: TerritoryId,
    version: &framework::db::VersionRow,
    previous: Option<AssessmentId>,
) -> anyhow::Result<(AssessmentId, ReportId)> {
    let round = assessments::db::NewRound {
        territory_id,
        framework_version_id: version.framework_version_id,
        label: "Diagnostic de démonstration",
        round_date: OffsetDateTime::now_utc().date(),
        previous,
    };
    let mut conn = pool.acquire().await?;
    let assessment_id = assessments::db::create(&mut conn, actor, &round).await?;
    fill_assessment(pool, actor, assessment_id, 0).await?;
    plan_roadmap(pool, actor, assessment_id).await?;
    let assessment = assessments::db::find(pool, assessment_id)
        .await?
        .context("the demo assessment disappeared")?;
    anyhow::ensure!(
        assessments::db::set_status(
            &mut conn,
            actor,
            assessment_id,
            assessment.version,
            (AssessmentStatus::Draft, AssessmentStatus::Review),
        )
        .await?,
        "the demo assessment could not be sent to review"
    );
    let assessment = assessments::db::find(pool, assessment_id)
        .await?
        .context("the demo assessment disappeared")?;
    let report_id =
        reports::publish_assessment(pool, actor, assessment.assessment_id, assessment.version)
            .await?
            .map_err(|refusal| anyhow::anyhow!("the demo report was refused: {refusal:?}"))?;
    Ok((assessment_id, report_id))
}

/// Answers every criterion and most indicators of a draft assessment the way a consultant
/// would (a level per criterion around a typical profile, evidence, confidence, one N/A with
/// its justification, indicator values with year and source), through the validation and the
/// versioned saves of the forms. `variant` shifts the levels, so that rounds differ.
pub async fn fill_assessment(
    pool: &sqlx::PgPool,
    actor: &Actor,
    assessment_id: AssessmentId,
    variant: usize,
) -> anyhow::Result<()> {
    let mut conn = pool.acquire().await?;
    let version = assessments::db::find(pool, assessment_id)
        .await?
        .context("no such assessment")?
        .framework_version_id;
    for (n, row) in assessments::db::answers(pool, assessment_id, None, None)
        .await?
        .into_iter()
        .enumerate()
    {
        // What the round already holds (carried over, or outside the competence) stays.
        if row.level.is_some() || row.not_applicable {
            continue;
        }
        let dimension = row.code.split('-').next().unwrap_or_default();
        let base = PROFILE
            .iter()
            .find(|(d, _)| *d == dimension)
            .map_or(2, |(_, l)| *l);
        let level = (base + [0, 1, -1, 0, 1][(n + variant) % 5]).clamp(0, 4);
        // The mobility authority is the agglomeration: one criterion does not apply here
        // (framework v1 has no competences; from v2 the round marks such criteria itself).
        let input = if row.code == "MOB-4" && row.level_evidence.is_empty() {
            answer::AnswerInput {
                level: "na".to_owned(),
                justification: "Compétence exercée par Valence Romans Agglo (autorité \
                    organisatrice de la mobilité) ; évaluée dans le diagnostic de l'agglomération."
                    .to_owned(),
                importance: row.importance.to_string(),
                ..answer::AnswerInput::default()
            }
        } else {
            answer::AnswerInput {
                level: level.to_string(),
                importance: row.importance.max(1 + (n % 3) as i16).to_string(),
                evidence: format!(
                    "Entretiens de diagnostic et documents transmis : {}",
                    row.levels
                        .get(level as usize)
                        .map(|l| l.fr.clone())
                        .unwrap_or_default()
                ),
                confidence: Confidence::ALL[n % 3].to_string(),
                ..answer::AnswerInput::default()
            }
        };
        let valid = answer::validate_answer(&input)
            .map_err(|e| anyhow::anyhow!("demo answer {} invalid: {:?}", row.code, e.all()))?;
        assessments::db::save_answer(
            &mut conn,
            actor,
            assessment_id,
            &row.code,
            row.version,
            &valid,
        )
        .await?;
    }
    let this_year = OffsetDateTime::now_utc().year() as i16;
    let bands = indicator_bands(pool, version).await?;
    for (n, row) in assessments::db::indicators(pool, assessment_id, None, None)
        .await?
        .into_iter()
        .enumerate()
    {
        // Two indicators without a recent figure, as often in practice.
        if n % 11 == 10 || row.value.is_some() {
            continue;
        }
        let Some(band) = bands
            .iter()
            .find(|(code, _)| *code == row.code)
            .map(|(_, b)| b)
        else {
            continue;
        };
        let value = band[1] + (band[2] - band[1]) * [0.2, 0.5, 0.9][(n + variant) % 3];
        let input = answer::IndicatorInput {
            value: answer::format_number((value * 10.0).round() / 10.0),
            year: (this_year - 2 - (n % 2) as i16).to_string(),
            source_note: row.source.fr.clone(),
            version: row.version.to_string(),
        };
        let bounds = answer::Bounds {
            min: row.min_value,
            max: row.max_value,
        };
        let valid = answer::validate_indicator(&input, bounds, this_year)
            .map_err(|e| anyhow::anyhow!("demo value {} invalid: {:?}", row.code, e.all()))?;
        assessments::db::save_indicator(&mut conn, actor, assessment_id, &row, row.version, &valid)
            .await?;
    }
    Ok(())
}

/// Owners of the demo's chantiers, by the first matching word of their title: (word, élu
/// référent, direction pilote).
const OWNERS: &[(&str, &str, &str)] = &[
    (
        "Compétences",
        "Adjoint aux ressources humaines",
        "Direction des ressources humaines",
    ),
    (
        "transport",
        "Adjointe aux mobilités",
        "Direction des mobilités et de l'espace public",
    ),
    (
        "Mobilit",
        "Adjointe aux mobilités",
        "Direction des mobilités et de l'espace public",
    ),
    (
        "numérique",
        "Adjoint au numérique",
        "Direction des systèmes d'information",
    ),
    (
        "Données",
        "Adjoint au numérique",
        "Direction des systèmes d'information",
    ),
    ("Piloter", "Maire", "Direction générale des services"),
    (
        "Compétences",
        "Adjoint aux ressources humaines",
        "Direction des ressources humaines",
    ),
    (
        "financement",
        "Adjointe aux finances",
        "Direction des finances",
    ),
    (
        "énergétique",
        "Adjoint à la transition écologique",
        "Direction de la transition écologique",
    ),
    (
        "écologique",
        "Adjoint à la transition écologique",
        "Direction de la transition écologique",
    ),
    (
        "Économie",
        "Adjoint au développement économique",
        "Direction de l'attractivité",
    ),
    (
        "Services",
        "Adjointe à la démocratie participative",
        "Direction de la relation usagers",
    ),
    (
        "vie",
        "Adjointe à la cohésion sociale",
        "Direction de la cohésion sociale",
    ),
];

/// Proposes the roadmap of a demo round and gives each chantier its owners and partners, as a
/// consultant would before publication.
pub async fn plan_roadmap(
    pool: &sqlx::PgPool,
    actor: &Actor,
    assessment_id: AssessmentId,
) -> anyhow::Result<()> {
    let assessment = assessments::db::find(pool, assessment_id)
        .await?
        .context("no such assessment")?;
    let mut conn = pool.acquire().await?;
    roadmap::propose(&mut conn, actor, &assessment).await?;
    let stored = roadmap::db::load(&mut conn, assessment_id)
        .await?
        .context("the roadmap was not stored")?;
    let mut round = assessments::db::hold_editable(&mut conn, assessment_id)
        .await?
        .context("the demo round can no longer be edited")?;
    anyhow::ensure!(
        roadmap::db::bump(&mut round, actor, stored.row.version).await?,
        "the demo roadmap changed while it was planned"
    );
    for chantier in &stored.chantiers {
        let (elu, pilot) = OWNERS
            .iter()
            .find(|(word, _, _)| chantier.title.contains(word))
            .map_or(
                ("Maire", "Direction générale des services"),
                |(_, e, p)| (*e, *p),
            );
        let fields = roadmap::db::ChantierFields {
            title: chantier.title.clone(),
            objective: chantier.objective.clone(),
            elu: elu.to_owned(),
            pilot: pilot.to_owned(),
            partners: [
                "Université Grenoble Alpes (campus de Valence)".to_owned(),
                "Associations de quartier, tiers-lieux".to_owned(),
                "CCI Drôme, entreprises du numérique".to_owned(),
                "Conseil de développement, panel d'habitants".to_owned(),
                "Valence Romans Agglo, Département de la Drôme".to_owned(),
            ],
            start_month: chantier.start_month,
            end_month: chantier.end_month,
            milestones: chantier.milestones.clone(),
            budget_min_keur: chantier.budget_min_keur,
            budget_max_keur: chantier.budget_max_keur,
            etp: chantier.etp,
            funding: chantier.funding.clone(),
            followed: stored
                .followed_of(chantier.chantier_id)
                .into_iter()
                .map(|f| (f.code.clone(), f.target))
                .collect(),
        };
        roadmap::db::save_chantier(&mut round, actor, chantier.chantier_id, &fields).await?;
    }
    round.commit().await?;
    Ok(())
}

async fn indicator_bands(
    pool: &sqlx::PgPool,
    version: i64,
) -> anyhow::Result<Vec<(String, Vec<f64>)>> {
    let rows = sqlx::query!(
        "select code, bands from indicator where framework_version_id = $1",
        version
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.code, r.bands)).collect())
}
