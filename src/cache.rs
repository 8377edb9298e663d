//! What an instance keeps of what it read from the database, one way for every cache. The
//! database counts the changes of each [`Topic`] (migration 0025: triggers on the topic's
//! tables bump its generation in the writing transaction, so nobody who writes has to know who
//! keeps what). An instance reads those generations at most every `bound` (the session cache's
//! bound, `TERRITOIRES_SESSION_CACHE_MS`) and again as soon as it has handled a change itself
//! ([`count_changes`]); a [`Cache`] entry holds while the generation it was read under is
//! current, and no longer than its maximum age when it has one (what no trigger sees: a
//! session's idle deadline, progress saved elsewhere). So a change shows at once on the instance
//! that made it and within the bound on the others; a page that must never lag reads the
//! generation [`Generations::fresh`]. Entries are read through [`Cache::get_or_load`].

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use sqlx::PgPool;

/// What a cache's entries depend on, as the database counts its changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// Accounts, their territories and sessions ended (app_user, user_territory, user_session).
    Accounts,
    /// Territories, groupings' communes and the official areas (territory, territory_member,
    /// geo_area).
    Places,
    /// The official geography's imports (geo_import).
    Geography,
    /// Assessment rounds created, removed or moved to another status (assessment).
    Rounds,
    /// Published reports and their PDFs (report, report_pdf).
    Reports,
    /// Every change (any request but GET and HEAD) this instance handled: for what no trigger
    /// follows, such as the answers of a round.
    HandledHere,
}

impl Topic {
    fn key(self) -> &'static str {
        match self {
            Topic::Accounts => "accounts",
            Topic::Places => "places",
            Topic::Geography => "geography",
            Topic::Rounds => "rounds",
            Topic::Reports => "reports",
            Topic::HandledHere => "",
        }
    }
}

/// A point in the changes of some topics: entries read under one are current while it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generation(i64);

impl Generation {
    /// For what never changes once stored (published report bodies).
    pub const IMMUTABLE: Generation = Generation(0);
}

/// This instance's view of the database's generations.
pub struct Generations {
    bound: Duration,
    /// Every change handled here (the generation of [`Topic::HandledHere`]).
    handled: AtomicU64,
    /// The changes handled here that may have changed a topic: the generations are read anew
    /// after each.
    unsettled: AtomicU64,
    seen: Mutex<Option<Seen>>,
}

struct Seen {
    read_at: Instant,
    /// The changes handled here that may have changed a topic, when they were read.
    unsettled: u64,
    topics: Arc<HashMap<String, i64>>,
}

/// A response part for a change that writes none of the topics' tables (an autosave writes
/// answers, a round's version and the audit log): it still counts as handled here, but the
/// generations are not read anew for it. Without it, every change is assumed to touch them.
#[derive(Clone, Copy, Debug)]
pub struct TopicsUnchanged;

impl axum::response::IntoResponseParts for TopicsUnchanged {
    type Error = std::convert::Infallible;

    fn into_response_parts(
        self,
        mut parts: axum::response::ResponseParts,
    ) -> Result<axum::response::ResponseParts, Self::Error> {
        parts.extensions_mut().insert(self);
        Ok(parts)
    }
}

impl Generations {
    pub fn new(bound: Duration) -> Self {
        Self {
            bound,
            handled: AtomicU64::new(0),
            unsettled: AtomicU64::new(0),
            seen: Mutex::new(None),
        }
    }

    /// One more change handled here: the next generation asked for is read anew.
    pub fn handled_here(&self) {
        self.handled.fetch_add(1, Ordering::SeqCst);
        self.unsettled.fetch_add(1, Ordering::SeqCst);
    }

    /// The generation of `topics`, read at most `bound` ago and after the last change handled
    /// here.
    pub async fn of(&self, pool: &PgPool, topics: &[Topic]) -> sqlx::Result<Generation> {
        let handled = self.handled.load(Ordering::SeqCst);
        let unsettled = self.unsettled.load(Ordering::SeqCst);
        let known = self.seen.lock().ok().and_then(|seen| {
            seen.as_ref()
                .filter(|s| s.unsettled == unsettled && s.read_at.elapsed() < self.bound)
                .map(|s| s.topics.clone())
        });
        let read = match known {
            Some(read) => read,
            None => self.read(pool, unsettled).await?,
        };
        Ok(Self::sum(&read, handled, topics))
    }

    /// The generation of `topics` as the database has it now.
    pub async fn fresh(&self, pool: &PgPool, topics: &[Topic]) -> sqlx::Result<Generation> {
        let handled = self.handled.load(Ordering::SeqCst);
        let read = self
            .read(pool, self.unsettled.load(Ordering::SeqCst))
            .await?;
        Ok(Self::sum(&read, handled, topics))
    }

    async fn read(&self, pool: &PgPool, unsettled: u64) -> sqlx::Result<Arc<HashMap<String, i64>>> {
        let rows = sqlx::query!("select topic, generation from cache_topic")
            .fetch_all(pool)
            .await?;
        let topics: Arc<HashMap<String, i64>> =
            Arc::new(rows.into_iter().map(|r| (r.topic, r.generation)).collect());
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(Seen {
                read_at: Instant::now(),
                unsettled,
                topics: topics.clone(),
            });
        }
        Ok(topics)
    }

    /// Generations only grow, so their sum changes whenever one of them does.
    fn sum(read: &HashMap<String, i64>, handled: u64, topics: &[Topic]) -> Generation {
        Generation(
            topics
                .iter()
                .map(|t| match t {
                    Topic::HandledHere => handled as i64,
                    t => read.get(t.key()).copied().unwrap_or(0),
                })
                .sum(),
        )
    }
}

