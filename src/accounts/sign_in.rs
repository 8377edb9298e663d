//! Checking credentials at sign-in, with limits on attempts per account and per address kept in
//! PostgreSQL (so they hold across instances). Unknown emails, wrong passwords and disabled
//! accounts get the same answer after the same argon2 work, so the form does not tell which
//! emails have accounts.

use crate::vocabulary::UserId;
use std::net::IpAddr;
use std::sync::LazyLock;

use sqlx::PgPool;
use time::Duration;

use super::{MAX_EMAIL, password};
use crate::error::Result;

/// Failed attempts allowed per account within [`WINDOW`].
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed attempts allowed per address within [`WINDOW`] (an office may share one address).
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
/// The sliding window of the limits.
pub const WINDOW: Duration = Duration::minutes(15);

/// What a sign-in attempt comes to.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    SignedIn {
        user_id: UserId,
    },
    /// Wrong email or password, or a disabled account (one answer for all three).
    Refused,
    /// Too many failures lately for this account or this address; nothing was checked.
    TooManyAttempts,
}

/// A hash to verify against when the email is unknown, so that the answer takes as long.
static DECOY_HASH: LazyLock<String> =
    LazyLock::new(|| password_auth::generate_hash("decoy password for unknown emails"));

#[derive(sqlx::FromRow)]
struct Candidate {
    user_id: UserId,
    password_hash: String,
    disabled: bool,
}

/// An attempt recorded (as a failure) before its password is checked; see [`reserve`].
#[derive(Clone, Copy, Debug)]
pub struct Reservation(i64);

/// Records an attempt on `email` from `ip` before anything is checked, if the limits allow one
/// more; `None` when they do not. The count and the record are serialised per account and per
/// address (transaction-scoped advisory locks, always taken in that order), so parallel attempts
/// cannot all pass the count before any of them is recorded, on one instance or many. The
/// attempt counts as a failure until [`succeeded`] says otherwise.
pub async fn reserve(
    pool: &PgPool,
    email: &str,
    ip: Option<IpAddr>,
) -> Result<Option<Reservation>> {
    let email = lookup_key(email);
    let ip = ip.map(|ip| ip.to_string());
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended('sign-in account ' || lower($1), 0))",
        &email
    )
    .execute(&mut *tx)
    .await?;
    if let Some(ip) = &ip {
        sqlx::query!(
            "select pg_advisory_xact_lock(hashtextextended('sign-in address ' || $1, 0))",
            ip
        )
        .execute(&mut *tx)
        .await?;
    }
    let failures = sqlx::query!(
        r#"select count(*) filter (where lower(email) = lower($1)) as "account!",
                  count(*) filter (where ip = $2::text::inet) as "address!"
             from sign_in_attempt
            where not succeeded and attempted_at > now() - make_interval(secs => $3)
              and (lower(email) = lower($1) or ip = $2::text::inet)"#,
        &email,
        ip.as_deref(),
        WINDOW.whole_seconds() as f64
    )
    .fetch_one(&mut *tx)
    .await?;
    let (account_failures, address_failures) = (failures.account, failures.address);
    if account_failures >= MAX_FAILURES_PER_ACCOUNT || address_failures >= MAX_FAILURES_PER_ADDRESS
    {
        return Ok(None);
    }
    let id = sqlx::query_scalar!(
        "insert into sign_in_attempt (email, ip, succeeded) values ($1, $2::text::inet, false)
         returning sign_in_attempt_id",
        &email,
        ip.as_deref()
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(Reservation(id)))
}

/// The attempt turned out right: it no longer counts as a failure.
pub async fn succeeded(pool: &PgPool, reservation: Reservation) -> Result<()> {
    sqlx::query!(
        "update sign_in_attempt set succeeded = true where sign_in_attempt_id = $1",
        reservation.0
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The attempt was never checked (the server was too busy): it does not count.
pub async fn withdraw(pool: &PgPool, reservation: Reservation) -> Result<()> {
    sqlx::query!(
        "delete from sign_in_attempt where sign_in_attempt_id = $1",
        reservation.0
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The email as recorded and looked up: at most 200 characters, control characters (which no
/// account's email holds, and PostgreSQL refuses in text) shown as U+FFFD.
fn lookup_key(email: &str) -> String {
    email
        .trim()
        .chars()
        .take(MAX_EMAIL)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// Checks `password` against `hash` for a reserved attempt (which stays a failure until
/// [`succeeded`] is called); a refusal for being busy withdraws the reservation, since nothing
/// was checked.
pub async fn verify_reserved(
    pool: &PgPool,
    reservation: Reservation,
    password: &str,
    hash: String,
) -> Result<bool> {
    match password::verify(password.to_owned(), hash).await {
        Ok(matches) => Ok(matches),
        Err(error) => {
            withdraw(pool, reservation).await?;
            Err(error)
        }
    }
}

/// Checks `email`/`password` within the limits, recording the attempt.
pub async fn attempt(
    pool: &PgPool,
    email: &str,
    password: &str,
    ip: Option<IpAddr>,
) -> Result<Outcome> {
    let Some(reservation) = reserve(pool, email, ip).await? else {
        return Ok(Outcome::TooManyAttempts);
    };
    let candidate: Option<Candidate> = sqlx::query_as!(
        Candidate,
        r#"select user_id, password_hash, disabled_at is not null as "disabled!"
             from app_user where lower(email) = lower($1)"#,
        lookup_key(email)
    )
    .fetch_optional(pool)
    .await?;
    let hash = match &candidate {
        Some(c) => c.password_hash.clone(),
        // Computed at start-up (`prepare`), or else by the first use, off the async runtime.
        None => tokio::task::spawn_blocking(|| DECOY_HASH.clone())
            .await
            .map_err(anyhow::Error::from)?,
    };
    let matches = verify_reserved(pool, reservation, password, hash).await?;
    match candidate {
        Some(c) if matches && !c.disabled => {
            succeeded(pool, reservation).await?;
            Ok(Outcome::SignedIn { user_id: c.user_id })
        }
        _ => Ok(Outcome::Refused),
    }
}

/// Warms the decoy hash up (at start-up), so the first unknown email is not slower.
pub fn prepare() {
    LazyLock::force(&DECOY_HASH);
}
