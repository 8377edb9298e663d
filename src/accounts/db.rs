//! Account queries: creating users with their territories, and recording audit events.

use sqlx::{PgConnection, PgExecutor};

use crate::audit::{Actor, audit};
use crate::vocabulary::{Role, UserId};

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
) -> Result<UserId, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    let id: i64 = sqlx::query_scalar!(
        "insert into app_user (email, display_name, role, password_hash, must_change_password)
         values ($1, $2, $3, $4, $5) returning user_id",
        new.email,
        new.display_name,
        new.role.as_str(),
        new.password_hash,
        new.must_change_password
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into user_territory (user_id, territory_id) select $1, unnest($2::bigint[])",
        id,
        new.territories
    )
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
    Ok(UserId(id))
}

/// The stored password hash of an account.
pub async fn password_hash(
    db: impl PgExecutor<'_>,
    user_id: UserId,
) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!(
        "select password_hash from app_user where user_id = $1",
        user_id.0
    )
    .fetch_one(db)
    .await
}

/// Replaces an account's password (the user chose it: no change is pending any more).
pub async fn set_password(
    db: impl PgExecutor<'_>,
    user_id: UserId,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update app_user set password_hash = $2, must_change_password = false where user_id = $1",
        user_id.0,
        hash
    )
    .execute(db)
    .await?;
    Ok(())
}

/// How many of `ids` are territory profiles.
pub async fn existing_territories(
    db: impl PgExecutor<'_>,
    ids: &[i64],
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from territory where territory_id = any($1)"#,
        ids
    )
    .fetch_one(db)
    .await
}

/// Whether any account exists.
pub async fn any_account(db: impl PgExecutor<'_>) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"select exists (select 1 from app_user) as "exists!""#)
        .fetch_one(db)
        .await
}

/// Makes `token_hash` the only valid setup token.
pub async fn replace_setup_token(
    pool: &sqlx::PgPool,
    token_hash: &[u8],
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query!("delete from setup_token")
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into setup_token (token_hash) values ($1)",
        token_hash
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

pub async fn setup_token_exists(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from setup_token where token_hash = $1) as "exists!""#,
        token_hash
    )
    .fetch_one(db)
    .await
}

/// Uses up a setup token; `false` when it was not (or no longer) valid. Of two set-ups at
/// once, one takes the row and the other finds it gone.
pub async fn take_setup_token(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
) -> Result<bool, sqlx::Error> {
    let taken = sqlx::query!("delete from setup_token where token_hash = $1", token_hash)
        .execute(db)
        .await?;
    Ok(taken.rows_affected() == 1)
}
