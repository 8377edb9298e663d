//! The territory list's pages as this instance rendered them lately, compressed, kept under the
//! generation of places and the geography (see [`crate::cache`]), which a request reads from the
//! database every time: a page is read and rendered again only when it changed, and no page is
//! served after a change is committed, wherever it was made; the count comes with its page,
//! exact. A request renders only the layout around the kept page and splices it in (see
//! [`crate::web::spliced`]).

use std::sync::Arc;

use super::db::ListFilter;
use crate::cache::Cache;
use crate::i18n::Lang;
use crate::web::spliced::SplicedBody;

/// A page of the list, by filter and language.
pub type ListKey = (ListFilter, Lang);

/// The kept pages.
pub type ListPages = Cache<ListKey, Arc<SplicedBody>>;

/// Pages kept per instance at most (then those of older generations go, then all).
const KEPT_PAGES: usize = 512;

pub fn kept_pages() -> ListPages {
    Cache::new(KEPT_PAGES)
}
