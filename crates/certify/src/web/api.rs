//! The JSON API, with the pages' authentication: `POST /api/session` signs in (password
//! and TOTP code) and sets the same session cookie; `GET /api/campaigns`, `GET
//! /api/items?reviewer=me[&campaign=ID]`, `GET /api/items/{id}` and `POST
//! /api/items/{id}/decision` and `POST /api/campaigns/{id}/approve-unchanged` (with the
//! session's `X-CSRF-Token` header) act as the pages do, with the same ownership checks.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::accounts::{Role, Session};
use super::{error_status, same_token, set_cookie, App, COOKIE, SESSION_SECS};
use crate::campaign;

pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/session", post(session))
        .route("/api/campaigns", get(campaigns))
        .route("/api/items", get(items))
        .route("/api/items/{id}", get(item))
        .route("/api/items/{id}/decision", post(decision))
        .route("/api/campaigns/{id}/approve-unchanged", post(bulk))
}

fn fail(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

fn err(e: &crate::Error) -> Response {
    fail(error_status(e), &e.to_string())
}

async fn auth(
    app: &Arc<App>,
    headers: &HeaderMap,
    addr: &ConnectInfo<SocketAddr>,
) -> Result<Session, Response> {
    app.session(headers, addr.0.ip()).await.ok_or_else(|| {
        fail(
            StatusCode::UNAUTHORIZED,
            "sign in first (POST /api/session)",
        )
    })
}

#[derive(Deserialize)]
struct SignIn {
    name: String,
    password: String,
    code: String,
}

async fn session(
    State(app): State<Arc<App>>,
    addr: ConnectInfo<SocketAddr>,
    Json(b): Json<SignIn>,
) -> Response {
    match app.sign_in(b.name, b.password, b.code, addr.0.ip()).await {
        Ok((token, s)) => {
            let mut r = Json(json!({"account": s.account, "csrf": s.csrf})).into_response();
            r.headers_mut()
                .append(header::SET_COOKIE, set_cookie(COOKIE, &token, SESSION_SECS));
            r
        }
        Err(page) => fail(page.status(), "sign-in refused"),
    }
}

async fn campaigns(
    State(app): State<Arc<App>>,
    addr: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = auth(&app, &headers, &addr).await {
        return r;
    }
    let got = app
        .db(|st, _| {
            campaign::list(st)?
                .into_iter()
                .map(|c| {
                    let p = campaign::progress(st, c.id)?;
                    Ok(json!({"campaign": c, "reviewers": p}))
                })
                .collect::<crate::Result<Vec<_>>>()
        })
        .await;
    match got {
        Ok(v) => Json(v).into_response(),
        Err(e) => err(&e),
    }
}

#[derive(Deserialize)]
struct ItemsQuery {
    reviewer: Option<String>,
    campaign: Option<String>,
}

async fn items(
    State(app): State<Arc<App>>,
    addr: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<ItemsQuery>,
) -> Response {
    let s = match auth(&app, &headers, &addr).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let reviewer = match q.reviewer.as_deref() {
        None | Some("me") => Some(s.account.name.clone()),
        Some("all") if s.account.role != Role::Reviewer => None,
        Some(other) if s.account.role != Role::Reviewer => Some(other.to_string()),
        Some(_) => {
            return fail(
                StatusCode::FORBIDDEN,
                "a reviewer lists only their own items (reviewer=me)",
            )
        }
    };
    let got = app
        .db(move |st, _| {
            let c = match q.campaign {
                Some(c) => campaign::get(st, &c)?,
                None => campaign::list(st)?
                    .into_iter()
                    .find(|c| c.status == "open")
                    .ok_or_else(|| crate::Error::NotFound {
                        what: "campaign",
                        name: "(open)".into(),
                    })?,
            };
            campaign::items(st, c.id, reviewer.as_deref())
        })
        .await;
    match got {
        Ok(v) => Json(v).into_response(),
        Err(e) => err(&e),
    }
}

async fn item(
    State(app): State<Arc<App>>,
    addr: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let s = match auth(&app, &headers, &addr).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match app.db(move |st, _| campaign::item(st, id)).await {
        Ok(i) if i.reviewer == s.account.name || s.account.role != Role::Reviewer => {
            Json(i).into_response()
        }
        Ok(_) => fail(StatusCode::NOT_FOUND, &format!("no item `{id}`")),
        Err(e) => err(&e),
    }
}

#[derive(Deserialize)]
struct DecisionBody {
    decision: String,
    reason: Option<String>,
    to: Option<String>,
}

async fn decision(
    State(app): State<Arc<App>>,
    addr: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(b): Json<DecisionBody>,
) -> Response {
    let s = match auth(&app, &headers, &addr).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !same_token(&s.csrf, token) {
        return fail(StatusCode::FORBIDDEN, "missing or wrong X-CSRF-Token");
    }
    match super::pages::apply(&app, &s, id, &b.decision, b.reason, b.to).await {
        Ok(i) => Json(i).into_response(),
        Err(e) => err(&e),
    }
}

#[derive(Deserialize)]
struct BulkBody {
    reason: Option<String>,
}

/// Approves the caller's pending items whose right did not change since the last
/// campaign approved it (PHI items only with a reason).
async fn bulk(
    State(app): State<Arc<App>>,
    addr: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(b): Json<BulkBody>,
) -> Response {
    let s = match auth(&app, &headers, &addr).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !same_token(&s.csrf, token) {
        return fail(StatusCode::FORBIDDEN, "missing or wrong X-CSRF-Token");
    }
    match super::pages::bulk(&app, &s, id, b.reason).await {
        Ok(done) => Json(done).into_response(),
        Err(e) => err(&e),
    }
}
