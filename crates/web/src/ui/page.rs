//! What every page shares: the frame around it (navigation, language switch, sign-out),
//! rendering with the page headers, and the error pages.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use custodia_app::AppError;
use custodia_domain::access::Action;

use super::assets;
use super::forms::FormErrors;
use super::i18n::{Lang, Tr};
use super::session::{Viewer, urlencode};

/// A link in the navigation.
pub struct NavLink {
    /// Where it goes.
    pub href: &'static str,
    /// Its label, in the page's language.
    pub label: String,
    /// Whether it is the section shown.
    pub current: bool,
}

/// A language the switch offers.
pub struct LangChoice {
    /// `es`, `en`.
    pub code: &'static str,
    /// Its own name (`Español`, `English`).
    pub label: String,
    /// Whether it is the page's.
    pub current: bool,
}

/// The frame of a page: what the base template needs besides the page's own content.
pub struct Chrome {
    /// Strings in the page's language.
    pub t: Tr,
    /// The page's title.
    pub title: String,
    /// The signed-in user, if any.
    pub username: Option<String>,
    /// The session's CSRF token, for the forms in the frame.
    pub csrf: String,
    /// The address shown, to come back to after switching language.
    pub here: String,
    /// The navigation the viewer's roles open.
    pub nav: Vec<NavLink>,
    /// The language switch.
    pub langs: Vec<LangChoice>,
    /// The stylesheet's versioned address.
    pub css: String,
    /// htmx's versioned address.
    pub htmx: String,
    /// The page script's versioned address.
    pub js: String,
}

impl Chrome {
    fn base(t: Tr, title: String) -> Chrome {
        Chrome {
            t,
            title,
            username: None,
            csrf: String::new(),
            here: "/".into(),
            nav: Vec::new(),
            langs: Lang::ALL
                .iter()
                .map(|l| LangChoice {
                    code: l.code(),
                    label: Tr::new(*l).s("lang-name"),
                    current: *l == t.lang,
                })
                .collect(),
            css: assets::url("style.css"),
            htmx: assets::url("htmx.min.js"),
            js: assets::url("custodia.js"),
        }
    }

    /// The frame for someone not signed in.
    pub fn visitor(lang: Lang, title_key: &str) -> Chrome {
        let t = Tr::new(lang);
        Chrome::base(t, t.s(title_key))
    }

    /// The frame for a signed-in viewer, with `section` (a navigation address) marked.
    pub fn viewer(v: &Viewer, section: &str, title: String) -> Chrome {
        let t = v.t();
        let who = &v.live.principal;
        let mut links: Vec<(&'static str, &str)> = vec![("/", "nav-dashboard")];
        if who.require_some(Action::FacilityRead).is_ok() {
            links.push(("/facilities", "nav-facilities"));
        }
        if who.require_some(Action::PersonRead).is_ok() {
            links.push(("/persons", "nav-persons"));
        }
        if who.require_some(Action::PersonAdmit).is_ok() {
            links.push(("/admissions/new", "nav-admission"));
        }
        if who.require_some(Action::PersonRead).is_ok() {
            links.push(("/transfers", "nav-transfers"));
        }
        if who.require_some(Action::IncidentRead).is_ok() {
            links.push(("/incidents", "nav-incidents"));
            links.push(("/crises", "nav-crises"));
        }
        if who.require_some(Action::SearchRead).is_ok() {
            links.push(("/searches", "nav-searches"));
        }
        if who.require_some(Action::FacilityRead).is_ok() {
            links.push(("/statistics", "nav-statistics"));
        }
        if who.allows(Action::UserAdmin, None) {
            links.push(("/admin/users", "nav-admin"));
        } else if who.require_some(Action::LocationWrite).is_ok() {
            links.push(("/admin/facilities", "nav-admin"));
        }
        links.push(("/api/docs/", "nav-api"));
        links.push(("/account", "nav-account"));
        let mut chrome = Chrome::base(t, title);
        chrome.username = Some(v.live.username.clone());
        chrome.csrf = v.live.csrf_token.clone();
        chrome.here = v.here.clone();
        chrome.nav = links
            .into_iter()
            .map(|(href, key)| NavLink {
                href,
                label: t.s(key),
                current: href == section,
            })
            .collect();
        chrome
    }

    /// The address of the page shown, in another language (`lang=` replaced).
    pub fn in_lang(&self, code: &str) -> String {
        let (path, query) = self.here.split_once('?').unwrap_or((&self.here, ""));
        let mut pairs: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("lang="))
            .collect();
        let lang = format!("lang={code}");
        pairs.push(&lang);
        format!("{path}?{}", pairs.join("&"))
    }

