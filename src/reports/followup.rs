//! The follow-up of a published roadmap at `/rapports/{id}/suivi`: the roadmap frozen in the
//! report, a living status per step (à lancer, en cours, fait, abandonné, each with its date,
//! author and comment) and the latest value of what each chantier follows. Consultants update
//! it; élus of the territory read it (others get 404). A status given on an older view of the
//! step is refused (409) rather than hiding the newer one. The next round's prefill starts
//! from it: done steps become evidence for the level above.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use sqlx::{PgConnection, PgPool};

use super::db::{self, StatusRow};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::roadmap::model::RoadmapPart;
use crate::vocabulary::{ReportId, Role, StepId, StepStatus};
use crate::web::form::{FieldErrors, bounded, iso_date};
use crate::web::{Id, PageContext, PagePath, render_with_status};

#[derive(Template)]
#[template(path = "reports/followup.html")]
struct FollowupPage {
    ctx: PageContext,
    report: ReportId,
    territory: String,
    round_date: String,
    roadmap: Option<RoadmapPart>,
    statuses: Vec<StatusRow>,
    /// code → (latest value, year).
    latest: Vec<(String, f64, Option<i16>)>,
    can_write: bool,
    /// The step a refused submission was for, its input and messages.
    step: Option<StepId>,
    form: StatusForm,
    errors: FieldErrors,
    notice: Option<&'static str>,
    summary: Summary,
}

/// Where a published roadmap stands: its steps by status, the late ones, the last update.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    pub done: usize,
    pub started: usize,
    pub to_start: usize,
    pub dropped: usize,
    /// Neither done nor dropped, and past their chantier's last month.
    pub late: usize,
    /// The day of the latest status written.
    pub last_update: Option<time::Date>,
}

/// The summary of `roadmap` on `today`, its months counted from the round's date (month 1 is
/// the month of the round).
pub fn summary(
    roadmap: &RoadmapPart,
    statuses: &[StatusRow],
    round_date: time::Date,
    today: time::Date,
) -> Summary {
    let months_since = (today.year() - round_date.year()) * 12
        + (i32::from(u8::from(today.month())) - i32::from(u8::from(round_date.month())))
        + 1;
    let mut summary = Summary {
        last_update: statuses.iter().map(|s| s.created_at.date()).max(),
        ..Summary::default()
    };
    for chantier in &roadmap.chantiers {
        for step in &chantier.steps {
            summary.total += 1;
            let status = statuses
                .iter()
                .find(|s| s.step_id == step.id)
                .map_or(StepStatus::ALancer, |s| s.status);
            match status {
                StepStatus::Fait => summary.done += 1,
                StepStatus::EnCours => summary.started += 1,
                StepStatus::ALancer => summary.to_start += 1,
                StepStatus::Abandonne => summary.dropped += 1,
            }
            let open = matches!(status, StepStatus::EnCours | StepStatus::ALancer);
            if open && months_since > i32::from(chantier.end_month) {
                summary.late += 1;
            }
        }
    }
    summary
}

impl FollowupPage {
    fn status_of(&self, step: &StepId) -> Option<&StatusRow> {
        self.statuses.iter().find(|s| s.step_id == *step)
    }

    fn latest_of(&self, code: &str) -> Option<&(String, f64, Option<i16>)> {
        self.latest.iter().find(|l| l.0 == code)
    }

    fn statuses(&self) -> &'static [StepStatus] {
        StepStatus::ALL
    }

    fn is_step(&self, step: &StepId) -> bool {
        self.step == Some(*step)
    }

    fn error_of(&self, step: &StepId, field: &str) -> Option<String> {
        self.is_step(step)
            .then(|| self.ctx.error(&self.errors, field))
            .flatten()
    }

    /// The status selected in a step's form: the posted one, else the current one.
    fn selected(&self, step: &StepId, status: &StepStatus) -> bool {
        if self.is_step(step) {
            return self.form.status == status.as_str();
        }
        self.status_of(step)
            .map_or(*status == StepStatus::ALancer, |s| s.status == *status)
    }

    /// The id of the latest status the page shows for a step (0: none).
    fn seen(&self, step: &StepId) -> i64 {
        self.status_of(step).map_or(0, |s| s.step_status_id)
    }

    fn today(&self) -> String {
        time::OffsetDateTime::now_utc().date().to_string()
    }

    fn number(&self, value: &f64) -> String {
        let digits = if value.fract().abs() < 1e-9 { 0 } else { 1 };
        self.ctx.decimal(*value, digits)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    pub status: String,
    pub date: String,
    pub comment: String,
    /// The latest status id the page showed.
    pub seen: String,
}

