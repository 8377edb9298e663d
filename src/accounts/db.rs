//! Account queries: creating users with their territories, and recording audit events.

use sqlx::PgConnection;

use crate::audit::{Actor, audit};
use crate::vocabulary::Role;

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
