//! Territoires: smart-territory (territoire intelligent) maturity diagnostics for French local
//! authorities. This crate root assembles the application: the shared state, the router with
//! its middleware stack, and the server loop with graceful shutdown. Features live in their own
//! modules (routes, handlers, queries and views together); pure logic has no axum or sqlx in it.

pub mod accounts;
pub mod admin;
pub mod assessments;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod config;
pub mod database;
pub mod dataset;
pub mod demo;
pub mod diagnosis;
pub mod error;
pub mod fingerprint;
pub mod format;
pub mod framework;
pub mod funding;
pub mod geo;
pub mod glossary;
pub mod health;
pub mod home;
pub mod i18n;
pub mod jobs;
pub mod obligations;
pub mod operations;
pub mod reports;
pub mod roadmap;
pub mod server;
pub mod territories;
pub mod text;
pub mod vocabulary;
pub mod web;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use axum::http::StatusCode;
use axum::{Router, middleware};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use config::Config;
pub use database::MIGRATOR;
use error::ErrorPage;
use web::access::{Access, Routes};

/// Largest request body accepted (forms are small; nothing is uploaded through the app).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// A request that takes longer than this is answered 408 and abandoned.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything a handler may need, cheap to clone. The caches are per instance, read through
/// [`cache::Cache::get_or_load`] under the database's generations ([`cache`]).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    /// This instance's view of the database's generations, which every cache reads.
    pub generations: Arc<cache::Generations>,
    /// Bodies of published (immutable) reports.
    pub report_bodies: Arc<reports::BodyCache>,
    /// Who may read which published report, with what its page needs.
    pub readable_reports: Arc<reports::ReadableReports>,
    /// Whether an account exists.
    pub accounts: Arc<accounts::setup::AccountsExist>,
    /// Signed-in users.
    pub sessions: Arc<accounts::session::SessionCache>,
    /// The official geography (search and list filters).
    pub geography: Arc<geo::Geography>,
    /// The territory list's pages.
    pub territory_list: Arc<territories::list_pages::ListPages>,
    /// Home page lists.
    pub home_pages: Arc<home::HomePages>,
    /// Wakes this instance's PDF worker when a report is published here.
    pub pdf_jobs: Arc<tokio::sync::Notify>,
}

impl AppState {
    pub fn new(pool: PgPool, config: Config) -> Self {
        let keep = Duration::from_millis(config.session_cache_ms);
        let generations = Arc::new(cache::Generations::new(keep));
        Self {
            pool,
            sessions: Arc::new(accounts::session::SessionCache::new(
                keep,
                generations.clone(),
            )),
            readable_reports: Arc::new(reports::ReadableReports::new(generations.clone())),
            home_pages: Arc::new(home::HomePages::new(keep, generations.clone())),
            geography: Arc::new(geo::Geography::new(generations.clone())),
            territory_list: Arc::new(territories::list_pages::kept_pages()),
            accounts: Arc::new(accounts::setup::AccountsExist::new(generations.clone())),
            config: Arc::new(config),
            report_bodies: Arc::default(),
            pdf_jobs: Arc::default(),
            generations,
        }
    }

    /// Starts this instance's PDF worker, unless PDFs are turned off (`TERRITOIRES_PDF`).
    pub fn start_workers(&self) -> Option<tokio::task::JoinHandle<()>> {
        self.config.pdf.then(|| {
            tokio::spawn(reports::pdf::work(
                self.pool.clone(),
                self.config.clone(),
                self.pdf_jobs.clone(),
                self.generations.clone(),
            ))
        })
    }
}

/// Every route of the application with its access rule (see [`web::access`]).
pub fn routes() -> Routes {
    Routes::new()
        .merge(home::routes())
        .merge(accounts::routes())
        .merge(admin::routes())
        .merge(health::routes())
        .merge(framework::routes())
        .merge(geo::routes())
        .merge(territories::routes())
        .merge(assessments::routes())
        .merge(reports::routes())
        .merge(roadmap::routes())
        .get("/static/{*path}", Access::Anyone, web::assets::serve)
}

