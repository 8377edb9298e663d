//! The accounts pages: list, creation (which shows a one-time password once), and the edit
//! form with optimistic locking. Every change is in the audit log with before/after values;
//! disabling an account or issuing a new password ends its sessions at once.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use sqlx::PgPool;

use super::db::{self as admin_db, TerritoryChoice, UserRow, UserUpdate};
use crate::accounts::{Role, check_account, db, password};
use crate::auth::CurrentUser;
use crate::database;
use crate::error::{Error, Result};
use crate::vocabulary::{UserId, Version};
use crate::web::form::{FieldErrors, bounded};
use crate::web::{Id, PageContext, render, render_with_status};

/// Longest display name accepted.
const MAX_NAME: usize = 120;

// ---------------------------------------------------------------------------------------------
// List

#[derive(Template)]
#[template(path = "admin/users.html")]
struct ListPage {
    ctx: PageContext,
    users: Vec<UserRow>,
}

pub async fn list(ctx: PageContext, State(pool): State<PgPool>) -> Result<Response> {
    let users = admin_db::list_users(&pool).await?;
    render(&ListPage { ctx, users })
}

// ---------------------------------------------------------------------------------------------
// Create and edit

/// The account form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserForm {
    email: String,
    display_name: String,
    role: String,
    #[serde(rename = "territory")]
    territories: Vec<String>,
    /// "on" when the account may sign in (edit form).
    active: String,
    /// "on" to issue a new one-time password (edit form).
    reset_password: String,
    version: String,
}

impl UserForm {
    fn of(user: &UserRow) -> Self {
        Self {
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role.to_string(),
            territories: user.territories.iter().map(i64::to_string).collect(),
            active: if user.disabled_at.is_none() { "on" } else { "" }.to_owned(),
            reset_password: String::new(),
            version: user.version.to_string(),
        }
    }

    fn has_territory(&self, id: &i64) -> bool {
        self.territories.iter().any(|t| t.trim() == id.to_string())
    }

    fn active(&self) -> bool {
        !self.active.is_empty()
    }
}

/// What a valid form comes to.
struct Account {
    email: String,
    display_name: String,
    role: Role,
    territories: Vec<i64>,
}

fn validate(form: &UserForm, choices: &[TerritoryChoice]) -> Result<Account, FieldErrors> {
    let mut errors = FieldErrors::default();
    let email = form.email.trim().to_owned();
    let display_name = bounded(&mut errors, "display_name", &form.display_name, MAX_NAME);
    let role = Role::parse(form.role.trim());
    if role.is_none() {
        errors.add("role", "account-error-role");
    }
    let mut territories = Vec::new();
    for raw in &form.territories {
        match raw.trim().parse::<i64>() {
            Ok(id) if choices.iter().any(|c| c.territory_id == id) => territories.push(id),
            _ => errors.add("territory", "account-error-territory-unknown"),
        }
    }
    territories.sort_unstable();
    territories.dedup();
    check_account(
        &email,
        role.unwrap_or(Role::Consultant),
        &territories,
        &mut errors,
    );
    match role {
        Some(role) if errors.is_empty() => Ok(Account {
            email,
            display_name,
            role,
            territories,
        }),
        _ => Err(errors),
    }
}

