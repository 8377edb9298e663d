//! The accounts pages: list, creation (which shows a one-time password once), and the edit
//! form with optimistic locking. Every change is in the audit log with before/after values;
//! disabling an account or issuing a new password ends its sessions at once.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use serde_json::json;
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::accounts::session;
use crate::accounts::{Role, check_account, db, password};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::web::form::{FieldErrors, bounded};
use crate::web::{Id, PageContext, render, render_with_status};

/// Longest display name accepted.
const MAX_NAME: usize = 120;

#[derive(Debug, sqlx::FromRow)]
pub struct UserRow {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub disabled_at: Option<OffsetDateTime>,
    pub must_change_password: bool,
    pub version: i32,
    pub territories: Vec<i64>,
    pub territory_names: Vec<String>,
    pub last_sign_in: Option<OffsetDateTime>,
}

const USER_COLUMNS: &str = "u.user_id, u.email, u.display_name, u.role, u.disabled_at,
    u.must_change_password, u.version,
    array(select territory_id from user_territory ut where ut.user_id = u.user_id
          order by territory_id) as territories,
    array(select t.name from user_territory ut join territory t using (territory_id)
          where ut.user_id = u.user_id order by t.name) as territory_names,
    (select max(attempted_at) from sign_in_attempt a
      where lower(a.email) = lower(u.email) and a.succeeded) as last_sign_in";

async fn find(pool: &PgPool, id: i64) -> Result<Option<UserRow>> {
    Ok(sqlx::query_as(&format!(
        "select {USER_COLUMNS} from app_user u where user_id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// A territory profile an élu can be linked to.
#[derive(Debug, sqlx::FromRow)]
pub struct TerritoryChoice {
    pub territory_id: i64,
    pub name: String,
}

async fn territory_choices(pool: &PgPool) -> Result<Vec<TerritoryChoice>> {
    Ok(
        sqlx::query_as("select territory_id, name from territory order by name, territory_id")
            .fetch_all(pool)
            .await?,
    )
}

// ---------------------------------------------------------------------------------------------
// List

#[derive(Template)]
#[template(path = "admin/users.html")]
struct ListPage {
    ctx: PageContext,
    users: Vec<UserRow>,
}

pub async fn list(ctx: PageContext, State(pool): State<PgPool>) -> Result<Response> {
    let users = sqlx::query_as(&format!(
        "select {USER_COLUMNS} from app_user u order by u.disabled_at is not null, lower(u.email)"
    ))
    .fetch_all(&pool)
    .await?;
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
    user_id: i64,
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
        choices: territory_choices(&pool).await?,
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
    let choices = territory_choices(&pool).await?;
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
                Err(sqlx::Error::Database(e)) if e.constraint() == Some("app_user_email_key") => {
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

pub async fn edit(ctx: PageContext, State(pool): State<PgPool>, Id(id): Id) -> Result<Response> {
    let user = find(&pool, id).await?.ok_or(Error::NotFound)?;
    render(&FormPage {
        ctx,
        form: UserForm::of(&user),
        errors: FieldErrors::default(),
        choices: territory_choices(&pool).await?,
        editing: Some(user),
        conflict: None,
    })
}

pub async fn update(
    ctx: PageContext,
    State(pool): State<PgPool>,
    admin: CurrentUser,
    Id(id): Id,
    Form(mut form): Form<UserForm>,
) -> Result<Response> {
    let user = find(&pool, id).await?.ok_or(Error::NotFound)?;
    // The email is the account's identity in the audit log: it does not change here.
    form.email = user.email.clone();
    let choices = territory_choices(&pool).await?;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut conflict = None;
    let errors = match validate(&form, &choices) {
        Ok(account) if id == admin.user_id && (account.role != Role::Admin || !form.active()) => {
            let mut errors = FieldErrors::default();
            errors.add("role", "account-error-self-lockout");
            errors
        }
        Ok(account) => {
            let version: i32 = form.version.trim().parse().unwrap_or(0);
            let reset = !form.reset_password.is_empty();
            let one_time = password::one_time();
            let hash = if reset {
                Some(password::hash(one_time.clone()).await?)
            } else {
                None
            };
            let mut tx = pool.begin().await?;
            // Changes that may remove an administrator are serialised, and the count checked
            // after the write: two admins demoting each other at once cannot leave none.
            sqlx::query(
                "select pg_advisory_xact_lock(hashtextextended('active administrators', 0))",
            )
            .execute(&mut *tx)
            .await?;
            let updated = sqlx::query(
                "update app_user
                    set display_name = $3, role = $4,
                        disabled_at = case when $5 then null else coalesce(disabled_at, now()) end,
                        password_hash = coalesce($6, password_hash),
                        must_change_password = must_change_password or $6 is not null,
                        version = version + 1
                  where user_id = $1 and version = $2",
            )
            .bind(id)
            .bind(version)
            .bind(&account.display_name)
            .bind(account.role.as_str())
            .bind(form.active())
            .bind(&hash)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            let admins_left: i64 = sqlx::query_scalar(
                "select count(*) from app_user where role = 'admin' and disabled_at is null",
            )
            .fetch_one(&mut *tx)
            .await?;
            if updated && admins_left == 0 {
                drop(tx);
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
            if updated {
                sqlx::query("delete from user_territory where user_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "insert into user_territory (user_id, territory_id)
                     select $1, unnest($2::bigint[])",
                )
                .bind(id)
                .bind(&account.territories)
                .execute(&mut *tx)
                .await?;
                let before = json!({
                    "display_name": user.display_name,
                    "role": user.role,
                    "territories": user.territories,
                    "active": user.disabled_at.is_none(),
                });
                let mut after = json!({
                    "display_name": account.display_name,
                    "role": account.role.as_str(),
                    "territories": account.territories,
                    "active": form.active(),
                });
                if reset {
                    after["password"] = json!("mot de passe à usage unique émis");
                }
                let action = match (user.disabled_at.is_none(), form.active()) {
                    (true, false) => "user.disable",
                    (false, true) => "user.enable",
                    _ => "user.update",
                };
                crate::audit::audit(
                    &mut *tx,
                    &admin.actor(),
                    action,
                    ("app_user", Some(id)),
                    Some(before),
                    Some(after),
                )
                .await?;
                if reset || !form.active() {
                    session::end_all(&mut *tx, id).await?;
                }
                tx.commit().await?;
                if reset {
                    let page = PasswordIssuedPage {
                        ctx,
                        user_id: id,
                        email: user.email,
                        one_time_password: one_time,
                    };
                    return render(&page);
                }
                return Ok(Redirect::to("/admin/utilisateurs").into_response());
            }
            drop(tx);
            // Someone saved in between: keep this input, show what is stored, and base the
            // next save on the current version.
            let current = find(&pool, id).await?.ok_or(Error::NotFound)?;
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
