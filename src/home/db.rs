//! The home page's queries: the territories an élu follows, and the open rounds of the
//! consultants' dashboard with their progress.

use sqlx::PgExecutor;
use time::Date;

use crate::vocabulary::{AssessmentStatus, TerritoryKind, UserId};

/// A territory an élu follows.
#[derive(Debug)]
pub struct FollowedTerritory {
    pub territory_id: i64,
    pub name: String,
    pub kind: TerritoryKind,
}

/// An assessment on the dashboard.
#[derive(Debug)]
pub struct RecentAssessment {
    pub assessment_id: i64,
    pub territory_name: String,
    pub round_date: Date,
    pub status: AssessmentStatus,
    pub answered: i64,
    pub criteria: i64,
}

/// The territories `user_id` (an élu) may read, by name.
pub async fn followed_territories(
    db: impl PgExecutor<'_>,
    user_id: UserId,
) -> Result<Vec<FollowedTerritory>, sqlx::Error> {
    sqlx::query_as!(
        FollowedTerritory,
        r#"select t.territory_id, t.name, t.kind as "kind: TerritoryKind"
             from user_territory ut join territory t using (territory_id)
            where ut.user_id = $1 order by t.name"#,
        user_id.0
    )
    .fetch_all(db)
    .await
}

/// The ten rounds not yet published last changed, last changed first, with their progress.
///
/// The limit is written in the statement: a statement without parameters keeps one plan per
/// connection, where a parameter in `limit` would have PostgreSQL plan it again at every
/// execution (a generic plan cannot know how many rows the limit keeps).
pub async fn open_assessments(
    db: impl PgExecutor<'_>,
) -> Result<Vec<RecentAssessment>, sqlx::Error> {
    sqlx::query_as!(
        RecentAssessment,
        r#"select a.assessment_id, t.name as territory_name, a.round_date,
                  a.status as "status: AssessmentStatus", p.answered as "answered!",
                  p.criteria as "criteria!"
             from (select * from assessment where status <> 'published'
                    order by updated_at desc limit 10) a
             join territory t using (territory_id)
             cross join lateral (
                 select count(*) filter (where c.level is not null or c.not_applicable) as answered,
                        count(*) as criteria
                   from criterion_answer c where c.assessment_id = a.assessment_id) p
            order by a.updated_at desc"#
    )
    .fetch_all(db)
    .await
}