#[derive(Template)]
#[template(path = "admin/user_form.html")]
struct FormPage {
    ctx: PageContext,
    form: UserForm,
    errors: FieldErrors,
    choices: Vec<TerritoryChoice>,
    /// The account being edited (None when creating).
    editing: Option<UserRow>,
    /// Set when the edit was based on an outdated version: what is stored now.
    conflict: Option<UserRow>,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.editing {
            Some(u) => format!("/admin/utilisateurs/{}", u.user_id),
            None => "/admin/utilisateurs".to_owned(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/user_created.html")]
struct PasswordIssuedPage {
    ctx: PageContext,
    user_id: UserId,
    email: String,
    one_time_password: String,
}

pub async fn new(ctx: PageContext, State(pool): State<PgPool>) -> Result<Response> {
    render(&FormPage {
        ctx,
        form: UserForm {
            role: "consultant".to_owned(),
            ..UserForm::default()
        },
        errors: FieldErrors::default(),
        choices: admin_db::territory_choices(&pool).await?,
        editing: None,
        conflict: None,
    })
}

pub async fn create(
    ctx: PageContext,
    State(pool): State<PgPool>,
    admin: CurrentUser,
    Form(form): Form<UserForm>,
) -> Result<Response> {
    let choices = admin_db::territory_choices(&pool).await?;
    let errors = match validate(&form, &choices) {
        Ok(account) => {
            let one_time = password::one_time();
            let hash = password::hash(one_time.clone()).await?;
            let mut tx = pool.begin().await?;
            let new = db::NewAccount {
                email: &account.email,
                display_name: &account.display_name,
                role: account.role,
                password_hash: &hash,
                must_change_password: true,
                territories: &account.territories,
            };
            match db::insert_user(&mut tx, &admin.actor(), &new).await {
                Ok(user_id) => {
                    tx.commit().await?;
                    let page = PasswordIssuedPage {
                        ctx,
                        user_id,
                        email: account.email,
                        one_time_password: one_time,
                    };
                    return render_with_status(StatusCode::CREATED, &page);
                }
                Err(e) if database::violates(&e, "app_user_email_key") => {
                    let mut errors = FieldErrors::default();
                    errors.add("email", "account-error-email-taken");
                    errors
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(errors) => errors,
    };
    let page = FormPage {
        ctx,
        form,
        errors,
        choices,
        editing: None,
        conflict: None,
    };
    render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

pub async fn edit(
    ctx: PageContext,
    State(pool): State<PgPool>,
    Id(id): Id<UserId>,
) -> Result<Response> {
    let user = admin_db::find_user(&pool, id)
        .await?
        .ok_or(Error::NotFound)?;
    render(&FormPage {
        ctx,
        form: UserForm::of(&user),
        errors: FieldErrors::default(),
        choices: admin_db::territory_choices(&pool).await?,
        editing: Some(user),
        conflict: None,
    })
}

pub async fn update(
    ctx: PageContext,
    State(pool): State<PgPool>,
    admin: CurrentUser,
    Id(id): Id<UserId>,
    Form(mut form): Form<UserForm>,
) -> Result<Response> {
    let user = admin_db::find_user(&pool, id)
        .await?
        .ok_or(Error::NotFound)?;
    // The email is the account's identity in the audit log: it does not change here.
    form.email = user.email.clone();
    let choices = admin_db::territory_choices(&pool).await?;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut conflict = None;
    let errors = match validate(&form, &choices) {
        Ok(account) if id == admin.user_id && (account.role != Role::Admin || !form.active()) => {
            let mut errors = FieldErrors::default();
            errors.add("role", "account-error-self-lockout");
            errors
        }
        Ok(account) => {
            let reset = !form.reset_password.is_empty();
            let one_time = password::one_time();
            let hash = if reset {
                Some(password::hash(one_time.clone()).await?)
            } else {
                None
            };
            let change = admin_db::UserChange {
                version: Version::from_form(&form.version).unwrap_or(Version(-1)),
                display_name: &account.display_name,
                role: account.role,
                active: form.active(),
                territories: &account.territories,
                password_hash: hash.as_deref(),
            };
            let outcome = admin_db::update_user(&pool, &admin.actor(), &user, &change).await?;
            match outcome {
                UserUpdate::Updated if reset => {
                    let page = PasswordIssuedPage {
                        ctx,
                        user_id: id,
                        email: user.email,
                        one_time_password: one_time,
                    };
                    return render(&page);
                }
                UserUpdate::Updated => {
                    return Ok(Redirect::to("/admin/utilisateurs").into_response());
                }
                UserUpdate::LastAdmin => {
                    let mut errors = FieldErrors::default();
                    errors.add("role", "account-error-last-admin");
                    let page = FormPage {
                        ctx,
                        form,
                        errors,
                        choices,
                        editing: Some(user),
                        conflict: None,
                    };
                    return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
                }
                UserUpdate::Stale => {}
            }
            // Someone saved in between: keep this input, show what is stored, and base the
            // next save on the current version.
            let current = admin_db::find_user(&pool, id)
                .await?
                .ok_or(Error::NotFound)?;
            form.version = current.version.to_string();
            conflict = Some(current);
            status = StatusCode::CONFLICT;
            FieldErrors::default()
        }
        Err(errors) => errors,
    };
    let page = FormPage {
        ctx,
        form,
        errors,
        choices,
        editing: Some(user),
        conflict,
    };
    render_with_status(status, &page)
}
