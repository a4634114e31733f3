//! `phiward rotate`: the plan of the demo account, and `rotate run` against moto killed
//! with SIGKILL at every point of a rotation, then run again. The moto part needs
//! `PHIWARD_MOTO_URL` (`scripts/moto.sh start`); without it, it says so and passes.

#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "tests fail on unexpected data"
)]

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod moto_env;
use moto_env::{python, root};

fn phiward() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_phiward"));
    c.current_dir(root());
    c
}

#[test]
fn the_demo_accounts_plan_in_every_format() {
    let out = phiward()
        .args(["rotate", "plan", "--snapshot", "examples/demo-account"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // Keys out of schedule and a root key: exit 1.
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("etl-svc"), "{text}");
    assert!(text.contains("Root user's access keys"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let ics = dir.path().join("rotation.ics");
    let out = phiward()
        .args([
            "rotate",
            "plan",
            "--snapshot",
            "examples/demo-account",
            "--format",
            "json",
        ])
        .arg("--output")
        .arg(format!("ics={}", ics.display()))
        .output()
        .unwrap();
    let plan: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(plan["as_of"], "2026-11-01T00:00:00Z");
    assert_eq!(plan["users"].as_array().map(Vec::len), Some(6));
    let cal = std::fs::read_to_string(&ics).unwrap();
    assert!(cal.starts_with("BEGIN:VCALENDAR\r\n") && cal.ends_with("END:VCALENDAR\r\n"));
    let out = phiward()
        .args([
            "rotate",
            "plan",
            "--snapshot",
            "examples/demo-account",
            "--format",
            "csv",
            "--user",
            "etl-svc",
        ])
        .output()
        .unwrap();
    let csv = String::from_utf8_lossy(&out.stdout);
    assert_eq!(csv.lines().count(), 3, "{csv}");
    // A schedule that cannot work is refused, naming the setting.
    let bad = dir.path().join("phiward.toml");
    std::fs::write(&bad, "[rotation]\noverlap_days = 15\n").unwrap();
    let out = phiward()
        .args([
            "rotate",
            "plan",
            "--snapshot",
            "examples/demo-account",
            "--config",
        ])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`rotation.overlap_days` is 15"));
}

fn seed(args: &[&str]) -> String {
    let out = Command::new(python())
        .arg(root().join("crates/rotate/tests/moto/seed.py"))
        .args(args)
        .output()
        .expect("run the moto venv's python");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

struct Moto {
    url: String,
    key: String,
    secret: String,
}

impl Moto {
    fn keys(&self, user: &str) -> Vec<(String, bool)> {
        let v: Vec<(String, bool)> =
            serde_json::from_str(&seed(&["keys", &self.url, &self.key, &self.secret, user]))
                .unwrap();
        v
    }

    fn rotate(&self, args: &[String], fault: Option<&str>) -> std::process::Child {
        let mut c = moto_env::phiward_as(&self.key, &self.secret, Path::new("/nonexistent"));
        c.arg("rotate")
            .arg("run")
            .args(args)
            .args(["--endpoint-url", &self.url, "--region", "us-east-1"])
            .env_remove("PHIWARD_ROTATE_FAULT")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(f) = fault {
            c.env("PHIWARD_ROTATE_FAULT", f);
        }
        c.spawn().unwrap()
    }

    fn run(&self, args: &[String]) -> Output {
        self.rotate(args, None).wait_with_output().unwrap()
    }
}

fn stored(path: &Path) -> String {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["AccessKeyId"].as_str().unwrap().to_string()
}

/// Runs a stage paused at `point` and killed there (SIGKILL); whether it got there.
fn killed_at(m: &Moto, args: &[String], point: usize) -> bool {
    let mut child = m.rotate(args, Some(&format!("pause@{point}")));
    let stderr = child.stderr.take().unwrap();
    let mut paused = false;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap_or_default();
        if line.starts_with("phiward-fault: paused") {
            paused = true;
            break;
        }
    }
    if paused {
        child.kill().unwrap();
    }
    let status = child.wait().unwrap();
    if !paused {
        assert!(status.success(), "the unfaulted stage failed: {status}");
    }
    paused
}

/// One rotation of a new user, killed at `point` of stage `stage` (0 create, 1
/// deactivate, 2 delete) and run again; whether the kill happened.
fn rotation_killed(m: &Moto, dir: &Path, n: usize, stage: usize, point: usize) -> bool {
    let user = format!("killed-{n}");
    let old = seed(&["user", &m.url, &m.key, &m.secret, &user]);
    let key_file = dir.join(format!("{user}.json"));
    let t0 = phiward_rotate::exec::wall();
    let later = t0 + std::time::Duration::from_secs(8 * 86_400);
    let base = |at: String, start: bool| {
        let mut a: Vec<String> = vec![
            "--user".into(),
            user.clone(),
            "--store".into(),
            format!("file:{}", key_file.display()),
            "--journal".into(),
            dir.join("journal.jsonl").display().to_string(),
            "--at".into(),
            at,
        ];
        if start {
            a.push("--start".into());
        }
        a
    };
    let stages = [
        base(t0.to_rfc3339(), true),
        base(t0.to_rfc3339(), false),
        base(later.to_rfc3339(), false),
    ];
    let mut killed = false;
    for (i, args) in stages.iter().enumerate() {
        if i == stage {
            killed = killed_at(m, args, point);
        }
        let out = m.run(args);
        assert!(
            out.status.success(),
            "{user} stage {i} after a kill at {point}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let keys = m.keys(&user);
        assert!(
            keys.len() <= 2 && keys.iter().any(|k| k.1),
            "{user}: {keys:?}"
        );
        let s = stored(&key_file);
        assert!(
            keys.contains(&(s.clone(), true)),
            "{user}: stored {s}, keys {keys:?}"
        );
        if i == 0 {
            seed(&[
                "use",
                &m.url,
                &m.key,
                &m.secret,
                &key_file.display().to_string(),
            ]);
        }
    }
    let s = stored(&key_file);
    assert_ne!(s, old);
    assert_eq!(m.keys(&user), [(s, true)], "{user}");
    killed
}

#[test]
fn rotate_run_survives_a_kill_at_every_point() {
    let Ok(url) = std::env::var("PHIWARD_MOTO_URL") else {
        eprintln!("PHIWARD_MOTO_URL is not set: skipped (scripts/moto.sh start)");
        return;
    };
    let acct: Value = serde_json::from_str(&seed(&["account", &url])).unwrap();
    let m = Moto {
        url,
        key: acct["key"].as_str().unwrap().into(),
        secret: acct["secret"].as_str().unwrap().into(),
    };
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    let mut kills = 0;
    for stage in 0..3 {
        for point in 0.. {
            n += 1;
            if !rotation_killed(&m, dir.path(), n, stage, point) {
                break;
            }
            kills += 1;
            assert!(point < 20, "the points never end");
        }
    }
    assert!(kills >= 8, "only {kills} kills");
    // --all in a dry run sees this account's users only and changes nothing.
    let out = m.run(&[
        "--all".into(),
        "--dry-run".into(),
        "--start".into(),
        "--store".into(),
        "file:/nonexistent/{user}.json".into(),
        "--journal".into(),
        dir.path().join("dry.jsonl").display().to_string(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains(&format!("{} users read", n + 1)), "{text}");
    assert!(!dir.path().join("dry.jsonl").exists());
}
