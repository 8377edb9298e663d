//! What an instance keeps of the home page's lists. They are kept for the session cache's
//! bound, and only while this instance handles no change (any request but GET and HEAD): a
//! consultant back from a save sees it at once, and a change made on another instance shows
//! within the bound, like a disabled account. Staff share one entry (their lists are the same);
//! each élu has their own.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use sqlx::PgPool;

use super::db::{self, FollowedTerritory, RecentAssessment};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::kept::Kept;
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

/// Home page lists per reader (`None`: staff), with the count of changes handled here when
/// they were read.
pub struct HomePages {
    lists: Kept<Option<UserId>, (u64, Arc<HomeLists>)>,
    changes: AtomicU64,
}

/// Home pages kept per instance at most.
const KEPT: usize = 10_000;

impl HomePages {
    pub fn new(keep: Duration) -> Self {
        Self {
            lists: Kept::new(keep, KEPT),
            changes: AtomicU64::new(0),
        }
    }

    /// `user`'s lists, from memory when read lately and nothing changed here since.
    pub async fn lists(&self, pool: &PgPool, user: &CurrentUser) -> Result<Arc<HomeLists>> {
        let key = (user.role == Role::Elu).then_some(user.user_id);
        // Read before the queries: a change that lands during them makes the entry stale.
        let seen = self.changes.load(Ordering::SeqCst);
        if let Some((at, lists)) = self.lists.get(&key)
            && at == seen
        {
            return Ok(lists);
        }
        let lists = Arc::new(HomeLists::read(pool, user).await?);
        self.lists.put(key, (seen, lists.clone()));
        Ok(lists)
    }
}

/// Middleware: counts every change this instance handles, once it is handled (before its
/// answer leaves), so the next home page read here is read anew.
pub async fn count_changes(
    State(pages): State<Arc<HomePages>>,
    request: Request,
    next: Next,
) -> Response {
    let change = !matches!(*request.method(), Method::GET | Method::HEAD);
    let response = next.run(request).await;
    if change {
        pages.changes.fetch_add(1, Ordering::SeqCst);
    }
    response
}
