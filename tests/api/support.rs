//! Test harness: every test gets the real application, served over HTTP on a loopback port,
//! backed by its own fresh PostgreSQL database (cloned from a migrated template). The server is
//! the one in `DATABASE_URL` when set, else an embedded cluster kept under the target dir and
//! reused by later runs.

use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::header::HeaderMap;
use reqwest::{Client, StatusCode, redirect};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection, PgPool};
use territoires::accounts::{self, Role};
use territoires::database::{self, Durability, EmbeddedPostgres, quote_ident};
use territoires::{AppState, Config, app};
use tokio::net::TcpListener;
use tokio::sync::OnceCell;

/// Prefix of every per-test database: `territoires_t_<pid>_<n>`.
const TEST_DB_PREFIX: &str = "territoires_t_";

/// A running application for one test.
pub struct TestApp {
    pub base_url: String,
    pub client: Client,
    pub pool: PgPool,
}

/// An element found in a page by a CSS selector.
#[derive(Debug)]
pub struct Element {
    pub attributes: std::collections::BTreeMap<String, String>,
    pub text: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }
}

/// A response read whole: status, headers and body text.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// The elements of the body matching the CSS `selector`, each as (attributes, text).
    pub fn select(&self, selector: &str) -> Vec<Element> {
        let document = scraper::Html::parse_document(&self.body);
        let selector = scraper::Selector::parse(selector)
            .unwrap_or_else(|e| panic!("bad selector {selector:?}: {e}"));
        document
            .select(&selector)
            .map(|e| Element {
                attributes: e
                    .value()
                    .attrs()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                text: e.text().collect(),
            })
            .collect()
    }

    /// The one element matching `selector` (a test failure when there is none, or several).
    pub fn one(&self, selector: &str) -> Element {
        let mut found = self.select(selector);
        assert_eq!(found.len(), 1, "{selector}: {} matches", found.len());
        found.remove(0)
    }

    /// Whether some element matches `selector`.
    pub fn has(&self, selector: &str) -> bool {
        !self.select(selector).is_empty()
    }

    /// The session token this response sets, if any (empty when it clears the cookie).
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("territoires_session="))
            .map(|v| v.split(';').next().unwrap_or_default().to_owned())
    }

    /// The id at the end of the `Location` a creation redirected to (`/territoires/12` → 12).
    pub fn created_id(&self) -> i64 {
        let location = self.header("location");
        location
            .rsplit('/')
            .next()
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("no id in {location:?}: {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

impl TestApp {
    /// The application on a fresh, migrated database.
    pub async fn spawn() -> Self {
        let pool = fresh_database().await;
        Self::serve(pool).await
    }

    /// The application with a pool whose server is unreachable (nothing listens there).
    pub async fn spawn_with_unreachable_database() -> Self {
        let unused = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = unused.local_addr().unwrap().port();
        drop(unused);
        let options = PgConnectOptions::new()
            .host("127.0.0.1")
            .port(port)
            .username("nobody")
            .database("nothing");
        let pool = database::pool_options()
            .min_connections(0)
            .acquire_timeout(std::time::Duration::from_secs(1))
            .connect_lazy_with(options);
        Self::serve(pool).await
    }

    /// The application on a fresh database, with a user of `role` signed in (an élu follows
    /// no territory; use [`TestApp::sign_in_as`] for one).
    pub async fn spawn_as(role: Role) -> Self {
        let app = Self::spawn().await;
        app.sign_in_as(role, &[]).await;
        app
    }

    /// A browser on an application served elsewhere (a [`Binary`]), with its database.
    pub fn at(base_url: &str, pool: PgPool) -> Self {
        Self {
            base_url: base_url.to_owned(),
            client: browser(),
            pool,
        }
    }

    /// Another browser (empty cookie jar) on the same application.
    pub fn new_browser(&self) -> Self {
        Self {
            base_url: self.base_url.clone(),
            client: browser(),
            pool: self.pool.clone(),
        }
    }

    /// A second application instance on the same database (as behind a load balancer), with
    /// its own browser.
    pub async fn second_instance(&self) -> Self {
        Self::serve(self.pool.clone()).await
    }

    /// Another instance of the application on the same database, with its own settings.
    pub async fn second_instance_with(&self, config: Config) -> Self {
        Self::serve_with(self.pool.clone(), config).await
    }

    /// Creates an account (the password is returned) directly in the database.
    pub async fn create_user(&self, role: Role, territories: &[i64]) -> (String, String) {
        static NEXT: AtomicUsize = AtomicUsize::new(1);
        let email = format!(
            "{}{}@exemple.fr",
            role.as_str(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let password = "cheval-agrafe-batterie".to_owned();
        let hash = accounts::password::hash(password.clone()).await.unwrap();
        let new = accounts::db::NewAccount {
            email: &email,
            display_name: "",
            role,
            password_hash: &hash,
            must_change_password: false,
            territories,
        };
        let mut conn = self.pool.acquire().await.unwrap();
        accounts::db::insert_user(&mut conn, &territoires::audit::Actor::command_line(), &new)
            .await
            .unwrap();
        (email, password)
    }

    /// Signs in with `email`/`password` through the sign-in form.
    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.post_form("/connexion", &[("email", email), ("password", password)])
            .await
    }

    /// Creates a user of `role` following `territories` and signs this browser in as them;
    /// returns the email.
    pub async fn sign_in_as(&self, role: Role, territories: &[i64]) -> String {
        let (email, password) = self.create_user(role, territories).await;
        let page = self.sign_in(&email, &password).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            page.body
        );
        email
    }

    /// Starts an assessment of `territory` (as an admin in a browser of its own); returns its
    /// id.
    pub async fn assessment(&self, territory: i64) -> i64 {
        let admin = self.new_browser();
        admin.sign_in_as(Role::Admin, &[]).await;
        let page = admin
            .post_form(
                &format!("/territoires/{territory}/evaluations"),
                &[
                    ("round_date", "2026-11-26"),
                    ("label", "Diagnostic initial"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        page.created_id()
    }

    /// Sends `assessment` (in draft at version 1) to review and publishes it (as an admin in a
    /// browser of its own); returns the report's id.
    pub async fn publish(&self, assessment: i64) -> i64 {
        let admin = self.new_browser();
        admin.sign_in_as(Role::Admin, &[]).await;
        admin.review(assessment).await;
        self.publish_reviewed(assessment, 2).await
    }

    /// Sends `assessment`, in draft at version 1, to review (it is then at version 2).
    pub async fn review(&self, assessment: i64) {
        let review = self
            .post_form(
                &format!("/evaluations/{assessment}/statut"),
                &[("status", "review"), ("version", "1")],
            )
            .await;
        assert_eq!(review.status, StatusCode::SEE_OTHER, "{}", review.body);
    }

    /// Publishes `assessment`, in review at `version` (as an admin in a browser of its own);
    /// returns the report's id.
    pub async fn publish_reviewed(&self, assessment: i64, version: i32) -> i64 {
        let admin = self.new_browser();
        admin.sign_in_as(Role::Admin, &[]).await;
        admin.roadmap(assessment).await;
        let published = admin
            .post_form(
                &format!("/evaluations/{assessment}/publier"),
                &[("version", &version.to_string())],
            )
            .await;
        assert!(
            published.header("location").starts_with("/rapports/"),
            "{}",
            published.body
        );
        published.created_id()
    }

    /// Gives `assessment` a roadmap with at least one chantier, if it has none (the proposal,
    /// then an empty chantier when the proposal holds none).
    pub async fn roadmap(&self, assessment: i64) {
        let proposed = self
            .post_form(
                &format!("/evaluations/{assessment}/feuille-de-route/proposer"),
                &[],
            )
            .await;
        assert!(
            [StatusCode::SEE_OTHER, StatusCode::CONFLICT].contains(&proposed.status),
            "{}",
            proposed.body
        );
        let (chantiers, version): (i64, i32) = sqlx::query_as(
            "select (select count(*) from roadmap_chantier c where c.assessment_id = r.assessment_id),
                    r.version from roadmap r where r.assessment_id = $1",
        )
        .bind(assessment)
        .fetch_one(&self.pool)
        .await
        .unwrap();
        if chantiers == 0 {
            let added = self
                .post_form(
                    &format!("/evaluations/{assessment}/feuille-de-route/chantiers"),
                    &[("version", &version.to_string()), ("title", "Chantier")],
                )
                .await;
            assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        }
    }

    /// Creates the territory profile of commune `code` (as an admin in a browser of its own);
    /// returns its id.
    pub async fn territory(&self, code: &str) -> i64 {
        let admin = self.new_browser();
        admin.sign_in_as(Role::Admin, &[]).await;
        let area = self.area_id("commune", code).await.to_string();
        let page = admin
            .post_form(
                "/territoires",
                &[("mode", "official"), ("geo_area_id", &area)],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        page.created_id()
    }

    /// The application on a fresh database with settings of the test's choosing.
    pub async fn spawn_with(config: Config) -> Self {
        Self::serve_with(fresh_database().await, config).await
    }

    /// The application on an existing database (restored, upgraded…).
    pub async fn on(pool: PgPool) -> Self {
        Self::serve(pool).await
    }

    async fn serve(pool: PgPool) -> Self {
        Self::serve_with(pool, Config::for_tests()).await
    }

    async fn serve_with(pool: PgPool, config: Config) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::new(pool.clone(), config);
        state.start_workers();
        let router = app(state);
        tokio::spawn(async move {
            territoires::server::serve_until(listener, router, std::future::pending())
                .await
                .unwrap();
        });
        Self {
            base_url: format!("http://{addr}"),
            client: browser(),
            pool,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// GET `path` with extra headers, read whole.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        read(request.send().await.unwrap()).await
    }

    /// POST an urlencoded form (repeated keys allowed), read whole; redirects are not followed.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        read(
            self.client
                .post(self.url(path))
                .form(fields)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// The id of the official area `kind`/`code`.
    pub async fn area_id(&self, kind: &str, code: &str) -> i64 {
        sqlx::query_scalar("select geo_area_id from geo_area where kind = $1 and code = $2")
            .bind(kind)
            .bind(code)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// GET `path` with the session cookie `token` only (as a browser that kept an old cookie).
    pub async fn get_with_session(&self, path: &str, token: &str) -> Page {
        let cookie = format!("territoires_session={token}");
        read(
            browser()
                .get(self.url(path))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// GET `path`, read whole.
    pub async fn get(&self, path: &str) -> Page {
        self.get_with(path, &[]).await
    }
}

/// An HTTP client with its own cookie jar that does not follow redirects.
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

async fn read(response: reqwest::Response) -> Page {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap_or_default();
    Page {
        status,
        headers,
        body,
    }
}

/// Posts one criterion's fields to its autosave URL, as htmx does.
pub async fn autosave(app: &TestApp, assessment: i64, code: &str, fields: &[(&str, &str)]) -> Page {
    let named: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (format!("{code}.{k}"), (*v).to_owned()))
        .collect();
    let kind = if code.contains("-I") {
        "indicateurs"
    } else {
        "reponses"
    };
    let response = app
        .client
        .post(app.url(&format!("/evaluations/{assessment}/{kind}/{code}")))
        .header("HX-Request", "true")
        .form(&named)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    Page {
        status,
        headers,
        body: response.text().await.unwrap(),
    }
}

/// The version the server sent back in an autosave answer.
pub fn returned_version(page: &Page, code: &str) -> i32 {
    let marker = format!(r#"id="{code}-version" value=""#);
    page.body
        .split(&marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no version in {}", page.body))
}

/// `text` as askama escapes it in HTML.
pub fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// The maintenance options of the test server (started once per process when embedded).
async fn admin_options() -> PgConnectOptions {
    database::connect_options(admin_url().await).unwrap()
}

/// The maintenance URL of the test server (started once per process when embedded).
async fn admin_url() -> &'static str {
    static ADMIN_URL: OnceCell<String> = OnceCell::const_new();
    ADMIN_URL
        .get_or_init(|| async {
            if let Ok(url) = std::env::var("DATABASE_URL") {
                return url;
            }
            let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pg");
            let cluster = tokio::task::spawn_blocking(move || {
                EmbeddedPostgres::start(&dir, Durability::Disposable)
            })
            .await
            .unwrap()
            .expect("the embedded test cluster starts");
            // The cluster stays up for the next test run; nothing to stop here.
            cluster.url("postgres")
        })
        .await
}

/// The name of the migrated template database for the current migrations (built once).
async fn template_database() -> &'static str {
    static TEMPLATE: OnceCell<String> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            // The template holds what `prepare_database` loads: a new template whenever the
            // migrations, the framework sources or the geography extract change.
            let mut inputs: Vec<u8> = territoires::MIGRATOR
                .iter()
                .flat_map(|m| m.checksum.iter().copied())
                .collect();
            for (_, text) in territoires::framework::model::BUILTIN_SOURCES {
                inputs.extend_from_slice(text.as_bytes());
            }
            for (_, text) in territoires::geo::import::read_sources(None).unwrap() {
                inputs.extend_from_slice(text.as_bytes());
            }
            let fingerprint = territoires::fingerprint::fnv1a(&inputs);
            let name = format!("territoires_tpl_{fingerprint:016x}");
            let admin = admin_options().await;
            let mut conn = PgConnection::connect_with(&admin).await.unwrap();
            // One process at a time builds templates and sweeps old databases.
            sqlx::query("select pg_advisory_lock(727274)")
                .execute(&mut conn)
                .await
                .unwrap();
            drop_databases_of_finished_runs(&mut conn).await;
            let exists: bool =
                sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
                    .bind(&name)
                    .fetch_one(&mut conn)
                    .await
                    .unwrap();
            if !exists {
                let building = format!("{name}_building");
                execute(
                    &mut conn,
                    &format!("drop database if exists {}", quote_ident(&building)),
                )
                .await;
                execute(
                    &mut conn,
                    &format!("create database {}", quote_ident(&building)),
                )
                .await;
                let pool = database::pool_options()
                    .connect_with(admin.clone().database(&building))
                    .await
                    .unwrap();
                territoires::prepare_database(&pool).await.unwrap();
                pool.close().await;
                execute(
                    &mut conn,
                    &format!(
                        "alter database {} rename to {}",
                        quote_ident(&building),
                        quote_ident(&name)
                    ),
                )
                .await;
            }
            sqlx::query("select pg_advisory_unlock(727274)")
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
            name
        })
        .await
}

/// Drops the per-test databases left by test processes that are no longer running.
async fn drop_databases_of_finished_runs(conn: &mut PgConnection) {
    let names: Vec<String> =
        sqlx::query_scalar("select datname from pg_database where datname like $1")
            .bind(format!("{TEST_DB_PREFIX}%"))
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    for name in names {
        let pid = name[TEST_DB_PREFIX.len()..].split('_').next().unwrap_or("");
        let running = !pid.is_empty() && std::path::Path::new(&format!("/proc/{pid}")).exists();
        if !running {
            execute(
                conn,
                &format!(
                    "drop database if exists {} with (force)",
                    quote_ident(&name)
                ),
            )
            .await;
        }
    }
}

async fn execute(conn: &mut PgConnection, sql: &str) {
    sqlx::query(sql).execute(conn).await.unwrap();
}

/// A new database cloned from the migrated template, and a pool on it.
pub async fn fresh_database() -> PgPool {
    fresh_database_with_url().await.1
}

/// A fresh, migrated database: its URL (for a process of the binary) and a pool on it.
pub async fn fresh_database_with_url() -> (String, PgPool) {
    new_database(Some(template_database().await)).await
}

/// A new database with nothing in it (no migration): its URL and a pool on it.
pub async fn empty_database_with_url() -> (String, PgPool) {
    new_database(None).await
}

/// A new database, copied from `template` or empty.
async fn new_database(template: Option<&str>) -> (String, PgPool) {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "{TEST_DB_PREFIX}{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let admin = admin_options().await;
    let mut conn = PgConnection::connect_with(&admin).await.unwrap();
    let create = match template {
        Some(template) => format!(
            "create database {} template {}",
            quote_ident(&name),
            quote_ident(template)
        ),
        None => format!("create database {}", quote_ident(&name)),
    };
    execute(&mut conn, &create).await;
    conn.close().await.unwrap();
    let pool = database::pool_options()
        .max_connections(8)
        .connect_with(admin.database(&name))
        .await
        .unwrap();
    // The maintenance URL with this database's name instead.
    let url = admin_url().await;
    let (base, params) = url.split_once('?').map_or((url, ""), |(b, p)| (b, p));
    let (server, _) = base.rsplit_once('/').unwrap();
    let url = if params.is_empty() {
        format!("{server}/{name}")
    } else {
        format!("{server}/{name}?{params}")
    };
    (url, pool)
}

/// The `territoires` binary serving on a loopback port of its own, on a database of the test's
/// choosing: for what only a real process shows (its memory, its connections, its signals, its
/// log).
pub struct Binary {
    child: tokio::process::Child,
    pub base_url: String,
    /// Every line the process wrote on standard error so far.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Binary {
    /// Starts `territoires serve` on `database_url` and waits for its "listening" line.
    pub async fn start(database_url: &str) -> Self {
        use tokio::io::AsyncBufReadExt;
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_territoires"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("TERRITOIRES_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the territoires binary starts");
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (address_tx, address_rx) = tokio::sync::oneshot::channel();
        let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let kept = log.clone();
        tokio::spawn(async move {
            let mut address_tx = Some(address_tx);
            while let Ok(Some(line)) = lines.next_line().await {
                let plain = strip_ansi(&line);
                if plain.contains("listening on http://")
                    && let Some(tx) = address_tx.take()
                {
                    let url = plain.split("listening on ").nth(1).unwrap_or_default();
                    let _ = tx.send(url.trim().to_owned());
                }
                kept.lock().unwrap().push(plain);
            }
        });
        let base_url = tokio::time::timeout(std::time::Duration::from_secs(60), address_rx)
            .await
            .expect("the binary listens within a minute")
            .expect("the binary logs its address");
        Self {
            child,
            base_url,
            log,
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id().expect("the process runs") as i32
    }

    /// The lines logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The process's peak resident memory so far, in KiB (`VmHWM`).
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/<pid>/status")
    }

    /// Sends SIGTERM and waits at most `bound` for the process to exit; its exit status, or
    /// `None` when it was still running then (it is killed when dropped).
    pub async fn terminate_within(
        &mut self,
        bound: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.pid(), libc::SIGTERM) };
        tokio::time::timeout(bound, self.child.wait())
            .await
            .ok()
            .map(|status| status.unwrap())
    }
}

/// `line` without terminal colour sequences.
fn strip_ansi(line: &str) -> String {
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

/// Runs the futures concurrently and returns their outputs in order.
pub async fn join_all<F: std::future::Future<Output = T> + Send + 'static, T: Send + 'static>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<T> {
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}

/// GETs `path` with `Accept-Encoding: accept` and returns the response's coding and the body
/// decoded.
pub async fn fetch_encoded(app: &TestApp, path: &str, accept: &str) -> (String, usize, String) {
    use std::io::Read;
    let response = app
        .client
        .get(app.url(path))
        .header("accept-encoding", accept)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let vary = response.headers()["vary"].to_str().unwrap().to_owned();
    assert!(vary.contains("accept-encoding"), "{vary}");
    let coding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = response.bytes().await.unwrap();
    let mut text = String::new();
    match coding.as_str() {
        "br" => brotli::Decompressor::new(&bytes[..], 4096)
            .read_to_string(&mut text)
            .map(|_| ()),
        "gzip" => flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .map(|_| ()),
        _ => {
            text = String::from_utf8(bytes.to_vec()).unwrap();
            Ok(())
        }
    }
    .unwrap();
    (coding, bytes.len(), text)
}
