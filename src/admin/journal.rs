//! The audit log page: every recorded change, newest first, filtered by actor, action, object
//! and period, 50 a page; each event shows only the fields that changed, before and after.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Query;
use serde::Deserialize;
use serde_json::Value;
use sqlx::PgPool;
use time::Date;

use super::db::{self, EventRow};
use crate::error::Result;
use crate::web::form::{FieldErrors, iso_date};
use crate::web::{PageContext, render, render_with_status, urlencode};

/// Events per page.
const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct JournalParams {
    actor: String,
    action: String,
    object: String,
    from: String,
    to: String,
    page: String,
}

impl EventRow {
    pub fn changes(&self) -> Vec<(String, String, String)> {
        changes(self.before.as_ref(), self.after.as_ref())
    }

    /// Where the object can be seen, if it has a page.
    pub fn object_link(&self) -> Option<String> {
        let id = self.object_id?;
        match self.object_type.as_str() {
            "territory" => Some(format!("/territoires/{id}")),
            "app_user" => Some(format!("/admin/utilisateurs/{id}")),
            "assessment" => Some(format!("/evaluations/{id}")),
            _ => None,
        }
    }

    pub fn when(&self) -> String {
        let format =
            time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
        self.occurred_at
            .to_offset(time::UtcOffset::UTC)
            .format(&format)
            .unwrap_or_default()
    }
}

/// The fields whose values differ between `before` and `after` (JSON objects), as (field,
/// before, after) with values shown as text ("" for absent); a creation lists every field.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<(String, String, String)> {
    let empty = serde_json::Map::new();
    let before = before.and_then(Value::as_object).unwrap_or(&empty);
    let after = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
    fields.sort();
    fields.dedup();
    let text = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    fields
        .into_iter()
        .filter(|f| before.get(*f) != after.get(*f))
        .map(|f| (f.clone(), text(before.get(f)), text(after.get(f))))
        .collect()
}

#[derive(Template)]
#[template(path = "admin/journal.html")]
struct JournalPage {
    ctx: PageContext,
    params: JournalParams,
    events: Vec<EventRow>,
    actions: Vec<String>,
    objects: Vec<String>,
    page: i64,
    pages: i64,
    total: i64,
    errors: FieldErrors,
}

impl JournalPage {
    fn page_url(&self, page: i64) -> String {
        let p = &self.params;
        let mut query: Vec<String> = [
            ("actor", &p.actor),
            ("action", &p.action),
            ("object", &p.object),
            ("from", &p.from),
            ("to", &p.to),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v.trim())))
        .collect();
        query.push(format!("page={page}"));
        format!("/admin/journal?{}", query.join("&"))
    }
}

/// A date filter: `Ok(None)` when empty, an error when it is not a date of [`iso_date`]'s range.
fn date(value: &str) -> Result<Option<Date>, ()> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    iso_date(value).map(Some).ok_or(())
}

pub async fn list(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Query(params): Query<JournalParams>,
) -> Result<Response> {
    let page: i64 = params.page.trim().parse().unwrap_or(1).clamp(1, 100_000);
    fn text(v: &str) -> Option<&str> {
        Some(v.trim()).filter(|v| !v.is_empty())
    }
    let (actions, objects) = db::event_kinds(&pool).await?;
    let mut errors = FieldErrors::default();
    let (from, to) = (date(&params.from), date(&params.to));
    if from.is_err() {
        errors.add("from", "journal-error-date");
    }
    if to.is_err() {
        errors.add("to", "journal-error-date");
    }
    let (Ok(from), Ok(to)) = (from, to) else {
        // No list on a filter that cannot be read: the form comes back with its message.
        let page = JournalPage {
            ctx,
            params,
            events: Vec::new(),
            actions,
            objects,
            page: 1,
            pages: 0,
            total: 0,
            errors,
        };
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let filter = db::EventFilter {
        actor: text(&params.actor),
        action: text(&params.action),
        object: text(&params.object),
        from,
        to,
    };
    let events = db::events(&pool, &filter, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let total = events.first().map_or(0, |e| e.total);
    render(&JournalPage {
        ctx,
        params,
        events,
        actions,
        objects,
        page,
        pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
        total,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_are_listed() {
        let before = json!({ "role": "elu", "territories": [1, 2], "active": true });
        let after = json!({ "role": "consultant", "territories": [1, 2], "active": true });
        assert_eq!(
            changes(Some(&before), Some(&after)),
            vec![("role".into(), "elu".into(), "consultant".into())]
        );
        let created = changes(None, Some(&json!({ "name": "Lyon", "members": [3] })));
        assert_eq!(
            created,
            vec![
                ("members".into(), "".into(), "[3]".into()),
                ("name".into(), "".into(), "Lyon".into())
            ]
        );
    }
}
