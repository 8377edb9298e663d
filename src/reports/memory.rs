//! What an instance keeps of published reports: their bodies with their compression (they
//! never change), and for a few seconds who may read which (a right withdrawn or a PDF added
//! on another instance shows within that bound, like a disabled account).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::PgPool;

use super::db::{self, ReportRow};
use crate::auth::Reader;
use crate::error::Result;
use crate::i18n::Lang;
use crate::kept::Kept;
use crate::vocabulary::{ReportId, Role, UserId};
use crate::web::encoding::EncodedBody;

/// Published report bodies never change (the database refuses any update), so an instance may
/// keep the most read ones in memory, with their compression: nothing another instance does can
/// make them stale.
#[derive(Default)]
pub struct BodyCache {
    bodies: Mutex<HashMap<(ReportId, Lang), Arc<CachedBody>>>,
}

/// A published body as sent: its reading part as is, or that part's compression between a
/// head and a foot; its annexes are a page of their own.
pub struct CachedBody {
    text: String,
    pub(super) encoded: EncodedBody,
}

impl CachedBody {
    /// What `/rapports/{id}` sends.
    pub(super) fn reading(&self) -> &str {
        super::split_annexes(&self.text).0
    }

    /// What `/rapports/{id}/annexes` sends (empty for a body published without that split).
    pub(super) fn annexes(&self) -> &str {
        super::split_annexes(&self.text).1
    }
}

/// Bodies kept per instance (about 110 KB each, plus 30 KB compressed).
const CACHED_BODIES: usize = 128;

impl BodyCache {
    fn get(&self, key: (ReportId, Lang)) -> Option<Arc<CachedBody>> {
        self.bodies.lock().ok()?.get(&key).cloned()
    }

    fn put(&self, key: (ReportId, Lang), body: Arc<CachedBody>) {
        if let Ok(mut bodies) = self.bodies.lock() {
            if bodies.len() >= CACHED_BODIES {
                bodies.clear();
            }
            bodies.insert(key, body);
        }
    }

    /// The body from memory, else from the database (compressing and storing it the first time
    /// a report published before compression existed is read).
    pub(super) async fn load(
        &self,
        pool: &PgPool,
        id: ReportId,
        lang: Lang,
    ) -> Result<Arc<CachedBody>> {
        if let Some(body) = self.get((id, lang)) {
            return Ok(body);
        }
        let stored = db::body(pool, id, lang).await?;
        let encoded = match stored.encoded {
            Some(encoded) => encoded,
            None => {
                let encoded = compress(&stored.text).await?;
                db::store_encoding(pool, id, lang, &encoded).await?;
                encoded
            }
        };
        let body = Arc::new(CachedBody {
            text: stored.text,
            encoded,
        });
        self.put((id, lang), body.clone());
        Ok(body)
    }
}

/// Compresses a body's reading part (what `/rapports/{id}` sends) away from the request threads
/// (brotli at its best quality takes a while).
pub(super) async fn compress(body: &str) -> Result<EncodedBody> {
    let reading = super::split_annexes(body).0.to_owned();
    Ok(
        tokio::task::spawn_blocking(move || EncodedBody::new(&reading))
            .await
            .map_err(anyhow::Error::from)?,
    )
}

/// The reports read lately on this instance, by report and élu (`None`: staff, who read all),
/// with what the page needs of them, for the session cache's bound.
pub struct ReadableReports {
    reports: Kept<(ReportId, Option<UserId>), ReportRow>,
}

/// Report rights remembered per instance at most.
const READABLE_KEPT: usize = 10_000;

impl ReadableReports {
    pub fn new(keep: Duration) -> Self {
        Self {
            reports: Kept::new(keep, READABLE_KEPT),
        }
    }

    /// The published report if `reader` may read it, from memory when read lately.
    pub async fn find(
        &self,
        pool: &PgPool,
        reader: Reader,
        report_id: ReportId,
    ) -> Result<Option<ReportRow>> {
        let key = (
            report_id,
            (reader.role == Role::Elu).then_some(reader.user_id),
        );
        if let Some(report) = self.reports.get(&key) {
            return Ok(Some(report));
        }
        let report = db::find_readable(pool, reader, report_id).await?;
        if let Some(report) = &report {
            self.reports.put(key, report.clone());
        }
        Ok(report)
    }

    /// Forgets what an élu read here (their territories changed here).
    pub fn forget_user(&self, user_id: UserId) {
        self.reports
            .forget_where(|(_, reader), _| *reader == Some(user_id));
    }

    /// Forgets a report (a PDF was added here).
    pub fn forget_report(&self, report_id: ReportId) {
        self.reports.forget_where(|(id, _), _| *id == report_id);
    }
}
