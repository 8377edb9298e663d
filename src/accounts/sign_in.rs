//! Checking credentials at sign-in, with limits on attempts per account and per address kept in
//! PostgreSQL (so they hold across instances). Unknown emails, wrong passwords and disabled
//! accounts get the same answer after the same argon2 work, so the form does not tell which
//! emails have accounts.

use std::net::IpAddr;
use std::sync::LazyLock;

use sqlx::PgPool;
use time::Duration;

use super::password;

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
        user_id: i64,
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
    user_id: i64,
    password_hash: String,
    disabled: bool,
}

/// Checks `email`/`password`, recording the attempt.
pub async fn attempt(
    pool: &PgPool,
    email: &str,
    password: &str,
    ip: Option<IpAddr>,
) -> anyhow::Result<Outcome> {
    let email = email.trim();
    let ip = ip.map(|ip| ip.to_string());
    let (account_failures, address_failures): (i64, i64) = sqlx::query_as(
        "select count(*) filter (where lower(email) = lower($1)),
                count(*) filter (where ip = $2::inet)
           from sign_in_attempt
          where not succeeded and attempted_at > now() - make_interval(secs => $3)
            and (lower(email) = lower($1) or ip = $2::inet)",
    )
    .bind(email)
    .bind(&ip)
    .bind(WINDOW.whole_seconds() as f64)
    .fetch_one(pool)
    .await?;
    if account_failures >= MAX_FAILURES_PER_ACCOUNT || address_failures >= MAX_FAILURES_PER_ADDRESS
    {
        return Ok(Outcome::TooManyAttempts);
    }

    let candidate: Option<Candidate> = sqlx::query_as(
        "select user_id, password_hash, disabled_at is not null as disabled
           from app_user where lower(email) = lower($1)",
    )
    .bind(email)
    .fetch_optional(pool)
    .await?;
    let hash = match &candidate {
        Some(c) => c.password_hash.clone(),
        // The first use computes the decoy: off the async runtime too.
        None => tokio::task::spawn_blocking(|| DECOY_HASH.clone()).await?,
    };
    let matches = password::verify(password.to_owned(), hash).await?;
    let outcome = match candidate {
        Some(c) if matches && !c.disabled => Outcome::SignedIn { user_id: c.user_id },
        _ => Outcome::Refused,
    };
    sqlx::query("insert into sign_in_attempt (email, ip, succeeded) values ($1, $2::inet, $3)")
        .bind(email.chars().take(200).collect::<String>())
        .bind(&ip)
        .bind(matches!(outcome, Outcome::SignedIn { .. }))
        .execute(pool)
        .await?;
    Ok(outcome)
}

/// Warms the decoy hash up (at start-up), so the first unknown email is not slower.
pub fn prepare() {
    LazyLock::force(&DECOY_HASH);
}
