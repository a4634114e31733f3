//! Load benchmark of `phiward serve` (run with `cargo bench -p phiward-certify --bench
//! serve_load`): 50 reviewers, each signed in through the JSON API, decide a campaign of
//! 100,000 items (2,000 each) at once over keep-alive HTTP connections. The server runs
//! in this process on a Tokio runtime of 2 worker threads. Prints throughput, latency
//! percentiles, and checks that every acknowledged decision is in the store and that the
//! ledger verifies. Figures go to `bench/RESULTS.md`.
//!
//! `SERVE_LOAD_ITEMS` and `SERVE_LOAD_REVIEWERS` change the size.

#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use phiward_certify::campaign::{self, Start, Unreviewed};
use phiward_certify::directory::Reviewers;
use phiward_certify::keys::Key;
use phiward_certify::rights::{Built, Kind, Right};
use phiward_certify::store::Store;
use phiward_certify::web::{self, accounts, Role};

const PASSWORD: &str = "benchmark-password";

struct Conn {
    r: BufReader<TcpStream>,
    addr: String,
}

impl Conn {
    fn new(addr: &str) -> Conn {
        let s = TcpStream::connect(addr).unwrap();
        s.set_nodelay(true).unwrap();
        Conn {
            r: BufReader::new(s),
            addr: addr.to_string(),
        }
    }

    fn call(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, Vec<(String, String)>, String) {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nContent-Type: application/json\r\n", self.addr, body.len());
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        self.r.get_mut().write_all(req.as_bytes()).unwrap();
        let mut line = String::new();
        self.r.read_line(&mut line).unwrap();
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let mut headers = Vec::new();
        let mut len = 0usize;
        loop {
            line.clear();
            self.r.read_line(&mut line).unwrap();
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(": ") {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.parse().unwrap();
                }
                headers.push((k.to_ascii_lowercase(), v.to_string()));
            }
        }
        let mut body = vec![0u8; len];
        self.r.read_exact(&mut body).unwrap();
        (status, headers, String::from_utf8_lossy(&body).to_string())
    }
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let n_items = env("SERVE_LOAD_ITEMS", 100_000);
    let n_reviewers = env("SERVE_LOAD_REVIEWERS", 50);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("load.db");
    let mut store = Store::open(&db).unwrap();
    let key = Key::create(&phiward_certify::keys::default_path(&db)).unwrap();
    store.set_meta("public_key", &key.public_hex()).unwrap();
    let t = Instant::now();
    let mut reviewers = Reviewers::default();
    let people = n_items / 4;
    let rights: Vec<Right> = (0..n_items)
        .map(|i| {
            let person = format!("person-{:06}", i % people);
            reviewers.tagged.insert(person.clone(), format!("reviewer-{:02}", (i % people) % n_reviewers));
            Right {
                person: person.clone(),
                email: None,
                kind: if i % 2 == 0 { Kind::PhiResource } else { Kind::Group },
                principal: format!("arn:aws:iam::111122223333:user/{person}"),
                right: format!("arn:aws:s3:::bucket-{}", i / people),
                via: "iam_user".into(),
                phi: i % 2 == 0,
                evidence: serde_json::json!({"statements": [{"policy": "arn:aws:iam::111122223333:policy/P", "statement": 0, "text": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}]}),
            }
        })
        .collect();
    let built = Built {
        rights,
        ..Default::default()
    };
    let start = Start {
        name: "load",
        due: chrono::NaiveDate::from_ymd_opt(2099, 1, 1).unwrap(),
        snapshot: "synthetic",
        snapshot_digest: "synthetic",
        account: None,
        unreviewed: Unreviewed::Flag,
        actor: "bench",
        session: "bench",
    };
    campaign::start(&mut store, &key, &built, &reviewers, &start).unwrap();
    let mut secrets = Vec::new();
    for r in 0..n_reviewers {
        let name = format!("reviewer-{r:02}");
        secrets.push((
            name.clone(),
            accounts::add(&store, &name, Role::Reviewer, None, PASSWORD).unwrap(),
        ));
    }
    eprintln!(
        "setup: {n_items} items, {n_reviewers} reviewers in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let app = web::App::new(store, key, web::Options::default()).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    rt.spawn(web::serve(listener, app));
    // Sign everyone in and fetch their items first: the measured part is deciding.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut clients = Vec::new();
    for (name, secret) in &secrets {
        let mut c = Conn::new(&addr);
        let code = phiward_certify::totp::at(secret, now).unwrap();
        let body =
            serde_json::json!({"name": name, "password": PASSWORD, "code": code}).to_string();
        let (st, h, b) = c.call("POST", "/api/session", &[], &body);
        assert_eq!(st, 200, "{b}");
        let cookie = h
            .iter()
            .find(|(k, _)| k == "set-cookie")
            .unwrap()
            .1
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let csrf = serde_json::from_str::<serde_json::Value>(&b).unwrap()["csrf"]
            .as_str()
            .unwrap()
            .to_string();
        let (st, _, b) = c.call("GET", "/api/items?reviewer=me", &[("Cookie", &cookie)], "");
        assert_eq!(st, 200);
        let ids: Vec<i64> = serde_json::from_str::<Vec<serde_json::Value>>(&b)
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect();
        clients.push((c, cookie, csrf, ids));
    }
    let t = Instant::now();
    let threads: Vec<_> = clients
        .into_iter()
        .map(|(mut c, cookie, csrf, ids)| {
            std::thread::spawn(move || {
                let mut lat = Vec::with_capacity(ids.len());
                let body = serde_json::json!({"decision": "approve", "reason": "still needed"})
                    .to_string();
                for id in ids {
                    let s = Instant::now();
                    let (st, _, b) = c.call(
                        "POST",
                        &format!("/api/items/{id}/decision"),
                        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
                        &body,
                    );
                    assert_eq!(st, 200, "{b}");
                    lat.push(s.elapsed());
                }
                lat
            })
        })
        .collect();
    let mut lat: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let wall = t.elapsed();
    lat.sort();
    let pct =
        |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "serve_load: {} decisions by {n_reviewers} reviewers in {:.1} s: {:.0} decisions/s; latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        lat.len(),
        wall.as_secs_f64(),
        lat.len() as f64 / wall.as_secs_f64(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0)
    );
    drop(rt);
    let store = Store::open_existing(&db).unwrap();
    let approved: i64 = store
        .conn
        .query_row(
            "SELECT COUNT(*) FROM items WHERE status = 'approved'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(approved as usize, lat.len(), "lost decisions");
    let key = Key::load(&phiward_certify::keys::default_path(&db)).unwrap();
    let t = Instant::now();
    let v = phiward_certify::verify::verify(&store, &key.public(), None).unwrap();
    assert!(v.ok(), "{:?}", v.problems.first());
    println!(
        "no decision lost ({approved} approved); verify: {} entries intact in {:.1} s",
        v.entries,
        t.elapsed().as_secs_f64()
    );
}
