//! Cross-cutting HTTP pieces shared by every feature: the per-request page context (language,
//! current path) and its middleware, which also renders error pages through the layout; the
//! security headers; static assets; and the helper that renders a template into a response.

pub mod access;
pub mod assets;
pub mod caching;
pub mod encoding;
pub mod form;
pub mod input;
pub mod spliced;

use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{Error, ErrorPage, Result};
use crate::i18n::{I18n, Lang};
use access::Access;
use caching::is_html;

/// Name of the cookie that remembers the chosen language.
const LANG_COOKIE: &str = "lang";

/// What every page template needs besides its own data: the language and the current path.
/// Templates reach it as `ctx` (`{{ ctx.t("nav-home") }}`).
#[derive(Clone, Debug)]
pub struct PageContext {
    pub i18n: I18n,
    /// Path of the current request, without the query string.
    pub path: String,
    /// The request's query string without its `lang` parameter (kept by the language links).
    pub query: String,
    /// The signed-in user, if any (the navigation shows what their role may use).
    pub user: Option<CurrentUser>,
}

impl PageContext {
    /// The UI string `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.i18n.t(key)
    }

    /// A bilingual text in the page's language.
    pub fn text<'a>(&self, text: &'a crate::text::Text) -> &'a str {
        match self.i18n.lang {
            Lang::Fr => &text.fr,
            Lang::En => &text.en,
        }
    }

    /// The message of `field`'s error in `errors`, in the page's language.
    pub fn error(&self, errors: &form::FieldErrors, field: &str) -> Option<String> {
        errors.get(field).map(|key| self.t(key))
    }

    /// The label of a coded value: key `<family>-<value>` (underscores become hyphens), e.g.
    /// `label("horizon", "court")` or `label("direction", "lower_better")`.
    pub fn label(&self, family: &str, value: impl std::fmt::Display) -> String {
        self.i18n
            .t(&format!("{family}-{}", value.to_string().replace('_', "-")))
    }

    /// An integer with thousands separators ("519 127" in French); see [`crate::format`].
    pub fn int(&self, value: impl std::fmt::Display) -> String {
        let text = value.to_string();
        match text.parse::<i64>() {
            Ok(n) => crate::format::int(self.i18n.lang, n),
            Err(_) => text,
        }
    }

    /// A decimal number with `digits` decimals and thousands separators ("21 900,0").
    pub fn decimal(&self, value: f64, digits: usize) -> String {
        crate::format::decimal(self.i18n.lang, value, digits)
    }

    /// A measured value: no decimals when whole or large ("21 900"), else one ("2,5").
    pub fn number(&self, value: f64) -> String {
        crate::format::number(self.i18n.lang, value)
    }

    /// A date "YYYY-MM-DD" in words ("26 novembre 2026").
    pub fn date(&self, iso: &str) -> String {
        crate::format::iso_date(self.i18n.lang, iso)
    }

    /// The `lang` attribute of the page.
    pub fn lang(&self) -> &'static str {
        self.i18n.lang.code()
    }

    /// Versioned URL of a static file.
    pub fn asset(&self, path: &str) -> String {
        assets::asset_url(path)
    }

    pub fn signed_in(&self) -> bool {
        self.user.is_some()
    }

    /// Whether the user may use routes declared with `access`.
    fn may(&self, access: Access) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| !u.must_change_password && access.allows(u.role))
    }

    /// Whether the user may use the pages of every signed-in user (a pending password change
    /// comes first).
    pub fn is_member(&self) -> bool {
        self.may(Access::SignedIn)
    }

    /// Whether the user is an admin or a consultant (territories, assessments, drafts).
    pub fn is_staff(&self) -> bool {
        self.may(Access::Staff)
    }

    /// Whether the user is an admin (accounts, audit log).
    pub fn is_admin(&self) -> bool {
        self.may(Access::Admin)
    }

    /// The name of the signed-in user, for the header.
    pub fn user_label(&self) -> &str {
        self.user.as_ref().map_or("", |u| u.label())
    }

    /// The current path for links back to this page: always a path of this site (`/` when the
    /// request's path could be read as another host, such as `//evil.example/x`).
    pub fn here(&self) -> &str {
        access::local_path(&self.path)
    }

    /// The languages the user can switch to, as (code, native name, link to this page with
    /// the same query: filters, or the setup link's token, are kept).
    pub fn other_languages(&self) -> Vec<(&'static str, String, String)> {
        Lang::ALL
            .into_iter()
            .filter(|l| *l != self.i18n.lang)
            .map(|l| {
                let native = I18n::new(l).t("language-native-name");
                let query = if self.query.is_empty() {
                    String::new()
                } else {
                    format!("{}&", self.query)
                };
                let link = format!("{}?{query}lang={}", self.here(), l.code());
                (l.code(), native, link)
            })
            .collect()
    }

    /// Whether `prefix` is the current section (for `aria-current` in the navigation).
    pub fn is_current(&self, prefix: &str) -> bool {
        if prefix == "/" {
            self.path == "/"
        } else {
            self.path == prefix || self.path.starts_with(&format!("{prefix}/"))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageContext {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        Ok(parts
            .extensions
            .get::<PageContext>()
            .cloned()
            .unwrap_or_else(|| PageContext {
                i18n: I18n::default(),
                path: parts.uri.path().to_owned(),
                query: String::new(),
                user: parts.extensions.get::<CurrentUser>().cloned(),
            }))
    }
}

/// A number in a path, in its one spelling: "12", never "+12", "012" or " 12" (one URL per
/// resource); anything else is the 404 page.
pub fn path_id(text: &str) -> Result<i64> {
    text.parse::<i64>()
        .ok()
        .filter(|n| n.to_string() == text)
        .ok_or(Error::NotFound)
}

/// Refuses a path whose numeric segments are not spelled as [`path_id`] wants.
async fn canonical_numbers(parts: &mut Parts) -> Result<()> {
    let params = axum::extract::RawPathParams::from_request_parts(parts, &())
        .await
        .map_err(|_| Error::NotFound)?;
    for (_, value) in &params {
        if value.trim().parse::<i64>().is_ok() {
            path_id(value)?;
        }
    }
    Ok(())
}

/// The id in the path's `{id}` segment, typed (`Id<AssessmentId>`…); anything that is not a
/// number in its one spelling is the 404 page (not a bare 400), since no such page exists.
#[derive(Clone, Copy, Debug)]
pub struct Id<T = i64>(pub T);

impl<S: Send + Sync, T: From<i64>> FromRequestParts<S> for Id<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| Error::NotFound)?;
        Ok(Id(T::from(path_id(&raw)?)))
    }
}

