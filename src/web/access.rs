//! Access control, declared route by route. Every route is added through [`Routes`], which asks
//! for its [`Access`] rule, enforces it in front of the handler and records it, so the table of
//! routes and rules can be listed (the access-matrix test walks it). Anonymous users are sent to
//! `/connexion?next=…`; signed-in users outside a rule get the 404 page, never a hint that the
//! page exists; users holding a one-time password are sent to change it first.

use axum::Router;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ErrorPage;
use crate::vocabulary::Role;
use crate::web::{is_htmx, urlencode};

/// Who may use a route (DESIGN §3, roles table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in page, health, static files).
    Anyone,
    /// Any signed-in user, even one who must still replace a one-time password.
    Account,
    /// Any signed-in user (admins, consultants, élus; élus' territory scope is checked by the
    /// handler).
    SignedIn,
    /// Admins and consultants: territories, assessments, drafts.
    Staff,
    /// Admins only: accounts and the audit log.
    Admin,
}

impl Access {
    /// Whether a signed-in user with `role` passes this rule.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Anyone | Access::Account | Access::SignedIn => true,
            Access::Staff => matches!(role, Role::Admin | Role::Consultant),
            Access::Admin => role == Role::Admin,
        }
    }
}

/// One route as declared: method, path pattern and rule.
#[derive(Clone, Debug)]
pub struct DeclaredRoute {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

/// A router whose every route carries an access rule.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    declared: Vec<DeclaredRoute>,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get<H, T>(self, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, access, get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, access, post(handler))
    }

    fn add(
        mut self,
        method: Method,
        path: &'static str,
        access: Access,
        route: MethodRouter<AppState>,
    ) -> Self {
        let route = route.route_layer(middleware::from_fn(move |request, next| {
            enforce(access, request, next)
        }));
        self.router = self.router.route(path, route);
        self.declared.push(DeclaredRoute {
            method,
            path,
            access,
        });
        self
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.declared.extend(other.declared);
        self
    }

    /// Every route with its rule, in declaration order.
    pub fn declared(&self) -> &[DeclaredRoute] {
        &self.declared
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// The page a password change is done on (reachable while one is pending).
pub const PASSWORD_PAGE: &str = "/compte/mot-de-passe";

async fn enforce(access: Access, request: Request, next: Next) -> Response {
    if access == Access::Anyone {
        return next.run(request).await;
    }
    let Some(user) = request.extensions().get::<CurrentUser>() else {
        return to_sign_in(&request);
    };
    if user.must_change_password && access != Access::Account {
        return Redirect::to(PASSWORD_PAGE).into_response();
    }
    if access.allows(user.role) {
        next.run(request).await
    } else {
        ErrorPage::NotFound.response()
    }
}

/// Sends an anonymous user to the sign-in page, to come back here afterwards (GET requests; a
/// form posted without a session comes back to the home page). htmx requests get a full-page
/// redirect instead of a sign-in form swapped into a fragment.
fn to_sign_in(request: &Request) -> Response {
    let mut target = String::from("/connexion");
    if request.method() == Method::GET {
        let uri = request.uri();
        let back = uri.path_and_query().map_or("/", |p| p.as_str());
        if back != "/" {
            target = format!("/connexion?next={}", urlencode(back));
        }
    }
    if is_htmx(request.headers()) {
        let mut response = StatusCode::NO_CONTENT.into_response();
        if let Ok(value) = HeaderValue::from_str(&target) {
            response.headers_mut().insert("hx-redirect", value);
        }
        return response;
    }
    Redirect::to(&target).into_response()
}

/// The local path to go to after signing in: `next` when it is a path of this site (starts with
/// one `/`, no scheme, no host, no backslash or control character), else the home page.
pub fn local_path(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if local { next } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/territoires/3?x=1"), "/territoires/3?x=1");
        for hostile in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "/\t/evil.example",
            "",
            "evil",
        ] {
            assert_eq!(local_path(hostile), "/", "{hostile:?}");
        }
    }

    #[test]
    fn roles_pass_the_rules_of_the_roles_table() {
        use Role::*;
        assert!(Access::Admin.allows(Admin));
        assert!(!Access::Admin.allows(Consultant));
        assert!(!Access::Admin.allows(Elu));
        assert!(Access::Staff.allows(Admin) && Access::Staff.allows(Consultant));
        assert!(!Access::Staff.allows(Elu));
        assert!(Access::SignedIn.allows(Elu));
    }
}
