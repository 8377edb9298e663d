//! Static files (our CSS, vendored htmx, images), embedded in the release binary so a deployment
//! is one file. Every template links them through [`asset_url`], which appends a content hash:
//! the URLs change when the files do, so browsers may cache them for a year (`immutable`), and
//! revalidation answers 304 through the ETag.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::error::{Error, Result};

#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

/// Cache policy of every static file: their URLs carry a content hash.
const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

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

/// `GET /static/{*path}`: the file with its type, ETag and long-lived cache headers.
pub async fn serve(Path(path): Path<String>, headers: HeaderMap) -> Result<Response> {
    let file = Assets::get(&path).ok_or(Error::NotFound)?;
    let etag = format!("\"{}\"", &hashes().get(&path).ok_or(Error::NotFound)?[..32]);
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mime = file.metadata.mimetype().to_owned();
        let mut response = file.data.into_owned().into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&mime)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        );
        response
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_FOREVER),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    Ok(response)
}
