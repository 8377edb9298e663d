//! What an attacker or a broken client tries: saves racing a publication, parallel password
//! guesses, hostile bytes on every form, unknown URLs against the metrics, two administrators
//! demoting each other, floods of sign-ins, stalled connections, and the first start of an
//! empty installation.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use territoires::Config;
use territoires::accounts::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{
    Binary, Page, TestApp, autosave, escaped, fresh_database_with_url, join_all, returned_version,
};

/// Criteria each writer of the publication race saves, one writer each.
const RACED: [&str; 8] = [
    "MOB-1", "MOB-2", "ECO-1", "ECO-2", "GOV-1", "GOV-2", "ENV-1", "LIV-1",
];

#[tokio::test]
async fn every_save_acknowledged_during_publication_is_in_the_snapshot() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let territory = app.territory("69123").await;
    let assessment = app.assessment(territory).await;
    app.review(assessment).await;

    // Eight writers save their criterion again and again (saves are allowed in review) until
    // the round is published under them; the publication starts once 16 saves went through.
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(tokio::sync::Notify::new());
    let mut writers = Vec::new();
    for code in RACED {
        let writer = app.new_browser();
        writer.sign_in_as(Role::Consultant, &[]).await;
        let (acknowledged, started) = (acknowledged.clone(), started.clone());
        writers.push(tokio::spawn(async move {
            let mut version = 1;
            let mut last_saved = None;
            for n in 0..2_000 {
                let evidence = format!("{code} preuve n° {n}");
                let page = autosave(
                    &writer,
                    assessment,
                    code,
                    &[
                        ("level", &(n % 5).to_string()),
                        ("importance", "2"),
                        ("evidence", &evidence),
                        ("version", &version.to_string()),
                    ],
                )
                .await;
                match page.status {
                    StatusCode::OK => {
                        version = returned_version(&page, code);
                        last_saved = Some(evidence);
                        if acknowledged.fetch_add(1, Ordering::SeqCst) + 1 == 16 {
                            started.notify_one();
                        }
                    }
                    StatusCode::CONFLICT => {
                        assert!(
                            page.body.contains("ne peut plus être modifiée"),
                            "{}",
                            page.body
                        );
                        return (code, last_saved);
                    }
                    other => panic!("{code}: {other} {}", page.body),
                }
            }
            panic!("{code}: the round was never published under the writer");
        }));
    }
    started.notified().await;
    let report = app.publish_reviewed(assessment, 2).await;

    let mut last_saved = BTreeMap::new();
    for writer in writers {
        let (code, saved) = writer.await.unwrap();
        last_saved.insert(code, saved.expect("each writer saved at least once"));
    }
    let snapshot: serde_json::Value =
        sqlx::query_scalar("select snapshot from report where report_id = $1")
            .bind(report)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let in_snapshot: BTreeMap<String, String> = snapshot["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["criteria"].as_array().unwrap().iter())
        .map(|c| {
            let evidence = c["evidence"].as_str().unwrap().to_owned();
            (c["code"].as_str().unwrap().to_owned(), evidence)
        })
        .collect();
    for (code, saved) in &last_saved {
        assert_eq!(
            &in_snapshot[*code], saved,
            "{code}: the last acknowledged save"
        );
        let stored: String = sqlx::query_scalar(
            "select a.evidence from criterion_answer a join criterion c using (criterion_id)
              where a.assessment_id = $1 and c.code = $2",
        )
        .bind(assessment)
        .bind(code)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(&stored, saved, "{code}: stored answer equals the snapshot");
    }
}

/// Sends `count` wrong passwords for `email` at once, alternating between two instances;
/// returns the statuses.
async fn parallel_wrong_sign_ins(instances: [&TestApp; 2], email: &str, count: usize) -> Vec<u16> {
    let attempts = (0..count).map(|n| {
        let browser = instances[n % 2].new_browser();
        let email = email.to_owned();
        async move {
            browser
                .sign_in(&email, &format!("mauvais-mot-de-passe-{n}"))
                .await
                .status
                .as_u16()
        }
    });
    join_all(attempts).await
}

