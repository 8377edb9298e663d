//! The report as a PDF (#16): rendered once by headless Chromium after publication, as a
//! durable job any instance's worker takes (#27), stored, served byte for byte to the report's
//! readers only, with the territory, "En bref", the chantiers and page numbers in its text
//! (read back with `pdftotext`); a job that keeps failing stops and can be retried; a job left
//! by a crashed worker is rendered once by the instances that remain.

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
    // The demo's publications enqueued their PDFs; this instance's worker prints them.
    rendered_within(&app, demo.report_id.0, RENDERING).await;
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

    // Publishing through the app returns at once; this instance's worker prints the PDFs.
    let assessment = app.assessment(lyon).await;
    let published = app.publish(assessment).await;
    rendered_within(&app, published, RENDERING).await;
    // The same job compressed both bodies for sending.
    let encoded: i64 =
        sqlx::query_scalar("select count(*) from report_encoding where report_id = $1")
            .bind(published)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(encoded, 2);
    let job: (String, i32) = sqlx::query_as("select state, attempts from job where report_id = $1")
        .bind(published)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(job, ("done".to_owned(), 1));
}

/// How long two PDFs may take to render on this machine (about 3 s each).
const RENDERING: std::time::Duration = std::time::Duration::from_secs(60);

/// How many PDFs `report` has stored.
async fn stored_pdfs(app: &TestApp, report: i64) -> i64 {
    sqlx::query_scalar("select count(*) from report_pdf where report_id = $1")
        .bind(report)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Waits until both PDFs of `report` are stored, failing past `limit`.
async fn rendered_within(app: &TestApp, report: i64, limit: std::time::Duration) {
    let since = std::time::Instant::now();
    while stored_pdfs(app, report).await < 2 {
        assert!(
            since.elapsed() < limit,
            "report {report} has no PDF after {limit:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_job_that_keeps_failing_stops_at_its_cap_shows_its_error_and_can_be_retried() {
    // An instance whose worker is off: publication enqueues the job and returns.
    let app = TestApp::spawn_with(Config::for_tests()).await;
    app.sign_in_as(Role::Admin, &[]).await;
    let territory = app.territory("69123").await;
    let report = app.publish(app.assessment(territory).await).await;
    let page = app.get(&format!("/rapports/{report}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("PDF en préparation"));
    assert!(
        !page.body.contains("--missing"),
        "no operator command on the page"
    );
    assert_eq!(pdf(&app, report).await.0, StatusCode::NOT_FOUND);

    // A worker without Chromium: each attempt fails, until the cap.
    let broken = Config {
        chromium: Some("/nonexistent/chromium".into()),
        job_backoff_ms: 0,
        ..Config::for_tests()
    };
    let done = territoires::reports::pdf::run_due(&app.pool, &broken, None)
        .await
        .unwrap();
    assert_eq!(done, 0);
    let job: (i64, String, i32, Option<String>) =
        sqlx::query_as("select job_id, state, attempts, last_error from job where report_id = $1")
            .bind(report)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (job.1.as_str(), job.2),
        ("failed", territoires::jobs::MAX_ATTEMPTS)
    );
    assert!(
        job.3.as_deref().unwrap_or_default().contains("chromium"),
        "{job:?}"
    );
    // Staff are told on the report; the admins see it with its error and retry it.
    assert!(
        app.get(&format!("/rapports/{report}"))
            .await
            .body
            .contains("n&#39;a pas pu être produit")
    );
    let jobs = app.get("/admin/taches").await;
    assert_eq!(jobs.status, StatusCode::OK);
    assert!(jobs.body.contains("En échec") && jobs.body.contains("/nonexistent/chromium"));
    let retried = app
        .post_form(&format!("/admin/taches/{}/relancer", job.0), &[])
        .await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER);
    let state: String = sqlx::query_scalar("select state from job where job_id = $1")
        .bind(job.0)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(state, "pending");
    // What `territoires pdf --missing` does once Chromium is there.
    let done = territoires::reports::pdf::render_missing(&app.pool, &Config::for_tests())
        .await
        .unwrap();
    assert_eq!(done, 1);
    let (status, bytes) = pdf(&app, report).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes.starts_with(b"%PDF"));
    assert!(
        app.get(&format!("/rapports/{report}"))
            .await
            .body
            .contains(&format!(r#"href="/rapports/{report}.pdf""#))
    );
    assert!(app.get("/admin/taches").await.body.contains("Aucune tâche"));
}

#[tokio::test]
async fn a_job_left_by_a_crashed_worker_is_rendered_once_by_the_instances_that_remain() {
    // Published while no worker ran (the instance died after the commit), and taken by a
    // worker that died mid-render (its lease, one second, runs out).
    let app = TestApp::spawn_with(Config::for_tests()).await;
    app.sign_in_as(Role::Consultant, &[]).await;
    let territory = app.territory("69123").await;
    let report = app.publish(app.assessment(territory).await).await;
    let claimed = territoires::jobs::claim(&app.pool, std::time::Duration::from_secs(1))
        .await
        .unwrap()
        .expect("the publication's job");
    assert_eq!(claimed.report_id.0, report);
    // Two instances with workers start: the job is rendered once, by one of them.
    let with_workers = Config {
        pdf: true,
        ..Config::for_tests()
    };
    let first = app.second_instance_with(with_workers.clone()).await;
    let second = app.second_instance_with(with_workers).await;
    rendered_within(&first, report, RENDERING).await;
    let job: (String, i32) = sqlx::query_as("select state, attempts from job where report_id = $1")
        .bind(report)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        job,
        ("done".to_owned(), 2),
        "the crashed attempt, then one render"
    );
    assert_eq!(stored_pdfs(&second, report).await, 2);
}
