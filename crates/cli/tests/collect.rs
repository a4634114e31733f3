//! `phiward collect` when nothing can be collected: exit 2 and no snapshot. These need no
//! emulator; `collect_moto.rs` covers collection itself.

#![expect(
    clippy::expect_used,
    reason = "test helpers fail the test on unexpected errors"
)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `phiward ARGS` with no AWS settings from the environment but `creds`.
fn phiward(args: &[&str], creds: Option<(&str, &str)>, home: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_phiward"));
    cmd.args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"));
    if let Some((k, s)) = creds {
        cmd.env("AWS_ACCESS_KEY_ID", k)
            .env("AWS_SECRET_ACCESS_KEY", s);
    }
    cmd.output().expect("run phiward")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn an_unreachable_endpoint_exits_2_without_a_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("snap");
    let started = std::time::Instant::now();
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    let o = phiward(
        &[
            "collect",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--region",
            "us-east-1",
            "--out",
            out.to_str().unwrap(),
        ],
        Some(("testing", "testing")),
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("could not reach AWS at `http://127.0.0.1:9`"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing is written");
    assert!(started.elapsed().as_secs() < 30, "fails fast");
}

#[test]
fn missing_credentials_exit_2_with_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("snap");
    let o = phiward(
        &[
            "collect",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--region",
            "us-east-1",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no usable AWS credentials"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("hint:"));
    assert!(!out.exists());
}

#[test]
fn a_non_empty_out_is_refused_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("keep.txt"), "x").unwrap();
    let o = phiward(
        &[
            "collect",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--out",
            tmp.path().to_str().unwrap(),
        ],
        Some(("testing", "testing")),
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not empty; pass --force"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
        "x"
    );
}
