//! Sign-in, sessions and administration against a hostile user: session rotation, server-side
//! sign-out, idle and absolute lifetimes, disabled accounts, attempt limits, open redirects,
//! CSRF, sessions shared by two instances, password changes, and the accounts pages with their
//! audit trail.

use reqwest::StatusCode;
use territoires::Config;
use territoires::accounts::Role;

use crate::support::{Page, TestApp};

async fn user_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("select user_id from app_user where lower(email) = lower($1)")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn sessions_of(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from user_session join app_user using (user_id) where email = $1",
    )
    .bind(email)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn signing_in_sets_a_strict_cookie_and_a_new_id_every_time() {
    let app = TestApp::spawn().await;
    let (email, password) = app.create_user(Role::Consultant, &[]).await;
    let first = app.sign_in(&email, &password).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.header("location"), "/");
    let cookie = first.header("set-cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    let old = first.session_cookie().unwrap();
    assert_eq!(old.len(), 64);
    // The database keeps a hash, never the token itself.
    let stored: i64 = sqlx::query_scalar(
        "select count(*) from user_session where token_hash = sha256(convert_to($1, 'UTF8'))",
    )
    .bind(&old)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored, 1);
    let raw: i64 = sqlx::query_scalar(
        "select count(*) from user_session where encode(token_hash, 'hex') = $1",
    )
    .bind(&old)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(raw, 0);

    // Signing in again from the same browser rotates the id; the old one is dead.
    let second = app.sign_in(&email, &password).await;
    let new = second.session_cookie().unwrap();
    assert_ne!(new, old);
    assert_eq!(
        app.get_with_session("/", &old).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get_with_session("/", &new).await.status, StatusCode::OK);
    assert_eq!(sessions_of(&app, &email).await, 1);

    // A cookie planted before sign-in (session fixation) is never adopted.
    let planted = "ab".repeat(32);
    let victim = app.new_browser();
    let response = victim
        .client
        .post(victim.url("/connexion"))
        .header("cookie", format!("territoires_session={planted}"))
        .form(&[("email", email.as_str()), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    let issued = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!issued.contains(&planted), "{issued}");
    assert_eq!(
        app.get_with_session("/", &planted).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn cookies_are_secure_when_configured() {
    let config = Config {
        secure_cookies: true,
        ..Config::for_tests()
    };
    let app = TestApp::spawn_with(config).await;
    let (email, password) = app.create_user(Role::Consultant, &[]).await;
    let page = app.sign_in(&email, &password).await;
    assert!(page.header("set-cookie").contains("; Secure"));
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let (email, password) = app.create_user(Role::Consultant, &[]).await;
    let token = app
        .sign_in(&email, &password)
        .await
        .session_cookie()
        .unwrap();
    assert_eq!(app.get("/territoires").await.status, StatusCode::OK);
    let out = app.post_form("/deconnexion", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.header("location"), "/connexion");
    assert!(out.header("set-cookie").contains("Max-Age=0"));
    assert_eq!(sessions_of(&app, &email).await, 0);
    // Replaying the old cookie (kept by an attacker) is refused.
    let replay = app.get_with_session("/territoires", &token).await;
    assert_eq!(replay.status, StatusCode::SEE_OTHER);
    assert!(replay.header("location").starts_with("/connexion"));
}

/// Disables the consultant account `email` (at version 1) through the admin form, as `admin`;
/// returns its id.
async fn disable(app: &TestApp, admin: &TestApp, email: &str) -> i64 {
    let id = user_id(app, email).await;
    let saved = admin
        .post_form(
            &format!("/admin/utilisateurs/{id}"),
            &[
                ("role", "consultant"),
                ("version", "1"),
                ("display_name", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    id
}

/// Runs `update user_session set <assignment>` on the session of `token`.
async fn age_session(app: &TestApp, token: &str, assignment: &str) {
    sqlx::query(&format!(
        "update user_session set {assignment} where token_hash = sha256(convert_to($1, 'UTF8'))"
    ))
    .bind(token)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn sessions_end_after_the_idle_and_the_absolute_lifetimes() {
    let app = TestApp::spawn().await;
    let (email, password) = app.create_user(Role::Consultant, &[]).await;
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let page = app.new_browser().sign_in(&email, &password).await;
        tokens.push(page.session_cookie().unwrap());
    }
    let [idle, old, active] = <[String; 3]>::try_from(tokens).unwrap();
    age_session(
        &app,
        &idle,
        "last_seen_at = now() - interval '2 hours 1 minute'",
    )
    .await;
    age_session(&app, &old, "expires_at = now() - interval '1 second'").await;
    age_session(
        &app,
        &active,
        "last_seen_at = now() - interval '90 minutes'",
    )
    .await;

    assert_eq!(
        app.get_with_session("/", &idle).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get_with_session("/", &old).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get_with_session("/", &active).await.status,
        StatusCode::OK
    );
    // Use pushed the idle deadline back.
    let refreshed: bool = sqlx::query_scalar(
        "select last_seen_at > now() - interval '1 minute' from user_session
          where token_hash = sha256(convert_to($1, 'UTF8'))",
    )
    .bind(&active)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(refreshed);
    // A dead cookie is cleared.
    let dead = app.get_with_session("/", &old).await;
    assert!(dead.header("set-cookie").contains("Max-Age=0"));
}

#[tokio::test]
async fn disabled_users_cannot_sign_in_and_lose_their_sessions() {
    let app = TestApp::spawn().await;
    let (email, password) = app.create_user(Role::Consultant, &[]).await;
    let victim = app.new_browser();
    victim.sign_in(&email, &password).await;
    assert_eq!(victim.get("/territoires").await.status, StatusCode::OK);

    let admin = app.new_browser();
    admin.sign_in_as(Role::Admin, &[]).await;
    let form = admin
        .get(&format!(
            "/admin/utilisateurs/{}",
            user_id(&app, &email).await
        ))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let id = disable(&app, &admin, &email).await;
    assert_eq!(
        victim.get("/territoires").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(sessions_of(&app, &email).await, 0);

    let again = app.new_browser().sign_in(&email, &password).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .body
            .contains("Adresse de courriel ou mot de passe incorrect.")
    );
    assert!(again.session_cookie().is_none());
    let (action, before, after): (String, serde_json::Value, serde_json::Value) = sqlx::query_as(
        "select action, before, after from audit_event where object_type = 'app_user'
          and object_id = $1 order by audit_event_id desc limit 1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(action, "user.disable");
    assert_eq!(before["active"], true);
    assert_eq!(after["active"], false);
}

#[tokio::test]
async fn unknown_emails_and_wrong_passwords_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let (email, _) = app.create_user(Role::Consultant, &[]).await;
    let wrong = app.sign_in(&email, "mauvais-mot-de-passe").await;
    let unknown = app
        .sign_in("personne@exemple.fr", "mauvais-mot-de-passe")
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(
        wrong.body.replace(&email, "EMAIL"),
        unknown.body.replace("personne@exemple.fr", "EMAIL")
    );
    assert!(
        wrong.body.contains(&format!(r#"value="{email}""#)),
        "the email is kept"
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_then_the_address() {
    let app = TestApp::spawn().await;
    let (email, password) = app.create_user(Role::Consultant, &[]).await;
    for _ in 0..5 {
        let page = app.sign_in(&email, "mauvais-mot-de-passe").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let locked = app.sign_in(&email, &password).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        locked
            .body
            .contains("Trop de tentatives de connexion ont échoué")
    );
    assert!(locked.session_cookie().is_none());
    // The same email in other letter case is the same account.
    let upper = app.sign_in(&email.to_uppercase(), &password).await;
    assert_eq!(upper.status, StatusCode::TOO_MANY_REQUESTS);

    // Another account from the same address still works until the address's limit.
    let (other, other_password) = app.create_user(Role::Consultant, &[]).await;
    for n in 0..25 {
        let page = app
            .sign_in(&format!("inconnu{n}@exemple.fr"), "mauvais-mot-de-passe")
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let blocked = app.sign_in(&other, &other_password).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);

    // The window slides: once the failures are older than 15 minutes, sign-in works again.
    sqlx::query("update sign_in_attempt set attempted_at = now() - interval '16 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        app.sign_in(&email, &password).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn after_sign_in_users_come_back_to_local_pages_only() {
    let app = TestApp::spawn().await;
    let asked = app.get("/territoires?sort=population").await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let location = asked.header("location").to_owned();
    assert_eq!(
        location,
        "/connexion?next=%2Fterritoires%3Fsort%3Dpopulation"
    );
    let form = app.get(&location).await;
    assert_eq!(
        form.one(r#"input[name="next"]"#).attr("value"),
        Some("/territoires?sort=population"),
        "{}",
        form.body
    );
    let (email, password) = app.create_user(Role::Consultant, &[]).await;
    for (next, expected) in [
        (
            "/territoires?sort=population",
            "/territoires?sort=population",
        ),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ] {
        let page = app
            .new_browser()
            .post_form(
                "/connexion",
                &[("email", &email), ("password", &password), ("next", next)],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(page.header("location"), expected, "{next}");
    }
    let hostile = app.get("/connexion?next=https%3A%2F%2Fevil.example").await;
    assert_eq!(
        hostile.one(r#"input[name="next"]"#).attr("value"),
        Some("/")
    );
}

#[tokio::test]
async fn cross_site_requests_change_nothing() {
    let app = TestApp::spawn_as(Role::Admin).await;
    let forged = |path: &'static str, form: Vec<(&'static str, &'static str)>| {
        app.client
            .post(app.url(path))
            .header("Origin", "https://attaquant.example")
            .header("Sec-Fetch-Site", "cross-site")
            .form(&form)
            .send()
    };
    let created = forged(
        "/admin/utilisateurs",
        vec![("email", "intrus@exemple.fr"), ("role", "admin")],
    )
    .await
    .unwrap();
    assert_eq!(created.status(), StatusCode::FORBIDDEN);
    let out = forged("/deconnexion", vec![]).await.unwrap();
    assert_eq!(out.status(), StatusCode::FORBIDDEN);
    let count: i64 = sqlx::query_scalar("select count(*) from app_user")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    assert_eq!(
        app.get("/admin/utilisateurs").await.status,
        StatusCode::OK,
        "still signed in"
    );
}

#[tokio::test]
async fn a_disabled_user_loses_a_remembered_session_on_another_instance_within_the_bound() {
    let (first, second, keep) = two_instances_with_memory().await;
    let admin = first.new_browser();
    admin.sign_in_as(Role::Admin, &[]).await;
    let (email, password) = first.create_user(Role::Consultant, &[]).await;
    let token = first
        .sign_in(&email, &password)
        .await
        .session_cookie()
        .unwrap();
    // Both instances now remember the user.
    for app in [&first, &second] {
        assert_eq!(
            app.get_with_session("/territoires", &token).await.status,
            StatusCode::OK
        );
    }

    disable(&first, &admin, &email).await;
    let disabled = std::time::Instant::now();
    // The instance that disabled the account forgets the session at once.
    assert_eq!(
        first.get_with_session("/territoires", &token).await.status,
        StatusCode::SEE_OTHER
    );
    // The other one answers from memory for a while (the cache is in use)…
    assert_eq!(
        second.get_with_session("/territoires", &token).await.status,
        StatusCode::OK
    );
    // …and no longer than the bound.
    let change = (status_is(StatusCode::OK), status_is(StatusCode::SEE_OTHER));
    changes_within(&second, "/territoires", &token, change, (disabled, keep)).await;
}

/// Two instances on one database that remember what they read for 3 s (the session cache's
/// bound), and that bound.
async fn two_instances_with_memory() -> (TestApp, TestApp, std::time::Duration) {
    let keep = std::time::Duration::from_secs(3);
    let config = || Config {
        session_cache_ms: keep.as_millis() as u64,
        ..Config::for_tests()
    };
    let first = TestApp::spawn_with(config()).await;
    let second = first.second_instance_with(config()).await;
    (first, second, keep)
}

fn status_is(status: StatusCode) -> impl Fn(&Page) -> bool {
    move |page| page.status == status
}

/// Asks `app` for `path` with the session `token` until the page goes from what `change.0`
/// accepts to what `change.1` accepts, and fails if that takes longer than `bound.1` (+0.5 s)
/// after `bound.0`, when the change was made elsewhere.
async fn changes_within(
    app: &TestApp,
    path: &str,
    token: &str,
    change: (impl Fn(&Page) -> bool, impl Fn(&Page) -> bool),
    (since, keep): (std::time::Instant, std::time::Duration),
) {
    let limit = keep + std::time::Duration::from_millis(500);
    loop {
        let page = app.get_with_session(path, token).await;
        if change.1(&page) {
            break;
        }
        assert!(change.0(&page), "{path}: {} {}", page.status, page.body);
        assert!(
            since.elapsed() <= limit,
            "{path} unchanged {:?} after the change",
            since.elapsed()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(since.elapsed() <= limit);
}

#[tokio::test]
async fn a_home_page_kept_in_memory_shows_a_change_here_at_once_and_elsewhere_within_the_bound() {
    let (first, second, keep) = two_instances_with_memory().await;
    let territory = first.territory("69123").await;
    let assessment = first.assessment(territory).await;
    let (email, password) = first.create_user(Role::Consultant, &[]).await;
    let token = first
        .sign_in(&email, &password)
        .await
        .session_cookie()
        .unwrap();
    let progress = |n: usize| {
        let shown = format!(r#"<span class="meta">{n} / "#);
        move |page: &Page| page.status == StatusCode::OK && page.body.contains(&shown)
    };
    // Criteria outside the commune's competence count as dealt with from the start.
    let start: i64 = sqlx::query_scalar(
        "select count(*) from criterion_answer
          where assessment_id = $1 and (level is not null or not_applicable)",
    )
    .bind(assessment)
    .fetch_one(&first.pool)
    .await
    .unwrap();
    let start = start as usize;
    for app in [&first, &second] {
        assert!(progress(start)(&app.get_with_session("/", &token).await));
    }
    // A change made elsewhere (here, straight in the database, on the last criterion): both
    // instances show the remembered page for a while, then the change within the bound.
    sqlx::query(
        "update criterion_answer set level = 2
          where assessment_id = $1 and criterion_id = (
                select max(criterion_id) from criterion_answer
                 where assessment_id = $1 and level is null and not not_applicable)",
    )
    .bind(assessment)
    .execute(&first.pool)
    .await
    .unwrap();
    let changed = std::time::Instant::now();
    assert!(progress(start)(&second.get_with_session("/", &token).await));
    let change = (progress(start), progress(start + 1));
    changes_within(&second, "/", &token, change, (changed, keep)).await;
    // A change handled by an instance shows there at once.
    first.sign_in(&email, &password).await;
    assert!(progress(start + 1)(&first.get("/").await));
    let saved = first
        .post_form(
            &format!("/evaluations/{assessment}/reponses/ECO-2"),
            &[
                ("ECO-2.level", "3"),
                ("ECO-2.importance", "2"),
                ("ECO-2.version", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(progress(start + 2)(&first.get("/").await));
}

/// Signs the session `token` out through `app`.
async fn sign_out(app: &TestApp, token: &str) {
    let out = app
        .client
        .post(app.url("/deconnexion"))
        .header("cookie", format!("territoires_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn two_instances_on_one_database_share_sessions() {
    let first = TestApp::spawn().await;
    let second = first.second_instance().await;
    let (email, password) = first.create_user(Role::Consultant, &[]).await;
    let token = first
        .sign_in(&email, &password)
        .await
        .session_cookie()
        .unwrap();
    let on_second = second.get_with_session("/territoires", &token).await;
    assert_eq!(on_second.status, StatusCode::OK);
    // Signing out on the second instance ends the session on the first.
    sign_out(&second, &token).await;
    assert_eq!(
        first.get_with_session("/territoires", &token).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_password_change_checks_the_form_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let (email, password) = app.create_user(Role::Consultant, &[]).await;
    app.sign_in(&email, &password).await;
    let elsewhere = app.new_browser();
    elsewhere.sign_in(&email, &password).await;

    let bad = app
        .post_form(
            "/compte/mot-de-passe",
            &[
                ("current_password", "pas-le-bon"),
                ("new_password", "azerty123456"),
                ("confirmation", "autre"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Le mot de passe actuel est incorrect.",
        "Ce mot de passe est trop courant",
        "La confirmation ne correspond pas",
    ] {
        assert!(bad.body.contains(message), "{message}");
    }
    let good = app
        .post_form(
            "/compte/mot-de-passe",
            &[
                ("current_password", &password),
                ("new_password", "lanterne-moulin-orage"),
                ("confirmation", "lanterne-moulin-orage"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    assert_eq!(
        app.get("/territoires").await.status,
        StatusCode::OK,
        "this browser stays in"
    );
    assert_eq!(
        elsewhere.get("/territoires").await.status,
        StatusCode::SEE_OTHER
    );
    let fresh = app.new_browser();
    assert_eq!(
        fresh.sign_in(&email, &password).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        fresh.sign_in(&email, "lanterne-moulin-orage").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn admins_create_accounts_with_a_one_time_password_to_replace_at_first_sign_in() {
    let app = TestApp::spawn_as(Role::Admin).await;
    let lyon = app.territory("69123").await;
    let lyon_field = lyon.to_string();

    let refused = app
        .post_form(
            "/admin/utilisateurs",
            &[
                ("email", "pas-un-courriel"),
                ("role", "elu"),
                ("display_name", "Élue"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Saisissez une adresse de courriel valide")
    );
    assert!(
        refused
            .body
            .contains("Un compte élu doit être rattaché à au moins un territoire.")
    );
    assert!(
        refused.body.contains(r#"value="pas-un-courriel""#),
        "input kept"
    );
    assert!(refused.body.contains(r#"value="Élue""#) || refused.body.contains("&#201;lue"));

    let created = app
        .post_form(
            "/admin/utilisateurs",
            &[
                ("email", "Maire@Lyon.fr"),
                ("role", "elu"),
                ("display_name", "Madame la maire"),
                ("territory", &lyon_field),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let one_time = created
        .body
        .split(r#"id="one-time-password">"#)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    assert_eq!(one_time.len(), 20);

    let duplicate = app
        .post_form(
            "/admin/utilisateurs",
            &[("email", "maire@lyon.fr"), ("role", "consultant")],
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        duplicate
            .body
            .contains("Un compte existe déjà pour cette adresse.")
    );

    let elu = app.new_browser();
    assert_eq!(
        elu.sign_in("maire@lyon.fr", &one_time).await.status,
        StatusCode::SEE_OTHER
    );
    let home = elu.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.header("location"), "/compte/mot-de-passe");
    let changed = elu
        .post_form(
            "/compte/mot-de-passe",
            &[
                ("current_password", &one_time),
                ("new_password", "lanterne-moulin-orage"),
                ("confirmation", "lanterne-moulin-orage"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let home = elu.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Lyon"));

    let journal = app.get("/admin/journal?action=user.create").await;
    assert_eq!(journal.status, StatusCode::OK);
    assert!(journal.body.contains("Maire@Lyon.fr"));
    assert!(journal.body.contains("1 événement") || journal.body.contains("événements"));
    let password_changes = app.get("/admin/journal?action=user.password_change").await;
    assert!(
        password_changes.body.contains("1 événement"),
        "{}",
        password_changes.body
    );
}

#[tokio::test]
async fn stale_account_edits_are_not_applied_and_admins_cannot_lock_themselves_out() {
    let app = TestApp::spawn().await;
    let lyon = app.territory("69123").await;
    let marseille = app.territory("13055").await;
    let admin_email = app.sign_in_as(Role::Admin, &[]).await;
    let (email, _) = app.create_user(Role::Elu, &[lyon]).await;
    let id = user_id(&app, &email).await;
    let url = format!("/admin/utilisateurs/{id}");
    let (lyon, marseille) = (lyon.to_string(), marseille.to_string());

    let first = app
        .post_form(
            &url,
            &[
                ("role", "elu"),
                ("territory", &marseille),
                ("active", "on"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let stale = app
        .post_form(
            &url,
            &[
                ("role", "elu"),
                ("territory", &lyon),
                ("active", "on"),
                ("version", "1"),
                ("display_name", "Nom saisi"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Ce compte a été modifié entre-temps"));
    assert!(
        stale.body.contains(r#"value="Nom saisi""#),
        "the input is kept"
    );
    assert_eq!(
        stale.one(r#"input[name="version"]"#).attr("value"),
        Some("2")
    );
    let territories: Vec<i64> =
        sqlx::query_scalar("select territory_id from user_territory where user_id = $1")
            .bind(id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(territories, vec![marseille.parse::<i64>().unwrap()]);

    let unknown = app
        .post_form(
            &url,
            &[("role", "elu"), ("territory", "999999"), ("version", "2")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("Territoire inconnu."));

    let me = user_id(&app, &admin_email).await;
    let lockout = app
        .post_form(
            &format!("/admin/utilisateurs/{me}"),
            &[("role", "consultant"), ("active", "on"), ("version", "1")],
        )
        .await;
    assert_eq!(lockout.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        lockout
            .body
            .contains("Vous ne pouvez ni désactiver votre propre compte")
    );
    let role: String = sqlx::query_scalar("select role from app_user where user_id = $1")
        .bind(me)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(role, "admin");

    let journal = app.get("/admin/journal?action=user.update").await;
    assert!(journal.body.contains("territories"), "{}", journal.body);
}

#[tokio::test]
async fn territory_changes_are_in_the_audit_log_with_before_and_after() {
    let app = TestApp::spawn().await;
    let lyon = app.territory("69123").await;
    let consultant = app.sign_in_as(Role::Consultant, &[]).await;
    let edit = app.get(&format!("/territoires/{lyon}/modifier")).await;
    assert_eq!(edit.status, StatusCode::OK);
    let saved = app
        .post_form(
            &format!("/territoires/{lyon}"),
            &[
                ("version", "1"),
                ("context_notes", "Métropole, 1,4 M d'habitants"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (actor, before, after): (String, serde_json::Value, serde_json::Value) = sqlx::query_as(
        "select actor_label, before, after from audit_event
          where action = 'territory.update' and object_id = $1",
    )
    .bind(lyon)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(actor, consultant);
    assert_eq!(before["context_notes"], "");
    assert_eq!(after["context_notes"], "Métropole, 1,4 M d'habitants");

    let admin = app.new_browser();
    admin.sign_in_as(Role::Admin, &[]).await;
    let journal = admin.get("/admin/journal?object=territory").await;
    assert!(journal.body.contains("territory.create"));
    assert!(journal.body.contains("territory.update"));
    assert!(
        journal
            .body
            .contains("<ins>Métropole, 1,4 M d&#39;habitants</ins>"),
        "{}",
        journal.body
    );
    let filtered = admin
        .get(&format!(
            "/admin/journal?actor={}",
            consultant.replace('@', "%40")
        ))
        .await;
    assert!(filtered.body.contains("1 événement"), "{}", filtered.body);
}

#[tokio::test]
async fn ended_sessions_and_old_attempts_are_purged_and_live_ones_kept() {
    let app = TestApp::spawn().await;
    let (email, password) = app.create_user(Role::Consultant, &[]).await;
    let mut tokens = Vec::new();
    for _ in 0..3 {
        tokens.push(
            app.new_browser()
                .sign_in(&email, &password)
                .await
                .session_cookie()
                .unwrap(),
        );
    }
    age_session(&app, &tokens[0], "expires_at = now() - interval '1 minute'").await;
    age_session(
        &app,
        &tokens[1],
        "last_seen_at = now() - interval '3 hours'",
    )
    .await;
    app.sign_in(&email, "mauvais-mot-de-passe").await;
    sqlx::query(
        "update sign_in_attempt set attempted_at = now() - interval '31 days' where not succeeded",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let purged = territoires::accounts::session::purge(&app.pool)
        .await
        .unwrap();
    assert_eq!(purged, 3, "two ended sessions and one old attempt");
    assert_eq!(sessions_of(&app, &email).await, 1);
    assert_eq!(
        app.get_with_session("/", &tokens[2]).await.status,
        StatusCode::OK
    );
    let attempts: i64 = sqlx::query_scalar("select count(*) from sign_in_attempt")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(attempts, 3, "the three recent successful sign-ins stay");
}

#[tokio::test]
async fn an_elu_loses_a_remembered_report_at_once_here_and_within_the_bound_elsewhere() {
    let (first, second, keep) = two_instances_with_memory().await;
    let territory = first.territory("69123").await;
    let report = first.publish(first.assessment(territory).await).await;
    let page = format!("/rapports/{report}");
    let (email, password) = first.create_user(Role::Elu, &[territory]).await;
    let token = first
        .sign_in(&email, &password)
        .await
        .session_cookie()
        .unwrap();
    // Both instances now remember the élu's right to the report.
    for app in [&first, &second] {
        assert_eq!(
            app.get_with_session(&page, &token).await.status,
            StatusCode::OK
        );
    }

    // An admin on the first instance moves the élu to another territory.
    let other = first.territory("13055").await.to_string();
    let admin = first.new_browser();
    admin.sign_in_as(Role::Admin, &[]).await;
    let id = user_id(&first, &email).await;
    let saved = admin
        .post_form(
            &format!("/admin/utilisateurs/{id}"),
            &[
                ("role", "elu"),
                ("version", "1"),
                ("active", "on"),
                ("territory", &other),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let withdrawn = std::time::Instant::now();
    assert_eq!(
        first.get_with_session(&page, &token).await.status,
        StatusCode::NOT_FOUND,
        "the instance that changed the right forgets it at once"
    );
    let change = (status_is(StatusCode::OK), status_is(StatusCode::NOT_FOUND));
    changes_within(&second, &page, &token, change, (withdrawn, keep)).await;
}

/// `change`, made through `first` (whose routes count it), shows on `first` at once and on
/// `second` (which remembered the page before) within the bound.
async fn seen_here_at_once_and_elsewhere_within_the_bound(
    (first, second, keep): (&TestApp, &TestApp, std::time::Duration),
    (path, token): (&str, &str),
    shown: &impl Fn(&Page) -> bool,
    change: impl std::future::Future<Output = ()>,
) {
    for app in [first, second] {
        let before = app.get_with_session(path, token).await;
        assert!(!shown(&before), "{path} before the change: {}", before.body);
    }
    change.await;
    let changed = std::time::Instant::now();
    let here = first.get_with_session(path, token).await;
    assert!(shown(&here), "{path} here after the change: {}", here.body);
    let not_yet = |page: &Page| page.status == StatusCode::OK && !shown(page);
    changes_within(second, path, token, (not_yet, shown), (changed, keep)).await;
}

#[tokio::test]
async fn changes_made_through_the_routes_reach_every_kept_page_here_at_once_and_elsewhere_within_the_bound()
 {
    let (first, second, keep) = two_instances_with_memory().await;
    let instances = (&first, &second, keep);
    let (email, password) = first.create_user(Role::Consultant, &[]).await;
    let token = first
        .sign_in(&email, &password)
        .await
        .session_cookie()
        .unwrap();
    let territory = first.territory("69123").await;
    let admin = first.new_browser();
    admin.sign_in_as(Role::Admin, &[]).await;
    let next = |table: &str| {
        let pool = first.pool.clone();
        let sql = format!("select coalesce(max({table}_id), 0) + 1 from {table}");
        async move {
            sqlx::query_scalar::<_, i64>(&sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };

    // A new round: the consultants' home lists the open rounds.
    let round = next("assessment").await;
    let listed = format!(r#"href="/evaluations/{round}""#);
    let listed = |page: &Page| page.body.contains(&listed);
    seen_here_at_once_and_elsewhere_within_the_bound(instances, ("/", &token), &listed, async {
        assert_eq!(admin.assessment(territory).await, round);
    })
    .await;
    // Sent to review: its status on the same list.
    let badge = format!(r#"href="/evaluations/{round}">"#);
    let in_review = |page: &Page| {
        page.body.split(&badge).nth(1).is_some_and(|rest| {
            rest[..rest.find("</li>").unwrap_or(rest.len())].contains("status-review")
        })
    };
    seen_here_at_once_and_elsewhere_within_the_bound(
        instances,
        ("/", &token),
        &in_review,
        admin.review(round),
    )
    .await;
    // Published: the latest reports.
    let report = next("report").await;
    let link = format!(r#"href="/rapports/{report}""#);
    let published = |page: &Page| page.body.contains(&link);
    seen_here_at_once_and_elsewhere_within_the_bound(instances, ("/", &token), &published, async {
        assert_eq!(admin.publish_reviewed(round, 2).await, report);
    })
    .await;
    // Signed out: the session both instances remembered ends.
    let ended = |page: &Page| page.status == StatusCode::SEE_OTHER;
    seen_here_at_once_and_elsewhere_within_the_bound(
        instances,
        ("/territoires", &token),
        &ended,
        sign_out(&first, &token),
    )
    .await;
}