/// Middleware: counts every change this instance handles, once it is handled (before its answer
/// leaves), so the next generation asked for here is read anew (unless the handler said it
/// touched no topic: [`TopicsUnchanged`]).
pub async fn count_changes(
    State(generations): State<Arc<Generations>>,
    request: Request,
    next: Next,
) -> Response {
    let change = !matches!(*request.method(), Method::GET | Method::HEAD);
    let response = next.run(request).await;
    if change {
        if response.extensions().get::<TopicsUnchanged>().is_some() {
            generations.handled.fetch_add(1, Ordering::SeqCst);
        } else {
            generations.handled_here();
        }
    }
    response
}

/// Entries read from the database, each under the generation it was read at.
pub struct Cache<K, V> {
    capacity: usize,
    max_age: Option<Duration>,
    entries: Mutex<HashMap<K, Entry<V>>>,
    /// Held while loading, when loads are costly enough to do one at a time.
    loading: Option<tokio::sync::Mutex<()>>,
}

struct Entry<V> {
    generation: Generation,
    read_at: Instant,
    value: V,
}

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    /// Up to `capacity` entries (when full, those past their age go, then all).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            max_age: None,
            entries: Mutex::default(),
            loading: None,
        }
    }

    /// Loads one entry at a time: requests that miss together wait for the first load rather
    /// than repeat it (a report body compressed by its first readers).
    pub fn one_load_at_a_time(mut self) -> Self {
        self.loading = Some(tokio::sync::Mutex::new(()));
        self
    }

    /// Entries also go once `max_age` old (zero: nothing is kept).
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// The entry for `key` if read under `generation` (and young enough), else what `load`
    /// reads, kept when there is something. Ask for the generation before: a change that lands
    /// while `load` reads makes the entry stale.
    pub async fn get_or_load<E>(
        &self,
        generation: Generation,
        key: K,
        load: impl Future<Output = Result<Option<V>, E>>,
    ) -> Result<Option<V>, E> {
        if let Some(value) = self.get(generation, &key) {
            return Ok(Some(value));
        }
        let _loading = match &self.loading {
            Some(loading) => {
                let held = loading.lock().await;
                if let Some(value) = self.get(generation, &key) {
                    return Ok(Some(value));
                }
                Some(held)
            }
            None => None,
        };
        let loaded = load.await?;
        if let Some(value) = &loaded {
            self.put(generation, key, value.clone());
        }
        Ok(loaded)
    }

    fn young(&self, read_at: Instant) -> bool {
        self.max_age.is_none_or(|age| read_at.elapsed() < age)
    }

    fn get(&self, generation: Generation, key: &K) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(key)?;
        (entry.generation == generation && self.young(entry.read_at)).then(|| entry.value.clone())
    }

    fn put(&self, generation: Generation, key: K, value: V) {
        if self.max_age.is_some_and(|age| age.is_zero()) {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.capacity {
                entries.retain(|_, e| e.generation == generation && self.young(e.read_at));
                if entries.len() >= self.capacity {
                    entries.clear();
                }
            }
            entries.insert(
                key,
                Entry {
                    generation,
                    read_at: Instant::now(),
                    value,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn load(value: &'static str) -> Result<Option<&'static str>, ()> {
        Ok(Some(value))
    }

    #[tokio::test]
    async fn an_entry_holds_while_its_generation_does() {
        let cache: Cache<u8, &str> = Cache::new(2);
        assert_eq!(
            cache.get_or_load(Generation(1), 1, load("a")).await,
            Ok(Some("a"))
        );
        assert_eq!(
            cache.get_or_load(Generation(1), 1, load("b")).await,
            Ok(Some("a"))
        );
        assert_eq!(
            cache.get_or_load(Generation(2), 1, load("c")).await,
            Ok(Some("c"))
        );
        // Nothing loaded, nothing kept.
        let none = async { Ok::<_, ()>(None) };
        assert_eq!(cache.get_or_load(Generation(2), 2, none).await, Ok(None));
        assert_eq!(
            cache.get_or_load(Generation(2), 2, load("d")).await,
            Ok(Some("d"))
        );
        // Full: what is not current goes.
        assert_eq!(
            cache.get_or_load(Generation(3), 3, load("e")).await,
            Ok(Some("e"))
        );
        assert_eq!(
            cache.get_or_load(Generation(3), 3, load("f")).await,
            Ok(Some("e"))
        );

        let never: Cache<u8, &str> = Cache::new(2).with_max_age(Duration::ZERO);
        assert_eq!(
            never.get_or_load(Generation(1), 1, load("a")).await,
            Ok(Some("a"))
        );
        assert_eq!(
            never.get_or_load(Generation(1), 1, load("b")).await,
            Ok(Some("b"))
        );
    }

    #[tokio::test]
    async fn misses_together_load_once_when_loads_go_one_at_a_time() {
        use std::sync::atomic::AtomicU32;
        for (cache, expected) in [(Cache::new(4).one_load_at_a_time(), 1), (Cache::new(4), 2)] {
            let loads = AtomicU32::new(0);
            let load = || async {
                loads.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
                Ok::<_, ()>(Some(7))
            };
            let both = tokio::join!(
                cache.get_or_load(Generation(1), 1u8, load()),
                cache.get_or_load(Generation(1), 1u8, load())
            );
            assert_eq!(both, (Ok(Some(7)), Ok(Some(7))));
            assert_eq!(loads.load(Ordering::SeqCst), expected);
        }
    }
}
