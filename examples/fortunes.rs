//! The benchmark's ceiling: a TechEmpower-style "fortunes" server built from the same
//! dependency versions as the application (axum, sqlx on the same embedded PostgreSQL, askama):
//! one `SELECT` of 12 rows, one row added, sorted, rendered and escaped; plus a static askama
//! page. Run by `bench/run`; not part of the application.
//!
//! `cargo run --release --example fortunes -- <data dir> <address>`

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use sqlx::PgPool;
use territoires::database::Database;

#[derive(sqlx::FromRow)]
struct Fortune {
    id: i32,
    message: String,
}

#[derive(Template)]
#[template(
    source = "<!doctype html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>{% for f in fortunes %}<tr><td>{{ f.id }}</td><td>{{ f.message }}</td></tr>{% endfor %}</table></body></html>",
    ext = "html"
)]
struct FortunesPage {
    fortunes: Vec<Fortune>,
}

#[derive(Template)]
#[template(
    source = "<!doctype html><html lang=\"fr\"><head><title>{{ title }}</title></head><body><main><h1>{{ title }}</h1><p>{{ text }}</p></main></body></html>",
    ext = "html"
)]
struct StaticPage<'a> {
    title: &'a str,
    text: &'a str,
}

async fn fortunes(State(pool): State<PgPool>) -> impl IntoResponse {
    let mut conn = pool.acquire().await.expect("a connection");
    let mut fortunes: Vec<Fortune> = sqlx::query_as("select id, message from bench_fortune")
        .fetch_all(&mut *conn)
        .await
        .expect("the fortunes");
    fortunes.push(Fortune {
        id: 0,
        message: "Additional fortune added at request time.".to_owned(),
    });
    fortunes.sort_by(|a, b| a.message.cmp(&b.message));
    Html(FortunesPage { fortunes }.render().expect("a page"))
}

async fn static_page() -> impl IntoResponse {
    Html(
        StaticPage {
            title: "Connexion",
            text: "Une page sans base de données, rendue par askama.",
        }
        .render()
        .expect("a page"),
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let data_dir = args.next().unwrap_or_else(|| "./data".to_owned());
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3999".to_owned());
    let db = Database::open(None, std::path::Path::new(&data_dir)).await?;
    sqlx::raw_sql(
        "create table if not exists bench_fortune (id integer primary key, message text not null);
         insert into bench_fortune values
           (1, 'fortune: No such file or directory'),
           (2, 'A computer scientist is someone who fixes things that aren''t broken.'),
           (3, 'After enough decimal places, nobody gives a damn.'),
           (4, 'A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1'),
           (5, 'A computer program does what you tell it to do, not what you want it to do.'),
           (6, 'Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen'),
           (7, 'Any program that runs right is obsolete.'),
           (8, 'A list is only as strong as its weakest link. — Donald Knuth'),
           (9, 'Feature: A bug with seniority.'),
           (10, 'Computers make very fast, very accurate mistakes.'),
           (11, '<script>alert(\"This should not be displayed in a browser alert box.\");</script>'),
           (12, 'フレームワークのベンチマーク')
         on conflict do nothing",
    )
    .execute(&db.pool)
    .await?;
    let app = Router::new()
        .route("/fortunes", get(fortunes))
        .route("/static", get(static_page))
        .with_state(db.pool.clone());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("a signal handler");
            tokio::select! {
                _ = term.recv() => {},
                _ = tokio::signal::ctrl_c() => {},
            }
        })
        .await?;
    db.close().await
}
