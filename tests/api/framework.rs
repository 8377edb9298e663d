//! The reference framework: loaded at start-up, idempotent, immutable once used, browsable.

use reqwest::StatusCode;
use territoires::accounts::Role;
use territoires::framework::db::{self, InstallError, Installed};
use territoires::framework::model::{BUILTIN_SOURCES, FrameworkSource};

use crate::support::{TestApp, escaped};

/// The current (newest) shipped version, the one new rounds use.
fn builtin() -> FrameworkSource {
    FrameworkSource::parse(BUILTIN_SOURCES.last().unwrap().1).unwrap()
}

async fn descriptor(app: &TestApp, code: &str, level: i16) -> String {
    sqlx::query_scalar(
        "select l.text_fr from level_descriptor l join criterion c using (criterion_id)
           join framework_version f using (framework_version_id)
         where c.code = $1 and l.level = $2 order by f.version desc limit 1",
    )
    .bind(code)
    .bind(level)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_framework_is_loaded_whole_at_start_up() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let (criteria, descriptors, recommendations, indicators): (i64, i64, i64, i64) =
        sqlx::query_as(
            "select (select count(*) from criterion), (select count(*) from level_descriptor),
                (select count(*) from recommendation_template), (select count(*) from indicator)",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(criteria >= 50);
    assert_eq!(descriptors, criteria * 5);
    assert_eq!(recommendations, criteria * 4);
    assert!(indicators >= 24);
    let source = builtin();
    assert_eq!(
        descriptor(&app, &source.criterion[0].code, 3).await,
        source.criterion[0].levels_fr[3]
    );
}

#[tokio::test]
async fn loading_the_same_source_again_changes_nothing() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let mut conn = app.pool.acquire().await.unwrap();
    let before: i64 = sqlx::query_scalar("select max(criterion_id) from criterion")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(
        db::install(&mut conn, &builtin()).await.unwrap(),
        Installed::Unchanged
    );
    let after: i64 = sqlx::query_scalar("select max(criterion_id) from criterion")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(before, after, "no row was rewritten");
}

#[tokio::test]
async fn a_modified_copy_of_an_unused_version_replaces_it() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let mut source = builtin();
    source.criterion[0].levels_fr[2] = "Descripteur révisé avant toute évaluation.".into();
    let mut conn = app.pool.acquire().await.unwrap();
    assert_eq!(
        db::install(&mut conn, &source).await.unwrap(),
        Installed::Replaced
    );
    assert_eq!(
        descriptor(&app, &source.criterion[0].code, 2).await,
        "Descripteur révisé avant toute évaluation."
    );
}

#[tokio::test]
async fn a_modified_copy_of_a_used_version_fails_loudly_and_changes_nothing() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let version = db::current_version(&app.pool, "STI-FR")
        .await
        .unwrap()
        .unwrap();
    db::lock_version(&app.pool, version.framework_version_id)
        .await
        .unwrap();
    let original = builtin();
    let mut modified = original.clone();
    modified.criterion[0].levels_fr[2] = "Changement interdit.".into();
    let mut conn = app.pool.acquire().await.unwrap();
    let error = db::install(&mut conn, &modified).await.unwrap_err();
    assert!(
        matches!(error, InstallError::VersionInUse { version: 2, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("cannot change"));
    assert_eq!(
        descriptor(&app, &original.criterion[0].code, 2).await,
        original.criterion[0].levels_fr[2]
    );
    assert_eq!(
        db::install(&mut conn, &original).await.unwrap(),
        Installed::Unchanged
    );
}

#[tokio::test]
async fn the_framework_can_be_browsed_by_axis_and_criterion() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let index = app.get("/referentiel").await;
    assert_eq!(index.status, StatusCode::OK);
    for expected in [
        "Mobilité intelligente",
        "Gouvernance",
        r#"href="/referentiel/DNI""#,
        "ECO-I1",
        "Déficit de transport collectif",
    ] {
        assert!(index.body.contains(expected), "index lacks {expected}");
    }
    let source = builtin();
    let mob1 = source.criterion.iter().find(|c| c.code == "MOB-1").unwrap();
    let page = app.get("/referentiel/MOB").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"id="critere-MOB-1""#));
    assert!(
        page.body.contains(&escaped(&mob1.levels_fr[4])),
        "level 4 descriptor shown"
    );
    assert!(
        page.body
            .contains(&escaped(&mob1.recommendation[1].text_fr)),
        "recommendation 1→2 shown"
    );
    let english = app.get("/referentiel/MOB?lang=en").await;
    assert!(english.body.contains(&escaped(&mob1.levels_en[4])));
    assert_eq!(
        app.get("/referentiel/XYZ").await.status,
        StatusCode::NOT_FOUND
    );
}
