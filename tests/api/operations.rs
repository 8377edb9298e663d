//! Operations: a backup taken while saves go on restores into an empty database with every
//! report and answer; a restore refuses a non-empty target and a newer backup; `check` finds
//! a tampered report body and a round that diverges from its report; and a database of the
//! previous release upgrades without losing a byte of what élus were shown.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::StatusCode;
use territoires::accounts::Role;
use territoires::operations::{backup, check};

use crate::support::{
    TestApp, autosave, empty_database_with_url, fresh_database_with_url, returned_version,
};

/// Each report's bodies and fingerprint.
async fn reports(pool: &sqlx::PgPool) -> Vec<(i64, String, String, String)> {
    sqlx::query_as("select report_id, body_fr, body_en, fingerprint from report order by 1")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Each answer: (assessment, criterion code) → (version, level, evidence).
async fn answers(pool: &sqlx::PgPool) -> BTreeMap<(i64, String), (i32, Option<i16>, String)> {
    let rows: Vec<(i64, String, i32, Option<i16>, String)> = sqlx::query_as(
        "select a.assessment_id, c.code, a.version, a.level, a.evidence
           from criterion_answer a join criterion c using (criterion_id)",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(id, code, version, level, evidence)| ((id, code), (version, level, evidence)))
        .collect()
}

fn scratch_file(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("backups");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{name}-{}.backup", std::process::id()))
}

#[tokio::test]
async fn a_backup_taken_while_saves_go_on_restores_every_report_and_answer() {
    let (url, pool) = fresh_database_with_url().await;
    let app = TestApp::on(pool.clone()).await;
    app.sign_in_as(Role::Consultant, &[]).await;
    let territory = app.territory("69123").await;
    app.publish(app.assessment(territory).await).await;
    let draft = app.assessment(territory).await;

    // A consultant keeps saving one answer while the backup runs; every save is recorded.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (app, stop) = (app.new_browser(), stop.clone());
        app.sign_in_as(Role::Consultant, &[]).await;
        tokio::spawn(async move {
            let mut saved = BTreeMap::new();
            let mut version = 1;
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) || n < 3 {
                let evidence = format!("preuve {n}");
                let page = autosave(
                    &app,
                    draft,
                    "MOB-1",
                    &[
                        ("level", "2"),
                        ("importance", "2"),
                        ("evidence", &evidence),
                        ("version", &version.to_string()),
                    ],
                )
                .await;
                assert_eq!(page.status, StatusCode::OK, "{}", page.body);
                version = returned_version(&page, "MOB-1");
                saved.insert(version, evidence);
                n += 1;
            }
            saved
        })
    };
    let file = scratch_file("while-saving");
    let manifest = backup::backup(&pool, &url, &file).await.unwrap();
    stop.store(true, Ordering::SeqCst);
    let saved = writer.await.unwrap();
    assert_eq!(
        (manifest.territories, manifest.assessments, manifest.reports),
        (1, 2, 1)
    );
    assert_eq!(manifest.migration, backup::latest_migration());
    assert_eq!(backup::read_manifest(&file).await.unwrap(), manifest);

    let (target_url, target) = empty_database_with_url().await;
    backup::restore(&target, &target_url, &file, false)
        .await
        .unwrap();
    territoires::prepare_database(&target).await.unwrap();
    assert_eq!(
        reports(&target).await,
        reports(&pool).await,
        "every report, byte for byte"
    );
    let (before, after) = (answers(&pool).await, answers(&target).await);
    assert_eq!(before.len(), after.len(), "every answer");
    for (key, restored) in &after {
        if key == &(draft, "MOB-1".to_owned()) {
            // Taken at one instant: a version that was acknowledged, with its own evidence.
            let (version, _, evidence) = restored;
            if *version > 1 {
                assert_eq!(saved.get(version), Some(evidence), "{restored:?}");
            }
        } else {
            assert_eq!(Some(restored), before.get(key), "{key:?}");
        }
    }
    assert_eq!(check::check(&target).await.unwrap(), Vec::<String>::new());
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn a_restore_refuses_a_database_that_is_not_empty_and_a_newer_backup() {
    let (url, pool) = fresh_database_with_url().await;
    let file = scratch_file("refusals");
    backup::backup(&pool, &url, &file).await.unwrap();

    let (busy_url, busy) = fresh_database_with_url().await;
    let refused = backup::restore(&busy, &busy_url, &file, false)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("not empty"), "{refused}");

    // The same backup, as if written by a version with one more migration.
    let text = std::fs::read(&file).unwrap();
    let newline = text.iter().position(|b| *b == b'\n').unwrap();
    let mut manifest: backup::Manifest =
        serde_json::from_slice(&text[b"TERRITOIRES-BACKUP ".len()..newline]).unwrap();
    manifest.migration = backup::latest_migration() + 1;
    let newer = scratch_file("newer");
    let mut bytes = format!(
        "TERRITOIRES-BACKUP {}",
        serde_json::to_string(&manifest).unwrap()
    )
    .into_bytes();
    bytes.extend_from_slice(&text[newline..]);
    std::fs::write(&newer, bytes).unwrap();
    let (empty_url, empty) = empty_database_with_url().await;
    let refused = backup::restore(&empty, &empty_url, &newer, false)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("newer version"), "{refused}");
    assert!(
        backup::is_empty(&empty).await.unwrap(),
        "nothing was restored"
    );

    // Told to, it replaces what a database holds.
    backup::restore(&busy, &busy_url, &file, true)
        .await
        .unwrap();
    let _ = (std::fs::remove_file(file), std::fs::remove_file(newer));
}

