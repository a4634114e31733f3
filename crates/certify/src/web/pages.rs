//! The HTML pages: sign-in, campaigns, a reviewer's items grouped by person (PHI first,
//! changes since the last campaign highlighted, the statements one click away), one
//! item, the officer's and auditor's progress page, and the evidence downloads.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::context;
use serde::Deserialize;
use serde_json::{json, Value};

use super::accounts::{Role, Session};
use super::{cookie, error_response, same_token, set_cookie, App, COOKIE, SESSION_SECS};
use crate::campaign::{self, Item};
use crate::decide::{self, Actor, Decision};
use crate::export;

const LOGIN_COOKIE: &str = "phiward_login";

pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/campaigns/{id}", get(items_page))
        .route("/campaigns/{id}/progress", get(progress_page))
        .route("/campaigns/{id}/export/{format}", get(export_file))
        .route("/items/{id}", get(item_page))
        .route("/items/{id}/decision", post(decision))
        .route("/campaigns/{id}/approve-unchanged", post(bulk_form))
}

type Addr = ConnectInfo<SocketAddr>;

async fn signed_in(app: &Arc<App>, headers: &HeaderMap, addr: &Addr) -> Result<Session, Response> {
    app.session(headers, addr.0.ip())
        .await
        .ok_or_else(|| Redirect::to("/login").into_response())
}

fn who(s: &Session) -> Value {
    json!({"name": s.account.name, "role": s.account.role, "csrf": s.csrf})
}

async fn login_form(State(app): State<Arc<App>>) -> Response {
    let mut b = [0u8; 16];
    if getrandom::getrandom(&mut b).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let token = hex::encode(b);
    let mut r = app.render(
        "login.html",
        context! {csrf => token, sso => app.opts.trust_header.is_some()},
    );
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, &token, 600));
    r
}

#[derive(Deserialize)]
struct LoginForm {
    name: String,
    password: String,
    code: String,
    csrf: String,
}

async fn login(
    State(app): State<Arc<App>>,
    addr: Addr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    // Double-submit: the form's token must be the one the sign-in page set as a cookie.
    if !cookie(&headers, LOGIN_COOKIE).is_some_and(|c| same_token(&c, &f.csrf)) {
        return app.message(
            StatusCode::FORBIDDEN,
            "the form's CSRF token is not valid: reload the sign-in page",
        );
    }
    match app.sign_in(f.name, f.password, f.code, addr.0.ip()).await {
        Ok((token, _)) => {
            let mut r = Redirect::to("/").into_response();
            r.headers_mut()
                .append(header::SET_COOKIE, set_cookie(COOKIE, &token, SESSION_SECS));
            r.headers_mut()
                .append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, "", 0));
            r
        }
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    State(app): State<Arc<App>>,
    addr: Addr,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    let s = match signed_in(&app, &headers, &addr).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !same_token(&s.csrf, &f.csrf) {
        return app.message(StatusCode::FORBIDDEN, "the form's CSRF token is not valid");
    }
    if let Some(token) = cookie(&headers, COOKIE) {
        let _ = app
            .db(move |st, _| super::accounts::close_session(st, &token))
            .await;
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(COOKIE, "", 0));
    r
}

async fn home(State(app): State<Arc<App>>, addr: Addr, headers: HeaderMap) -> Response {
    let s = match signed_in(&app, &headers, &addr).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let me = s.account.name.clone();
    let listed = app
        .db(move |st, _| {
            let mut out = Vec::new();
            for c in campaign::list(st)? {
                let progress = campaign::progress(st, c.id)?;
                let mine = progress
                    .iter()
                    .find(|p| p.reviewer == me)
                    .cloned()
                    .unwrap_or_default();
                let total: usize = progress.iter().map(|p| p.total).sum();
                let pending: usize = progress.iter().map(|p| p.pending).sum();
                out.push(json!({"campaign": c, "mine": mine, "total": total, "pending": pending}));
            }
            Ok(out)
        })
        .await;
    match listed {
        Ok(list) => app.render("home.html", context! {me => who(&s), campaigns => list}),
        Err(e) => error_response(&app, &e),
    }
}

