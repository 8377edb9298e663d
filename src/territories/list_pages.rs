//! The territory list's pages as this instance read them lately, kept under the list's
//! generation (a number the database changes with every statement on territories, groupings or
//! the geography, in the same transaction): a request reads that one number, and reads the page
//! again only when it changed. No page is served after a change is committed, wherever it was
//! made; the count comes with its page, exact.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::db::{ListFilter, ListRow};

/// One page of the list and how many territories match in all.
pub type ListPage = Arc<(Vec<ListRow>, i64)>;

#[derive(Default)]
pub struct ListPages {
    pages: Mutex<(i64, HashMap<ListFilter, ListPage>)>,
}

/// Pages kept per instance at most (then all are dropped).
const KEPT_PAGES: usize = 512;

impl ListPages {
    /// The page for `filter`, if read at `generation`.
    pub fn get(&self, generation: i64, filter: &ListFilter) -> Option<ListPage> {
        let pages = self.pages.lock().ok()?;
        (pages.0 == generation)
            .then(|| pages.1.get(filter).cloned())
            .flatten()
    }

    /// Keeps a page read after reading `generation` (so no older than it); the pages of
    /// other generations go.
    pub fn put(&self, generation: i64, filter: ListFilter, page: ListPage) {
        if let Ok(mut pages) = self.pages.lock() {
            if generation < pages.0 {
                return;
            }
            if pages.0 != generation || pages.1.len() >= KEPT_PAGES {
                *pages = (generation, HashMap::new());
            }
            pages.1.insert(filter, page);
        }
    }
}
