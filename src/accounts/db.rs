//! Account queries: creating users with their territories, and recording audit events.

use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};

use super::Role;

/// Who acted, for the audit log: a signed-in user, or the command line.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
}

impl Actor {
    pub fn command_line() -> Self {
        Self {
            user_id: None,
            label: "ligne de commande".to_owned(),
        }
    }
}

/// Records one audit event: `before`/`after` hold the changed fields (never secrets).
pub async fn audit(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    action: &str,
    object: (&str, Option<i64>),
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into audit_event (actor_user_id, actor_label, action, object_type, object_id, before, after)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(action)
    .bind(object.0)
    .bind(object.1)
    .bind(before)
    .bind(after)
    .execute(db)
    .await?;
    Ok(())
}

/// A new account, its password already hashed.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub territories: &'a [i64],
}

/// Inserts a user and their territories in one transaction, with its audit event; returns its
/// id. A second account with the same email (any case) violates `app_user_email_key`.
pub async fn insert_user(
    conn: &mut PgConnection,
    actor: &Actor,
    new: &NewAccount<'_>,
) -> Result<i64, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    let id: i64 = sqlx::query_scalar(
        "insert into app_user (email, display_name, role, password_hash, must_change_password)
         values ($1, $2, $3, $4, $5) returning user_id",
    )
    .bind(new.email)
    .bind(new.display_name)
    .bind(new.role.as_str())
    .bind(new.password_hash)
    .bind(new.must_change_password)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "insert into user_territory (user_id, territory_id) select $1, unnest($2::bigint[])",
    )
    .bind(id)
    .bind(new.territories)
    .execute(&mut *tx)
    .await?;
    let after = serde_json::json!({
        "email": new.email,
        "display_name": new.display_name,
        "role": new.role.as_str(),
        "territories": new.territories,
    });
    audit(
        &mut *tx,
        actor,
        "user.create",
        ("app_user", Some(id)),
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
