//! The input policy at the edge: what no form or query may carry, refused before any handler
//! runs. Text must be UTF-8 once percent-decoded (browsers always send it so; a lossy reading
//! would store something else than what was typed), and query strings carry no control
//! characters but tabs and line breaks. Control characters in form fields are reported at
//! their field by each form's validation ([`super::form::bounded`]), so the user keeps what
//! they typed. Whatever still slips through to PostgreSQL (class 22, data exception) is
//! answered 422 by [`crate::error::Error`], never 500.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::Response;

use super::form::has_forbidden_control;
use crate::error::ErrorPage;

/// Largest form body read here (the same bound as the body limit layer).
const FORM_LIMIT: usize = crate::BODY_LIMIT;

/// Middleware: answers 422 with the error page when the query string or an urlencoded form body
/// does not decode to UTF-8, or when the query string holds a control character other than a
/// tab or a line break (the no-JavaScript territory form re-renders through a query string).
pub async fn refuse_unreadable(request: Request, next: Next) -> Response {
    if let Some(query) = request.uri().query()
        && !decodes_cleanly(query.as_bytes(), false)
    {
        return ErrorPage::Unprocessable.response();
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if request.method() != Method::POST || !is_form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
        return ErrorPage::TooLarge.response();
    };
    if !decodes_cleanly(&bytes, true) {
        return ErrorPage::Unprocessable.response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Whether every key and value of an urlencoded string decodes to UTF-8, with no control
/// character but tabs and line breaks unless `controls_allowed` (form fields: their validation
/// reports them at the field).
fn decodes_cleanly(encoded: &[u8], controls_allowed: bool) -> bool {
    encoded.split(|b| *b == b'&').all(|pair| {
        let decoded: Vec<u8> = percent_encoding::percent_decode(pair).collect();
        std::str::from_utf8(&decoded)
            .is_ok_and(|text| controls_allowed || !has_forbidden_control(text))
    })
}

#[cfg(test)]
mod tests {
    use super::decodes_cleanly;

    #[test]
    fn utf8_and_control_characters() {
        assert!(decodes_cleanly(b"q=Saint-%C3%89tienne&page=2", false));
        assert!(decodes_cleanly(b"notes=ligne%0Aligne", true));
        assert!(decodes_cleanly(b"notes=ligne%0D%0Aligne%09", false));
        assert!(!decodes_cleanly(b"notes=ligne%1Bligne", false));
        assert!(!decodes_cleanly(b"q=%00", false));
        assert!(decodes_cleanly(b"q=%00", true));
        assert!(!decodes_cleanly(b"name=%FF%FE", true));
        assert!(!decodes_cleanly(b"name=%C3", true));
        assert!(!decodes_cleanly(b"na%FFme=x", true));
        assert!(decodes_cleanly(b"", false));
    }
}
