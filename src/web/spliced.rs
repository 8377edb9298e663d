//! Pages whose large middle part is compressed once and kept: the page is rendered with
//! [`BODY_MARK`] where that part goes, and only the head and foot around it (a few kilobytes
//! that depend on the reader) are compressed per request, then spliced with the kept streams
//! (see [`crate::web::encoding`]). The coding follows `Accept-Encoding`; identity sends the
//! text itself. Used by published reports and the territory list.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

use crate::error::Result;
use crate::web::encoding::{self, EncodedBody, Encoding};

/// Stands for the kept part while the page around it is rendered (never in a kept part: the
/// templates escape text, and this is not a tag).
pub const BODY_MARK: &str = "\u{1}page-body\u{1}";

/// A kept middle part: its text and its compression.
pub struct SplicedBody {
    pub text: String,
    pub encoded: EncodedBody,
}

impl SplicedBody {
    /// Compresses `text` once at `levels` (brotli quality, deflate level; see
    /// [`EncodedBody::with_levels`]).
    pub fn new(text: String, levels: (i32, u32)) -> Self {
        let encoded = EncodedBody::with_levels(&text, levels);
        Self { text, encoded }
    }
}

/// The coding a request's `Accept-Encoding` asks for.
pub fn negotiate(headers: &HeaderMap) -> Encoding {
    Encoding::negotiate(
        headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    )
}

/// `page` (rendered with [`BODY_MARK`]) with `text` in place of the mark, sent in `coding`:
/// compressed codings splice `encoded`, which must be `text` compressed. Answers
/// `Vary: Accept-Encoding`.
pub fn response(
    page: &str,
    text: &str,
    encoded: &EncodedBody,
    coding: Encoding,
) -> Result<Response> {
    let (head, foot) = page
        .split_once(BODY_MARK)
        .ok_or_else(|| anyhow::anyhow!("the page lost its body's mark"))?;
    let mut response = match coding {
        Encoding::Identity => Html(format!("{head}{text}{foot}")).into_response(),
        coding => {
            let mut response = Html(encoding::page(coding, head, encoded, foot)).into_response();
            if let Some(name) = coding.header() {
                response
                    .headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
            }
            response
        }
    };
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Ok(response)
}