/// Items grouped by person for the page, each with its statements.
fn grouped(items: Vec<Item>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut current: Option<(String, Vec<Value>)> = None;
    for i in items {
        let statements = export::statements(&i.evidence);
        let evidence = serde_json::to_string_pretty(&i.evidence).unwrap_or_default();
        let row = json!({"item": i, "statements": statements, "evidence": evidence});
        match &mut current {
            Some((p, list)) if *p == i.person => list.push(row),
            _ => {
                if let Some((p, list)) = current.take() {
                    out.push(json!({"person": p, "items": list}));
                }
                current = Some((i.person.clone(), vec![row]));
            }
        }
    }
    if let Some((p, list)) = current {
        out.push(json!({"person": p, "items": list}));
    }
    out
}

#[derive(Deserialize)]
struct ItemsQuery {
    all: Option<String>,
}

async fn items_page(
    State(app): State<Arc<App>>,
    addr: Addr,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<ItemsQuery>,
) -> Response {
    let s = match signed_in(&app, &headers, &addr).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    // Only the auditor and the officer may list other reviewers' items.
    let all = q.all.is_some() && s.account.role != Role::Reviewer;
    let me = s.account.name.clone();
    let got = app
        .db(move |st, _| {
            let c = campaign::get(st, &id.to_string())?;
            let items = campaign::items(st, c.id, if all { None } else { Some(me.as_str()) })?;
            Ok((c, items))
        })
        .await;
    match got {
        Ok((c, items)) => {
            let count = items.len();
            let pending = items.iter().filter(|i| i.status == "pending").count();
            let can_decide = s.account.role != Role::Auditor && c.status == "open";
            app.render(
                "items.html",
                context! {me => who(&s), campaign => c, people => grouped(items), count => count, pending => pending, all => all, can_decide => can_decide},
            )
        }
        Err(e) => error_response(&app, &e),
    }
}

async fn item_page(
    State(app): State<Arc<App>>,
    addr: Addr,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let s = match signed_in(&app, &headers, &addr).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let got = app.db(move |st, _| Ok((campaign::item(st, id)?, ()))).await;
    match got {
        Ok((i, ())) if i.reviewer == s.account.name || s.account.role != Role::Reviewer => {
            let c = app
                .db(move |st, _| campaign::get(st, &i.campaign.to_string()))
                .await;
            let Ok(c) = c else {
                return app.message(StatusCode::NOT_FOUND, "no such campaign");
            };
            let can_decide = s.account.role != Role::Auditor && c.status == "open";
            app.render("items.html", context! {me => who(&s), campaign => c, people => grouped(vec![i]), count => 1, pending => 0, all => false, can_decide => can_decide, single => true})
        }
        // Another reviewer's item looks exactly like a missing one.
        Ok(_) => app.message(StatusCode::NOT_FOUND, &format!("no item `{id}`")),
        Err(e) => error_response(&app, &e),
    }
}

#[derive(Deserialize)]
struct DecisionForm {
    action: String,
    reason: Option<String>,
    to: Option<String>,
    csrf: String,
}

/// Applies a decision for the signed-in account; shared with the API.
pub(super) async fn apply(
    app: &Arc<App>,
    s: &Session,
    id: i64,
    action: &str,
    reason: Option<String>,
    to: Option<String>,
) -> crate::Result<Item> {
    if s.account.role == Role::Auditor {
        return Err(crate::Error::refused(
            "an auditor reads and changes nothing",
        ));
    }
    let d = match action {
        "approve" => Decision::Approve,
        "revoke" => Decision::Revoke,
        "reassign" => Decision::Reassign(to.unwrap_or_default()),
        other => return Err(crate::Error::refused(format!("unknown decision `{other}`"))),
    };
    let (name, session, officer) = (
        s.account.name.clone(),
        s.id.clone(),
        s.account.role == Role::Officer,
    );
    app.db(move |st, key| {
        let actor = Actor {
            name: &name,
            session: &session,
            officer,
        };
        decide::decide(st, key, id, &actor, &d, reason.as_deref())
    })
    .await
}

