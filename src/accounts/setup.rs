//! The first start: while no account exists, the server prints once in its log a one-time link
//! (`/installation?jeton=…`) where the first administrator chooses their email and password.
//! The token is kept hashed, is valid until used (or replaced by a later start's), and the page
//! answers 404 as soon as any account exists.

use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, Query};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sqlx::{PgExecutor, PgPool};

use super::db::{self, NewAccount};
use super::{Role, check_account, password, random_bytes, session};
use crate::AppState;
use crate::audit::Actor;
use crate::cache::{Cache, Generations, Topic};
use crate::error::{Error, Result};
use crate::web::form::{FieldErrors, bounded};
use crate::web::{PageContext, render, render_with_status};

/// The setup page's path.
pub const PATH: &str = "/installation";

/// Whether an account exists, kept under the accounts' generation (the sign-in page asks at
/// every view).
pub struct AccountsExist {
    known: Cache<(), bool>,
    generations: Arc<Generations>,
}

impl AccountsExist {
    pub fn new(generations: Arc<Generations>) -> Self {
        Self {
            known: Cache::new(1),
            generations,
        }
    }

    pub async fn check(&self, pool: &PgPool) -> Result<bool> {
        let generation = self.generations.of(pool, &[Topic::Accounts]).await?;
        let exist = self
            .known
            .get_or_load(generation, (), async { has_accounts(pool).await.map(Some) })
            .await?;
        Ok(exist.unwrap_or(false))
    }
}

/// Whether any account exists (the setup link is offered only when none does).
pub async fn has_accounts(db: impl PgExecutor<'_>) -> Result<bool> {
    Ok(db::any_account(db).await?)
}

/// When no account exists, makes a new setup token (the only valid one) and returns the link
/// to print, built on `addr` (the loopback address when the server listens on every interface).
pub async fn offer(pool: &PgPool, addr: SocketAddr) -> Result<Option<String>> {
    if has_accounts(pool).await? {
        return Ok(None);
    }
    let token: String = random_bytes::<32>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    db::replace_setup_token(pool, &hash(&token)).await?;
    let host = if addr.ip().is_unspecified() {
        SocketAddr::new([127, 0, 0, 1].into(), addr.port())
    } else {
        addr
    };
    Ok(Some(format!("http://{host}{PATH}?jeton={token}")))
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether `token` is the valid setup token and no account exists yet.
async fn usable(db: &mut sqlx::PgConnection, token: &str) -> Result<bool> {
    if token.is_empty() || has_accounts(&mut *db).await? {
        return Ok(false);
    }
    Ok(db::setup_token_exists(&mut *db, &hash(token)).await?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SetupForm {
    jeton: String,
    email: String,
    display_name: String,
    password: String,
    confirmation: String,
}

#[derive(Template)]
#[template(path = "accounts/setup.html")]
struct SetupPage {
    ctx: PageContext,
    form: SetupForm,
    errors: FieldErrors,
}

impl SetupPage {
    /// (name, label key, input type, autocomplete, value) of each field; passwords are never
    /// sent back.
    fn fields(&self) -> [(&'static str, &'static str, &'static str, &'static str, &str); 4] {
        [
            (
                "email",
                "sign-in-email",
                "email",
                "username",
                &self.form.email,
            ),
            (
                "display_name",
                "users-col-name",
                "text",
                "name",
                &self.form.display_name,
            ),
            (
                "password",
                "sign-in-password",
                "password",
                "new-password",
                "",
            ),
            (
                "confirmation",
                "password-confirmation",
                "password",
                "new-password",
                "",
            ),
        ]
    }
}

pub async fn page(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Query(form): Query<SetupForm>,
) -> Result<Response> {
    if !usable(&mut *pool.acquire().await?, form.jeton.trim()).await? {
        return Err(Error::NotFound);
    }
    render(&SetupPage {
        ctx,
        form: SetupForm {
            jeton: form.jeton.trim().to_owned(),
            ..SetupForm::default()
        },
        errors: FieldErrors::default(),
    })
}

/// Creates the first administrator, uses up the token, and signs the new administrator in.
pub async fn create(
    ctx: PageContext,
    State(state): State<AppState>,
    Form(mut form): Form<SetupForm>,
) -> Result<Response> {
    form.jeton = form.jeton.trim().to_owned();
    if !usable(&mut *state.pool.acquire().await?, &form.jeton).await? {
        return Err(Error::NotFound);
    }
    let mut errors = FieldErrors::default();
    let email = form.email.trim().to_owned();
    check_account(&email, Role::Admin, &[], &mut errors);
    let display_name = bounded(&mut errors, "display_name", &form.display_name, 200);
    if let Err(weakness) = password::check(&form.password) {
        errors.add("password", weakness.message_key());
    }
    if form.confirmation != form.password {
        errors.add("confirmation", "password-confirmation-differs");
    }
    if !errors.is_empty() {
        form.password.clear();
        form.confirmation.clear();
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage { ctx, form, errors },
        );
    }
    let password_hash = password::hash(form.password.clone()).await?;
    let mut tx = state.pool.begin().await?;
    // Two set-ups at once: the token row is taken by one, the other finds it gone.
    let taken = db::take_setup_token(&mut *tx, &hash(&form.jeton)).await?;
    if !taken || has_accounts(&mut *tx).await? {
        return Err(Error::NotFound);
    }
    let account = NewAccount {
        email: &email,
        display_name: &display_name,
        role: Role::Admin,
        password_hash: &password_hash,
        must_change_password: false,
        territories: &[],
    };
    let actor = Actor {
        user_id: None,
        label: "installation".to_owned(),
    };
    let user_id = db::insert_user(&mut tx, &actor, &account).await?;
    let token = session::start(&mut *tx, user_id).await?;
    tx.commit().await?;
    tracing::info!("first administrator created: {email}");
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        session::cookie_with(&token, state.config.secure_cookies),
    );
    Ok(response)
}
