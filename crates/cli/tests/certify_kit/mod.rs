//! Helpers for the `phiward certify` and `phiward serve` end-to-end tests: a campaign on
//! the demo account with web accounts, a server on a free port, a small HTTP client.

#![allow(dead_code, reason = "each test binary uses some of the helpers")]

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const PASSWORD: &str = "correct horse battery staple";

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn run(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_phiward"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run phiward");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait phiward")
}

pub fn ok(args: &[&str]) -> String {
    let o = run(args, None);
    assert!(
        o.status.success(),
        "phiward {args:?}: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// A campaign `Q4-2026` on the demo account in `dir`, and accounts (name -> TOTP secret)
/// for two reviewers, the officer and an auditor.
pub fn campaign(dir: &Path) -> (PathBuf, HashMap<String, String>) {
    let store = dir.join("certify.db");
    let s = store.to_str().expect("utf-8 path");
    ok(&[
        "certify",
        "start",
        "--snapshot",
        "examples/demo-account",
        "--name",
        "Q4-2026",
        "--due",
        "2099-12-31",
        "--store",
        s,
        "--as",
        "privacy-officer",
    ]);
    let mut secrets = HashMap::new();
    for (name, role) in [
        ("cmo-wright", "reviewer"),
        ("nm-okoye", "reviewer"),
        ("privacy-officer", "officer"),
        ("auditor", "auditor"),
    ] {
        let o = run(
            &[
                "certify",
                "account",
                "add",
                name,
                "--role",
                role,
                "--password-stdin",
                "--store",
                s,
            ],
            Some(&format!("{PASSWORD}\n")),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8_lossy(&o.stdout);
        let secret = out
            .lines()
            .find_map(|l| l.strip_prefix("TOTP secret: "))
            .expect("secret printed");
        secrets.insert(name.to_string(), secret.to_string());
    }
    (store, secrets)
}

/// The TOTP code `steps` steps from now (each sign-in of an account needs a fresh step).
pub fn code(secret: &str, steps: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    phiward_certify::totp::at(secret, now + 30 * steps).expect("code")
}

/// `phiward serve` on a free loopback port.
pub struct Server {
    pub child: Child,
    pub addr: String,
}

impl Server {
    pub fn start(store: &Path) -> Server {
        Server::start_with(store, &[])
    }

    pub fn start_with(store: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_phiward"))
            .args([
                "serve",
                store.to_str().expect("path"),
                "--bind",
                "127.0.0.1:0",
            ])
            .args(extra)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start serve");
        let out = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(out).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("serve printed its address")
                .expect("read");
            if let Some(rest) = line.strip_prefix("phiward serve: http://") {
                break rest.split('/').next().expect("addr").to_string();
            }
        };
        Server { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// One HTTP/1.1 request (`Connection: close`).
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Response> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Ok(Response {
        status,
        headers,
        body: body.to_string(),
    })
}

/// Signs in through the API: the session cookie and the CSRF token.
pub fn api_session(addr: &str, name: &str, code: &str) -> (String, String) {
    let body = serde_json::json!({"name": name, "password": PASSWORD, "code": code}).to_string();
    let r = http(
        addr,
        "POST",
        "/api/session",
        &[("Content-Type", "application/json")],
        &body,
    )
    .expect("sign in");
    assert_eq!(r.status, 200, "sign-in of {name}: {}", r.body);
    let cookie = r
        .header("set-cookie")
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    let csrf = r.json()["csrf"].as_str().expect("csrf").to_string();
    (cookie, csrf)
}
