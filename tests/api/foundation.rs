//! The foundation: pages through the layout, health, security headers, static assets, metrics,
//! migrations, and the embedded PostgreSQL lifecycle of the real binary.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use territoires::accounts::Role;
use territoires::database;

use crate::support::{TestApp, fresh_database};

#[tokio::test]
async fn home_page_is_french_and_rendered_through_the_layout() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(page.body.contains(r#"<html lang="fr">"#));
    assert!(page.body.contains("Diagnostics « territoire intelligent »"));
    assert!(
        page.body
            .contains(r##"<a class="skip-link" href="#contenu">Aller au contenu</a>"##)
    );
    assert!(page.body.contains(r#"<main id="contenu""#));
}

#[tokio::test]
async fn english_is_chosen_with_lang_and_remembered() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let page = app.get("/?lang=en").await;
    assert!(page.body.contains(r#"<html lang="en">"#));
    assert!(page.body.contains("Smart-territory diagnostics"));
    assert!(page.header("set-cookie").starts_with("lang=en;"));
    let next = app.get("/").await;
    assert!(
        next.body.contains(r#"<html lang="en">"#),
        "the cookie keeps English"
    );
    let back = app.get("/?lang=fr").await;
    assert!(back.body.contains(r#"<html lang="fr">"#));
}

#[tokio::test]
async fn health_is_ok_when_the_database_answers() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let page = app.get("/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
}

#[tokio::test]
async fn health_is_503_when_the_database_is_unreachable() {
    let app = TestApp::spawn_with_unreachable_database().await;
    let page = app.get("/healthz").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    let sign_in = app.get("/connexion").await;
    assert_eq!(
        sign_in.status,
        StatusCode::OK,
        "pages without data still render"
    );
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    for path in ["/", "/page-qui-n-existe-pas"] {
        let page = app.get(path).await;
        let csp = page.header("content-security-policy");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-eval"), "{path}: {csp}");
        assert_eq!(page.header("x-content-type-options"), "nosniff");
        assert_eq!(page.header("referrer-policy"), "same-origin");
    }
}

#[tokio::test]
async fn pages_have_no_inline_script_or_style() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    for path in ["/", "/nulle-part"] {
        let body = app.get(path).await.body;
        for fragment in ["<script>", "<style", " style=", " onclick=", " onload="] {
            assert!(!body.contains(fragment), "{path} contains {fragment}");
        }
        assert!(body.contains(r#"<script src="/static/vendor/htmx-2.0.11.min.js?v="#));
    }
}

#[tokio::test]
async fn unknown_pages_get_the_french_404_page() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let page = app.get("/territoires-inconnus/42").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains(r#"<html lang="fr">"#));
    assert!(page.body.contains("Page introuvable"));
    assert!(page.body.contains("Revenir à l&#39;accueil"));
}

#[tokio::test]
async fn htmx_requests_get_an_error_fragment_not_a_page() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let page = app.get_with("/nulle-part", &[("HX-Request", "true")]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page introuvable"));
    assert!(!page.body.contains("<html"));
}

#[tokio::test]
async fn static_assets_are_cached_for_a_year_and_revalidated() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let home = app.get("/").await.body;
    let css_url = home
        .split(r#"<link rel="stylesheet" href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the layout links the stylesheet");
    assert!(css_url.starts_with("/static/app.css?v="), "{css_url}");

    let css = app.get(css_url).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").starts_with("text/css"));
    assert_eq!(
        css.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(css.body.contains(":root"));
    let etag = css.header("etag").to_owned();
    assert!(etag.starts_with('"'), "{etag}");

    let again = app.get_with(css_url, &[("If-None-Match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());

    let missing = app.get("/static/absent.css").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn text_responses_are_compressed_when_the_client_accepts_it() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let page = app.get_with("/", &[("Accept-Encoding", "gzip")]).await;
    assert_eq!(page.header("content-encoding"), "gzip");
}

#[tokio::test]
async fn oversized_request_bodies_are_refused() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let response = app
        .client
        .post(app.url("/"))
        .body(vec![b'x'; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn metrics_count_requests_by_route() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    app.get("/").await;
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(metrics.body.contains("axum_http_requests_total"));
    assert!(metrics.body.contains(r#"endpoint="/""#));
    assert!(metrics.body.contains("axum_http_requests_duration_seconds"));
}

#[tokio::test]
async fn migrations_are_idempotent_on_restart() {
    let pool = fresh_database().await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from _sqlx_migrations where success")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let before = count().await;
    assert_eq!(before, territoires::MIGRATOR.iter().count() as i64);
    database::migrate(&pool)
        .await
        .expect("a second run succeeds");
    database::migrate(&pool)
        .await
        .expect("a third run succeeds");
    assert_eq!(count().await, before);
    let has_trigram: bool =
        sqlx::query_scalar("select exists (select 1 from pg_extension where extname = 'pg_trgm')")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(has_trigram);
}

/// The real binary, with its own data dir and embedded PostgreSQL.
struct Binary {
    child: Child,
    base_url: String,
}

impl Binary {
    fn start(data_dir: &std::path::Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_territoires"))
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--addr")
            .arg(format!("127.0.0.1:{port}"))
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Self {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Polls `/healthz` until it answers 200 (true) or a minute passes (false).
    async fn healthy(&self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(60);
        let client = reqwest::Client::new();
        while Instant::now() < deadline {
            if let Ok(response) = client
                .get(format!("{}/healthz", self.base_url))
                .send()
                .await
                && response.status() == StatusCode::OK
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([format!("-{signal}"), self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

/// PIDs of postmasters running on `pgdata`. A child the postmaster has just forked carries
/// the same command line until it renames itself, so processes whose parent is one of the
/// matches are not counted.
fn postmasters(pgdata: &std::path::Path) -> Vec<u32> {
    let wanted = pgdata.to_string_lossy().into_owned();
    let matching: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let args: Vec<String> = cmdline
                .split(|b| *b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            let is_postmaster = args.first()?.ends_with("/postgres")
                && args.windows(2).any(|w| w[0] == "-D" && w[1] == wanted);
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            let parent: u32 = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            is_postmaster.then_some((pid, parent))
        })
        .collect();
    matching
        .iter()
        .filter(|(_, parent)| !matching.iter().any(|(pid, _)| pid == parent))
        .map(|(pid, _)| *pid)
        .collect()
}

#[tokio::test]
async fn the_binary_runs_its_own_postgres_survives_kill_9_and_stops_it_on_sigterm() {
    let data_dir = tempdir("lifecycle");
    let first = Binary::start(&data_dir);
    assert!(first.healthy().await, "first start serves /healthz");
    let pgdata = database::embedded::pgdata_for(&data_dir).unwrap();
    assert_eq!(postmasters(&pgdata).len(), 1);

    let mut first = first;
    first.signal("KILL");
    first.child.wait().unwrap();
    assert_eq!(
        postmasters(&pgdata).len(),
        1,
        "PostgreSQL outlives a killed app"
    );

    let mut second = Binary::start(&data_dir);
    assert!(second.healthy().await, "the next start comes up");
    assert_eq!(
        postmasters(&pgdata).len(),
        1,
        "the running server is reused, not duplicated"
    );

    // A command run next to the server uses the same cluster and leaves it running.
    let status = Command::new(env!("CARGO_BIN_EXE_territoires"))
        .arg("--data-dir")
        .arg(&data_dir)
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(second.healthy().await, "the server's database is still up");
    assert_eq!(postmasters(&pgdata).len(), 1);

    second.signal("TERM");
    let status = second.child.wait().unwrap();
    assert!(status.success(), "clean exit on SIGTERM: {status}");
    assert!(
        postmasters(&pgdata).is_empty(),
        "SIGTERM leaves no PostgreSQL behind"
    );
    std::fs::remove_dir_all(&data_dir).ok();
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn cross_site_state_changes_are_refused_and_change_nothing() {
    let app = TestApp::spawn_as(Role::Consultant).await;
    let lyon = app.area_id("commune", "69123").await.to_string();
    let form = [("mode", "official"), ("geo_area_id", lyon.as_str())];
    let forged = app
        .client
        .post(app.url("/territoires"))
        .header("Origin", "https://attaquant.example")
        .header("Sec-Fetch-Site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.text().await.unwrap().contains("Requête refusée"));
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from territory")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    assert_eq!(count().await, 0);

    let own = app
        .client
        .post(app.url("/territoires"))
        .header("Origin", app.base_url.as_str())
        .header("Sec-Fetch-Site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        own.status(),
        StatusCode::SEE_OTHER,
        "our own pages still post"
    );
    assert_eq!(count().await, 1);
}
