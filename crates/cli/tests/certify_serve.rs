//! `phiward serve` through its JSON API: a reviewer sees and decides only their own
//! items (another's answers 404 by id), CSRF tokens are required, cookies are HttpOnly,
//! Secure and SameSite=Strict, sign-in is rate-limited; and `kill -9` in the middle of a
//! burst of decisions loses no acknowledged decision and leaves a ledger that verifies.

#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test helpers fail loudly"
)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

mod certify_kit;
use certify_kit::{api_session, campaign, code, http, ok, run, Server};

fn items(addr: &str, cookie: &str) -> Vec<serde_json::Value> {
    let r = http(
        addr,
        "GET",
        "/api/items?reviewer=me",
        &[("Cookie", cookie)],
        "",
    )
    .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    r.json().as_array().cloned().unwrap()
}

fn decide(
    addr: &str,
    cookie: &str,
    csrf: &str,
    id: i64,
    body: &serde_json::Value,
) -> certify_kit::Response {
    http(
        addr,
        "POST",
        &format!("/api/items/{id}/decision"),
        &[
            ("Cookie", cookie),
            ("X-CSRF-Token", csrf),
            ("Content-Type", "application/json"),
        ],
        &body.to_string(),
    )
    .unwrap()
}

#[test]
fn a_reviewer_reaches_only_their_items_and_every_post_needs_the_csrf_token() {
    let dir = tempfile::tempdir().unwrap();
    let (store, secrets) = campaign(dir.path());
    let srv = Server::start(&store);
    let a = srv.addr.as_str();
    assert_eq!(http(a, "GET", "/api/items", &[], "").unwrap().status, 401);
    let r = http(a, "POST", "/api/session", &[("Content-Type", "application/json")],
        &serde_json::json!({"name": "cmo-wright", "password": certify_kit::PASSWORD, "code": code(&secrets["cmo-wright"], 0)}).to_string()).unwrap();
    let set = r.header("set-cookie").unwrap().to_string();
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attr), "{set}");
    }
    let cmo = (
        set.split(';').next().unwrap().to_string(),
        r.json()["csrf"].as_str().unwrap().to_string(),
    );
    let nm = api_session(a, "nm-okoye", &code(&secrets["nm-okoye"], 0));
    let mine = items(a, &cmo.0);
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|i| i["reviewer"] == "cmo-wright"));
    let theirs = items(a, &nm.0);
    assert!(theirs.iter().all(|i| i["reviewer"] == "nm-okoye"));
    let id = mine[0]["id"].as_i64().unwrap();
    // The second reviewer can neither read nor decide the first one's item, by id.
    assert_eq!(
        http(
            a,
            "GET",
            &format!("/api/items/{id}"),
            &[("Cookie", &nm.0)],
            ""
        )
        .unwrap()
        .status,
        404
    );
    let approve = serde_json::json!({"decision": "approve", "reason": "treats patients"});
    assert_eq!(decide(a, &nm.0, &nm.1, id, &approve).status, 404);
    assert_eq!(
        http(
            a,
            "GET",
            "/api/items?reviewer=cmo-wright",
            &[("Cookie", &nm.0)],
            ""
        )
        .unwrap()
        .status,
        403
    );
    // A forged or missing CSRF token is refused; the right one works.
    assert_eq!(decide(a, &cmo.0, "forged", id, &approve).status, 403);
    assert_eq!(decide(a, &cmo.0, &nm.1, id, &approve).status, 403);
    let revoke_without_reason = decide(
        a,
        &cmo.0,
        &cmo.1,
        id,
        &serde_json::json!({"decision": "revoke"}),
    );
    assert_eq!(
        revoke_without_reason.status, 400,
        "{}",
        revoke_without_reason.body
    );
    let done = decide(a, &cmo.0, &cmo.1, id, &approve);
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.json()["status"], "approved");
    // Reassigning to the person whose access it is is refused.
    let other = mine[1]["id"].as_i64().unwrap();
    let person = mine[1]["person"].as_str().unwrap();
    assert_eq!(
        decide(
            a,
            &cmo.0,
            &cmo.1,
            other,
            &serde_json::json!({"decision": "reassign", "to": person})
        )
        .status,
        400
    );
    // Bulk approval: nothing is unchanged in a first campaign.
    let r = http(
        a,
        "POST",
        "/api/campaigns/1/approve-unchanged",
        &[
            ("Cookie", &cmo.0),
            ("X-CSRF-Token", &cmo.1),
            ("Content-Type", "application/json"),
        ],
        "{}",
    )
    .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["approved"], 0);
    assert!(r.json()["left_changed"].as_u64().unwrap() > 0);
    let r = http(
        a,
        "POST",
        "/api/campaigns/1/approve-unchanged",
        &[("Cookie", &cmo.0), ("Content-Type", "application/json")],
        "{}",
    )
    .unwrap();
    assert_eq!(r.status, 403);
    // The auditor reads everything and changes nothing.
    let aud = api_session(a, "auditor", &code(&secrets["auditor"], 0));
    assert_eq!(
        http(
            a,
            "GET",
            &format!("/api/items/{id}"),
            &[("Cookie", &aud.0)],
            ""
        )
        .unwrap()
        .status,
        200
    );
    assert_eq!(decide(a, &aud.0, &aud.1, other, &approve).status, 400);
    // Five wrong codes, then even the right one is refused for a while.
    for _ in 0..5 {
        let r = http(a, "POST", "/api/session", &[("Content-Type", "application/json")],
            &serde_json::json!({"name": "privacy-officer", "password": certify_kit::PASSWORD, "code": "000000"}).to_string()).unwrap();
        assert_eq!(r.status, 401);
    }
    let r = http(a, "POST", "/api/session", &[("Content-Type", "application/json")],
        &serde_json::json!({"name": "privacy-officer", "password": certify_kit::PASSWORD, "code": code(&secrets["privacy-officer"], 0)}).to_string()).unwrap();
    assert_eq!(r.status, 429);
}