/// The whole application: every feature's routes behind the shared middleware stack.
pub fn app(state: AppState) -> Router {
    // Layers listed innermost first. The page context renders every error page, so whatever
    // answers an error inside it (an extractor, the body limit, the timeout, CSRF protection)
    // gets the French (or English) page through the layout.
    let mut router = routes()
        .into_router()
        .fallback(|| async { ErrorPage::NotFound.response() })
        .layer(CatchPanicLayer::custom(|_| ErrorPage::Internal.response()))
        // Cross-site state changes are refused (Fetch Metadata / Origin, no tokens needed).
        .layer(CsrfLayer::new().with_rejection_response(|_| ErrorPage::CrossSite.response()))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(middleware::from_fn(web::input::refuse_unreadable))
        .layer(middleware::from_fn_with_state(
            state.generations.clone(),
            cache::count_changes,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::page_context,
        ))
        // Outside the page context, so that error pages get the default policy too.
        .layer(middleware::from_fn(web::caching::write))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            accounts::session::authenticate,
        ));
    for header in web::security_headers() {
        router = router.layer(header);
    }
    router
        // Brotli's default quality (11) costs a millisecond per page. Quality 1 (one pass, no
        // hash tables to clear) makes pages about 15 % larger than quality 4 (1.6 KB against
        // 1.4 KB for the dashboard) for a fraction of the time, which the profile showed as a
        // fifth of a dashboard's CPU at 4. Report pages come compressed already.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(1)))
        .layer(TraceLayer::new_for_http())
        // Applied per route, so requests are labelled by their route template.
        .layer(health::metrics().0.clone())
        .with_state(state)
}

/// Brings a database up to date: migrations, the built-in framework versions, and the official
/// geography on first start. Idempotent; run at every start.
pub async fn prepare_database(pool: &PgPool) -> anyhow::Result<()> {
    database::migrate(pool).await?;
    framework::install_builtin(pool).await?;
    geo::import::import_if_empty(pool).await?;
    Ok(())
}