#[tokio::test]
async fn thirty_parallel_wrong_sign_ins_on_two_instances_check_at_most_five() {
    let first = TestApp::spawn().await;
    let second = first.second_instance().await;
    let (email, password) = first.create_user(Role::Consultant, &[]).await;

    let statuses = parallel_wrong_sign_ins([&first, &second], &email, 30).await;
    let checked = statuses.iter().filter(|s| **s == 422).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked, 5, "{statuses:?}");
    assert_eq!(limited, 25, "{statuses:?}");
    let recorded: i64 =
        sqlx::query_scalar("select count(*) from sign_in_attempt where lower(email) = lower($1)")
            .bind(&email)
            .fetch_one(&first.pool)
            .await
            .unwrap();
    assert_eq!(recorded, 5, "only checked attempts are recorded");
    // Even the right password waits for the window now.
    let right = first.new_browser().sign_in(&email, &password).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(right.body.contains("attendez 15 minutes"));
}

#[tokio::test]
async fn thirty_parallel_wrong_current_passwords_check_at_most_five() {
    let first = TestApp::spawn().await;
    let second = first.second_instance().await;
    let (email, password) = first.create_user(Role::Consultant, &[]).await;
    // One browser, signed in on the first instance; the session works on both.
    first.sign_in(&email, &password).await;
    let statuses = join_all((0..30).map(|n| {
        let instance = if n % 2 == 0 { &first } else { &second };
        let client = first.client.clone();
        let url = instance.url("/compte/mot-de-passe");
        async move {
            client
                .post(url)
                .form(&[
                    ("current_password", format!("pas-le-bon-{n}")),
                    ("new_password", "cheval-agrafe-batterie-2".to_owned()),
                    ("confirmation", "cheval-agrafe-batterie-2".to_owned()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    }))
    .await;
    let checked = statuses.iter().filter(|s| **s == 422).count();
    assert_eq!(checked, 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 25);
    let unchanged = first.new_browser().sign_in(&email, &password).await;
    assert_eq!(
        unchanged.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the guesses count against sign-in too"
    );
}

/// The ids a hostile request is aimed at.
struct Targets {
    territory: i64,
    assessment: i64,
    user: i64,
    /// A chantier and a step of the assessment's roadmap; a published report and a step of it.
    chantier: i64,
    step: i64,
    report: i64,
    report_step: i64,
}

/// For every form route of the route table: its URL and a form whose every field is harmless
/// (so that only the hostile value sent in one of them could change anything).
/// A form route's URL and its harmless fields.
type FormRoute = (String, Vec<(&'static str, &'static str)>);

fn form_routes(t: &Targets) -> BTreeMap<&'static str, FormRoute> {
    let territory = t.territory;
    let assessment = t.assessment;
    let user = t.user;
    let (chantier, step, report, report_step) = (t.chantier, t.step, t.report, t.report_step);
    let roadmap = format!("/evaluations/{assessment}/feuille-de-route");
    let profile = vec![
        ("mode", "grouping"),
        ("name", "Groupement"),
        ("members", "99999 69003"),
        ("context_notes", "Notes"),
        ("contact_name", "Nom"),
        ("contact_role", "Rôle"),
        ("contact_email", "contact@mairie.fr"),
        ("contact_phone", "0102030405"),
        ("q", "lyon"),
        ("version", "0"),
    ];
    BTreeMap::from([
        (
            "POST /connexion",
            (
                "/connexion".into(),
                vec![
                    ("email", "x@exemple.fr"),
                    ("password", "faux"),
                    ("next", "/"),
                ],
            ),
        ),
        (
            "POST /installation",
            (
                "/installation".into(),
                vec![
                    ("jeton", "0"),
                    ("email", "x@exemple.fr"),
                    ("display_name", "X"),
                    ("password", "a"),
                    ("confirmation", "b"),
                ],
            ),
        ),
        (
            "POST /compte/mot-de-passe",
            (
                "/compte/mot-de-passe".into(),
                vec![
                    ("current_password", "faux"),
                    ("new_password", "court"),
                    ("confirmation", "autre"),
                ],
            ),
        ),
        (
            "POST /admin/utilisateurs",
            (
                "/admin/utilisateurs".into(),
                vec![
                    ("email", "nouveau@exemple.fr"),
                    ("display_name", "Nouveau"),
                    ("role", "elu"),
                ],
            ),
        ),
        // A job that does not exist: nothing to retry whatever the body holds.
        (
            "POST /admin/taches/{id}/relancer",
            (
                "/admin/taches/999999/relancer".to_owned(),
                vec![("confirmer", "1")],
            ),
        ),
        (
            "POST /admin/utilisateurs/{id}",
            (
                format!("/admin/utilisateurs/{user}"),
                vec![
                    ("display_name", "Renommé"),
                    ("role", "consultant"),
                    ("active", "on"),
                    ("version", "0"),
                ],
            ),
        ),
        (
            "POST /territoires",
            ("/territoires".into(), profile.clone()),
        ),
        (
            "POST /territoires/{id}",
            (format!("/territoires/{territory}"), profile),
        ),
        (
            "POST /territoires/{id}/evaluations",
            (
                format!("/territoires/{territory}/evaluations"),
                vec![
                    ("round_date", "2026-13-45"),
                    ("label", "Campagne"),
                    ("prefill", ""),
                ],
            ),
        ),
        (
            "POST /evaluations/{id}/statut",
            (
                format!("/evaluations/{assessment}/statut"),
                vec![("status", "published"), ("version", "1")],
            ),
        ),
        (
            "POST /evaluations/{id}/publier",
            (
                format!("/evaluations/{assessment}/publier"),
                vec![("version", "1")],
            ),
        ),
        (
            "POST /evaluations/{id}/{dimension}",
            (
                format!("/evaluations/{assessment}/MOB"),
                vec![
                    ("MOB-1.level", "9"),
                    ("MOB-1.importance", "2"),
                    ("MOB-1.evidence", "Preuve"),
                    ("MOB-1.justification", "Raison"),
                    // Versions that do not exist: every field that differs is a conflict, so
                    // the valid ones are not stored either (field-level saving).
                    ("MOB-1.version", "99"),
                    ("MOB-I1.value", "41,5"),
                    ("MOB-I1.year", "1800"),
                    ("MOB-I1.source_note", "Source"),
                    ("MOB-I1.version", "99"),
                ],
            ),
        ),
        // A paste confirmed on a version that does not exist: its rows conflict.
        (
            "POST /evaluations/{id}/{dimension}/coller",
            (
                format!("/evaluations/{assessment}/MOB/coller"),
                vec![
                    ("texte", "MOB-1\t2\t1\t\tDéclaratif\tPreuve collée"),
                    ("version.MOB-1", "99"),
                    ("confirmer", "1"),
                ],
            ),
        ),
        (
            "POST /evaluations/{id}/reponses/{criterion}",
            (
                format!("/evaluations/{assessment}/reponses/MOB-1"),
                vec![
                    ("MOB-1.level", "9"),
                    ("MOB-1.importance", "2"),
                    ("MOB-1.evidence", "Preuve"),
                    ("MOB-1.justification", "Raison"),
                    ("MOB-1.version", "99"),
                ],
            ),
        ),
        // Based on a version that does not exist: a conflict whatever else it holds.
        (
            "POST /evaluations/{id}/synthese",
            (
                format!("/evaluations/{assessment}/synthese"),
                vec![
                    ("version", "99"),
                    ("messages", "Un message"),
                    ("decisions", "Décider"),
                ],
            ),
        ),
        // Roadmap edits based on no current version (0): a conflict whatever else they hold.
        (
            "POST /evaluations/{id}/feuille-de-route/proposer",
            (format!("{roadmap}/proposer"), vec![("version", "0")]),
        ),
        (
            "POST /evaluations/{id}/feuille-de-route/gouvernance",
            (
                format!("{roadmap}/gouvernance"),
                vec![("version", "0"), ("governance", "Comité")],
            ),
        ),
        (
            "POST /evaluations/{id}/feuille-de-route/chantiers",
            (
                format!("{roadmap}/chantiers"),
                vec![("version", "0"), ("title", "Chantier")],
            ),
        ),
        (
            "POST /evaluations/{id}/feuille-de-route/chantiers/{chantier}",
            (
                format!("{roadmap}/chantiers/{chantier}"),
                vec![
                    ("version", "0"),
                    ("title", "Chantier"),
                    ("elu", "Maire"),
                    ("start_month", "1"),
                    ("end_month", "12"),
                    ("budget_min", "10"),
                    ("budget_max", "20"),
                    ("etp", "0,5"),
                    ("followed_1", "MOB-I1"),
                    ("target_1", "3"),
                ],
            ),
        ),
        (
            "POST /evaluations/{id}/feuille-de-route/chantiers/{chantier}/actions",
            (
                format!("{roadmap}/chantiers/{chantier}/actions"),
                vec![("version", "0"), ("action", "ajouter"), ("text", "Étape")],
            ),
        ),
        (
            "POST /evaluations/{id}/feuille-de-route/etapes/{step}",
            (
                format!("{roadmap}/etapes/{step}"),
                vec![
                    ("version", "0"),
                    ("action", "ecarter"),
                    ("reason", "Hors sujet"),
                ],
            ),
        ),
        // A status given on a view older than any (-1): a conflict.
        (
            "POST /rapports/{id}/suivi/etapes/{step}",
            (
                format!("/rapports/{report}/suivi/etapes/{report_step}"),
                vec![
                    ("status", "fait"),
                    ("date", "2026-12-01"),
                    ("comment", "Livré"),
                    ("seen", "-1"),
                ],
            ),
        ),
        (
            "POST /evaluations/{id}/indicateurs/{indicator}",
            (
                format!("/evaluations/{assessment}/indicateurs/MOB-I1"),
                vec![
                    ("MOB-I1.value", "41,5"),
                    ("MOB-I1.year", "1800"),
                    ("MOB-I1.source_note", "Source"),
                    ("MOB-I1.version", "99"),
                ],
            ),
        ),
    ])
}

/// What the database holds that a request could change: counts and versions of every table
/// a form writes to.
async fn footprint(app: &TestApp) -> Vec<i64> {
    sqlx::query_scalar(
        "select unnest(array[
            (select count(*) from audit_event), (select count(*) from territory),
            (select coalesce(sum(version), 0) from territory), (select count(*) from app_user),
            (select coalesce(sum(version), 0) from app_user), (select count(*) from assessment),
            (select coalesce(sum(version), 0) from assessment),
            (select coalesce(sum(version), 0) from criterion_answer),
            (select coalesce(sum(version), 0) from indicator_value),
            (select count(*) from report), (select count(*) from user_session),
            (select coalesce(sum(version), 0) from roadmap), (select count(*) from roadmap_chantier),
            (select count(*) from roadmap_step), (select count(*) from step_status),
            (select count(*) from report_narrative)])::bigint",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// Whether `page` is the error page in French, or a form that names the problem at a field or
/// in an alert.
fn explains_itself(page: &Page) -> bool {
    let error_page =
        page.body.contains(r#"<html lang="fr">"#) && page.body.contains(r#"id="error-title""#);
    let form =
        page.body.contains(r#"class="field-error""#) || page.body.contains(r#"role="alert""#);
    error_page || form
}

/// An urlencoded body from raw (already encoded) pairs.
fn encoded(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn hostile_bytes_on_every_form_route_never_give_500_and_store_nothing() {
    let app = TestApp::spawn().await;
    let territory = app.territory("69123").await;
    let assessment = app.assessment(territory).await;
    let email = app.sign_in_as(Role::Admin, &[]).await;
    let user: i64 = sqlx::query_scalar("select user_id from app_user where email = $1")
        .bind(&email)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    app.roadmap(assessment).await;
    let report = app.publish(app.assessment(territory).await).await;
    let id = |sql: &'static str, bind: i64| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, Option<i64>>(sql)
                .bind(bind)
                .fetch_one(&pool)
                .await
                .unwrap()
                .unwrap_or(1)
        }
    };
    let routes = form_routes(&Targets {
        territory,
        assessment,
        user,
        chantier: id(
            "select min(chantier_id) from roadmap_chantier where assessment_id = $1",
            assessment,
        )
        .await,
        step: id(
            "select min(step_id) from roadmap_step where assessment_id = $1",
            assessment,
        )
        .await,
        report,
        report_step: id(
            "select min(s.step_id) from roadmap_step s join report r using (assessment_id)
              where r.report_id = $1",
            report,
        )
        .await,
    });
    let declared: Vec<String> = territoires::routes()
        .declared()
        .iter()
        .filter(|r| r.method == Method::POST && r.path != "/deconnexion")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let uncovered: Vec<&String> = declared
        .iter()
        .filter(|r| !routes.contains_key(r.as_str()))
        .collect();
    assert!(
        uncovered.is_empty(),
        "form routes without hostile cases: {uncovered:?}"
    );

    let before = footprint(&app).await;
    let mut failures = Vec::new();
    for (route, (url, fields)) in &routes {
        let mut cases: Vec<(String, String, &str)> = Vec::new();
        let harmless = |except: usize| -> Vec<(String, String)> {
            fields
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != except)
                .map(|(_, (k, v))| (percent(k), percent(v)))
                .collect()
        };
        for (i, (field, value)) in fields.iter().enumerate() {
            for (what, hostile) in [
                ("NUL", percent(&format!("{value}\0x"))),
                ("escape", percent(&format!("{value}\u{1b}[2J"))),
                ("invalid UTF-8", format!("{}%FF%FE", percent(value))),
                ("old date", percent("-4800-01-01")),
                ("huge", percent(&"9".repeat(400))),
            ] {
                let mut pairs = harmless(i);
                pairs.push((percent(field), hostile));
                cases.push((
                    what.to_owned(),
                    encoded(&pairs),
                    "application/x-www-form-urlencoded",
                ));
            }
            let mut pairs = harmless(usize::MAX);
            pairs.push((percent(field), percent("double")));
            cases.push((
                "duplicated".into(),
                encoded(&pairs),
                "application/x-www-form-urlencoded",
            ));
        }
        cases.push((
            "wrong type".into(),
            encoded(&harmless(usize::MAX)),
            "text/plain",
        ));
        cases.push(("json".into(), "{}".into(), "application/json"));
        let oversized = format!(
            "{}&x={}",
            encoded(&harmless(usize::MAX)),
            "a".repeat(1_100_000)
        );
        cases.push((
            "oversized".into(),
            oversized,
            "application/x-www-form-urlencoded",
        ));

        for (what, body, content_type) in cases {
            for htmx in [false, true] {
                let mut request = app
                    .client
                    .post(app.url(url))
                    .header("content-type", content_type)
                    .body(body.clone());
                if htmx {
                    request = request.header("HX-Request", "true");
                }
                let response = request.send().await.unwrap();
                let page = Page {
                    status: response.status(),
                    headers: response.headers().clone(),
                    body: response.text().await.unwrap_or_default(),
                };
                let redirect = page.status == StatusCode::SEE_OTHER;
                if page.status.is_server_error() || (!redirect && !htmx && !explains_itself(&page))
                {
                    failures.push(format!(
                        "{route} {what} (htmx: {htmx}): {} {}",
                        page.status,
                        page.body.chars().take(200).collect::<String>()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        footprint(&app).await,
        before,
        "a hostile request changed something"
    );
}

#[tokio::test]
async fn hostile_query_strings_on_every_page_never_give_500() {
    let app = TestApp::spawn().await;
    let territory = app.territory("69123").await;
    let assessment = app.assessment(territory).await;
    app.sign_in_as(Role::Admin, &[]).await;
    let pages = [
        "/".to_owned(),
        "/territoires".into(),
        "/territoires/nouveau".into(),
        format!("/territoires/{territory}"),
        format!("/territoires/{territory}/modifier"),
        format!("/territoires/{territory}/evaluations/nouvelle"),
        format!("/evaluations/{assessment}"),
        format!("/evaluations/{assessment}/MOB"),
        "/geo/recherche".into(),
        "/admin/journal".into(),
        "/admin/utilisateurs".into(),
        "/referentiel".into(),
        "/connexion".into(),
    ];
    let mut failures = Vec::new();
    for page in &pages {
        for query in [
            "q=%00&name=%00&actor=%00&from=%00",
            "q=%FF%FE&kind=%C3",
            "from=-4713-01-01&to=99999-01-01",
            "q=a&q=b&page=1&page=2",
            "page=99999999999999999999999",
        ] {
            let got = app.get(&format!("{page}?{query}")).await;
            if got.status.is_server_error()
                || (got.status.is_client_error() && !explains_itself(&got))
            {
                failures.push(format!("{page}?{query}: {}", got.status));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // The journal says which date it could not read.
    let journal = app.get("/admin/journal?from=-4713-01-01").await;
    assert_eq!(journal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(journal.body.contains("Date invalide"), "{}", journal.body);
}

#[tokio::test]
async fn control_characters_are_reported_at_their_field_with_the_input_kept() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let page = app
        .post_form(
            "/territoires",
            &[
                ("mode", "grouping"),
                ("name", "Pays\u{0}de Gex"),
                ("members", "01173 01160"),
                ("context_notes", "Ligne une\nLigne deux"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.one("p.field-error#name-error")
            .text
            .starts_with("Ce texte contient un caractère invisible"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Ligne une\nLigne deux"),
        "the notes are kept"
    );
    let created: i64 = sqlx::query_scalar("select count(*) from territory")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(created, 0);

    let members = app
        .post_form(
            "/territoires",
            &[
                ("mode", "grouping"),
                ("name", "Pays de Gex"),
                ("members", "01173\u{0}"),
            ],
        )
        .await;
    assert_eq!(members.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        members.body.contains(r#"id="members-error""#),
        "{}",
        members.body
    );
}

#[tokio::test]
async fn a_huge_member_list_is_refused_at_its_field_without_holding_the_server() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let members = "01173 ".repeat(90_000);
    let form = [
        ("mode", "grouping"),
        ("name", "Trop grand"),
        ("members", members.as_str()),
    ];
    let (page, health) = tokio::join!(app.post_form("/territoires", &form), app.get("/healthz"));
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(r#"id="members-error""#), "{}", page.body);
}

#[tokio::test]
async fn error_pages_of_the_framework_come_in_french() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let put = app
        .client
        .put(app.url("/territoires"))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body = put.text().await.unwrap();
    assert!(body.contains("Action non disponible"), "{body}");

    let unreadable = app
        .client
        .post(app.url("/territoires"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=%FF")
        .send()
        .await
        .unwrap();
    assert_eq!(unreadable.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unreadable.text().await.unwrap().contains("Saisie refusée"));

    let fragment = app
        .client
        .post(app.url("/territoires"))
        .header("HX-Request", "true")
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(fragment.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body = fragment.text().await.unwrap();
    assert!(
        body.contains("Format non accepté") && !body.contains("<html"),
        "{body}"
    );
}

#[tokio::test]
async fn ten_concurrent_transitions_give_one_change_and_conflicts() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let territory = app.territory("69123").await;
    let assessment = app.assessment(territory).await;
    let url = app.url(&format!("/evaluations/{assessment}/statut"));
    let statuses = join_all((0..10).map(|_| {
        let (client, url) = (app.client.clone(), url.clone());
        async move {
            client
                .post(url)
                .form(&[("status", "review"), ("version", "1")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    }))
    .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        9,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn language_links_stay_on_this_site() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    for path in ["//evil.example/x", "/\\evil.example/x", "//evil.example"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.body.contains("evil.example"), "{path}: {}", page.body);
        assert!(
            page.body.contains(r#"href="/?lang=en""#),
            "{path}: {}",
            page.body
        );
    }
    let filtered = app.get("/territoires?kind=commune&lang=fr").await;
    assert!(
        filtered
            .body
            .contains(r#"href="/territoires?kind=commune&#38;lang=en""#),
        "the filters are kept, the old language is not: {}",
        filtered.body.split("languages").nth(1).unwrap_or_default()
    );
}

#[tokio::test]
async fn signed_in_pages_are_not_stored_and_reports_revalidate() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    for path in ["/", "/territoires", "/referentiel", "/page-inconnue"] {
        let page = app.get(path).await;
        assert_eq!(page.header("cache-control"), "no-store", "{path}");
    }
    let territory = app.territory("69123").await;
    let report = app.publish(app.assessment(territory).await).await;
    let page = app.get(&format!("/rapports/{report}")).await;
    assert!(
        page.header("cache-control").starts_with("private"),
        "{}",
        page.header("cache-control")
    );
}

#[tokio::test]
async fn metrics_are_labelled_by_route_and_kept_for_loopback_or_the_token() {
    let mut config = Config::for_tests();
    config.trust_proxy = true;
    config.metrics_token = Some("jeton-de-mesure".into());
    let app = TestApp::spawn_with(config).await;
    let unknown: Vec<String> = (0..300)
        .map(|n| format!("/inconnue-{n}-{}", "x".repeat(200)))
        .collect();
    for path in &unknown {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND);
    }
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        !metrics.body.contains("/inconnue-"),
        "unknown paths became labels"
    );
    assert!(
        metrics.body.contains(r#"endpoint="unmatched""#),
        "{}",
        metrics.body
    );

    let outside = app
        .get_with("/metrics", &[("x-forwarded-for", "203.0.113.7")])
        .await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN);
    assert!(outside.body.contains("Accès refusé"));
    let wrong = app
        .get_with(
            "/metrics",
            &[
                ("x-forwarded-for", "203.0.113.7"),
                ("authorization", "Bearer autre"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let with_token = app
        .get_with(
            "/metrics",
            &[
                ("x-forwarded-for", "203.0.113.7"),
                ("authorization", "Bearer jeton-de-mesure"),
            ],
        )
        .await;
    assert_eq!(with_token.status, StatusCode::OK);
}

#[tokio::test]
async fn the_last_two_administrators_cannot_demote_each_other_at_once() {
    let app = TestApp::spawn().await;
    let first = app.new_browser();
    let second = app.new_browser();
    let first_email = first.sign_in_as(Role::Admin, &[]).await;
    let second_email = second.sign_in_as(Role::Admin, &[]).await;
    let id = |email: String| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select user_id from app_user where email = $1")
                .bind(email)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (first_id, second_id) = (id(first_email).await, id(second_email).await);
    let demote = |browser: &TestApp, target: i64| {
        let url = format!("/admin/utilisateurs/{target}");
        let client = browser.client.clone();
        let url = browser.url(&url);
        async move {
            client
                .post(url)
                .form(&[
                    ("display_name", "Rétrogradé"),
                    ("role", "consultant"),
                    ("active", "on"),
                    ("version", "1"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let (a, b) = tokio::join!(demote(&first, second_id), demote(&second, first_id));
    let mut statuses = [a, b];
    statuses.sort();
    assert_eq!(statuses, [303, 422]);
    let admins: i64 = sqlx::query_scalar(
        "select count(*) from app_user where role = 'admin' and disabled_at is null",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(admins, 1);
}

#[tokio::test]
async fn sixty_parallel_sign_ins_keep_the_process_under_200_mb() {
    let (url, _pool) = fresh_database_with_url().await;
    let server = Binary::start(&url).await;
    let client = reqwest::Client::builder().build().unwrap();
    let before = server.peak_rss_kib();
    let statuses = join_all((0..60).map(|n| {
        let client = client.clone();
        let url = format!("{}/connexion", server.base_url);
        async move {
            client
                .post(url)
                .form(&[
                    ("email", format!("inconnu{n}@exemple.fr")),
                    ("password", "x".repeat(64)),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    }))
    .await;
    let peak = server.peak_rss_kib();
    println!("peak RSS before {before} KiB, after 60 parallel sign-ins {peak} KiB; {statuses:?}");
    assert!(
        statuses.iter().all(|s| [422, 429, 503].contains(s)),
        "{statuses:?}"
    );
    assert!(peak < 200 * 1024, "peak RSS {peak} KiB");
}

#[tokio::test]
async fn stalled_request_heads_are_closed_and_do_not_hold_shutdown() {
    let (url, _pool) = fresh_database_with_url().await;
    let mut server = Binary::start(&url).await;
    let address = server.base_url.trim_start_matches("http://").to_owned();
    let mut stalled = Vec::new();
    for _ in 0..200 {
        let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
        socket
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        stalled.push(socket);
    }
    // Every one is closed by the server (read returns the end of the stream or an error)
    // within 10 seconds.
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        for socket in &mut stalled {
            let mut buffer = [0u8; 512];
            loop {
                match socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => continue,
                }
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "stalled connections still open after 10 s");

    let mut held = Vec::new();
    for _ in 0..3 {
        let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
        socket.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        held.push(socket);
    }
    let bound = territoires::server::SHUTDOWN_GRACE + Duration::from_secs(3);
    let status = server.terminate_within(bound).await;
    assert!(
        status.is_some(),
        "SIGTERM did not stop the app within {bound:?}"
    );
}

#[tokio::test]
async fn the_first_start_prints_a_setup_link_for_the_first_administrator() {
    let (url, pool) = fresh_database_with_url().await;
    let server = Binary::start(&url).await;
    let line = server
        .log()
        .into_iter()
        .find(|l| l.contains("/installation?jeton="))
        .expect("the setup link is logged");
    let link = line
        .split_whitespace()
        .find(|w| w.contains("/installation?jeton="))
        .unwrap()
        .to_owned();
    assert!(link.starts_with("http://127.0.0.1:"), "{link}");
    let path = link
        .split_once("/installation")
        .map(|(_, rest)| format!("/installation{rest}"))
        .unwrap();
    let token = path.split("jeton=").nth(1).unwrap().to_owned();

    let browser = TestApp::at(&server.base_url, pool.clone());
    let sign_in = browser.get("/connexion").await;
    assert!(
        sign_in
            .body
            .contains(&escaped("Aucun compte n'existe encore"))
    );
    let guessed = browser.get("/installation?jeton=faux").await;
    assert_eq!(guessed.status, StatusCode::NOT_FOUND);
    assert_eq!(browser.get(&path).await.status, StatusCode::OK);
    let weak = browser
        .post_form(
            "/installation",
            &[
                ("jeton", token.as_str()),
                ("email", "premiere@cabinet.fr"),
                ("password", "court"),
                ("confirmation", "court"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        weak.one("input#email").attr("value"),
        Some("premiere@cabinet.fr"),
        "the email is kept"
    );
    let created = browser
        .post_form(
            "/installation",
            &[
                ("jeton", token.as_str()),
                ("email", "premiere@cabinet.fr"),
                ("display_name", "Première"),
                ("password", "cheval-agrafe-batterie"),
                ("confirmation", "cheval-agrafe-batterie"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let accounts = browser.get("/admin/utilisateurs").await;
    assert_eq!(
        accounts.status,
        StatusCode::OK,
        "signed in as the administrator"
    );
    let role: String =
        sqlx::query_scalar("select role from app_user where email = 'premiere@cabinet.fr'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(role, "admin");
    // Used up: the link is gone.
    assert_eq!(browser.get(&path).await.status, StatusCode::NOT_FOUND);
    let tokens: i64 = sqlx::query_scalar("select count(*) from setup_token")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(tokens, 0);
}

#[tokio::test]
async fn every_id_has_one_spelling_and_the_others_are_not_found() {
    let app = TestApp::spawn_as(Role::Admin).await;
    let territory = app.territory("69123").await;
    let assessment = app.assessment(territory).await;
    let report = app.publish(assessment).await;
    for path in [
        format!("/territoires/{territory}"),
        format!("/evaluations/{assessment}"),
        format!("/evaluations/{assessment}/MOB"),
        format!("/rapports/{report}"),
    ] {
        assert_eq!(app.get(&path).await.status, StatusCode::OK, "{path}");
    }
    for path in [
        format!("/territoires/+{territory}"),
        format!("/territoires/0{territory}"),
        format!("/evaluations/%2B{assessment}"),
        format!("/evaluations/0{assessment}/MOB"),
        format!("/evaluations/+{assessment}/reponses/MOB-1"),
        format!("/rapports/+{report}"),
        format!("/rapports/0{report}.pdf"),
        format!("/rapports/+{report}.xlsx"),
        format!("/rapports/{report}%20"),
    ] {
        assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}
