//! Seeds the benchmark's database through the application's own code paths (profile
//! validation-free inserts of official communes, assessments answered through the forms'
//! validation and versioned saves, review, publication with scoring and rendering), and prints
//! the query plans of the hot queries. Run by `bench/run`; not part of the application.
//!
//! `bench_seed <data dir> reports <count>`: at least `count` published reports, one per commune
//!   (the most populated first);
//! `bench_seed <data dir> review <count>`: `count` rounds in review with their roadmaps, to
//!   publish through the form; prints "id version" for each;
//! `bench_seed <data dir> draft [n]`: a draft assessment of the n-th territory to autosave
//!   into; prints its id and its criteria codes;
//! `bench_seed <data dir> explain <report id>`: EXPLAIN (ANALYZE, BUFFERS) of the hot queries.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use territoires::audit::Actor;
use territoires::database::Database;
use territoires::territories::form::{Contact, Profile};
use territoires::vocabulary::{
    AssessmentId, AssessmentStatus, TerritoryId, TerritoryKind, Version,
};
use territoires::{assessments, demo, framework, reports, territories};

/// Territories seeded at once.
const PARALLEL: usize = 4;

/// A profile of commune `geo_area_id` with a round filled like the demo's, sent to review with
/// its proposed roadmap; returns the round and its version.
async fn round_in_review(
    pool: &sqlx::PgPool,
    territory_id: TerritoryId,
    n: usize,
) -> anyhow::Result<(AssessmentId, Version)> {
    let actor = Actor::command_line();
    let mut conn = pool.acquire().await?;
    let version = framework::db::current_version(pool, framework::FRAMEWORK_CODE)
        .await?
        .context("no framework")?;
    let round = assessments::db::NewRound {
        territory_id,
        framework_version_id: version.framework_version_id,
        label: "Diagnostic 2026",
        round_date: time::OffsetDateTime::now_utc().date(),
        previous: None,
    };
    let assessment_id = assessments::db::create(&mut conn, &actor, &round).await?;
    demo::fill_assessment(pool, &actor, assessment_id, n).await?;
    anyhow::ensure!(
        assessments::db::set_status(
            &mut conn,
            &actor,
            assessment_id,
            Version(1),
            (AssessmentStatus::Draft, AssessmentStatus::Review),
        )
        .await?,
        "cannot send to review"
    );
    demo::plan_roadmap(pool, &actor, assessment_id).await?;
    let assessment = assessments::db::find(pool, assessment_id)
        .await?
        .context("gone")?;
    Ok((assessment.assessment_id, assessment.version))
}

async fn seed_one(
    pool: &sqlx::PgPool,
    geo_area_id: i64,
    name: String,
    n: usize,
) -> anyhow::Result<()> {
    let actor = Actor::command_line();
    let profile = Profile {
        kind: TerritoryKind::Commune,
        geo_area_id: Some(geo_area_id),
        name,
        member_ids: Vec::new(),
        context_notes: "Profil créé pour le banc d'essai.".to_owned(),
        challenges: vec![
            [
                "deficit_transport_collectif",
                "fracture_numerique",
                "securite",
            ][n % 3]
                .to_owned(),
        ],
        assets: vec![["universite", "tiers_lieux", "pole_gare"][n % 3].to_owned()],
        contact: Contact {
            name: String::new(),
            role: String::new(),
            email: String::new(),
            phone: String::new(),
        },
    };
    let mut conn = pool.acquire().await?;
    let territory_id = territories::db::insert(&mut conn, &actor, &profile).await?;
    drop(conn);
    let (assessment, version) = round_in_review(pool, territory_id, n).await?;
    reports::publish_assessment(pool, &actor, assessment, version)
        .await?
        .map_err(|refusal| anyhow::anyhow!("not published: {refusal:?}"))?;
    Ok(())
}

/// `count` new rounds in review with their roadmaps, of the territories seeded first (each a
/// new round of its territory); prints "id version" for each, to publish through the form.
async fn rounds_in_review(pool: &sqlx::PgPool, count: i64) -> anyhow::Result<()> {
    let territories: Vec<i64> =
        sqlx::query_scalar("select territory_id from territory order by territory_id limit $1")
            .bind(count)
            .fetch_all(pool)
            .await?;
    for (n, territory) in territories.into_iter().enumerate() {
        let (id, version) = round_in_review(pool, TerritoryId(territory), n).await?;
        println!("{id} {}", version.0);
    }
    Ok(())
}

