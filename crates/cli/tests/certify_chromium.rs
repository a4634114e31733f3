//! `phiward serve` in headless Chromium, driven over the DevTools protocol: a reviewer
//! signs in with password and TOTP code, approves one item, revokes one with a reason
//! and reassigns one; the session cookie is invisible to scripts (HttpOnly); a form with
//! a forged CSRF token is refused; a second reviewer signing in cannot open the first
//! one's item by URL and sees the reassigned one.
//!
//! Skipped, with a message, when Chromium is missing, unless `PHIWARD_REQUIRE_CHROMIUM=1`.

#![expect(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "test helpers fail loudly"
)]

use std::io::{BufRead as _, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

mod certify_kit;
use certify_kit::{campaign, code, Server, PASSWORD};

fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("PHIWARD_CHROMIUM").map(PathBuf::from),
        Some(PathBuf::from("/usr/bin/chromium")),
        Some(PathBuf::from("/usr/bin/chromium-browser")),
    ];
    if let Some(found) = candidates.into_iter().flatten().find(|p| p.is_file()) {
        return Some(found);
    }
    if std::env::var("PHIWARD_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1") {
        panic!(
            "Chromium is required (PHIWARD_REQUIRE_CHROMIUM=1) but /usr/bin/chromium is missing"
        );
    }
    println!("SKIPPED: Chromium not found (apt-get install chromium, or set PHIWARD_CHROMIUM)");
    None
}

