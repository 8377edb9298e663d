//! The access matrix: every declared route, walked by anonymous users, an admin, a consultant
//! and the élus of two territories, against the expected status of each. The routes come from
//! the application's own route table, so a route added without an expectation here fails.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use territoires::accounts::Role;

use crate::support::{Page, TestApp};

/// Who walks the matrix, in the column order of [`EXPECTED`].
const WHO: [&str; 5] = ["anonymous", "admin", "consultant", "élu A", "élu B"];

/// Expected status per route for [anonymous, admin, consultant, élu of A, élu of B]. POST
/// requests carry an empty form: allowed users get the form's own answer (422, or 409 for an
/// edit based on no version), others are
/// sent to sign in (303) or told nothing exists (404).
const EXPECTED: &[(&str, [u16; 5])] = &[
    ("GET /", [303, 200, 200, 200, 200]),
    ("GET /connexion", [200, 303, 303, 303, 303]),
    ("POST /connexion", [422, 422, 422, 422, 422]),
    ("GET /installation", [404, 404, 404, 404, 404]),
    ("POST /installation", [404, 404, 404, 404, 404]),
    ("GET /compte/mot-de-passe", [303, 200, 200, 200, 200]),
    ("POST /compte/mot-de-passe", [303, 422, 422, 422, 422]),
    ("GET /admin/utilisateurs", [303, 200, 404, 404, 404]),
    ("POST /admin/utilisateurs", [303, 422, 404, 404, 404]),
    ("GET /admin/utilisateurs/nouveau", [303, 200, 404, 404, 404]),
    ("GET /admin/utilisateurs/{id}", [303, 200, 404, 404, 404]),
    ("POST /admin/utilisateurs/{id}", [303, 422, 404, 404, 404]),
    ("GET /admin/journal", [303, 200, 404, 404, 404]),
    ("GET /admin/taches", [303, 200, 404, 404, 404]),
    // No such job to retry: back to the jobs, nothing changed.
    (
        "POST /admin/taches/{id}/relancer",
        [303, 303, 404, 404, 404],
    ),
    ("GET /healthz", [200, 200, 200, 200, 200]),
    ("GET /metrics", [200, 200, 200, 200, 200]),
    ("GET /referentiel", [303, 200, 200, 200, 200]),
    ("GET /referentiel/changements", [303, 200, 200, 200, 200]),
    ("GET /referentiel/{code}", [303, 200, 200, 200, 200]),
    ("GET /geo/recherche", [303, 200, 200, 404, 404]),
    ("GET /territoires", [303, 200, 200, 404, 404]),
    ("POST /territoires", [303, 422, 422, 404, 404]),
    ("GET /territoires/nouveau", [303, 200, 200, 404, 404]),
    ("GET /territoires/{id}", [303, 200, 200, 404, 404]),
    ("POST /territoires/{id}", [303, 409, 409, 404, 404]),
    ("GET /territoires/{id}/modifier", [303, 200, 200, 404, 404]),
    ("GET /static/{*path}", [200, 200, 200, 200, 200]),
    (
        "GET /territoires/{id}/evaluations/nouvelle",
        [303, 200, 200, 404, 404],
    ),
    (
        "POST /territoires/{id}/evaluations",
        [303, 422, 422, 404, 404],
    ),
    ("GET /evaluations/{id}", [303, 200, 200, 404, 404]),
    ("POST /evaluations/{id}/statut", [303, 422, 422, 404, 404]),
    (
        "GET /evaluations/{id}/{dimension}",
        [303, 200, 200, 404, 404],
    ),
    // An empty section form changes nothing: back to the section.
    (
        "POST /evaluations/{id}/{dimension}",
        [303, 303, 303, 404, 404],
    ),
    (
        "GET /evaluations/{id}/{dimension}/tableau",
        [303, 200, 200, 404, 404],
    ),
    // An empty paste: nothing to read, the table again.
    (
        "POST /evaluations/{id}/{dimension}/coller",
        [303, 200, 200, 404, 404],
    ),
    (
        "GET /evaluations/{id}/reponses/{criterion}",
        [303, 200, 200, 404, 404],
    ),
    (
        "POST /evaluations/{id}/reponses/{criterion}",
        [303, 422, 422, 404, 404],
    ),
    // The proposal is made once (by the admin); then it exists.
    (
        "POST /evaluations/{id}/feuille-de-route/proposer",
        [303, 303, 409, 404, 404],
    ),
    (
        "GET /evaluations/{id}/feuille-de-route",
        [303, 200, 200, 404, 404],
    ),
    (
        "POST /evaluations/{id}/feuille-de-route/gouvernance",
        [303, 409, 409, 404, 404],
    ),
    (
        "POST /evaluations/{id}/feuille-de-route/chantiers",
        [303, 422, 422, 404, 404],
    ),
    (
        "POST /evaluations/{id}/feuille-de-route/chantiers/{chantier}",
        [303, 422, 422, 404, 404],
    ),
    // No action: nothing to do.
    (
        "POST /evaluations/{id}/feuille-de-route/chantiers/{chantier}/actions",
        [303, 404, 404, 404, 404],
    ),
    (
        "POST /evaluations/{id}/feuille-de-route/etapes/{step}",
        [303, 404, 404, 404, 404],
    ),
    ("POST /evaluations/{id}/publier", [303, 303, 303, 404, 404]),
    ("GET /evaluations/{id}/apercu", [303, 200, 200, 404, 404]),
    ("GET /evaluations/{id}/synthese", [303, 200, 200, 404, 404]),
    // The round of this matrix was not prefilled from an earlier framework version.
    ("GET /evaluations/{id}/reprise", [303, 404, 404, 404, 404]),
    // No message: at its field.
    ("POST /evaluations/{id}/synthese", [303, 422, 422, 404, 404]),
    // Élus read their own territory's report only (columns swap for territory B's report).
    ("GET /rapports/{id}", [303, 200, 200, 200, 404]),
    ("GET /rapports/{id}/suivi", [303, 200, 200, 200, 404]),
    ("GET /rapports/{id}/annexes", [303, 200, 200, 200, 404]),
    (
        "POST /rapports/{id}/suivi/etapes/{step}",
        [303, 422, 422, 404, 404],
    ),
    // No version: a conflict, nothing stored.
    (
        "POST /evaluations/{id}/indicateurs/{indicator}",
        [303, 409, 409, 404, 404],
    ),
    // Last: it ends the session.
    ("POST /deconnexion", [303, 303, 303, 303, 303]),
];

