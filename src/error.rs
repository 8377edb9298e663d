//! The one error type of the application. Handlers return [`Result`]; an error becomes a status
//! code plus an [`ErrorPage`] marker, which the page-context middleware renders through the site
//! layout in the user's language (or as a small fragment for htmx requests). Internal errors are
//! logged with their full cause chain here and never shown to users.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Errors a handler can return.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The page does not exist, or the user may not know that it exists.
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("template error: {0}")]
    Render(#[from] askama::Error),
    /// Too many requests of an expensive kind are waiting (password hashing): try again soon.
    #[error("busy")]
    Busy,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// `Result` with the application's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which error page to show; carried in the response extensions until it is rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorPage {
    /// A state-changing request that did not come from our own pages (CSRF protection).
    CrossSite,
    /// A page only some callers may see (the metrics, outside loopback and without the token).
    Forbidden,
    NotFound,
    /// The request could not be read (malformed or duplicated fields).
    BadRequest,
    /// The request was read but holds a value that cannot be taken (invalid UTF-8, a control
    /// character, a date out of range).
    Unprocessable,
    MethodNotAllowed,
    Timeout,
    TooLarge,
    UnsupportedMediaType,
    /// Too many expensive requests at once; retry shortly.
    Busy,
    Internal,
}

impl ErrorPage {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorPage::CrossSite | ErrorPage::Forbidden => StatusCode::FORBIDDEN,
            ErrorPage::NotFound => StatusCode::NOT_FOUND,
            ErrorPage::BadRequest => StatusCode::BAD_REQUEST,
            ErrorPage::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorPage::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorPage::Timeout => StatusCode::REQUEST_TIMEOUT,
            ErrorPage::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorPage::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorPage::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ErrorPage::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The page for a bare error response of `status` (an extractor's or a layer's rejection,
    /// which comes as plain English text or nothing).
    pub fn for_status(status: StatusCode) -> ErrorPage {
        match status {
            StatusCode::FORBIDDEN => ErrorPage::Forbidden,
            StatusCode::NOT_FOUND => ErrorPage::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ErrorPage::MethodNotAllowed,
            StatusCode::REQUEST_TIMEOUT => ErrorPage::Timeout,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorPage::TooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorPage::UnsupportedMediaType,
            StatusCode::UNPROCESSABLE_ENTITY => ErrorPage::Unprocessable,
            StatusCode::SERVICE_UNAVAILABLE => ErrorPage::Busy,
            s if s.is_server_error() => ErrorPage::Internal,
            _ => ErrorPage::BadRequest,
        }
    }

    fn key(self) -> &'static str {
        match self {
            ErrorPage::CrossSite => "error-cross-site",
            ErrorPage::Forbidden => "error-forbidden",
            ErrorPage::NotFound => "error-not-found",
            ErrorPage::BadRequest => "error-bad-request",
            ErrorPage::Unprocessable => "error-unprocessable",
            ErrorPage::MethodNotAllowed => "error-method",
            ErrorPage::Timeout => "error-timeout",
            ErrorPage::TooLarge => "error-too-large",
            ErrorPage::UnsupportedMediaType => "error-media-type",
            ErrorPage::Busy => "error-busy",
            ErrorPage::Internal => "error-internal",
        }
    }

    /// The i18n key of this page's title.
    pub fn title_key(self) -> String {
        format!("{}-title", self.key())
    }

    /// The i18n key of this page's explanation.
    pub fn text_key(self) -> String {
        format!("{}-text", self.key())
    }

    /// A response that the page-context middleware turns into the rendered page.
    pub fn response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        if self == ErrorPage::Busy {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("2"));
        }
        response
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match self {
            Error::NotFound => ErrorPage::NotFound.response(),
            Error::Busy => ErrorPage::Busy.response(),
            // PostgreSQL refused a value (class 22, data exception: a NUL character, a date
            // out of its range…) that validation let through: the input is at fault, and the
            // transaction wrote nothing.
            Error::Database(sqlx::Error::Database(e))
                if e.code().is_some_and(|code| code.starts_with("22")) =>
            {
                tracing::warn!("value refused by the database: {e}");
                ErrorPage::Unprocessable.response()
            }
            other => {
                tracing::error!("request failed: {:#}", anyhow::Error::from(other));
                ErrorPage::Internal.response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{I18n, Lang};

    const ALL: [ErrorPage; 11] = [
        ErrorPage::CrossSite,
        ErrorPage::Forbidden,
        ErrorPage::NotFound,
        ErrorPage::BadRequest,
        ErrorPage::Unprocessable,
        ErrorPage::MethodNotAllowed,
        ErrorPage::Timeout,
        ErrorPage::TooLarge,
        ErrorPage::UnsupportedMediaType,
        ErrorPage::Busy,
        ErrorPage::Internal,
    ];

    #[test]
    fn every_error_page_is_written_in_both_languages() {
        for lang in Lang::ALL {
            let i18n = I18n::new(lang);
            for page in ALL {
                for key in [page.title_key(), page.text_key()] {
                    let text = i18n.t(&key);
                    assert!(!text.is_empty() && text != key, "{lang:?} {key}");
                }
            }
        }
    }

    #[test]
    fn bare_rejections_map_to_the_page_of_their_status() {
        for page in ALL {
            if page != ErrorPage::CrossSite {
                assert_eq!(ErrorPage::for_status(page.status()), page, "{page:?}");
            }
        }
        assert_eq!(
            ErrorPage::for_status(StatusCode::LENGTH_REQUIRED),
            ErrorPage::BadRequest
        );
    }
}
