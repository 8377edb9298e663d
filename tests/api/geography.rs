//! The official geography: import (idempotent, atomic, retiring what disappears) and the
//! ranked, accent-insensitive, typo-tolerant search.

use reqwest::StatusCode;
use serde_json::Value;
use territoires::accounts::Role;
use territoires::geo::import;

use crate::support::TestApp;

async fn search_json(app: &TestApp, query: &str) -> Vec<Value> {
    let page = app
        .get_with(
            &format!("/geo/recherche?q={}", query.replace(' ', "+")),
            &[("Accept", "application/json")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("application/json"));
    serde_json::from_str(&page.body).unwrap()
}

fn first(results: &[Value]) -> (String, String, String) {
    let a = results.first().expect("at least one result");
    (
        a["kind"].as_str().unwrap().into(),
        a["code"].as_str().unwrap().into(),
        a["name"].as_str().unwrap().into(),
    )
}

#[tokio::test]
async fn search_ranks_the_expected_area_first() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let cases = [
        ("saint etienne", ("commune", "42218", "Saint-Étienne")),
        ("SAINT-ÉTIENNE", ("commune", "42218", "Saint-Étienne")),
        ("69123", ("commune", "69123", "Lyon")),
        ("metropole lyon", ("epci", "200046977", "Métropole de Lyon")),
        ("sant etiene", ("commune", "42218", "Saint-Étienne")),
        ("marseile", ("commune", "13055", "Marseille")),
        ("2a004", ("commune", "2A004", "Ajaccio")),
        ("ile de france", ("region", "11", "Île-de-France")),
        // Abbreviations and punctuation, ranked by population within a match class.
        ("st etienne", ("commune", "42218", "Saint-Étienne")),
        ("st-etienne", ("commune", "42218", "Saint-Étienne")),
        ("ste maxime", ("commune", "83115", "Sainte-Maxime")),
        ("Ste-Maxime", ("commune", "83115", "Sainte-Maxime")),
    ];
    for (query, (kind, code, name)) in cases {
        let results = search_json(&app, query).await;
        assert_eq!(
            first(&results),
            (kind.into(), code.into(), name.into()),
            "query {query:?}"
        );
    }
}

#[tokio::test]
async fn exact_matches_come_before_prefixes_and_larger_populations_first() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let results = search_json(&app, "saint etienne").await;
    let names: Vec<&str> = results
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "Saint-Étienne");
    let prefixed: Vec<i64> = results
        .iter()
        .skip(1)
        .take_while(|a| a["name"].as_str().unwrap().starts_with("Saint-Étienne"))
        .map(|a| a["population"].as_i64().unwrap_or(0))
        .collect();
    assert!(prefixed.len() >= 3, "{names:?}");
    assert!(
        prefixed.windows(2).all(|w| w[0] >= w[1]),
        "by population: {prefixed:?}"
    );
    assert!(
        search_json(&app, "x").await.is_empty(),
        "one letter is too short to search"
    );
}

#[tokio::test]
async fn the_html_fragment_offers_the_areas_as_choices() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let page = app.get("/geo/recherche?q=lyon").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(!page.body.contains("<html"));
    let lyon = app.area_id("commune", "69123").await;
    assert!(page.body.contains(&format!(
        r#"name="geo_area_id" id="area-{lyon}" value="{lyon}""#
    )));
    assert!(page.body.contains("519\u{202f}127"));
    let nothing = app.get("/geo/recherche?q=zzzzqqqq").await;
    assert!(nothing.body.contains("Aucune collectivité"));
}

#[tokio::test]
async fn importing_again_changes_nothing() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let snapshot = || async {
        sqlx::query_as::<_, (i64, i64, i64)>(
            "select count(*), sum(geo_area_id)::bigint, count(*) filter (where retired) from geo_area",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let before = snapshot().await;
    let counts = import::import_from(&app.pool, None).await.unwrap();
    assert!(counts.communes > 34_000);
    assert_eq!(snapshot().await, before, "same rows, same ids");
}

/// Writes the built-in extract to a directory, letting `edit` change the communes file.
fn extract_dir(name: &str, edit: impl FnOnce(String) -> String) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("geo-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut edit = Some(edit);
    for (file, text) in import::read_sources(None).unwrap() {
        let text = match (file.as_str(), edit.take_if(|_| file == "communes.tsv")) {
            (_, Some(edit)) => edit(text),
            _ => text,
        };
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

async fn name_of(app: &TestApp, code: &str) -> (String, bool) {
    sqlx::query_as("select name, retired from geo_area where kind = 'commune' and code = $1")
        .bind(code)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_failing_import_leaves_the_previous_geography_intact() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from geo_area")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let before = count().await;
    // Lyon renamed, and a duplicated line that only the database notices, midway through.
    let dir = extract_dir("broken", |text| {
        let lyon = text
            .lines()
            .find(|l| l.starts_with("69123\t"))
            .unwrap()
            .to_owned();
        let renamed = text.replace("69123\tLyon\t", "69123\tLyon-Renommée\t");
        format!("{renamed}{lyon}\n")
    });
    let error = import::import_from(&app.pool, Some(&dir))
        .await
        .unwrap_err();
    assert!(
        format!("{error:#}").contains("cannot affect row a second time"),
        "{error:#}"
    );
    assert_eq!(name_of(&app, "69123").await, ("Lyon".to_owned(), false));
    assert_eq!(count().await, before);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn areas_missing_from_a_new_import_are_retired_not_deleted() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let dir = extract_dir("merged", |text| {
        text.lines()
            .filter(|l| !l.starts_with("01001\t"))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    import::import_from(&app.pool, Some(&dir)).await.unwrap();
    assert_eq!(
        name_of(&app, "01001").await,
        ("L'Abergement-Clémenciat".to_owned(), true)
    );
    assert!(
        search_json(&app, "01001").await.is_empty(),
        "retired areas are not offered"
    );
    import::import_from(&app.pool, None).await.unwrap();
    assert!(
        !name_of(&app, "01001").await.1,
        "back when the data has it again"
    );
    std::fs::remove_dir_all(dir).ok();
}
