//! Accounts: users with a role (admin, consultant, élu), the territories an élu may read,
//! passwords (argon2id), sessions, and the audit log of who changed what. Routes: sign-in
//! (`/connexion`), sign-out (`/deconnexion`) and the password change (`/compte/mot-de-passe`).
//! `territoires user add` bootstraps the first administrator.

pub mod db;
pub mod password;
pub mod session;
pub mod setup;
pub mod sign_in;

use std::net::SocketAddr;

use askama::Template;
use axum::Extension;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, Query};
use serde::Deserialize;
use sqlx::PgPool;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::database;
use crate::error::Result;
use crate::i18n::{I18n, Lang};
use crate::web::access::{Access, PASSWORD_PAGE, Routes, local_path};
use crate::web::form::FieldErrors;
use crate::web::{PageContext, client_ip, render, render_with_status};

pub fn routes() -> Routes {
    Routes::new()
        .get("/connexion", Access::Anyone, sign_in_page)
        .post("/connexion", Access::Anyone, sign_in)
        .post("/deconnexion", Access::Anyone, sign_out)
        .get(PASSWORD_PAGE, Access::Account, password_page)
        .post(PASSWORD_PAGE, Access::Account, change_password)
        .get(setup::PATH, Access::Anyone, setup::page)
        .post(setup::PATH, Access::Anyone, setup::create)
}

/// `N` bytes from the operating system's random generator.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    bytes
}

// ---------------------------------------------------------------------------------------------
// Sign-in and sign-out

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SignInForm {
    email: String,
    password: String,
    next: String,
}

#[derive(Template)]
#[template(path = "accounts/sign_in.html")]
struct SignInPage {
    ctx: PageContext,
    email: String,
    next: String,
    /// An i18n key: why the last attempt failed.
    problem: Option<&'static str>,
    /// No account exists yet: the page says where the setup link is.
    no_account: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NextParam {
    next: String,
}

async fn sign_in_page(
    ctx: PageContext,
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Query(params): Query<NextParam>,
) -> Result<Response> {
    let next = local_path(&params.next).to_owned();
    if user.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    render(&SignInPage {
        ctx,
        email: String::new(),
        next,
        problem: None,
        // Without a database the page still renders, without the first-start notice.
        no_account: !state.accounts.check(&state.pool).await.unwrap_or(true),
    })
}

async fn sign_in(
    ctx: PageContext,
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    user: Option<CurrentUser>,
    Form(form): Form<SignInForm>,
) -> Result<Response> {
    let ip = client_ip(
        &state.config,
        &headers,
        peer.map(|Extension(ConnectInfo(p))| p),
    );
    let next = local_path(&form.next).to_owned();
    let (status, problem) = match sign_in::attempt(&state.pool, &form.email, &form.password, ip)
        .await?
    {
        sign_in::Outcome::SignedIn { user_id } => {
            let mut tx = state.pool.begin().await?;
            // The session the browser had (if any) ends: a new id at every sign-in.
            if let Some(previous) = &user {
                session::end(&mut *tx, previous.token_hash()).await?;
            }
            let token = session::start(&mut *tx, user_id).await?;
            tx.commit().await?;
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                session::cookie_with(&token, state.config.secure_cookies),
            );
            return Ok(response);
        }
        sign_in::Outcome::Refused => (StatusCode::UNPROCESSABLE_ENTITY, "sign-in-refused"),
        sign_in::Outcome::TooManyAttempts => (StatusCode::TOO_MANY_REQUESTS, "sign-in-too-many"),
    };
    let page = SignInPage {
        ctx,
        email: form.email.trim().chars().take(200).collect(),
        next,
        problem: Some(problem),
        no_account: !state.accounts.check(&state.pool).await?,
    };
    render_with_status(status, &page)
}

async fn sign_out(State(state): State<AppState>, user: Option<CurrentUser>) -> Result<Response> {
    if let Some(user) = user {
        session::end(&state.pool, user.token_hash()).await?;
    }
    let mut response = Redirect::to("/connexion").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        session::cookie_cleared(state.config.secure_cookies),
    );
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// Password change

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    confirmation: String,
}

