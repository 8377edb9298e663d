//! Static files (our CSS, vendored htmx, images), embedded in the release binary so a deployment
//! is one file. Every template links them through [`asset_url`], which appends a content hash:
//! the URLs change when the files do, so browsers may cache them for a year (`immutable`), and
//! revalidation answers 304 through the ETag.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use super::caching::Caching;
use crate::error::{Error, Result};

#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

/// Hex SHA-256 of each embedded file, computed once.
fn hashes() -> &'static HashMap<String, String> {
    static HASHES: OnceLock<HashMap<String, String>> = OnceLock::new();
    HASHES.get_or_init(|| {
        Assets::iter()
            .filter_map(|path| {
                let file = Assets::get(&path)?;
                let hash: String = file
                    .metadata
                    .sha256_hash()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                Some((path.into_owned(), hash))
            })
            .collect()
    })
}

/// The URL of static file `path` (relative to `static/`), versioned by its content hash.
pub fn asset_url(path: &str) -> String {
    match hashes().get(path) {
        Some(hash) => format!("/static/{path}?v={}", &hash[..12]),
        None => {
            debug_assert!(false, "unknown asset {path}");
            format!("/static/{path}")
        }
    }
}

/// The text of static file `path` (the stylesheet inlined in printed documents).
pub fn text(path: &str) -> Option<String> {
    Assets::get(path).map(|file| String::from_utf8_lossy(&file.data).into_owned())
}

/// `GET /static/{*path}`: the file with its type, kept for ever (its URL carries its content's
/// hash).
pub async fn serve(Path(path): Path<String>, headers: HeaderMap) -> Result<Response> {
    let file = Assets::get(&path).ok_or(Error::NotFound)?;
    let etag = format!("\"{}\"", &hashes().get(&path).ok_or(Error::NotFound)?[..32]);
    let caching = Caching::Immutable(etag);
    if caching.held_by(&headers) {
        return Ok(caching.not_modified());
    }
    let mime = HeaderValue::from_str(file.metadata.mimetype())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Ok((
        caching,
        [(header::CONTENT_TYPE, mime)],
        file.data.into_owned(),
    )
        .into_response())
}