    /// The current address, encoded for a `next=` parameter.
    pub fn here_encoded(&self) -> String {
        urlencode(&self.here)
    }
}

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; \
     form-action 'self'; base-uri 'none'; object-src 'none'";

/// Adds the headers every page carries: no inline or foreign code, no framing, and no
/// copy of a person's file left in a shared PC's cache.
pub fn page_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::VARY, HeaderValue::from_static("Cookie, HX-Request"));
    response
}

/// Renders a template as a page with `status`.
pub fn render_with(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => page_headers((status, Html(body)).into_response()),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Renders a template as a page.
pub fn render(page: &impl Template) -> Response {
    render_with(StatusCode::OK, page)
}

/// An error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// The frame.
    pub c: Chrome,
    /// The HTTP status shown.
    pub status: u16,
    /// What went wrong, in the page's language.
    pub message: String,
}

/// The 404 page: for what does not exist and for what is out of the viewer's reach alike.
pub fn not_found(c: Chrome) -> Response {
    let mut c = c;
    c.title = c.t.s("error-not-found-title");
    let message = c.t.s("error-not-found");
    render_with(
        StatusCode::NOT_FOUND,
        &ErrorPage {
            c,
            status: 404,
            message,
        },
    )
}

/// The page for an error from a use case, as the API would answer it: absent and out of
/// reach alike are 404.
pub fn app_error(v: &Viewer, e: AppError) -> Response {
    let t = v.t();
    let chrome = |key: &str| Chrome::viewer(v, "", t.s(key));
    let (status, message) = match &e {
        AppError::NotFound { .. } | AppError::Forbidden { .. } => {
            return not_found(chrome("error-not-found-title"));
        }
        AppError::Invalid(invalid) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            invalid
                .0
                .iter()
                .map(|f| t.error(&f.code, &f.message))
                .collect::<Vec<_>>()
                .join(" · "),
        ),
        AppError::Conflict { code, message } => (StatusCode::CONFLICT, t.error(code, message)),
        AppError::Throttled { .. } => (StatusCode::TOO_MANY_REQUESTS, t.s("error-throttled")),
        _ => {
            tracing::error!(error = %e, "a page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, t.s("error-internal"))
        }
    };
    let page = ErrorPage {
        c: chrome("error-title"),
        status: status.as_u16(),
        message,
    };
    render_with(status, &page)
}

/// A form's page shown again with what the use case found wrong with it (422), next to
/// the fields; the error page when the answer is not about the form (out of reach, a
/// failure).
pub async fn redisplay<P, F>(
    v: &Viewer,
    e: AppError,
    page: impl FnOnce(FormErrors) -> F,
) -> Response
where
    P: Template,
    F: std::future::Future<Output = Result<P, AppError>>,
{
    let Some(errors) = FormErrors::from_app(v.t(), &e) else {
        return app_error(v, e);
    };
    match page(errors).await {
        Ok(p) => render_with(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(e) => app_error(v, e),
    }
}

/// The answer to a form posted without the session's CSRF token.
pub fn csrf_refused(v: &Viewer) -> Response {
    let t = v.t();
    render_with(
        StatusCode::FORBIDDEN,
        &ErrorPage {
            c: Chrome::viewer(v, "", t.s("error-title")),
            status: 403,
            message: t.s("error-csrf"),
        },
    )
}
