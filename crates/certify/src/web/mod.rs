//! `phiward serve`: the recertification web app. axum, HTML rendered on the server
//! (minijinja, autoescaped), no JavaScript, nothing from a CDN.
//!
//! Sign-in: a local account's password (argon2id) and TOTP code (RFC 6238), both
//! required, rate-limited per name and per address; or, behind an SSO proxy, a trusted
//! identity header accepted only from the proxy's address. Sessions are cookies marked
//! `HttpOnly; Secure; SameSite=Strict`; every form carries the session's CSRF token and
//! every JSON `POST` its `X-CSRF-Token` header. Every read and decision of an item checks
//! that the signed-in reviewer owns it: another reviewer's item answers 404, by page or
//! by API.

pub mod accounts;
mod api;
pub mod demo;
mod pages;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

pub use accounts::Role;
use accounts::{Account, Session};

use crate::keys::Key;
use crate::store::Store;
use crate::Error;

/// The session cookie.
pub const COOKIE: &str = "phiward_session";
/// Sessions last 8 hours.
const SESSION_SECS: i64 = 8 * 3600;
/// Failed sign-ins allowed per name and per address in [`WINDOW`].
const MAX_FAILURES: usize = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);

/// How the app authenticates.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--trust-header NAME`: the header an SSO proxy puts the signed-in name in.
    pub trust_header: Option<String>,
    /// `--trusted-proxy ADDR`: the only address that header is accepted from.
    pub trusted_proxy: Option<IpAddr>,
}

/// The application's state.
#[derive(Debug)]
pub struct App {
    store: Mutex<Store>,
    key: Key,
    opts: Options,
    templates: minijinja::Environment<'static>,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
    used_steps: Mutex<HashMap<String, u64>>,
    /// Per-process secret for the CSRF tokens of header-authenticated requests.
    secret: String,
}

/// Templates, compiled in.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("login.html", include_str!("templates/login.html")),
    ("home.html", include_str!("templates/home.html")),
    ("items.html", include_str!("templates/items.html")),
    ("progress.html", include_str!("templates/progress.html")),
    ("message.html", include_str!("templates/message.html")),
];

impl App {
    /// The app over an open store and its key.
    pub fn new(store: Store, key: Key, opts: Options) -> crate::Result<Arc<App>> {
        let mut templates = minijinja::Environment::new();
        for (name, text) in TEMPLATES {
            templates
                .add_template(name, text)
                .map_err(|e| Error::refused(e.to_string()))?;
        }
        let mut s = [0u8; 32];
        getrandom::getrandom(&mut s).map_err(|e| Error::refused(e.to_string()))?;
        Ok(Arc::new(App {
            store: Mutex::new(store),
            key,
            opts,
            templates,
            failures: Mutex::new(HashMap::new()),
            used_steps: Mutex::new(HashMap::new()),
            secret: hex::encode(s),
        }))
    }

