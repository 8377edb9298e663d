//! How long a browser may keep a response, chosen by the handler and written by one middleware
//! ([`write`]). A handler that wants more than the default puts a [`Caching`] in its response
//! (it is an `IntoResponseParts`); the middleware turns it into `Cache-Control` and `ETag`, and
//! answers 304 when the request's `If-None-Match` names that ETag. Every other HTML response is
//! `no-store`: pages hold what only the signed-in user may see, and a shared computer's back
//! button must not show them after sign-out.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};

/// A response's caching policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caching {
    /// Never stored (the default of pages).
    NoStore,
    /// Stored by this browser only, and checked with the server before each use; with an ETag,
    /// an unchanged response is answered 304 without its body.
    Revalidate(Option<String>),
    /// A file named after its content: kept for a year, never checked.
    Immutable(String),
}

impl Caching {
    /// Whether the request already holds this response (its `If-None-Match` is our ETag).
    pub fn held_by(&self, request: &HeaderMap) -> bool {
        let etag = match self {
            Caching::Revalidate(Some(etag)) | Caching::Immutable(etag) => etag,
            _ => return false,
        };
        request
            .get(header::IF_NONE_MATCH)
            .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    }

    /// The 304 answer that says so (the middleware adds the policy's headers).
    pub fn not_modified(self) -> Response {
        (self, StatusCode::NOT_MODIFIED).into_response()
    }

    fn headers(&self) -> (&'static str, Option<&str>) {
        match self {
            Caching::NoStore => ("no-store", None),
            Caching::Revalidate(etag) => ("private, no-cache", etag.as_deref()),
            Caching::Immutable(etag) => ("public, max-age=31536000, immutable", Some(etag)),
        }
    }
}

impl IntoResponseParts for Caching {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut parts: ResponseParts) -> Result<ResponseParts, Self::Error> {
        parts.extensions_mut().insert(self);
        Ok(parts)
    }
}

/// Middleware: writes the policy the handler chose (`no-store` for a page that chose none),
/// and answers 304 for a response the request already holds.
pub async fn write(request: Request, next: Next) -> Response {
    let conditional = request.headers().clone();
    let mut response = next.run(request).await;
    let chosen = response.extensions_mut().remove::<Caching>();
    let caching = match chosen {
        Some(caching) => caching,
        None if is_html(&response) => Caching::NoStore,
        None => return response,
    };
    if response.status() == StatusCode::OK && caching.held_by(&conditional) {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        if let Some(vary) = response.headers().get(header::VARY) {
            not_modified
                .headers_mut()
                .insert(header::VARY, vary.clone());
        }
        response = not_modified;
    }
    let (cache_control, etag) = caching.headers();
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    if let Some(value) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
        headers.insert(header::ETAG, value);
    }
    response
}

/// Whether a response is an HTML page.
pub fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_etag_is_held_only_when_the_request_names_it() {
        let mut request = HeaderMap::new();
        let policy = Caching::Revalidate(Some("\"a\"".to_owned()));
        assert!(!policy.held_by(&request));
        request.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"a\""));
        assert!(policy.held_by(&request));
        assert!(!Caching::Revalidate(None).held_by(&request));
        assert!(!Caching::NoStore.held_by(&request));
        assert_eq!(
            Caching::Immutable("\"a\"".into()).headers(),
            ("public, max-age=31536000, immutable", Some("\"a\""))
        );
    }
}
