//! The diagnosis, read once: one publication reads each table it needs in one statement (the
//! statements are those sqlx runs inside the publishing transaction, collected from its
//! `sqlx::query` events).

use std::sync::{Arc, Mutex};

use territoires::accounts::Role;
use territoires::audit::Actor;
use territoires::vocabulary::{AssessmentId, Version};
use tracing::instrument::WithSubscriber;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

use crate::support::TestApp;

/// Records the SQL of every statement sqlx runs.
#[derive(Clone, Default)]
struct Statements(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        #[derive(Default)]
        struct Fields {
            summary: String,
            statement: String,
        }
        impl tracing::field::Visit for Fields {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                match field.name() {
                    "summary" => self.summary = value.to_owned(),
                    "db.statement" => self.statement = value.to_owned(),
                    _ => {}
                }
            }
            fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        // sqlx gives the whole statement apart only when it is longer than its summary.
        let sql = if fields.statement.trim().is_empty() {
            fields.summary
        } else {
            fields.statement
        };
        self.0
            .lock()
            .unwrap()
            .push(sql.split_whitespace().collect::<Vec<_>>().join(" "));
    }
}

/// The table a query reads first at its top level (not in a sub-query), if any.
fn main_table(sql: &str) -> Option<String> {
    let mut depth = 0;
    let mut after_from = false;
    for word in sql.split_whitespace() {
        if depth == 0 && after_from {
            let table = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '_');
            return (!word.starts_with('(') && !table.is_empty()).then(|| table.to_owned());
        }
        after_from = depth == 0 && word.eq_ignore_ascii_case("from");
        depth += word.matches('(').count() as i32 - word.matches(')').count() as i32;
    }
    None
}

#[tokio::test]
async fn a_publication_reads_the_diagnosis_once_in_its_transaction() {
    let app = TestApp::spawn().await;
    app.sign_in_as(Role::Admin, &[]).await;
    let territory = app.territory("69123").await;
    let assessment = app.assessment(territory).await;
    app.review(assessment).await;
    app.roadmap(assessment).await;

    // Every event enabled everywhere (a registry that keeps nothing), so that no other test's
    // thread can leave sqlx's call sites marked as never logging; this task's own subscriber
    // then sees the statements it runs, and only those.
    let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry());
    let statements = Statements::default();
    let subscriber = tracing_subscriber::registry().with(statements.clone());
    let published = territoires::reports::publish_assessment(
        &app.pool,
        &Actor::command_line(),
        AssessmentId(assessment),
        Version(2),
    )
    .with_subscriber(subscriber)
    .await
    .unwrap();
    assert!(published.is_ok(), "{published:?}");

    let statements = statements.0.lock().unwrap().clone();
    assert!(!statements.is_empty());
    // No query reads twice (the two languages' bodies are two writes of one statement).
    for (i, sql) in statements.iter().enumerate() {
        assert!(
            !sql.to_lowercase().starts_with("select") || !statements[i + 1..].contains(sql),
            "run twice: {sql}\n\n{statements:#?}"
        );
    }
    // Each table is the main one of one query at most (the reference group reads the other
    // territories' published rounds through a sub-query).
    let mut first_tables: Vec<String> = statements
        .iter()
        .filter(|s| s.to_lowercase().starts_with("select"))
        .filter_map(|s| main_table(s))
        .collect();
    first_tables.sort();
    for table in first_tables
        .iter()
        .collect::<std::collections::BTreeSet<_>>()
    {
        let times = first_tables.iter().filter(|t| *t == table).count();
        let allowed = if table == "indicator_value" { 2 } else { 1 };
        assert!(
            times <= allowed,
            "{table} read {times} times:\n{statements:#?}"
        );
    }
    for table in [
        "criterion_answer",
        "indicator",
        "territory",
        "territory_tag",
        "roadmap",
    ] {
        assert!(
            first_tables.contains(&table.to_owned()),
            "{table}: {statements:#?}"
        );
    }
    // Everything ran inside the transaction, which commits last.
    assert_eq!(
        statements
            .iter()
            .filter(|s| s.eq_ignore_ascii_case("commit"))
            .count(),
        1
    );
    assert!(statements.last().unwrap().eq_ignore_ascii_case("commit"));
    eprintln!(
        "{} statements:\n{}",
        statements.len(),
        statements.join("\n")
    );
}