    /// Runs `f` on the store in a blocking thread.
    async fn db<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store, &Key) -> crate::Result<T> + Send + 'static,
    ) -> crate::Result<T> {
        let app = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = app
                .store
                .lock()
                .map_err(|_| Error::refused("the store lock is poisoned"))?;
            f(&mut guard, &app.key)
        })
        .await
        .map_err(|e| Error::refused(e.to_string()))?
    }

    fn render(&self, name: &str, ctx: minijinja::Value) -> Response {
        match self
            .templates
            .get_template(name)
            .and_then(|t| t.render(ctx))
        {
            Ok(html) => html_response(StatusCode::OK, html),
            Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("template: {e}")).into_response(),
        }
    }

    fn message(&self, status: StatusCode, text: &str) -> Response {
        let mut r = self.render("message.html", minijinja::context! {message => text});
        *r.status_mut() = status;
        r
    }

    /// Whether sign-in from `who` and `addr` is blocked; prunes old failures.
    fn limited(&self, who: &str, addr: IpAddr) -> bool {
        let Ok(mut f) = self.failures.lock() else {
            return true;
        };
        let now = Instant::now();
        [who.to_ascii_lowercase(), addr.to_string()]
            .iter()
            .any(|k| {
                let list = f.entry(k.clone()).or_default();
                list.retain(|t| now.duration_since(*t) < WINDOW);
                list.len() >= MAX_FAILURES
            })
    }

    fn failed(&self, who: &str, addr: IpAddr) {
        if let Ok(mut f) = self.failures.lock() {
            for k in [who.to_ascii_lowercase(), addr.to_string()] {
                f.entry(k).or_default().push(Instant::now());
            }
        }
    }

    /// Accepts a TOTP step once per account.
    fn fresh_step(&self, who: &str, step: u64) -> bool {
        let Ok(mut used) = self.used_steps.lock() else {
            return false;
        };
        match used.get(who) {
            Some(&last) if step <= last => false,
            _ => {
                used.insert(who.to_string(), step);
                true
            }
        }
    }

    /// Signs in with password and code; the cookie token and session.
    async fn sign_in(
        self: &Arc<Self>,
        name: String,
        password: String,
        code: String,
        addr: IpAddr,
    ) -> Result<(String, Session), Response> {
        if self.opts.trust_header.is_some() {
            return Err(self.message(StatusCode::FORBIDDEN, "sign-in is through the SSO proxy"));
        }
        if self.limited(&name, addr) {
            return Err(self.message(
                StatusCode::TOO_MANY_REQUESTS,
                "too many failed sign-ins: wait 15 minutes",
            ));
        }
        let who = name.clone();
        let checked = self
            .db(move |s, _| accounts::check(s, &who, &password, &code))
            .await;
        match checked {
            Ok(Some((account, step))) if self.fresh_step(&account.name, step) => {
                let opened = self
                    .db(move |s, _| accounts::open_session(s, &account, SESSION_SECS))
                    .await;
                opened.map_err(|e| error_response(self, &e))
            }
            Ok(_) => {
                self.failed(&name, addr);
                Err(self.message(StatusCode::UNAUTHORIZED, "wrong name, password or code"))
            }
            Err(e) => Err(error_response(self, &e)),
        }
    }

    /// The signed-in session of a request: the trusted header from the proxy, or the
    /// session cookie.
    async fn session(self: &Arc<Self>, headers: &HeaderMap, addr: IpAddr) -> Option<Session> {
        if let Some(h) = &self.opts.trust_header {
            if Some(addr) != self.opts.trusted_proxy {
                return None;
            }
            let name = headers.get(h.as_str())?.to_str().ok()?.trim().to_string();
            let account: Account = self.db(move |s, _| accounts::get(s, &name)).await.ok()??;
            let csrf = crate::sha256_hex(format!("{}:{}", self.secret, account.name).as_bytes());
            let id =
                crate::sha256_hex(format!("header:{}:{}", self.secret, account.name).as_bytes());
            return Some(Session { id, account, csrf });
        }
        let token = cookie(headers, COOKIE)?;
        self.db(move |s, _| accounts::session(s, &token))
            .await
            .ok()?
    }
}

/// A cookie's value.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn set_cookie(name: &str, value: &str, max_age: i64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={max_age}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Constant-time comparison of tokens.
fn same_token(a: &str, b: &str) -> bool {
    !a.is_empty() && subtle::ConstantTimeEq::ct_eq(a.as_bytes(), b.as_bytes()).into()
}

fn html_response(status: StatusCode, html: String) -> Response {
    let mut r = (status, html).into_response();
    let h = r.headers_mut();
    h.insert(
        "content-type",
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert("cache-control", HeaderValue::from_static("no-store"));
    r
}

fn error_status(e: &Error) -> StatusCode {
    match e {
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::Refused(_) | Error::Input { .. } => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn error_response(app: &App, e: &Error) -> Response {
    app.message(error_status(e), &e.to_string())
}

/// The routes.
pub fn router(app: Arc<App>) -> Router {
    pages::routes().merge(api::routes()).with_state(app)
}

/// Serves on `listener` until Ctrl-C.
pub async fn serve(listener: tokio::net::TcpListener, app: Arc<App>) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
