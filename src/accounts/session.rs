//! Sessions stored in PostgreSQL, shared by every app instance. The cookie carries a random
//! 256-bit token; the table keeps only its SHA-256. A session ends after [`IDLE`] without a
//! request, after [`ABSOLUTE`] in any case, at sign-out, and when its user is disabled. Signing
//! in always creates a new token (the id rotates; a planted cookie is never adopted). The
//! `authenticate` middleware turns a valid cookie into a [`CurrentUser`] for the request; each
//! instance remembers the users it found for [`Config::session_cache_ms`] at most, under the
//! accounts' generation ([`crate::cache`]): a sign-out or a disabled account takes effect at
//! once on the instance that did it, and within that bound on the others.
//!
//! [`Config::session_cache_ms`]: crate::Config::session_cache_ms

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use sqlx::{PgExecutor, PgPool};
use time::Duration;

use crate::AppState;
pub use crate::auth::CurrentUser;
use crate::cache::{Cache, Generations, Topic};
use crate::vocabulary::{Role, UserId};
use crate::web::{cookie, set_cookie};

/// Name of the session cookie.
pub const COOKIE: &str = "territoires_session";
/// A session unused for this long ends.
pub const IDLE: Duration = Duration::hours(2);
/// A session ends this long after sign-in, however active.
pub const ABSOLUTE: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often per session (not at every request).
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// A new random token for the cookie (64 hex digits).
fn new_token() -> String {
    super::random_bytes::<32>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Starts a session for `user_id`; returns the cookie token.
pub async fn start(db: impl PgExecutor<'_>, user_id: UserId) -> Result<String, sqlx::Error> {
    let token = new_token();
    sqlx::query!(
        "insert into user_session (token_hash, user_id, expires_at)
         values ($1, $2, now() + make_interval(secs => $3))",
        hash(&token),
        user_id.0,
        ABSOLUTE.whole_seconds() as f64
    )
    .execute(db)
    .await?;
    Ok(token)
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    user_id: UserId,
    email: String,
    display_name: String,
    role: Role,
    must_change_password: bool,
    stale: bool,
}

/// The users of sessions this instance read lately, by token hash, under the accounts'
/// generation (a sign-out, a disabled account, a changed role or territory end them) and for
/// the bound at most (the idle deadline).
pub struct SessionCache {
    users: Cache<Vec<u8>, CurrentUser>,
    generations: Arc<Generations>,
}

/// Sessions remembered per instance at most.
const CACHED_SESSIONS: usize = 10_000;

impl SessionCache {
    /// Remembers users for `keep` at most (zero: never).
    pub fn new(keep: std::time::Duration, generations: Arc<Generations>) -> Self {
        Self {
            users: Cache::new(CACHED_SESSIONS).with_max_age(keep),
            generations,
        }
    }
}

/// The user of a live session: from this instance's memory when read lately, else from the
/// database (refreshing the session's idle deadline now and then).
pub async fn find(
    pool: &PgPool,
    cache: &SessionCache,
    token: &str,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    let token_hash = hash(token);
    let generation = cache.generations.of(pool, &[Topic::Accounts]).await?;
    cache
        .users
        .get_or_load(generation, token_hash.clone(), read(pool, token_hash))
        .await
}

/// The user of a live session, from the database.
async fn read(pool: &PgPool, token_hash: Vec<u8>) -> Result<Option<CurrentUser>, sqlx::Error> {
    let row: Option<SessionRow> = sqlx::query_as!(
        SessionRow,
        r#"select u.user_id, u.email, u.display_name, u.role as "role: Role",
                  u.must_change_password,
                  s.last_seen_at < now() - make_interval(secs => $3) as "stale!"
             from user_session s join app_user u using (user_id)
            where s.token_hash = $1
              and s.expires_at > now()
              and s.last_seen_at > now() - make_interval(secs => $2)
              and u.disabled_at is null"#,
        &token_hash,
        IDLE.whole_seconds() as f64,
        TOUCH_EVERY.whole_seconds() as f64
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    if row.stale {
        sqlx::query!(
            "update user_session set last_seen_at = now() where token_hash = $1",
            &token_hash
        )
        .execute(pool)
        .await?;
    }
    Ok(Some(CurrentUser {
        user_id: row.user_id,
        email: row.email,
        display_name: row.display_name,
        role: row.role,
        must_change_password: row.must_change_password,
        token_hash,
    }))
}

/// Ends one session (sign-out).
pub async fn end(db: impl PgExecutor<'_>, token_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from user_session where token_hash = $1", token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every session of `user_id` (disabled account, password changed), also deleting
/// sessions that have expired anyway.
pub async fn end_all(db: impl PgExecutor<'_>, user_id: UserId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from user_session where user_id = $1 or expires_at < now()",
        user_id.0
    )
    .execute(db)
    .await?;
    Ok(())
}

/// How long sign-in attempts are kept (the limits look back 15 minutes; the rest is history
/// for investigating an attack).
pub const ATTEMPTS_KEPT: Duration = Duration::days(30);
/// How often a running instance purges ended sessions and old attempts.
pub const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Deletes sessions that have ended (idle or absolute lifetime) and sign-in attempts older
/// than [`ATTEMPTS_KEPT`]; returns how many rows went. Safe to run from every instance.
pub async fn purge(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let sessions = sqlx::query!(
        "delete from user_session
          where expires_at < now() or last_seen_at < now() - make_interval(secs => $1)",
        IDLE.whole_seconds() as f64
    )
    .execute(pool)
    .await?
    .rows_affected();
    let attempts = sqlx::query!(
        "delete from sign_in_attempt where attempted_at < now() - make_interval(secs => $1)",
        ATTEMPTS_KEPT.whole_seconds() as f64
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(sessions + attempts)
}

/// Purges every [`PURGE_EVERY`] for as long as the server runs.
pub async fn purge_periodically(pool: PgPool) {
    let mut ticks = tokio::time::interval(PURGE_EVERY);
    loop {
        ticks.tick().await;
        match purge(&pool).await {
            Ok(0) => {}
            Ok(rows) => tracing::info!(rows, "purged ended sessions and old sign-in attempts"),
            Err(error) => tracing::warn!("cannot purge sessions: {error}"),
        }
    }
}

/// The `Set-Cookie` value that holds `token`.
pub fn cookie_with(token: &str, secure: bool) -> HeaderValue {
    set_cookie(COOKIE, token, ABSOLUTE, secure)
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn cookie_cleared(secure: bool) -> HeaderValue {
    set_cookie(COOKIE, "", Duration::ZERO, secure)
}

/// Middleware: makes the signed-in user (if any) available to the request, and removes a
/// cookie whose session has ended. Static files skip it.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    // Static files are the same for everyone: no session lookup for them.
    if request.uri().path().starts_with("/static/") {
        return next.run(request).await;
    }
    let sent = cookie(request.headers(), COOKIE);
    let had_cookie = sent.is_some();
    let token = sent.filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()));
    let user = match &token {
        Some(token) => match find(&state.pool, &state.sessions, token).await {
            Ok(user) => user,
            Err(error) => {
                tracing::error!("cannot read the session: {error}");
                return crate::error::ErrorPage::Internal.response();
            }
        },
        None => None,
    };
    let signed_in = user.is_some();
    if let Some(user) = user {
        request.extensions_mut().insert(user);
    }
    let mut response = next.run(request).await;
    let sets_session = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(COOKIE.as_bytes()));
    if had_cookie && !signed_in && !sets_session {
        response.headers_mut().append(
            header::SET_COOKIE,
            cookie_cleared(state.config.secure_cookies),
        );
    }
    response
}