async fn seed_reports(pool: &sqlx::PgPool, count: i64) -> anyhow::Result<()> {
    let existing: i64 = sqlx::query_scalar("select count(*) from report")
        .fetch_one(pool)
        .await?;
    let missing = (count - existing).max(0);
    let communes: Vec<(i64, String)> = sqlx::query_as(
        "select g.geo_area_id, g.name from geo_area g
          where g.kind = 'commune' and not g.retired
            and not exists (select 1 from territory t where t.geo_area_id = g.geo_area_id)
          order by g.population desc nulls last, g.code limit $1",
    )
    .bind(missing)
    .fetch_all(pool)
    .await?;
    let started = Instant::now();
    let mut queue = communes.into_iter().enumerate();
    loop {
        let batch: Vec<_> = queue.by_ref().take(PARALLEL).collect();
        if batch.is_empty() {
            break;
        }
        let tasks: Vec<_> = batch
            .into_iter()
            .map(|(n, (id, name))| {
                let pool = pool.clone();
                tokio::spawn(async move { seed_one(&pool, id, name, n).await })
            })
            .collect();
        for task in tasks {
            task.await??;
        }
    }
    let total: i64 = sqlx::query_scalar("select count(*) from report")
        .fetch_one(pool)
        .await?;
    println!(
        "seeded {missing} published assessments in {:.1} s ({total} reports in all)",
        started.elapsed().as_secs_f64()
    );
    // The scenarios measure the application at rest, not the seed's aftermath: statistics
    // fresh, dead rows cleared, and the seed's writes checkpointed (else a checkpoint of them
    // runs during the scenarios).
    sqlx::raw_sql("vacuum analyze").execute(pool).await?;
    sqlx::raw_sql("checkpoint").execute(pool).await?;
    Ok(())
}

async fn draft(pool: &sqlx::PgPool, nth: i64) -> anyhow::Result<()> {
    let actor = Actor::command_line();
    let territory: i64 = sqlx::query_scalar(
        "select territory_id from territory order by territory_id offset $1 limit 1",
    )
    .bind(nth)
    .fetch_one(pool)
    .await?;
    let version = framework::db::current_version(pool, framework::FRAMEWORK_CODE)
        .await?
        .context("no framework")?;
    let round = assessments::db::NewRound {
        territory_id: TerritoryId(territory),
        framework_version_id: version.framework_version_id,
        label: "Autosave",
        round_date: time::OffsetDateTime::now_utc().date(),
        previous: None,
    };
    let mut conn = pool.acquire().await?;
    let id = assessments::db::create(&mut conn, &actor, &round).await?;
    let codes: Vec<String> = sqlx::query_scalar(
        "select c.code from criterion_answer a join criterion c using (criterion_id)
          where a.assessment_id = $1 order by c.position",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    println!("{id} {}", codes.join(","));
    Ok(())
}

async fn explain(pool: &sqlx::PgPool, report: i64) -> anyhow::Result<()> {
    let queries = [
        (
            "report page: the report within the reader's scope",
            format!(
                "select r.report_id, r.body_fr, r.fingerprint from report r
                  join assessment a on a.assessment_id = r.assessment_id
                 where r.report_id = {report}
                   and (false or exists (select 1 from user_territory ut
                                          where ut.user_id = 1 and ut.territory_id = r.territory_id))"
            ),
        ),
        (
            "every page: the session",
            "select u.user_id, u.role from user_session s join app_user u using (user_id)
              where s.token_hash = sha256('x') and s.expires_at > now() and u.disabled_at is null"
                .to_owned(),
        ),
        (
            "dashboard: recent assessments (when not remembered)",
            "select a.assessment_id, t.name, a.round_date, a.status, p.answered, p.criteria
               from (select * from assessment where status <> 'published'
                      order by updated_at desc limit 10) a
               join territory t using (territory_id)
               cross join lateral (
                   select count(*) filter (where c.level is not null or c.not_applicable) as answered,
                          count(*) as criteria
                     from criterion_answer c where c.assessment_id = a.assessment_id) p
              order by a.updated_at desc"
                .to_owned(),
        ),
        (
            "dashboard: latest reports (when not remembered)",
            "select r.report_id, r.territory_name, a.round_date from report r
               join assessment a on a.assessment_id = r.assessment_id
              order by r.published_at desc limit 10"
                .to_owned(),
        ),
        (
            "caches: the generations their entries are checked against",
            "select topic, generation from cache_topic".to_owned(),
        ),
    ];
    for (title, sql) in queries {
        let plan: Vec<String> =
            sqlx::query_scalar(&format!("explain (analyze, buffers, costs off) {sql}"))
                .fetch_all(pool)
                .await?;
        println!("### {title}\n\n```\n{}\n```\n", plan.join("\n"));
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data_dir = args
        .first()
        .context("usage: bench_seed <data dir> <command>")?;
    let db = Database::open(None, Path::new(data_dir)).await?;
    territoires::prepare_database(&db.pool).await?;
    let outcome = match args.get(1).map(String::as_str) {
        Some("reports") => seed_reports(&db.pool, args.get(2).context("a count")?.parse()?).await,
        Some("review") => {
            rounds_in_review(&db.pool, args.get(2).context("a count")?.parse()?).await
        }
        Some("draft") => draft(&db.pool, args.get(2).map_or(Ok(0), |n| n.parse())?).await,
        Some("explain") => explain(&db.pool, args.get(2).context("a report id")?.parse()?).await,
        _ => Err(anyhow::anyhow!(
            "commands: reports <count> | review <count> | draft | explain <report id>"
        )),
    };
    db.close().await?;
    outcome
}