/// The ids the matrix substitutes into route patterns (territories A and B, then their
/// draft assessments, their published reports, and the consultant's account).
struct Ids {
    territories: [i64; 2],
    assessments: [i64; 2],
    reports: [i64; 2],
    account: i64,
}

/// The concrete URLs of a route pattern: territory and assessment routes are tried on both
/// territories (élus guessing the other's ids), account routes on the consultant's account.
fn urls(pattern: &str, ids: &Ids) -> Vec<String> {
    let (territories, assessments, reports, account) =
        (ids.territories, ids.assessments, ids.reports, ids.account);
    let fill = |id: &i64| {
        pattern
            .replace("{id}", &id.to_string())
            .replace("{dimension}", "MOB")
            .replace("{criterion}", "MOB-1")
            .replace("{indicator}", "MOB-I1")
            .replace("{chantier}", "1")
            .replace("{step}", "1")
    };
    if pattern.starts_with("/territoires/{id}") {
        territories.iter().map(fill).collect()
    } else if pattern.starts_with("/rapports/{id}") {
        reports.iter().map(fill).collect()
    } else if pattern.starts_with("/evaluations/{id}") {
        assessments.iter().map(fill).collect()
    } else {
        vec![
            pattern
                .replace("{id}", &account.to_string())
                .replace("{code}", "MOB")
                .replace("{*path}", "app.css"),
        ]
    }
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_roles_table_says() {
    let app = TestApp::spawn().await;
    let a = app.territory("69123").await;
    let b = app.territory("13055").await;
    let assessments = [app.assessment(a).await, app.assessment(b).await];
    let reports = [
        app.publish(app.assessment(a).await).await,
        app.publish(app.assessment(b).await).await,
    ];
    let browsers = [
        app.new_browser(),
        app.new_browser(),
        app.new_browser(),
        app.new_browser(),
        app.new_browser(),
    ];
    browsers[1].sign_in_as(Role::Admin, &[]).await;
    let consultant = browsers[2].sign_in_as(Role::Consultant, &[]).await;
    browsers[3].sign_in_as(Role::Elu, &[a]).await;
    browsers[4].sign_in_as(Role::Elu, &[b]).await;
    let account: i64 = sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind(&consultant)
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let expected: BTreeMap<&str, [u16; 5]> = EXPECTED.iter().copied().collect();
    let routes = territoires::routes();
    let mut declared: Vec<String> = routes
        .declared()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let missing: Vec<&String> = declared
        .iter()
        .filter(|r| !expected.contains_key(r.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an expectation in the access matrix: {missing:?}"
    );
    let stale: Vec<&&str> = expected
        .keys()
        .filter(|k| !declared.iter().any(|d| d == *k))
        .collect();
    assert!(stale.is_empty(), "expectations for no route: {stale:?}");
    // Walk in the table's order (sign-out last).
    declared.sort_by_key(|r| EXPECTED.iter().position(|(k, _)| k == r));

    let mut failures = Vec::new();
    for route in &declared {
        let (method, pattern) = route.split_once(' ').unwrap();
        let method: Method = method.parse().unwrap();
        let ids = Ids {
            territories: [a, b],
            assessments,
            reports,
            account,
        };
        for (n, url) in urls(pattern, &ids).into_iter().enumerate() {
            let mut row = expected[route.as_str()];
            if pattern.starts_with("/rapports/") && n == 1 {
                row.swap(3, 4);
            }
            for (who, browser) in browsers.iter().enumerate() {
                let page = request(browser, &method, &url).await;
                let want = row[who];
                if page.status.as_u16() != want {
                    failures.push(format!(
                        "{method} {url} as {}: {} instead of {want}",
                        WHO[who], page.status
                    ));
                }
                if want == 303 && who == 0 && method == Method::GET {
                    assert!(
                        page.header("location").starts_with("/connexion"),
                        "{url}: {}",
                        page.header("location")
                    );
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

async fn request(browser: &TestApp, method: &Method, url: &str) -> Page {
    if *method == Method::POST {
        browser.post_form(url, &[]).await
    } else {
        browser.get(url).await
    }
}

#[tokio::test]
async fn an_elu_sees_only_the_territories_they_follow() {
    let app = TestApp::spawn().await;
    let lyon = app.territory("69123").await;
    let _marseille = app.territory("13055").await;
    app.sign_in_as(Role::Elu, &[lyon]).await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Lyon"), "{}", home.body);
    assert!(!home.body.contains("Marseille"));
    // The navigation shows only what an élu may use.
    assert!(home.body.contains(r#"href="/referentiel""#));
    assert!(!home.body.contains(r#"href="/territoires""#));
    assert!(!home.body.contains(r#"href="/admin/utilisateurs""#));
    // Guessed ids and searches give nothing away.
    for path in [
        format!("/territoires/{lyon}"),
        "/geo/recherche?q=lyon".to_owned(),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("Page introuvable"));
    }
}

#[tokio::test]
async fn the_navigation_follows_the_role() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let home = app.get("/").await.body;
    assert!(home.contains(r#"href="/territoires""#));
    assert!(!home.contains(r#"href="/admin/journal""#));
    let admin = TestApp::spawn_as(Role::Admin).await;
    let home = admin.get("/").await.body;
    assert!(home.contains(r#"href="/admin/utilisateurs""#));
    assert!(home.contains(r#"href="/admin/journal""#));
    assert!(home.contains(r#"action="/deconnexion""#));
    let anonymous = TestApp::spawn().await;
    let sign_in = anonymous.get("/connexion").await.body;
    assert!(!sign_in.contains(r#"href="/territoires""#));
}

#[tokio::test]
async fn anonymous_htmx_requests_are_redirected_as_a_whole_page() {
    let app = TestApp::spawn().await;
    let page = app
        .get_with("/geo/recherche?q=lyon", &[("HX-Request", "true")])
        .await;
    assert_eq!(page.status, StatusCode::NO_CONTENT);
    assert_eq!(
        page.header("hx-redirect"),
        "/connexion?next=%2Fgeo%2Frecherche%3Fq%3Dlyon"
    );
}
