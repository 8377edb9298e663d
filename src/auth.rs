//! Who is making the request: the signed-in user (set on the request by the accounts
//! feature's session middleware) and the extractors that read it. A leaf module, so that the
//! web layer can know the user without depending on the accounts feature.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use crate::audit::Actor;
use crate::vocabulary::{Role, UserId};

/// The signed-in user of a request.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub must_change_password: bool,
    pub(crate) token_hash: Vec<u8>,
}

impl CurrentUser {
    /// The user as the author of audit events.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user_id),
            label: self.email.clone(),
        }
    }

    /// The user as a reader of reports (élus: their territories only).
    pub fn reader(&self) -> Reader {
        Reader {
            user_id: self.user_id,
            role: self.role,
        }
    }

    /// The name shown in the page header.
    pub fn label(&self) -> &str {
        if self.display_name.is_empty() {
            &self.email
        } else {
            &self.display_name
        }
    }

    pub fn token_hash(&self) -> &[u8] {
        &self.token_hash
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Response> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or_else(|| Redirect::to("/connexion").into_response())
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentUser>().cloned())
    }
}

/// Who reads reports: élus read their territories' only; admins and consultants read all.
#[derive(Clone, Copy, Debug)]
pub struct Reader {
    pub user_id: UserId,
    pub role: Role,
}
