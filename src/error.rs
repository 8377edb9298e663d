//! The one error type of the application. Handlers return [`Result`]; an error becomes a status
//! code plus an [`ErrorPage`] marker, which the page-context middleware renders through the site
//! layout in the user's language (or as a small fragment for htmx requests). Internal errors are
//! logged with their full cause chain here and never shown to users.

use axum::http::StatusCode;
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
    NotFound,
    Internal,
}

impl ErrorPage {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorPage::CrossSite => StatusCode::FORBIDDEN,
            ErrorPage::NotFound => StatusCode::NOT_FOUND,
            ErrorPage::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The i18n key of this page's title.
    pub fn title_key(self) -> &'static str {
        match self {
            ErrorPage::CrossSite => "error-cross-site-title",
            ErrorPage::NotFound => "error-not-found-title",
            ErrorPage::Internal => "error-internal-title",
        }
    }

    /// The i18n key of this page's explanation.
    pub fn text_key(self) -> &'static str {
        match self {
            ErrorPage::CrossSite => "error-cross-site-text",
            ErrorPage::NotFound => "error-not-found-text",
            ErrorPage::Internal => "error-internal-text",
        }
    }

    /// A response that the page-context middleware turns into the rendered page.
    pub fn response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match self {
            Error::NotFound => ErrorPage::NotFound.response(),
            other => {
                tracing::error!("request failed: {:#}", anyhow::Error::from(other));
                ErrorPage::Internal.response()
            }
        }
    }
}
