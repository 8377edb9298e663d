//! Accounts: users with a role (admin, consultant, élu), the territories an élu may read,
//! passwords (argon2id) and the audit log of who changed what. `territoires user add`
//! bootstraps the first administrator.

pub mod db;
pub mod password;

use sqlx::PgPool;

/// What a user may do (DESIGN §3, roles table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    Admin,
    Consultant,
    Elu,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Consultant => "consultant",
            Role::Elu => "elu",
        }
    }
}

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
    pub user_id: i64,
    pub one_time_password: Option<String>,
}

/// Creates an account after checking the email, the password policy, and that an élu has
/// territories that exist. Errors are sentences for the command line.
pub async fn add_user(pool: &PgPool, new: NewUser, actor: &db::Actor) -> anyhow::Result<Created> {
    let email = new.email.trim().to_owned();
    anyhow::ensure!(
        email.contains('@') && !email.contains(char::is_whitespace) && email.len() <= 200,
        "« {email} » n'est pas une adresse de courriel valide"
    );
    anyhow::ensure!(
        new.role != Role::Elu || !new.territories.is_empty(),
        "un compte élu doit être rattaché à au moins un territoire (--territory ID)"
    );
    let known: i64 =
        sqlx::query_scalar("select count(*) from territory where territory_id = any($1)")
            .bind(&new.territories)
            .fetch_one(pool)
            .await?;
    anyhow::ensure!(
        known as usize == new.territories.len(),
        "territoire inconnu parmi {:?}",
        new.territories
    );
    let (password, one_time) = match new.password {
        Some(password) => {
            password::check(&password).map_err(|weakness| {
                anyhow::anyhow!(match weakness {
                    password::Weakness::TooShort => format!(
                        "mot de passe trop court ({} caractères au moins)",
                        password::MIN_LENGTH
                    ),
                    password::Weakness::TooCommon =>
                        "mot de passe trop courant : choisissez-en un autre".to_owned(),
                })
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
    let user_id = db::insert_user(
        &mut conn,
        actor,
        &email,
        new.role,
        &hash,
        one_time.is_some(),
        &new.territories,
    )
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.constraint() == Some("app_user_email_key") => {
            anyhow::anyhow!("un compte existe déjà pour {email}")
        }
        _ => e.into(),
    })?;
    Ok(Created {
        user_id,
        one_time_password: one_time,
    })
}
