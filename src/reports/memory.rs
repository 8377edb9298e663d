//! What an instance keeps of published reports: their bodies with their compression (they
//! never change), and who may read which under the generation of accounts and reports (a right
//! withdrawn or a PDF added shows at once where it was done, within the bound elsewhere: see
//! [`crate::cache`]).

use std::sync::Arc;

use sqlx::PgPool;

use super::db::{self, ReportRow};
use crate::auth::Reader;
use crate::cache::{Cache, Generation, Generations, Topic};
use crate::error::Result;
use crate::i18n::Lang;
use crate::vocabulary::{ReportId, Role, UserId};
use crate::web::encoding::EncodedBody;

/// Published report bodies never change (the database refuses any update), so an instance may
/// keep the most read ones in memory, with their compression: nothing another instance does can
/// make them stale.
pub struct BodyCache {
    bodies: Cache<(ReportId, Lang), Arc<CachedBody>>,
}

impl Default for BodyCache {
    fn default() -> Self {
        Self {
            bodies: Cache::new(CACHED_BODIES).one_load_at_a_time(),
        }
    }
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
    /// The body from memory, else from the database (compressing and storing it when its job
    /// has not yet).
    pub(super) async fn load(
        &self,
        pool: &PgPool,
        id: ReportId,
        lang: Lang,
    ) -> Result<Arc<CachedBody>> {
        let read = async { read_encoded(pool, id, lang).await.map(Arc::new).map(Some) };
        let body = self
            .bodies
            .get_or_load(Generation::IMMUTABLE, (id, lang), read)
            .await?;
        Ok(body.expect("a body is always read"))
    }
}

/// A published body with its compression, compressing and storing it when it is not stored
/// yet (publication leaves that to the report's job, or to its first reader).
pub(super) async fn read_encoded(pool: &PgPool, id: ReportId, lang: Lang) -> Result<CachedBody> {
    let stored = db::body(pool, id, lang).await?;
    let encoded = match stored.encoded {
        Some(encoded) => encoded,
        None => {
            let encoded = compress(&stored.text).await?;
            db::store_encoding(pool, id, lang, &encoded).await?;
            encoded
        }
    };
    Ok(CachedBody {
        text: stored.text,
        encoded,
    })
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
/// with what the page needs of them (its PDFs included), under the generation of accounts and
/// reports.
pub struct ReadableReports {
    reports: Cache<(ReportId, Option<UserId>), ReportRow>,
    generations: Arc<Generations>,
}

/// Report rights remembered per instance at most.
const READABLE_KEPT: usize = 10_000;

impl ReadableReports {
    pub fn new(generations: Arc<Generations>) -> Self {
        Self {
            reports: Cache::new(READABLE_KEPT),
            generations,
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
        let generation = self
            .generations
            .of(pool, &[Topic::Accounts, Topic::Reports])
            .await?;
        self.reports
            .get_or_load(generation, key, db::find_readable(pool, reader, report_id))
            .await
    }
}