#[derive(Template)]
#[template(path = "accounts/password.html")]
struct PasswordPage {
    ctx: PageContext,
    errors: FieldErrors,
    required: bool,
    done: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DoneParam {
    fait: String,
}

async fn password_page(
    ctx: PageContext,
    user: CurrentUser,
    Query(params): Query<DoneParam>,
) -> Result<Response> {
    render(&PasswordPage {
        ctx,
        errors: FieldErrors::default(),
        required: user.must_change_password,
        done: !params.fait.is_empty(),
    })
}

/// Changes the password after checking the current one; every session of the user ends and
/// this browser gets a new one.
async fn change_password(
    ctx: PageContext,
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    user: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    // Guesses of the current password count against the same limits as sign-in attempts.
    let ip = client_ip(
        &state.config,
        &headers,
        peer.map(|Extension(ConnectInfo(p))| p),
    );
    match sign_in::reserve(&state.pool, &user.email, ip).await? {
        None => {
            errors.add("current_password", "sign-in-too-many");
            status = StatusCode::TOO_MANY_REQUESTS;
        }
        Some(reservation) => {
            let stored = db::password_hash(&state.pool, user.user_id).await?;
            let current = form.current_password.as_str();
            if sign_in::verify_reserved(&state.pool, reservation, current, stored).await? {
                sign_in::succeeded(&state.pool, reservation).await?;
            } else {
                errors.add("current_password", "password-current-wrong");
            }
        }
    }
    if let Err(weakness) = password::check(&form.new_password) {
        errors.add("new_password", weakness.message_key());
    } else if form.new_password == form.current_password {
        errors.add("new_password", "password-unchanged");
    }
    if form.confirmation != form.new_password {
        errors.add("confirmation", "password-confirmation-differs");
    }
    if !errors.is_empty() {
        let page = PasswordPage {
            ctx,
            errors,
            required: user.must_change_password,
            done: false,
        };
        return render_with_status(status, &page);
    }
    let hash = password::hash(form.new_password).await?;
    let mut tx = state.pool.begin().await?;
    db::set_password(&mut *tx, user.user_id, &hash).await?;
    crate::audit::audit(
        &mut *tx,
        &user.actor(),
        "user.password_change",
        ("app_user", Some(user.user_id.0)),
        None,
        None,
    )
    .await?;
    session::end_all(&mut *tx, user.user_id).await?;
    let token = session::start(&mut *tx, user.user_id).await?;
    tx.commit().await?;
    let mut response = Redirect::to(&format!("{PASSWORD_PAGE}?fait=1")).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        session::cookie_with(&token, state.config.secure_cookies),
    );
    Ok(response)
}

pub use crate::vocabulary::{Role, UserId};

/// A new account as asked for on the command line.
#[derive(Debug)]
pub struct NewUser {
    pub email: String,
    pub role: Role,
    pub territories: Vec<i64>,
    /// The chosen password; `None` generates a one-time password to change at first sign-in.
    pub password: Option<String>,
}

/// The account created, and the one-time password to hand over when one was generated.
#[derive(Debug)]
pub struct Created {
    pub user_id: UserId,
    pub one_time_password: Option<String>,
}

/// Longest email accepted.
pub const MAX_EMAIL: usize = 200;

/// Checks an account's email, and that an élu follows at least one territory; messages are
/// i18n keys against the fields `email` and `territory`.
pub fn check_account(email: &str, role: Role, territories: &[i64], errors: &mut FieldErrors) {
    let well_formed = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
    });
    if email.is_empty() {
        errors.add("email", "form-required");
    } else if !well_formed
        || email.contains(|c: char| c.is_whitespace() || c.is_control())
        || email.len() > MAX_EMAIL
    {
        errors.add("email", "account-error-email");
    }
    if role == Role::Elu && territories.is_empty() {
        errors.add("territory", "account-error-elu-territory");
    }
}

/// Creates an account after checking the email, the password policy, and that an élu has
/// territories that exist. Errors are sentences for the command line.
pub async fn add_user(
    pool: &PgPool,
    new: NewUser,
    actor: &crate::audit::Actor,
) -> anyhow::Result<Created> {
    let email = new.email.trim().to_owned();
    let mut errors = FieldErrors::default();
    check_account(&email, new.role, &new.territories, &mut errors);
    if let Some((field, key)) = errors.all().first() {
        anyhow::bail!("--{field} : {}", I18n::new(Lang::Fr).t(key));
    }
    let known = db::existing_territories(pool, &new.territories).await?;
    anyhow::ensure!(
        known as usize == new.territories.len(),
        "territoire inconnu parmi {:?}",
        new.territories
    );
    let (password, one_time) = match new.password {
        Some(password) => {
            password::check(&password).map_err(|weakness| {
                anyhow::anyhow!(I18n::new(Lang::Fr).t(weakness.message_key()))
            })?;
            (password, None)
        }
        None => {
            let generated = password::one_time();
            (generated.clone(), Some(generated))
        }
    };
    let hash = password::hash(password).await?;
    let mut conn = pool.acquire().await?;
    let account = db::NewAccount {
        email: &email,
        display_name: "",
        role: new.role,
        password_hash: &hash,
        must_change_password: one_time.is_some(),
        territories: &new.territories,
    };
    let user_id = db::insert_user(&mut conn, actor, &account)
        .await
        .map_err(|e| {
            if database::violates(&e, "app_user_email_key") {
                anyhow::anyhow!("un compte existe déjà pour {email}")
            } else {
                e.into()
            }
        })?;
    Ok(Created {
        user_id,
        one_time_password: one_time,
    })
}
