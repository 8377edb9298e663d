//! What an instance remembers for a short, fixed time: entries read from the database and
//! answered from memory until they are `keep` old (a change made on another instance shows
//! within that bound; one made here is forgotten at once by whoever made it). Bounded in
//! size: when full, entries past their time are dropped, then all if still full.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Kept<K, V> {
    keep: Duration,
    capacity: usize,
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> Kept<K, V> {
    /// Remembers up to `capacity` entries for `keep` each (zero: never).
    pub fn new(keep: Duration, capacity: usize) -> Self {
        Self {
            keep,
            capacity,
            entries: Mutex::default(),
        }
    }

    /// The entry, if put less than `keep` ago.
    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let (put_at, value) = entries.get(key)?;
        (put_at.elapsed() < self.keep).then(|| value.clone())
    }

    pub fn put(&self, key: K, value: V) {
        if self.keep.is_zero() {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.capacity {
                let keep = self.keep;
                entries.retain(|_, (put_at, _)| put_at.elapsed() < keep);
                if entries.len() >= self.capacity {
                    entries.clear();
                }
            }
            entries.insert(key, (Instant::now(), value));
        }
    }

    /// Forgets one entry.
    pub fn forget(&self, key: &K) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
    }

    /// Forgets the entries `stale` says are.
    pub fn forget_where(&self, stale: impl Fn(&K, &V) -> bool) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|key, (_, value)| !stale(key, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_kept_for_their_time_and_forgotten_on_demand() {
        let kept = Kept::new(Duration::from_secs(60), 2);
        kept.put(1, "a");
        kept.put(2, "b");
        assert_eq!(kept.get(&1), Some("a"));
        kept.forget(&1);
        assert_eq!(kept.get(&1), None);
        kept.forget_where(|_, v| *v == "b");
        assert_eq!(kept.get(&2), None);
        let never = Kept::new(Duration::ZERO, 2);
        never.put(1, "a");
        assert_eq!(never.get(&1), None);
    }

    #[test]
    fn a_full_memory_drops_what_it_holds_rather_than_grow() {
        let kept = Kept::new(Duration::from_secs(60), 2);
        kept.put(1, "a");
        kept.put(2, "b");
        kept.put(3, "c");
        assert_eq!(kept.get(&3), Some("c"));
        assert_eq!(kept.entries.lock().unwrap().len(), 1);
    }
}
