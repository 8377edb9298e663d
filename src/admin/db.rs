//! Administration queries: accounts as the administrator sees them (with their territories and
//! last sign-in), the version-checked edit of an account that never leaves the installation
//! without an active administrator, and the audit log with its filters.

use serde_json::{Value, json};
use sqlx::{PgExecutor, PgPool};
use time::{Date, OffsetDateTime};

use crate::accounts::session;
use crate::audit::{Actor, audit};
use crate::vocabulary::{Role, UserId, Version};

#[derive(Debug)]
pub struct UserRow {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub disabled_at: Option<OffsetDateTime>,
    pub must_change_password: bool,
    pub version: Version,
    pub territories: Vec<i64>,
    pub territory_names: Vec<String>,
    pub last_sign_in: Option<OffsetDateTime>,
}

/// One account.
pub async fn find_user(
    db: impl PgExecutor<'_>,
    id: UserId,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"select u.user_id, u.email, u.display_name, u.role as "role: Role", u.disabled_at,
                  u.must_change_password, u.version,
                  array(select territory_id from user_territory ut where ut.user_id = u.user_id
                        order by territory_id) as "territories!",
                  array(select t.name from user_territory ut join territory t using (territory_id)
                        where ut.user_id = u.user_id order by t.name) as "territory_names!",
                  (select max(attempted_at) from sign_in_attempt a
                    where lower(a.email) = lower(u.email) and a.succeeded) as last_sign_in
             from app_user u where user_id = $1"#,
        id.0
    )
    .fetch_optional(db)
    .await
}

/// Every account, active ones first, by email.
pub async fn list_users(db: impl PgExecutor<'_>) -> Result<Vec<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"select u.user_id, u.email, u.display_name, u.role as "role: Role", u.disabled_at,
                  u.must_change_password, u.version,
                  array(select territory_id from user_territory ut where ut.user_id = u.user_id
                        order by territory_id) as "territories!",
                  array(select t.name from user_territory ut join territory t using (territory_id)
                        where ut.user_id = u.user_id order by t.name) as "territory_names!",
                  (select max(attempted_at) from sign_in_attempt a
                    where lower(a.email) = lower(u.email) and a.succeeded) as last_sign_in
             from app_user u order by u.disabled_at is not null, lower(u.email)"#
    )
    .fetch_all(db)
    .await
}

/// A territory profile an élu can be linked to.
#[derive(Debug)]
pub struct TerritoryChoice {
    pub territory_id: i64,
    pub name: String,
}

pub async fn territory_choices(
    db: impl PgExecutor<'_>,
) -> Result<Vec<TerritoryChoice>, sqlx::Error> {
    sqlx::query_as!(
        TerritoryChoice,
        "select territory_id, name from territory order by name, territory_id"
    )
    .fetch_all(db)
    .await
}

/// An edit of an account, validated.
pub struct UserChange<'a> {
    /// The version the edit was based on.
    pub version: Version,
    pub display_name: &'a str,
    pub role: Role,
    pub active: bool,
    pub territories: &'a [i64],
    /// A new one-time password's hash, when one is issued.
    pub password_hash: Option<&'a str>,
}

/// What an account edit came to.
#[derive(Debug, PartialEq, Eq)]
pub enum UserUpdate {
    Updated,
    /// Someone saved the account since `version`: nothing was written.
    Stale,
    /// It would have left no active administrator: nothing was written.
    LastAdmin,
}

/// Applies `change` to `before`'s account if it is still at the version the edit was based
/// on, with its audit event; the sessions of a disabled account, or of one given a new
/// password, end. Edits that may remove an administrator are serialised and the count checked
/// after the write, so two admins demoting each other at once cannot leave none.
pub async fn update_user(
    pool: &PgPool,
    actor: &Actor,
    before: &UserRow,
    change: &UserChange<'_>,
) -> Result<UserUpdate, sqlx::Error> {
    let id = before.user_id.0;
    let mut tx = pool.begin().await?;
    sqlx::query!("select pg_advisory_xact_lock(hashtextextended('active administrators', 0))")
        .execute(&mut *tx)
        .await?;
    let updated = sqlx::query!(
        "update app_user
            set display_name = $3, role = $4,
                disabled_at = case when $5 then null else coalesce(disabled_at, now()) end,
                password_hash = coalesce($6, password_hash),
                must_change_password = must_change_password or $6 is not null,
                version = version + 1
          where user_id = $1 and version = $2",
        id,
        change.version.0,
        change.display_name,
        change.role.as_str(),
        change.active,
        change.password_hash
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !updated {
        return Ok(UserUpdate::Stale);
    }
    let admins_left = sqlx::query_scalar!(
        r#"select count(*) as "count!" from app_user where role = 'admin' and disabled_at is null"#
    )
    .fetch_one(&mut *tx)
    .await?;
    if admins_left == 0 {
        return Ok(UserUpdate::LastAdmin);
    }
    sqlx::query!("delete from user_territory where user_id = $1", id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into user_territory (user_id, territory_id) select $1, unnest($2::bigint[])",
        id,
        change.territories
    )
    .execute(&mut *tx)
    .await?;
    let old = json!({
        "display_name": before.display_name,
        "role": before.role,
        "territories": before.territories,
        "active": before.disabled_at.is_none(),
    });
    let mut new = json!({
        "display_name": change.display_name,
        "role": change.role,
        "territories": change.territories,
        "active": change.active,
    });
    if change.password_hash.is_some() {
        new["password"] = json!("mot de passe à usage unique émis");
    }
    let action = match (before.disabled_at.is_none(), change.active) {
        (true, false) => "user.disable",
        (false, true) => "user.enable",
        _ => "user.update",
    };
    audit(
        &mut *tx,
        actor,
        action,
        ("app_user", Some(id)),
        Some(old),
        Some(new),
    )
    .await?;
    if change.password_hash.is_some() || !change.active {
        session::end_all(&mut *tx, before.user_id).await?;
    }
    tx.commit().await?;
    Ok(UserUpdate::Updated)
}

#[derive(Debug)]
pub struct EventRow {
    pub occurred_at: OffsetDateTime,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub total: i64,
}

/// The audit log's filters, read.
pub struct EventFilter<'a> {
    pub actor: Option<&'a str>,
    pub action: Option<&'a str>,
    pub object: Option<&'a str>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// One page of audit events matching `filter`, newest first, with the total count in each row.
pub async fn events(
    db: impl PgExecutor<'_>,
    filter: &EventFilter<'_>,
    page_size: i64,
    offset: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as!(
        EventRow,
        r#"select occurred_at, actor_label, action, object_type, object_id, before, after,
                  count(*) over () as "total!"
             from audit_event
            where ($1::text is null or actor_label ilike '%' || $1 || '%')
              and ($2::text is null or action = $2)
              and ($3::text is null or object_type = $3)
              and ($4::date is null or occurred_at >= $4::date)
              and ($5::date is null or occurred_at < $5::date + 1)
            order by occurred_at desc, audit_event_id desc
            limit $6 offset $7"#,
        filter.actor,
        filter.action,
        filter.object,
        filter.from,
        filter.to,
        page_size,
        offset
    )
    .fetch_all(db)
    .await
}

/// The actions and object types the log holds (for its filters).
pub async fn event_kinds(pool: &PgPool) -> Result<(Vec<String>, Vec<String>), sqlx::Error> {
    let actions = sqlx::query_scalar!("select distinct action from audit_event order by 1")
        .fetch_all(pool)
        .await?;
    let objects = sqlx::query_scalar!("select distinct object_type from audit_event order by 1")
        .fetch_all(pool)
        .await?;
    Ok((actions, objects))
}