/// A browser page driven over the DevTools protocol.
struct Browser {
    child: Child,
    ws: WebSocket<TcpStream>,
    session: String,
    next: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn start(path: &PathBuf) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(path)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--remote-debugging-port=0",
                "about:blank",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let err = child.stderr.take().unwrap();
        let mut lines = BufReader::new(err).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("chromium printed its DevTools address")
                .unwrap();
            if let Some(u) = line.strip_prefix("DevTools listening on ") {
                break u.trim().to_string();
            }
        };
        // Keep draining stderr so that Chromium never blocks on it.
        std::thread::spawn(move || for _ in lines {});
        let hostport = url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let stream = TcpStream::connect(&hostport).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let (ws, _) = tungstenite::client(url.as_str(), stream).expect("websocket");
        let mut b = Browser {
            child,
            ws,
            session: String::new(),
            next: 0,
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}), false);
        let id = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call(
            "Target.attachToTarget",
            json!({"targetId": id, "flatten": true}),
            false,
        );
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b.call("Page.enable", json!({}), true);
        b
    }

    fn call(&mut self, method: &str, params: Value, in_page: bool) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if in_page {
            msg["sessionId"] = json!(self.session);
        }
        self.ws.send(Message::text(msg.to_string())).unwrap();
        loop {
            let m = self.ws.read().expect("devtools message");
            let Message::Text(t) = m else { continue };
            let v: Value = serde_json::from_str(t.as_str()).unwrap();
            if v["id"].as_u64() == Some(id) {
                if let Some(e) = v.get("error") {
                    panic!("{method}: {e}");
                }
                return v["result"].clone();
            }
        }
    }

    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
            true,
        );
        if let Some(x) = r.get("exceptionDetails") {
            panic!("{expr}: {x}");
        }
        r["result"]["value"].clone()
    }

    /// Waits until the page at a path matching `path` has loaded.
    fn wait_for(&mut self, path: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let v = self.eval("JSON.stringify([location.pathname, document.readyState])");
            let v: Vec<String> =
                serde_json::from_str(v.as_str().unwrap_or("[]")).unwrap_or_default();
            if v.first().is_some_and(|p| p == path) && v.get(1).is_some_and(|s| s == "complete") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "page {path} never loaded (at {v:?})"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn open(&mut self, url: &str, path: &str) {
        self.call("Page.navigate", json!({"url": url}), true);
        self.wait_for(path);
    }

    /// Submits a form after running `fill`, then waits for `then`.
    fn submit(&mut self, fill: &str, then: &str) {
        self.eval("window.__old = true");
        self.eval(&format!("(() => {{ {fill} }})()"));
        let deadline = Instant::now() + Duration::from_secs(60);
        // The old document is gone once the marker is.
        while self.eval("window.__old === true") == json!(true) {
            assert!(Instant::now() < deadline, "the form did not submit");
            std::thread::sleep(Duration::from_millis(50));
        }
        self.wait_for(then);
    }

    fn text(&mut self) -> String {
        self.eval("document.body.innerText")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn sign_in(&mut self, base: &str, name: &str, code: &str) {
        self.open(&format!("{base}/login"), "/login");
        let fill = format!(
            "document.getElementById('name').value = {}; document.getElementById('password').value = {}; \
             document.getElementById('code').value = {}; document.getElementById('login').submit();",
            json!(name), json!(PASSWORD), json!(code)
        );
        self.submit(&fill, "/");
        let t = self.text();
        assert!(
            t.contains("Campaigns") && t.contains(name),
            "not signed in as {name}: {t}"
        );
    }
}

/// The form of `action` on item `id`, its reason filled in and submitted.
fn decide_js(id: i64, action: &str, reason: &str, to: &str) -> String {
    format!(
        "const f = [...document.querySelectorAll('#item-{id} form')].find(f => f.action.value === {a}); \
         if (f.reason) f.reason.value = {r}; if (f.to) f.to.value = {t}; f.submit();",
        a = json!(action), r = json!(reason), t = json!(to)
    )
}

#[test]
fn a_reviewer_decides_in_the_browser_and_nobody_else_sees_their_items() {
    let Some(path) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (store, secrets) = campaign(dir.path());
    let srv = Server::start(&store);
    let base = format!("http://{}", srv.addr);
    let mut b = Browser::start(&path);
    b.sign_in(&base, "cmo-wright", &code(&secrets["cmo-wright"], 0));
    assert_eq!(
        b.eval("document.cookie"),
        json!(""),
        "the session cookie must be HttpOnly"
    );
    b.open(&format!("{base}/campaigns/1"), "/campaigns/1");
    let ids: Vec<i64> = serde_json::from_value(b.eval(
        "[...document.querySelectorAll('.item[data-status=pending]')].map(e => +e.dataset.id)",
    ))
    .unwrap();
    assert!(ids.len() >= 3, "{ids:?}");
    let (approve, revoke, reassign) = (ids[0], ids[1], ids[2]);
    b.submit(
        &decide_js(approve, "approve", "treats patients on the ward", ""),
        "/campaigns/1",
    );
    b.submit(
        &decide_js(revoke, "revoke", "moved to administration", ""),
        "/campaigns/1",
    );
    b.submit(
        &decide_js(reassign, "reassign", "nursing decides this", "nm-okoye"),
        "/campaigns/1",
    );
    let status = |b: &mut Browser, id: i64| {
        b.eval(&format!(
            "document.getElementById('item-{id}')?.dataset.status ?? 'gone'"
        ))
    };
    assert_eq!(status(&mut b, approve), json!("approved"));
    assert_eq!(status(&mut b, revoke), json!("revoked"));
    assert_eq!(
        status(&mut b, reassign),
        json!("gone"),
        "a reassigned item leaves the list"
    );
    assert!(b.text().contains("moved to administration"));
    // A forged CSRF token is refused and decides nothing.
    let forged = ids[3];
    b.submit(
        &format!("const f = [...document.querySelectorAll('#item-{forged} form')].find(f => f.action.value === 'approve'); f.csrf.value = 'forged'; f.reason.value = 'x'; f.submit();"),
        &format!("/items/{forged}/decision"),
    );
    assert!(b.text().contains("CSRF token is not valid"), "{}", b.text());
    b.open(&format!("{base}/campaigns/1"), "/campaigns/1");
    assert_eq!(status(&mut b, forged), json!("pending"));
    // Sign out; the second reviewer cannot open the first one's items.
    b.submit("document.getElementById('logout').form.submit();", "/login");
    b.sign_in(&base, "nm-okoye", &code(&secrets["nm-okoye"], 0));
    b.open(
        &format!("{base}/items/{approve}"),
        &format!("/items/{approve}"),
    );
    assert!(
        b.text().contains(&format!("no item `{approve}`")),
        "{}",
        b.text()
    );
    b.open(&format!("{base}/campaigns/1"), "/campaigns/1");
    assert_eq!(status(&mut b, approve), json!("gone"));
    assert_eq!(
        status(&mut b, reassign),
        json!("pending"),
        "the reassigned item is the second reviewer's now"
    );
}
