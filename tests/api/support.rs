//! Test harness: every test gets the real application, served over HTTP on a loopback port,
//! backed by its own fresh PostgreSQL database (cloned from a migrated template). The server is
//! the one in `DATABASE_URL` when set, else an embedded cluster kept under the target dir and
//! reused by later runs.

use std::net::SocketAddr;
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

/// A response read whole: status, headers and body text.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
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
        accounts::db::insert_user(&mut conn, &accounts::db::Actor::command_line(), &new)
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
        let review = admin
            .post_form(
                &format!("/evaluations/{assessment}/statut"),
                &[("status", "review"), ("version", "1")],
            )
            .await;
        assert_eq!(review.status, StatusCode::SEE_OTHER, "{}", review.body);
        let published = admin
            .post_form(
                &format!("/evaluations/{assessment}/publier"),
                &[("version", "2")],
            )
            .await;
        assert!(
            published.header("location").starts_with("/rapports/"),
            "{}",
            published.body
        );
        published.created_id()
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

    async fn serve(pool: PgPool) -> Self {
        Self::serve_with(pool, Config::for_tests()).await
    }

    async fn serve_with(pool: PgPool, config: Config) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app(AppState::new(pool.clone(), config));
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
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

/// `text` as askama escapes it in HTML.
pub fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// The maintenance URL of the test server (started once per process when embedded).
async fn admin_options() -> PgConnectOptions {
    static ADMIN_URL: OnceCell<String> = OnceCell::const_new();
    let url = ADMIN_URL
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
        .await;
    database::connect_options(url).unwrap()
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
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let template = template_database().await;
    let name = format!(
        "{TEST_DB_PREFIX}{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let admin = admin_options().await;
    let mut conn = PgConnection::connect_with(&admin).await.unwrap();
    execute(
        &mut conn,
        &format!(
            "create database {} template {}",
            quote_ident(&name),
            quote_ident(template)
        ),
    )
    .await;
    conn.close().await.unwrap();
    database::pool_options()
        .max_connections(8)
        .connect_with(admin.database(&name))
        .await
        .unwrap()
}
