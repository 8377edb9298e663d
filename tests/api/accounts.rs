//! Accounts created from the command line's code path: argon2id hashes, élus tied to
//! territories, the password policy, unique emails, one-time passwords, and the audit log.

use territoires::accounts::{self, NewUser, Role, password};
use territoires::audit::Actor;

use crate::support::TestApp;

fn new_user(email: &str, role: Role, territories: Vec<i64>, password: Option<&str>) -> NewUser {
    NewUser {
        email: email.into(),
        role,
        territories,
        password: password.map(str::to_owned),
    }
}

#[tokio::test]
async fn an_elu_account_is_hashed_tied_to_its_territories_and_audited() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let lyon = app.territory("69123").await;
    let created = accounts::add_user(
        &app.pool,
        new_user(
            "Elue@Lyon.fr",
            Role::Elu,
            vec![lyon],
            Some("cheval-agrafe-batterie"),
        ),
        &Actor::command_line(),
    )
    .await
    .unwrap();
    assert!(created.one_time_password.is_none());
    let (role, hash, must_change): (String, String, bool) = sqlx::query_as(
        "select role, password_hash, must_change_password from app_user where user_id = $1",
    )
    .bind(created.user_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(role, "elu");
    assert!(hash.starts_with("$argon2id$"));
    assert!(!must_change);
    assert!(
        password::verify("cheval-agrafe-batterie".into(), hash)
            .await
            .unwrap()
    );
    let territories: Vec<i64> =
        sqlx::query_scalar("select territory_id from user_territory where user_id = $1")
            .bind(created.user_id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(territories, vec![lyon]);
    let (action, after): (String, serde_json::Value) = sqlx::query_as(
        "select action, after from audit_event where object_type = 'app_user' and object_id = $1",
    )
    .bind(created.user_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(action, "user.create");
    assert_eq!(after["role"], "elu");
    assert!(
        !after.to_string().contains("argon2"),
        "no secret in the audit log"
    );
}

#[tokio::test]
async fn a_missing_password_gives_a_one_time_password_to_change() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let created = accounts::add_user(
        &app.pool,
        new_user("admin@cabinet.fr", Role::Admin, vec![], None),
        &Actor::command_line(),
    )
    .await
    .unwrap();
    let once = created
        .one_time_password
        .expect("a one-time password is printed");
    let (hash, must_change): (String, bool) = sqlx::query_as(
        "select password_hash, must_change_password from app_user where user_id = $1",
    )
    .bind(created.user_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(must_change);
    assert!(password::verify(once, hash).await.unwrap());
}

#[tokio::test]
async fn bad_accounts_are_refused_and_nothing_is_created() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let actor = Actor::command_line();
    accounts::add_user(
        &app.pool,
        new_user(
            "c@cabinet.fr",
            Role::Consultant,
            vec![],
            Some("cheval-agrafe-batterie"),
        ),
        &actor,
    )
    .await
    .unwrap();
    let cases = [
        (
            new_user(
                "C@CABINET.FR",
                Role::Consultant,
                vec![],
                Some("autre-phrase-longue"),
            ),
            "existe déjà",
        ),
        (
            new_user(
                "elu@ville.fr",
                Role::Elu,
                vec![],
                Some("cheval-agrafe-batterie"),
            ),
            "au moins un territoire",
        ),
        (
            new_user(
                "elu@ville.fr",
                Role::Elu,
                vec![987_654],
                Some("cheval-agrafe-batterie"),
            ),
            "territoire inconnu",
        ),
        (
            new_user("x@cabinet.fr", Role::Consultant, vec![], Some("court")),
            "au moins 12 caractères",
        ),
        (
            new_user(
                "x@cabinet.fr",
                Role::Consultant,
                vec![],
                Some("Motdepasse2024!"),
            ),
            "trop courant",
        ),
        (
            new_user(
                "pas un email",
                Role::Consultant,
                vec![],
                Some("cheval-agrafe-batterie"),
            ),
            "adresse de courriel",
        ),
    ];
    for (user, expected) in cases {
        let email = user.email.clone();
        let error = accounts::add_user(&app.pool, user, &actor)
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{email}: {error}");
    }
    let count: i64 = sqlx::query_scalar("select count(*) from app_user")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 2, "the signed-in consultant and c@cabinet.fr only");
}