#[test]
fn kill_9_during_a_burst_of_decisions_loses_no_acknowledged_decision() {
    let dir = tempfile::tempdir().unwrap();
    let (store, secrets) = campaign(dir.path());
    let mut srv = Server::start(&store);
    let addr = srv.addr.clone();
    let acked: Arc<Mutex<Vec<i64>>> = Arc::new(Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let mut threads = Vec::new();
    for who in ["cmo-wright", "nm-okoye", "privacy-officer"] {
        let (cookie, csrf) = api_session(&addr, who, &code(&secrets[who], 0));
        let list = items(&addr, &cookie);
        let (addr, acked, count) = (addr.clone(), acked.clone(), count.clone());
        threads.push(std::thread::spawn(move || {
            for i in list {
                let id = i["id"].as_i64().unwrap();
                let body = serde_json::json!({"decision": "approve", "reason": "burst"});
                match http(
                    &addr,
                    "POST",
                    &format!("/api/items/{id}/decision"),
                    &[
                        ("Cookie", &cookie),
                        ("X-CSRF-Token", &csrf),
                        ("Content-Type", "application/json"),
                    ],
                    &body.to_string(),
                ) {
                    Ok(r) if r.status == 200 => {
                        acked.lock().unwrap().push(id);
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(r) if r.status == 0 => return,
                    Ok(r) => panic!("decision {id}: {} {}", r.status, r.body),
                    Err(_) => return,
                }
            }
        }));
    }
    while count.load(Ordering::SeqCst) < 15 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // SIGKILL: no shutdown, no flush, mid-burst.
    srv.child.kill().unwrap();
    srv.child.wait().unwrap();
    for t in threads {
        t.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 15);
    let s = store.to_str().unwrap();
    let out = ok(&[
        "certify", "items", "Q4-2026", "--store", s, "--format", "json",
    ]);
    let all: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    for id in &acked {
        let item = all.iter().find(|i| i["id"].as_i64() == Some(*id)).unwrap();
        assert_eq!(
            item["status"], "approved",
            "acknowledged decision on item {id} is missing"
        );
    }
    let v = run(&["certify", "verify", s], None);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    // The server starts again on the same store and serves the decisions.
    let again = Server::start(&store);
    let (cookie, _) = api_session(&again.addr, "cmo-wright", &code(&secrets["cmo-wright"], 1));
    let approved = items(&again.addr, &cookie)
        .iter()
        .filter(|i| i["status"] == "approved")
        .count();
    assert!(approved > 0);
}

#[test]
fn the_identity_header_is_believed_from_the_trusted_proxy_only() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = campaign(dir.path());
    let trusted = Server::start_with(
        &store,
        &[
            "--trust-header",
            "X-Forwarded-User",
            "--trusted-proxy",
            "127.0.0.1",
        ],
    );
    let r = http(
        &trusted.addr,
        "GET",
        "/api/items?reviewer=me",
        &[("X-Forwarded-User", "cmo-wright")],
        "",
    )
    .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["reviewer"] == "cmo-wright"));
    // Unknown names and password sign-in are refused in this mode.
    let r = http(
        &trusted.addr,
        "GET",
        "/api/items",
        &[("X-Forwarded-User", "mallory")],
        "",
    )
    .unwrap();
    assert_eq!(r.status, 401);
    let r = http(&trusted.addr, "POST", "/api/session", &[("Content-Type", "application/json")],
        &serde_json::json!({"name": "cmo-wright", "password": certify_kit::PASSWORD, "code": "000000"}).to_string()).unwrap();
    assert_eq!(r.status, 403);
    drop(trusted);
    // From any other address the header is ignored.
    let other = Server::start_with(
        &store,
        &[
            "--trust-header",
            "X-Forwarded-User",
            "--trusted-proxy",
            "10.0.0.5",
        ],
    );
    let r = http(
        &other.addr,
        "GET",
        "/api/items",
        &[("X-Forwarded-User", "cmo-wright")],
        "",
    )
    .unwrap();
    assert_eq!(r.status, 401);
}