#[tokio::test]
async fn check_finds_a_tampered_report_body_and_a_round_that_diverges_from_its_report() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let territory = app.territory("69123").await;
    let assessment = app.assessment(territory).await;
    let report = app.publish(assessment).await;
    assert_eq!(check::check(&app.pool).await.unwrap(), Vec::<String>::new());

    sqlx::raw_sql(&format!(
        "alter table report disable trigger report_immutable;
         update report set body_fr = body_fr || ' ' where report_id = {report};
         update criterion_answer set evidence = 'réécrit'
          where assessment_id = {assessment}
            and criterion_id in (select criterion_id from criterion where code = 'GOV-1');"
    ))
    .execute(&app.pool)
    .await
    .unwrap();
    let problems = check::check(&app.pool).await.unwrap();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].contains(&format!("report {report}")) && problems[0].contains("fingerprint")
    );
    assert!(problems[1].contains("GOV-1") && problems[1].contains("differs"));
}

#[tokio::test]
async fn a_database_of_the_previous_release_upgrades_without_losing_anything() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/release-4c0adce.backup");
    let (url, pool) = empty_database_with_url().await;
    let manifest = backup::restore(&pool, &url, &fixture, false).await.unwrap();
    assert_eq!(manifest.migration, 9);
    // As the previous release left it…
    let reports_then = reports(&pool).await;
    let answers_then = answers(&pool).await;
    assert_eq!(reports_then.len(), 2);
    assert_eq!(answers_then.len(), 2 * 56);
    // …upgraded by this binary's start-up.
    territoires::prepare_database(&pool).await.unwrap();
    assert_eq!(
        reports(&pool).await,
        reports_then,
        "every report byte for byte"
    );
    assert_eq!(answers(&pool).await, answers_then, "every answer");
    assert_eq!(check::check(&pool).await.unwrap(), Vec::<String>::new());

    // And served as élus were shown them.
    let app = TestApp::on(pool.clone()).await;
    app.sign_in_as(Role::Admin, &[]).await;
    for (id, body_fr, _, _) in &reports_then {
        let page = app.get(&format!("/rapports/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains(body_fr.as_str()),
            "report {id} is served as published"
        );
    }
}
