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

/// Inserts a user and their territories in one transaction, with its audit event; returns its
/// id. A second account with the same email (any case) violates `app_user_email_key`.
pub async fn insert_user(
    conn: &mut PgConnection,
    actor: &Actor,
    email: &str,
    role: Role,
    password_hash: &str,
    must_change_password: bool,
    territories: &[i64],
) -> Result<i64, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    let id: i64 = sqlx::query_scalar(
        "insert into app_user (email, role, password_hash, must_change_password)
         values ($1, $2, $3, $4) returning user_id",
    )
    .bind(email)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(must_change_password)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "insert into user_territory (user_id, territory_id) select $1, unnest($2::bigint[])",
    )
    .bind(id)
    .bind(territories)
    .execute(&mut *tx)
    .await?;
    let after =
        serde_json::json!({ "email": email, "role": role.as_str(), "territories": territories });
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