async fn decision(
    State(app): State<Arc<App>>,
    addr: Addr,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Response {
    let s = match signed_in(&app, &headers, &addr).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !same_token(&s.csrf, &f.csrf) {
        return app.message(StatusCode::FORBIDDEN, "the form's CSRF token is not valid");
    }
    match apply(&app, &s, id, &f.action, f.reason, f.to).await {
        Ok(i) => Redirect::to(&format!("/campaigns/{}#item-{}", i.campaign, i.id)).into_response(),
        Err(e) => error_response(&app, &e),
    }
}

async fn progress_page(
    State(app): State<Arc<App>>,
    addr: Addr,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let s = match signed_in(&app, &headers, &addr).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if s.account.role == Role::Reviewer {
        return app.message(StatusCode::NOT_FOUND, "no such page");
    }
    let got = app
        .db(move |st, _| {
            let c = campaign::get(st, &id.to_string())?;
            let progress = campaign::progress(st, c.id)?;
            let items = campaign::items(st, c.id, None)?;
            let head = crate::ledger::head(&st.conn, &st.path)?;
            Ok((c, progress, items, head))
        })
        .await;
    match got {
        Ok((c, progress, items, head)) => {
            let today = chrono::Utc::now().date_naive().to_string();
            let overdue = c.status == "open" && c.due < today;
            let orphans: Vec<&Item> = items.iter().filter(|i| i.orphan).collect();
            let overdue_items: Vec<&Item> = if overdue {
                items.iter().filter(|i| i.status == "pending").collect()
            } else {
                Vec::new()
            };
            app.render(
                "progress.html",
                context! {me => who(&s), campaign => c, progress => progress, orphans => orphans, overdue => overdue_items, head => head, officer => s.account.role == Role::Officer},
            )
        }
        Err(e) => error_response(&app, &e),
    }
}

async fn export_file(
    State(app): State<Arc<App>>,
    addr: Addr,
    headers: HeaderMap,
    Path((id, format)): Path<(i64, String)>,
) -> Response {
    let s = match signed_in(&app, &headers, &addr).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if s.account.role != Role::Officer {
        return app.message(StatusCode::NOT_FOUND, "no such page");
    }
    let (fmt, mime) = match format.as_str() {
        "csv" => (export::Format::Csv, "text/csv; charset=utf-8"),
        "json" => (export::Format::Json, "application/json"),
        "html" => (export::Format::Html, "text/html; charset=utf-8"),
        _ => return app.message(StatusCode::NOT_FOUND, "no such format"),
    };
    let (name, session) = (s.account.name.clone(), s.id.clone());
    let got = app
        .db(move |st, key| {
            let c = campaign::get(st, &id.to_string())?;
            let dir = std::env::temp_dir().join(format!("phiward-export-{}", std::process::id()));
            let e = export::export(st, key, &c, &[fmt], &dir, &name, &session)?;
            let path = e.files.first().map(|(p, _)| p.clone()).unwrap_or_default();
            let body = std::fs::read(&path).map_err(|source| crate::Error::Io {
                path: path.display().to_string(),
                source,
            })?;
            Ok((c.name, body, e.head_seq, e.head_hash))
        })
        .await;
    match got {
        Ok((name, body, seq, hash)) => {
            let mut r = (StatusCode::OK, body).into_response();
            let h = r.headers_mut();
            if let Ok(v) = mime.parse() {
                h.insert(header::CONTENT_TYPE, v);
            }
            if let Ok(v) = format!("attachment; filename=\"{name}-evidence.{format}\"").parse() {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            if let Ok(v) = format!("{seq}:{hash}").parse() {
                h.insert("x-phiward-ledger-head", v);
            }
            r
        }
        Err(e) => error_response(&app, &e),
    }
}

/// Bulk approval of the signed-in reviewer's unchanged items; shared with the API.
pub(super) async fn bulk(
    app: &Arc<App>,
    s: &Session,
    campaign: i64,
    reason: Option<String>,
) -> crate::Result<decide::Bulk> {
    if s.account.role == Role::Auditor {
        return Err(crate::Error::refused(
            "an auditor reads and changes nothing",
        ));
    }
    let (name, session) = (s.account.name.clone(), s.id.clone());
    app.db(move |st, key| {
        let actor = Actor {
            name: &name,
            session: &session,
            officer: false,
        };
        decide::approve_unchanged(st, key, campaign, &actor, reason.as_deref())
    })
    .await
}

#[derive(Deserialize)]
struct BulkForm {
    reason: Option<String>,
    csrf: String,
}

async fn bulk_form(
    State(app): State<Arc<App>>,
    addr: Addr,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<BulkForm>,
) -> Response {
    let s = match signed_in(&app, &headers, &addr).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !same_token(&s.csrf, &f.csrf) {
        return app.message(StatusCode::FORBIDDEN, "the form's CSRF token is not valid");
    }
    match bulk(&app, &s, id, f.reason).await {
        Ok(_) => Redirect::to(&format!("/campaigns/{id}")).into_response(),
        Err(e) => error_response(&app, &e),
    }
}
