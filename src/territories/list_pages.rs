//! The territory list's pages as this instance rendered them lately, compressed, kept under the
//! list's generation (a number the database changes with every statement on territories,
//! groupings or the geography, in the same transaction): a request reads that one number, and
//! reads and renders the page again only when it changed. No page is served after a change is
//! committed, wherever it was made; the count comes with its page, exact. A request renders
//! only the layout around the kept page and splices it in (see [`crate::web::spliced`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::db::ListFilter;
use crate::i18n::Lang;
use crate::web::spliced::SplicedBody;

/// A page of the list, by filter and language.
pub type ListKey = (ListFilter, Lang);

#[derive(Default)]
pub struct ListPages {
    pages: Mutex<(i64, HashMap<ListKey, Arc<SplicedBody>>)>,
}

/// Pages kept per instance at most (then all are dropped).
const KEPT_PAGES: usize = 512;

impl ListPages {
    /// The page for `key`, if read at `generation`.
    pub fn get(&self, generation: i64, key: &ListKey) -> Option<Arc<SplicedBody>> {
        let pages = self.pages.lock().ok()?;
        (pages.0 == generation)
            .then(|| pages.1.get(key).cloned())
            .flatten()
    }

    /// Keeps a page read after reading `generation` (so no older than it); the pages of
    /// other generations go.
    pub fn put(&self, generation: i64, key: ListKey, page: Arc<SplicedBody>) {
        if let Ok(mut pages) = self.pages.lock() {
            if generation < pages.0 {
                return;
            }
            if pages.0 != generation || pages.1.len() >= KEPT_PAGES {
                *pages = (generation, HashMap::new());
            }
            pages.1.insert(key, page);
        }
    }
}
