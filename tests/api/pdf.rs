//! The report as a PDF (#16): rendered once by headless Chromium at publication, stored, served
//! byte for byte to the report's readers only, with the territory, "En bref", the chantiers and
//! page numbers in its text (read back with `pdftotext`).

use reqwest::StatusCode;
use territoires::config::Config;
use territoires::vocabulary::Role;

use crate::support::TestApp;

async fn pdf(app: &TestApp, report: i64) -> (StatusCode, Vec<u8>) {
    let response = app
        .client
        .get(app.url(&format!("/rapports/{report}.pdf")))
        .send()
        .await
        .unwrap();
    (response.status(), response.bytes().await.unwrap().to_vec())
}

fn text_of(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("pdf-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.pdf", pdf.len()));
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn the_report_prints_once_to_a_pdf_that_only_its_readers_get() {
    let app = TestApp::spawn_with(Config {
        pdf: true,
        ..Config::for_tests()
    })
    .await;
    app.sign_in_as(Role::Consultant, &[]).await;
    let demo = territoires::demo::run(&app.pool).await.unwrap();
    let rendered = territoires::reports::pdf::render(&app.pool, demo.report_id, None)
        .await
        .unwrap();
    assert_eq!(rendered, 2, "French and English");
    let report = demo.report_id.0;
    let (status, first) = pdf(&app, report).await;
    assert_eq!(status, StatusCode::OK);
    assert!(first.starts_with(b"%PDF"));
    let text = text_of(&first)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Valence") && text.contains("En bref"));
    let snapshot: serde_json::Value =
        sqlx::query_scalar("select snapshot from report where report_id = $1")
            .bind(report)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    for chantier in snapshot["roadmap"]["chantiers"].as_array().unwrap() {
        let title = chantier["title"].as_str().unwrap();
        assert!(text.contains(title), "{title} not in the PDF");
    }
    let pages: usize = text.matches(" / ").count();
    assert!(text.contains("1 / ") && pages >= 10, "{pages}");
    // Served from storage: the same bytes again; rendering anew is a no-op.
    assert_eq!(pdf(&app, report).await.1, first);
    assert_eq!(
        territoires::reports::pdf::render(&app.pool, demo.report_id, None)
            .await
            .unwrap(),
        0
    );
    let english = app
        .client
        .get(app.url(&format!("/rapports/{report}.pdf?lang=en")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(text_of(&english).contains("In brief"));

    // The territory's élu reads it; another élu gets nothing.
    let elu = app.new_browser();
    elu.sign_in_as(Role::Elu, &[demo.territory_id.0]).await;
    assert_eq!(pdf(&elu, report).await.0, StatusCode::OK);
    let lyon = app.territory("69123").await;
    let other = app.new_browser();
    other.sign_in_as(Role::Elu, &[lyon]).await;
    assert_eq!(pdf(&other, report).await.0, StatusCode::NOT_FOUND);

    // Publishing through the app renders it right away.
    let assessment = app.assessment(lyon).await;
    let published = app.publish(assessment).await;
    let count: i64 = sqlx::query_scalar("select count(*) from report_pdf where report_id = $1")
        .bind(published)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 2);
}

#[tokio::test]
async fn without_chromium_publication_succeeds_and_the_pdf_comes_later() {
    let app = TestApp::spawn_with(Config {
        pdf: true,
        chromium: Some("/nonexistent/chromium".into()),
        ..Config::for_tests()
    })
    .await;
    app.sign_in_as(Role::Consultant, &[]).await;
    let territory = app.territory("69123").await;
    let report = app.publish(app.assessment(territory).await).await;
    let page = app.get(&format!("/rapports/{report}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("PDF pas encore disponible"));
    assert!(page.body.contains("territoires pdf --missing"));
    assert_eq!(pdf(&app, report).await.0, StatusCode::NOT_FOUND);
    // What `territoires pdf --missing` does once Chromium is there.
    let rendered = territoires::reports::pdf::render_missing(&app.pool, None)
        .await
        .unwrap();
    assert_eq!(rendered, 2);
    let (status, bytes) = pdf(&app, report).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes.starts_with(b"%PDF"));
    assert!(
        app.get(&format!("/rapports/{report}"))
            .await
            .body
            .contains(&format!(r#"href="/rapports/{report}.pdf""#))
    );
}