async fn show(
    ctx: PageContext,
    conn: &mut PgConnection,
    user: &CurrentUser,
    report: ReportId,
    status: StatusCode,
    refused: Option<(StepId, StatusForm, FieldErrors, Option<&'static str>)>,
) -> Result<Response> {
    let row = db::find_readable(&mut *conn, user.reader(), report)
        .await?
        .ok_or(Error::NotFound)?;
    let data = db::snapshot(&mut *conn, report)
        .await?
        .ok_or(Error::NotFound)?;
    let codes: Vec<String> = data
        .roadmap
        .iter()
        .flat_map(|r| &r.chantiers)
        .flat_map(|c| &c.followed)
        .map(|f| f.code.clone())
        .collect();
    let latest = db::latest_values(&mut *conn, report, &codes).await?;
    let statuses = db::statuses(&mut *conn, report).await?;
    let today = time::OffsetDateTime::now_utc().date();
    let summary = match (&data.roadmap, iso_date(&data.round_date)) {
        (Some(roadmap), Some(round)) => summary(roadmap, &statuses, round, today),
        _ => Summary::default(),
    };
    let (step, form, errors, notice) = match refused {
        Some((step, form, errors, notice)) => (Some(step), form, errors, notice),
        None => (None, StatusForm::default(), FieldErrors::default(), None),
    };
    let page = FollowupPage {
        can_write: user.role != Role::Elu,
        territory: row.territory_name,
        round_date: data.round_date,
        roadmap: data.roadmap,
        report,
        statuses,
        latest,
        step,
        form,
        errors,
        notice,
        summary,
        ctx,
    };
    render_with_status(status, &page)
}

pub async fn page(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    Id(id): Id<ReportId>,
) -> Result<Response> {
    let mut conn = pool.acquire().await?;
    show(ctx, &mut conn, &user, id, StatusCode::OK, None).await
}

pub async fn set_status(
    ctx: PageContext,
    State(pool): State<PgPool>,
    user: CurrentUser,
    PagePath((id, step)): PagePath<(i64, i64)>,
    Form(form): Form<StatusForm>,
) -> Result<Response> {
    let (report, step) = (ReportId(id), StepId(step));
    let mut errors = FieldErrors::default();
    let status = StepStatus::parse(form.status.trim());
    if status.is_none() {
        errors.add("status", "followup-error-status");
    }
    let date = iso_date(&form.date);
    if date.is_none() {
        errors.add("date", "followup-error-date");
    }
    let comment = bounded(&mut errors, "comment", &form.comment, 1000);
    let mut conn = pool.acquire().await?;
    let (Some(status), Some(date), true) = (status, date, errors.is_empty()) else {
        let refused = Some((step, form, errors, None));
        return show(
            ctx,
            &mut conn,
            &user,
            report,
            StatusCode::UNPROCESSABLE_ENTITY,
            refused,
        )
        .await;
    };
    let seen: i64 = form.seen.trim().parse().unwrap_or(-1);
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let recorded = match db::latest_status_id(&mut tx, report, step).await? {
        None => return Err(Error::NotFound),
        Some(latest) if latest != seen => false,
        Some(_) => {
            db::set_status(&mut tx, &user.actor(), report, step, status, date, &comment).await?
        }
    };
    if recorded {
        tx.commit().await?;
        return Ok(Redirect::to(&format!("/rapports/{report}/suivi#etape-{step}")).into_response());
    }
    drop(tx);
    let refused = Some((
        step,
        form,
        FieldErrors::default(),
        Some("followup-conflict"),
    ));
    show(ctx, &mut conn, &user, report, StatusCode::CONFLICT, refused).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Text;
    use crate::vocabulary::ChantierId;
    use time::macros::{date, datetime};

    fn chantier(id: i64, end_month: i16, steps: &[i64]) -> crate::roadmap::model::ChantierPart {
        crate::roadmap::model::ChantierPart {
            id: ChantierId(id),
            title: String::new(),
            objective: String::new(),
            elu: String::new(),
            pilot: String::new(),
            partners: Vec::new(),
            start_month: 1,
            end_month,
            milestones: String::new(),
            budget_min_keur: 0,
            budget_max_keur: 0,
            etp: 0.0,
            derived_min_keur: 0,
            derived_max_keur: 0,
            derived_etp: 0.0,
            funding: Vec::new(),
            followed: Vec::new(),
            steps: steps
                .iter()
                .map(|s| crate::roadmap::model::StepPart {
                    id: StepId(*s),
                    criterion: None,
                    name: None,
                    from_level: None,
                    text: Text::new(String::new(), String::new()),
                    horizon: None,
                    cost: None,
                })
                .collect(),
        }
    }

    fn status(step: i64, status: StepStatus, at: time::OffsetDateTime) -> StatusRow {
        StatusRow {
            step_status_id: step,
            step_id: StepId(step),
            status,
            status_date: at.date(),
            comment: String::new(),
            author: None,
            created_at: at,
        }
    }

    #[test]
    fn the_summary_counts_steps_by_status_and_the_late_ones() {
        let roadmap = RoadmapPart {
            governance: String::new(),
            chantiers: vec![chantier(1, 6, &[1, 2, 3]), chantier(2, 24, &[4, 5])],
            size_factor: 1.0,
        };
        let statuses = [
            status(1, StepStatus::Fait, datetime!(2026-03-02 10:00 UTC)),
            status(2, StepStatus::EnCours, datetime!(2026-05-20 10:00 UTC)),
            status(4, StepStatus::Abandonne, datetime!(2026-04-01 10:00 UTC)),
        ];
        // Round in January 2026: month 6 is June 2026. In September, chantier 1 is over.
        let s = summary(
            &roadmap,
            &statuses,
            date!(2026 - 01 - 15),
            date!(2026 - 09 - 01),
        );
        assert_eq!(
            (s.total, s.done, s.started, s.to_start, s.dropped, s.late),
            (5, 1, 1, 2, 1, 2)
        );
        assert_eq!(s.last_update, Some(date!(2026 - 05 - 20)));
        // In June, nothing is late yet.
        let june = summary(
            &roadmap,
            &statuses,
            date!(2026 - 01 - 15),
            date!(2026 - 06 - 30),
        );
        assert_eq!(june.late, 0);
        let none = summary(&roadmap, &[], date!(2026 - 01 - 15), date!(2026 - 02 - 01));
        assert_eq!((none.to_start, none.last_update), (5, None));
    }
}
