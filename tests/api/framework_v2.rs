//! Framework version 2: a new round marks what the territory is not competent for, without a
//! word typed and overridable; a round prefilled from a version 1 round carries its answers
//! through the correspondence and says what it did; the referentiel shows both versions and
//! what changed; the demo publishes a v2 round of Valence prefilled from its v1 round.

use reqwest::StatusCode;
use territoires::accounts::Role;

use crate::support::TestApp;

/// (not applicable, competence holder, justification, version) of `code` in `assessment`.
async fn answer(
    app: &TestApp,
    assessment: i64,
    code: &str,
) -> (bool, Option<String>, String, i32, Option<i16>) {
    sqlx::query_as(
        "select a.not_applicable, a.competence_of, a.justification, a.version, a.level
           from criterion_answer a join criterion c using (criterion_id)
          where a.assessment_id = $1 and c.code = $2",
    )
    .bind(assessment)
    .bind(code)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_communes_round_marks_the_mobility_authoritys_criteria_and_the_consultant_may_override() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let lyon = app.territory("69123").await;
    let assessment = app.assessment(lyon).await;
    let version: i32 = sqlx::query_scalar(
        "select f.version from assessment a join framework_version f using (framework_version_id)
          where a.assessment_id = $1",
    )
    .bind(assessment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(version, 2, "new rounds use the newest framework");

    // Transport data is the mobility authority's job, not the commune's.
    let (na, holder, justification, row_version, _) = answer(&app, assessment, "MOB-3").await;
    assert!(na);
    assert_eq!(holder.as_deref(), Some("aom"));
    assert!(
        justification.starts_with("Compétence de l'autorité organisatrice de la mobilité"),
        "{justification}"
    );
    // Organisational criteria are every authority's.
    let (na, holder, ..) = answer(&app, assessment, "ACC-1").await;
    assert!(!na && holder.is_none());
    let marked: i64 = sqlx::query_scalar(
        "select count(*) from criterion_answer where assessment_id = $1 and competence_of is not null",
    )
    .bind(assessment)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(marked >= 2, "{marked} criteria marked");

    let section = app.get(&format!("/evaluations/{assessment}/MOB")).await;
    assert_eq!(section.status, StatusCode::OK);
    assert!(
        section
            .body
            .contains("Compétence de l&#39;autorité organisatrice de la mobilité"),
        "the section says who is competent"
    );
    // Every level card says what proves it.
    assert!(section.body.contains(r#"class="evidence""#));

    // The consultant knows better: the commune runs its own transport data portal.
    let saved = app
        .post_form(
            &format!("/evaluations/{assessment}/reponses/MOB-3"),
            &[
                ("MOB-3.version", &row_version.to_string()),
                ("MOB-3.level", "2"),
                ("MOB-3.importance", "2"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (na, _, _, _, level) = answer(&app, assessment, "MOB-3").await;
    assert!(!na);
    assert_eq!(level, Some(2));
}

#[tokio::test]
async fn an_epci_round_keeps_the_mobility_criteria() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let area = app.area_id("epci", "200046977").await.to_string();
    let admin = app.new_browser();
    admin.sign_in_as(Role::Admin, &[]).await;
    let created = admin
        .post_form(
            "/territoires",
            &[("mode", "official"), ("geo_area_id", &area)],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let assessment = app.assessment(created.created_id()).await;
    let (na, holder, ..) = answer(&app, assessment, "MOB-3").await;
    assert!(!na && holder.is_none());
}

#[tokio::test]
async fn the_referentiel_shows_both_versions_and_what_changed() {
    let app = TestApp::spawn_as(Role::Elu).await;
    let current = app.get("/referentiel").await;
    assert_eq!(current.status, StatusCode::OK);
    assert!(current.body.contains(r#"href="/referentiel?version=1""#));
    assert!(current.body.contains(r#"href="/referentiel/changements""#));
    let older = app.get("/referentiel?version=1").await;
    assert_eq!(older.status, StatusCode::OK);
    assert!(older.body.contains(r#"href="/referentiel/GOV?version=1""#));
    let gov_v1 = app.get("/referentiel/GOV?version=1").await;
    assert!(!gov_v1.body.contains("GOV-6"));
    let gov_v2 = app.get("/referentiel/GOV").await;
    assert!(gov_v2.body.contains("GOV-6") && gov_v2.body.contains("GOV-7"));
    assert!(gov_v2.body.contains("Preuve attendue"));
    assert!(gov_v2.body.contains("Qui est compétent"));
    assert_eq!(
        app.get("/referentiel?version=9").await.status,
        StatusCode::NOT_FOUND
    );
    let changes = app.get("/referentiel/changements").await;
    assert_eq!(changes.status, StatusCode::OK);
    for code in ["MOB-6", "GOV-6", "GOV-7", "DNI-6", "DNI-7"] {
        assert!(changes.body.contains(code), "{code} is new");
    }
}

#[tokio::test]
async fn the_demo_publishes_a_v2_round_of_valence_carried_over_from_its_v1_round() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let demo = territoires::demo::run(&app.pool).await.unwrap();
    let (version, previous_version, previous_status): (i32, i32, String) = sqlx::query_as(
        "select f.version, pf.version, p.status
           from assessment a join framework_version f using (framework_version_id)
           join assessment p on p.assessment_id = a.previous_assessment_id
           join framework_version pf on pf.framework_version_id = p.framework_version_id
          where a.assessment_id = $1",
    )
    .bind(demo.assessment_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (version, previous_version, previous_status.as_str()),
        (2, 1, "published")
    );
    // Valence is not its own mobility authority: v2 says so, whatever v1 said.
    let (na, holder, ..) = answer(&app, demo.assessment_id.0, "MOB-3").await;
    assert!(na && holder.as_deref() == Some("aom"));

    let page = app
        .get(&format!("/evaluations/{}/reprise", demo.assessment_id.0))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Réponses reprises (56)"),
        "every v1 answer"
    );
    assert!(page.body.contains("Critères nouveaux, à évaluer"));
    assert!(page.body.contains("MOB-6"));

    let report = app.get(&format!("/rapports/{}", demo.report_id)).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains("Preuve attendue"));
    assert!(report.body.contains("Compétence de l"));
}