/// A route's path parameters, typed; anything that does not parse (a non-numeric id…), or a
/// number not in its one spelling, is the 404 page, since no such page exists.
#[derive(Clone, Debug)]
pub struct PagePath<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for PagePath<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        canonical_numbers(parts).await?;
        let axum::extract::Path(value) = axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map_err(|_| Error::NotFound)?;
        Ok(PagePath(value))
    }
}

/// Renders a template into an HTML response (errors become the error page).
pub fn render(template: &impl Template) -> Result<Response> {
    Ok(Html(template.render()?).into_response())
}

/// Renders a template with a status other than 200 (e.g. 422 for a form with errors).
pub fn render_with_status(status: StatusCode, template: &impl Template) -> Result<Response> {
    Ok((status, Html(template.render()?)).into_response())
}

/// Whether the request was made by htmx (which wants a fragment, not a whole page).
pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.get("hx-request").is_some_and(|v| v == "true")
}

#[derive(Template)]
#[template(path = "error.html", blocks = ["content"])]
struct ErrorTemplate {
    ctx: PageContext,
    page: ErrorPage,
}

/// Middleware around every route: chooses the language (`?lang=` remembered in a cookie, else the
/// cookie, else French), makes the [`PageContext`] available to handlers, and renders
/// [`ErrorPage`] responses through the layout.
pub async fn page_context(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let chosen = request.uri().query().and_then(|q| {
        q.split('&')
            .find_map(|pair| pair.strip_prefix("lang="))
            .and_then(Lang::parse)
    });
    let lang = chosen
        .or_else(|| cookie(request.headers(), LANG_COOKIE).and_then(|c| Lang::parse(&c)))
        .unwrap_or_default();
    let ctx = PageContext {
        i18n: I18n::new(lang),
        path: request.uri().path().to_owned(),
        query: request
            .uri()
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.starts_with("lang="))
            .collect::<Vec<_>>()
            .join("&"),
        user: request.extensions().get::<CurrentUser>().cloned(),
    };
    let htmx = is_htmx(request.headers());
    request.extensions_mut().insert(ctx.clone());

    let mut response = next.run(request).await;
    let page = response
        .extensions()
        .get::<ErrorPage>()
        .copied()
        .or_else(|| bare_rejection(&response));
    if let Some(page) = page {
        response = render_error(ctx, page, htmx);
    }
    if let Some(lang) = chosen {
        let year = time::Duration::days(365);
        let cookie = set_cookie(LANG_COOKIE, lang.code(), year, state.config.secure_cookies);
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The error page for a client error that is not one of our pages: an extractor's or a
/// layer's rejection (bare English text, or no body at all).
fn bare_rejection(response: &Response) -> Option<ErrorPage> {
    let status = response.status();
    (status.is_client_error() && !is_html(response)).then(|| ErrorPage::for_status(status))
}

fn render_error(ctx: PageContext, page: ErrorPage, htmx: bool) -> Response {
    let template = ErrorTemplate { ctx, page };
    let html = if htmx {
        template.as_content().render()
    } else {
        template.render()
    };
    match html {
        Ok(html) => (page.status(), Html(html)).into_response(),
        Err(error) => {
            tracing::error!("cannot render the error page: {error}");
            page.status().into_response()
        }
    }
}

/// The client's address: the connection's peer, or the last `X-Forwarded-For` hop when the
/// app runs behind a trusted proxy (`TERRITOIRES_TRUST_PROXY`).
pub fn client_ip(
    config: &crate::Config,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
) -> Option<std::net::IpAddr> {
    if config.trust_proxy {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .last()
            .and_then(|ip| ip.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    peer.map(|p| p.ip())
}

/// Percent-encodes a URL query value.
pub fn urlencode(value: &str) -> String {
    /// Everything but RFC 3986's unreserved characters is encoded.
    const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// The value of cookie `name` in the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value for the whole site: `SameSite=Lax`, `Secure` when configured, kept for
/// `max_age` (zero: removed). Only the language cookie is readable by scripts; it is not one.
pub fn set_cookie(name: &str, value: &str, max_age: time::Duration, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((name, value))
        .path("/")
        .http_only(name != LANG_COOKIE)
        .same_site(SameSite::Lax)
        .max_age(max_age)
        .secure(secure)
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("cookie names and values are header-safe")
}

/// Content Security Policy: only our own scripts, styles and images; no inline script or style,
/// no framing, forms post only to us.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The security headers set on every response (unless a handler set them itself).
pub fn security_headers() -> [SetResponseHeaderLayer<HeaderValue>; 5] {
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    [
        header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        header(header::REFERRER_POLICY, "same-origin"),
        header(header::X_FRAME_OPTIONS, "DENY"),
        header(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::urlencode;

    #[test]
    fn query_values_keep_only_unreserved_characters() {
        assert_eq!(
            urlencode("/territoires?sort=population&q=Saint-Étienne ~_."),
            "%2Fterritoires%3Fsort%3Dpopulation%26q%3DSaint-%C3%89tienne%20~_."
        );
    }
}
