//! What an instance keeps of the home page's lists (see [`crate::cache`]): under the
//! generation of accounts, places, rounds and reports and of the changes handled here, for the
//! session cache's bound at most. A consultant back from a save sees it at once, and a change
//! made on another instance shows within the bound, like a disabled account. Staff share one
//! entry (their lists are the same); each élu has their own.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;

use super::db::{self, FollowedTerritory, RecentAssessment};
use crate::auth::CurrentUser;
use crate::cache::{Cache, Generations, Topic};
use crate::error::Result;
use crate::reports;
use crate::vocabulary::{Role, UserId};

/// How many recent reports the home page lists (and rounds: see [`db::open_assessments`]).
const RECENT: i64 = 10;
/// How many reports an élu's home lists (every report of their territories, in practice).
const ELU_REPORTS: i64 = 200;

/// The lists of one home page.
pub struct HomeLists {
    pub territories: Vec<FollowedTerritory>,
    pub assessments: Vec<RecentAssessment>,
    pub reports: Vec<reports::db::ReportListRow>,
}

impl HomeLists {
    async fn read(pool: &PgPool, user: &CurrentUser) -> Result<Self> {
        let is_elu = user.role == Role::Elu;
        Ok(Self {
            territories: if is_elu {
                db::followed_territories(pool, user.user_id).await?
            } else {
                Vec::new()
            },
            assessments: if is_elu {
                Vec::new()
            } else {
                db::open_assessments(pool).await?
            },
            reports: reports::db::list_readable(
                pool,
                user.reader(),
                None,
                if user.role == Role::Elu {
                    ELU_REPORTS
                } else {
                    RECENT
                },
            )
            .await?,
        })
    }
}

/// Home page lists per reader (`None`: staff), under the generation of what they show and of
/// the changes handled here, for the bound at most (progress saved elsewhere).
pub struct HomePages {
    lists: Cache<Option<UserId>, Arc<HomeLists>>,
    generations: Arc<Generations>,
}

/// Home pages kept per instance at most.
const KEPT: usize = 10_000;

/// What the home lists show.
const TOPICS: [Topic; 5] = [
    Topic::Accounts,
    Topic::Places,
    Topic::Rounds,
    Topic::Reports,
    Topic::HandledHere,
];

impl HomePages {
    pub fn new(keep: Duration, generations: Arc<Generations>) -> Self {
        Self {
            lists: Cache::new(KEPT).with_max_age(keep),
            generations,
        }
    }

    /// `user`'s lists, from memory when read lately and nothing changed since.
    pub async fn lists(&self, pool: &PgPool, user: &CurrentUser) -> Result<Arc<HomeLists>> {
        let key = (user.role == Role::Elu).then_some(user.user_id);
        let generation = self.generations.of(pool, &TOPICS).await?;
        let read = async { HomeLists::read(pool, user).await.map(Arc::new).map(Some) };
        let lists = self.lists.get_or_load(generation, key, read).await?;
        Ok(lists.expect("home lists are always read"))
    }
}