/// Serves `app` on `listener` until SIGINT or SIGTERM, then lets in-flight requests finish
/// (for a bounded time, see [`server`]).
pub async fn serve(listener: TcpListener, app: Router) -> std::io::Result<()> {
    server::serve_until(listener, app, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested: finishing in-flight requests");
}

#[cfg(test)]
mod architecture {
    //! The shape of the code, checked: no source file over 600 lines, no import cycle between
    //! files nor between top-level modules, and features that depend only on the features to
    //! their left (framework → territories → assessments → diagnosis → roadmap → reports).
    //! Imports are read from `use` declarations (grouped ones `use crate::{a, b::{c, d}}`
    //! expanded) and from paths written in the code (`crate::a::b`, `super::c`).

    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// The features in their layering order.
    const LAYERS: [&str; 6] = [
        "framework",
        "territories",
        "assessments",
        "diagnosis",
        "roadmap",
        "reports",
    ];

    /// Every source file as (module path, text without comments).
    fn sources() -> BTreeMap<String, String> {
        fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, files);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        walk(&root, &mut files);
        files
            .into_iter()
            .map(|path| {
                let relative = path.strip_prefix(&root).unwrap().with_extension("");
                let mut module = relative.to_string_lossy().replace('/', "::");
                if let Some(parent) = module.strip_suffix("::mod") {
                    module = parent.to_owned();
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let code: String = text
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n");
                (module, code)
            })
            .collect()
    }

    /// The paths of a `use` tree: `a::{b, c::{d, e as f}}` is `a::b`, `a::c::d`, `a::c::e`.
    fn expand(tree: &str) -> Vec<String> {
        let tree = tree.trim();
        let Some(open) = tree.find('{') else {
            let path = tree.split(" as ").next().unwrap_or_default();
            return vec![path.split_whitespace().collect()];
        };
        let close = tree.rfind('}').unwrap_or(tree.len());
        let (prefix, inner) = (tree[..open].trim(), &tree[open + 1..close]);
        let mut parts = Vec::new();
        let (mut depth, mut start) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&inner[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&inner[start..]);
        parts
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .flat_map(expand)
            .map(|p| format!("{prefix}{p}"))
            .collect()
    }

    /// Every path a file names: its `use` trees expanded, and the paths in its code.
    fn paths(code: &str) -> Vec<String> {
        let mut found = Vec::new();
        for (i, _) in code.match_indices("use ") {
            // A declaration: only `pub` (with its scope) before it on its line.
            let line_start = code[..i].rfind('\n').map_or(0, |n| n + 1);
            let before = code[line_start..i].trim();
            if !(before.is_empty() || before.starts_with("pub")) {
                continue;
            }
            let tree = &code[i + 4..];
            if let Some(end) = tree.find(';') {
                found.extend(expand(&tree[..end]));
            }
        }
        for prefix in ["crate::", "super::"] {
            for (i, _) in code.match_indices(prefix) {
                let path: String = code[i..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                found.push(path);
            }
        }
        found
    }

    /// The modules each module uses, resolved to files.
    fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
        let sources = sources();
        let resolve = |path: &str| -> Option<String> {
            let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
            (1..=parts.len())
                .rev()
                .map(|n| parts[..n].join("::"))
                .find(|candidate| sources.contains_key(candidate))
        };
        sources
            .iter()
            .map(|(module, code)| {
                let mut used = BTreeSet::new();
                for path in paths(code) {
                    let full = if let Some(rest) = path.strip_prefix("crate::") {
                        rest.to_owned()
                    } else if path.starts_with("super::") || path.starts_with("self::") {
                        let mut base: Vec<&str> = module.split("::").collect();
                        let mut rest = path.as_str();
                        if let Some(r) = rest.strip_prefix("self::") {
                            rest = r;
                        }
                        while let Some(r) = rest.strip_prefix("super::") {
                            base.pop();
                            rest = r;
                        }
                        [base.join("::"), rest.to_owned()].join("::")
                    } else {
                        continue;
                    };
                    if let Some(target) = resolve(full.trim_end_matches(':')) {
                        used.insert(target);
                    }
                }
                used.remove(module);
                (module.clone(), used)
            })
            .collect()
    }

    /// The top-level module of a module path.
    fn top(module: &str) -> &str {
        module.split("::").next().unwrap()
    }

    /// Every cycle of a graph, as the path from a node back to itself.
    fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
        let mut cycles = Vec::new();
        for start in graph.keys() {
            let mut stack = vec![(start.clone(), vec![start.clone()])];
            let mut seen = BTreeSet::new();
            while let Some((node, path)) = stack.pop() {
                for next in graph.get(&node).into_iter().flatten() {
                    if next == start {
                        cycles.push(format!("{} → {start}", path.join(" → ")));
                    } else if seen.insert(next.clone()) {
                        let mut longer = path.clone();
                        longer.push(next.clone());
                        stack.push((next.clone(), longer));
                    }
                }
            }
        }
        cycles
    }

    #[test]
    fn grouped_and_nested_imports_are_read() {
        let code = "use crate::{a::b,\n    c::{d, e::{f as g}}};\npub use super::h;\nfn x() { crate::i::j(); }";
        let found = paths(code);
        for expected in [
            "crate::a::b",
            "crate::c::d",
            "crate::c::e::f",
            "super::h",
            "crate::i::j",
        ] {
            assert!(
                found.contains(&expected.to_owned()),
                "{expected}: {found:?}"
            );
        }
        // And the graph sees them: the diagnosis is reached by a grouped import.
        let graph = dependencies();
        assert!(
            graph["roadmap"].contains("diagnosis"),
            "{:?}",
            graph["roadmap"]
        );
        assert!(graph["reports::sources"].contains("diagnosis"));
    }

    #[test]
    fn no_source_file_is_over_600_lines() {
        let long: Vec<String> = sources_with_lines()
            .into_iter()
            .filter(|(_, lines)| *lines > 600)
            .map(|(path, _)| path)
            .collect();
        assert!(long.is_empty(), "{long:?}");
    }

    fn sources_with_lines() -> Vec<(String, usize)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let lines = std::fs::read_to_string(&path).unwrap().lines().count();
                    files.push((path.display().to_string(), lines));
                }
            }
        }
        files
    }

    #[test]
    fn no_file_imports_a_file_that_imports_it_back() {
        let cycles = cycles(&dependencies());
        assert!(cycles.is_empty(), "{cycles:#?}");
    }

    #[test]
    fn no_top_level_module_imports_one_that_imports_it_back() {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (module, used) in dependencies() {
            let from = top(&module).to_owned();
            let to: Vec<String> = used
                .iter()
                .map(|u| top(u).to_owned())
                .filter(|u| *u != from)
                .collect();
            graph.entry(from).or_default().extend(to);
        }
        let cycles = cycles(&graph);
        assert!(cycles.is_empty(), "{cycles:#?}");
    }

    #[test]
    fn features_use_only_the_features_to_their_left() {
        let mut upward = Vec::new();
        for (module, used) in dependencies() {
            let Some(rank) = LAYERS.iter().position(|f| *f == top(&module)) else {
                continue;
            };
            for target in used {
                if LAYERS[rank + 1..].contains(&top(&target)) {
                    upward.push(format!("{module} uses {target}"));
                }
            }
        }
        assert!(upward.is_empty(), "{upward:#?}");
    }
}
