//! `phiward certify` end to end on the demo account: a campaign, decisions and their
//! rules, close, the next campaign's diff and bulk approval, the revocation plan with its
//! proof, the evidence pack with its manifest, verification with the exported head, and
//! the audit's CERT-002 reading the store.

#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test helpers fail loudly"
)]

mod certify_kit;
use certify_kit::{ok, run};

fn items(store: &str, campaign: &str) -> Vec<serde_json::Value> {
    serde_json::from_str(&ok(&[
        "certify", "items", campaign, "--store", store, "--format", "json",
    ]))
    .unwrap()
}

#[test]
fn a_quarterly_campaign_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("certify.db");
    let s = store.to_str().unwrap();
    let out = ok(&[
        "certify",
        "start",
        "--snapshot",
        "examples/demo-account",
        "--name",
        "Q3-2026",
        "--due",
        "2026-09-30",
        "--store",
        s,
        "--as",
        "privacy-officer",
    ]);
    assert!(out.contains("orphan items"), "{out}");
    let key = dir.path().join("certify.db.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let all = items(s, "Q3-2026");
    // Reviewers come from the directory export; people it lacks are orphans for the officer.
    let contractor: Vec<_> = all
        .iter()
        .filter(|i| i["person"] == "contractor-admin")
        .collect();
    assert!(
        !contractor.is_empty()
            && contractor
                .iter()
                .all(|i| i["orphan"] == true && i["reviewer"] == "privacy-officer")
    );
    assert!(all
        .iter()
        .filter(|i| i["person"] == "dr-lee")
        .all(|i| i["reviewer"] == "cmo-wright"));
    assert!(all
        .iter()
        .filter(|i| i["person"] == "intern-2025")
        .all(|i| i["reviewer"] == "it-admin"));
    assert!(all.iter().all(|i| i["person"] != i["reviewer"]));
    // Rights of every kind: groups, policies, inline policies, roles, PHI resources.
    for kind in ["group", "policy", "inline_policy", "role", "phi_resource"] {
        assert!(all.iter().any(|i| i["kind"] == kind), "no {kind} item");
    }
    let id = |person: &str, kind: &str| -> String {
        all.iter()
            .find(|i| i["person"] == person && i["kind"] == kind)
            .unwrap()["id"]
            .to_string()
    };
    let inline = id("dev-sam", "inline_policy");
    let admin_policy = id("contractor-admin", "policy");
    // Rules: a reason to revoke, another reviewer's item is not found.
    let o = run(
        &[
            "certify",
            "decide",
            &inline,
            "--as",
            "eng-lead-ruiz",
            "--revoke",
            "--store",
            s,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        &[
            "certify",
            "decide",
            &inline,
            "--as",
            "cmo-wright",
            "--approve",
            "--reason",
            "x",
            "--store",
            s,
        ],
        None,
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("no item"));
    ok(&[
        "certify",
        "decide",
        &inline,
        "--as",
        "eng-lead-ruiz",
        "--revoke",
        "--reason",
        "break-fix is over",
        "--store",
        s,
    ]);
    ok(&[
        "certify",
        "decide",
        &admin_policy,
        "--as",
        "privacy-officer",
        "--revoke",
        "--reason",
        "contract ended",
        "--store",
        s,
    ]);
    for i in all.iter().filter(|i| i["reviewer"] == "cmo-wright") {
        ok(&[
            "certify",
            "decide",
            &i["id"].to_string(),
            "--as",
            "cmo-wright",
            "--approve",
            "--reason",
            "clinical duties",
            "--store",
            s,
        ]);
    }
    let closed = ok(&[
        "certify",
        "close",
        "Q3-2026",
        "--store",
        s,
        "--as",
        "privacy-officer",
    ]);
    assert!(closed.contains("flagged"), "{closed}");
    // The plan removes both revoked rights and proves it on a copy of the snapshot.
    let plan = run(&["certify", "plan", "Q3-2026", "--store", s], None);
    let text = String::from_utf8_lossy(&plan.stdout);
    assert!(
        text.contains("aws iam delete-user-policy --user-name 'dev-sam' --policy-name 'break-fix'"),
        "{text}"
    );
    assert!(
        text.contains("aws iam detach-user-policy --user-name 'contractor-admin'"),
        "{text}"
    );
    assert!(text.contains(&format!("item {inline}: gone")), "{text}");
    // The next campaign: nothing changed, so managers may bulk-approve what they approved.
    ok(&[
        "certify",
        "start",
        "--snapshot",
        "examples/demo-account",
        "--name",
        "Q4-2026",
        "--due",
        "2026-12-31",
        "--store",
        s,
    ]);
    let diff = ok(&["certify", "diff", "Q4-2026", "--store", s]);
    assert!(diff.contains("new rights (0)"), "{diff}");
    let bulk = ok(&[
        "certify",
        "decide",
        "--as",
        "cmo-wright",
        "--approve-unchanged",
        "Q4-2026",
        "--reason",
        "unchanged",
        "--store",
        s,
    ]);
    assert!(bulk.starts_with("approved "), "{bulk}");
    assert!(!bulk.starts_with("approved 0 "), "{bulk}");
    let bulk = ok(&[
        "certify",
        "decide",
        "--as",
        "it-admin",
        "--approve-unchanged",
        "Q4-2026",
        "--store",
        s,
    ]);
    assert!(
        bulk.starts_with("approved 0 "),
        "the intern's rights were never approved: {bulk}"
    );
    // The evidence pack, its manifest and the head that proves later truncation.
    let pack = dir.path().join("pack");
    let exported = ok(&[
        "certify",
        "export",
        "Q3-2026",
        "--format",
        "csv",
        "--format",
        "json",
        "--format",
        "html",
        "--out",
        pack.to_str().unwrap(),
        "--store",
        s,
    ]);
    let head = exported
        .lines()
        .find_map(|l| l.strip_prefix("ledger head: "))
        .unwrap()
        .to_string();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(pack.join("Q3-2026-manifest.json")).unwrap())
            .unwrap();
    for f in manifest["files"].as_array().unwrap() {
        let bytes = std::fs::read(pack.join(f["file"].as_str().unwrap())).unwrap();
        assert_eq!(
            phiward_certify::sha256_hex(&bytes),
            f["sha256"].as_str().unwrap()
        );
    }
    let csv = std::fs::read_to_string(pack.join("Q3-2026-evidence.csv")).unwrap();
    assert!(csv.contains("break-fix is over"));
    let v = ok(&["certify", "verify", s, "--head", &head]);
    assert!(v.contains("ledger intact"), "{v}");
    // CERT-002 reads the store: the clinicians approved in Q3 pass, the intern's flagged
    // items fail.
    let audit = run(
        &[
            "audit",
            "examples/demo-account",
            "--format",
            "json",
            "--certify-store",
            s,
        ],
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
    let cert: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "CERT-002" || f["id"] == "CERT-002")
        .collect();
    assert!(!cert.is_empty(), "no CERT-002 finding");
    let status = |who: &str| {
        cert.iter()
            .find(|f| f.to_string().contains(who))
            .map(|f| f["status"].as_str().unwrap_or_default().to_string())
    };
    assert_eq!(status("user/intern-2025").as_deref(), Some("fail"));
    assert!(cert.iter().all(|f| f["status"] != "not_evaluated"));
}
