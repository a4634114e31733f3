//! The HTML report in a real browser: headless Chromium opens it with `#selftest`, the
//! page checks its summary against its data, types into the search box, filters by
//! status and opens a finding, and writes the results into `<pre id="selftest">`, which
//! `--dump-dom` prints. Done for the demo account's audit and for a generated report of
//! 100,000 findings (whose size and load time are printed).
//!
//! Skipped, with a message, when Chromium is missing, unless `PHIWARD_REQUIRE_CHROMIUM=1`
//! (set by `.ci/run`, which installs it), where a missing browser fails.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use phiward_findings::{Evidence, Finding, Report, Severity, Status};
use serde_json::Value;

mod common;
use common::phiward;

/// Chromium, or `None` (the test skips) when it is missing and not required.
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

/// Opens `page#selftest=TERM` and returns the self-test's results and the browser's wall
/// time. Chromium is killed if it hangs, so that the test fails instead of blocking CI.
fn selftest(browser: &Path, page: &Path, term: &str, dir: &Path) -> (Value, Duration) {
    let profile = tempfile::tempdir_in(dir).expect("profile dir");
    let url = format!("file://{}#selftest={term}", page.display());
    // The DOM goes to a file: the page holds its data blob, more than a pipe buffers
    // while this thread waits for the browser.
    let dump = profile.path().join("dom.html");
    let dump_file = std::fs::File::create(&dump).expect("dom file");
    let start = Instant::now();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            // No --virtual-time-budget: it would freeze performance.now(), and the
            // self-test runs synchronously before the load event that ends the dump.
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(&url)
        .stdout(Stdio::from(dump_file))
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let deadline = start + Duration::from_secs(240);
    while child.try_wait().expect("wait chromium").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Chromium did not finish with {url} within 240 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let elapsed = start.elapsed();
    let dom = std::fs::read_to_string(&dump).expect("dumped DOM");
    let marker = "<pre id=\"selftest\" data-done=\"1\">";
    let at = dom
        .find(marker)
        .unwrap_or_else(|| panic!("the self-test did not finish; DOM tail: {}", tail(&dom)));
    let rest = &dom[at + marker.len()..];
    let json = &rest[..rest.find("</pre>").expect("end of #selftest")];
    let value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    (value, elapsed)
}

fn tail(s: &str) -> &str {
    let mut at = s.len().saturating_sub(2000);
    while !s.is_char_boundary(at) {
        at += 1;
    }
    &s[at..]
}

fn int(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

/// The checks every self-test result must pass; `expected_fail` and `evidence` come from
/// the report itself, independently of the page.
fn assert_selftest(r: &Value, findings: u64, expected_fail: u64, term_matches: u64) {
    assert_eq!(r["errors"], Value::Array(Vec::new()), "console errors: {r}");
    assert_eq!(int(r, "findings"), findings, "{r}");
    assert!(int(r, "summary_cells") >= 40, "summary rendered: {r}");
    assert_eq!(r["summary_mismatches"], Value::Array(Vec::new()), "{r}");
    assert_eq!(int(r, "matched_before"), findings, "{r}");
    assert_eq!(int(r, "rows_before"), findings.min(200), "{r}");
    assert_eq!(
        int(r, "expected_after"),
        term_matches,
        "page and test agree: {r}"
    );
    assert_eq!(
        int(r, "matched_after"),
        term_matches,
        "typing filtered: {r}"
    );
    assert!(term_matches < findings, "the term narrows the table: {r}");
    assert_eq!(int(r, "rows_after"), term_matches.min(200), "{r}");
    assert_eq!(int(r, "matched_fail"), expected_fail, "{r}");
    assert_eq!(int(r, "expected_fail"), expected_fail, "{r}");
    let filters = r["filters"].as_object().expect("filters");
    assert_eq!(filters.len(), 3, "{r}");
    for (id, counts) in filters {
        let (shown, want) = (&counts[0], &counts[1]);
        assert_eq!(shown, want, "{id}: {r}");
        assert!(
            want.as_u64().is_some_and(|n| n > 0 && n < findings),
            "{id}: {r}"
        );
    }
    assert_eq!(int(r, "scripts"), 3, "no injected script: {r}");
    assert_eq!(int(r, "injected"), 0, "no element from the data: {r}");
    assert_eq!(r["pwned"], false, "{r}");
}

#[test]
fn the_demo_accounts_html_report_works_in_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("audit.html");
    let spec = format!("html={}", page.display());
    let o = phiward(&[
        "audit",
        "examples/demo-account",
        "--format",
        "json",
        "--output",
        &spec,
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: Value = serde_json::from_slice(&o.stdout).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    let fails = findings.iter().filter(|f| f["status"] == "fail").count() as u64;
    let term = "lp-009";
    let term_matches = findings
        .iter()
        .filter(|f| {
            [
                &f["check"],
                &f["title"],
                &f["resource"],
                &f["principal"],
                &f["message"],
            ]
            .iter()
            .filter_map(|v| v.as_str())
            .chain(
                f["evidence"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|e| {
                        [e["source"].as_str(), e["detail"].as_str()]
                            .into_iter()
                            .flatten()
                    }),
            )
            .any(|s| s.to_lowercase().contains(term))
        })
        .count() as u64;
    assert!(term_matches > 0);
    let (r, elapsed) = selftest(&browser, &page, term, dir.path());
    println!(
        "demo account: {} findings, load {:?}, page ready after {} ms",
        findings.len(),
        elapsed,
        int(&r, "ready_ms")
    );
    assert_selftest(&r, findings.len() as u64, fails, term_matches);
    // The first failing finding (filtered by status) opens with its evidence.
    let first_fail = findings
        .iter()
        .find(|f| f["status"] == "fail")
        .expect("a failure");
    let evidence = first_fail["evidence"].as_array().map_or(0, Vec::len) as u64;
    assert_eq!(int(&r, "detail_evidence_rows"), evidence, "{r}");
}

const CHECKS: [(&str, &str, Severity, u8); 8] = [
    ("ROOT-001", "The root user has MFA", Severity::Critical, 1),
    (
        "LP-001",
        "No full access outside the admins",
        Severity::High,
        2,
    ),
    ("LP-009", "No inactive users and roles", Severity::Medium, 2),
    ("MFA-001", "Console users have MFA", Severity::High, 3),
    ("KEY-001", "Access keys are rotated", Severity::Medium, 4),
    ("LOG-002", "Log file validation is on", Severity::Low, 5),
    ("CERT-001", "Principals have an owner", Severity::Info, 6),
    ("AUTO-001", "iam:PassRole is limited", Severity::High, 7),
];

/// 100,000 findings over eight checks, every status, one or two evidence statements each,
/// and a few hostile names that must stay text.
fn large_report() -> Report {
    let findings = (0..100_000usize)
        .map(|i| {
            let (check, title, severity, practice) = CHECKS[i % CHECKS.len()];
            let status = match i % 10 {
                0..=3 => Status::Fail,
                4 => Status::NotEvaluated,
                5 => Status::Error,
                _ => Status::Pass,
            };
            let resource = if i % 25_000 == 7 {
                format!("arn:aws:iam::111122223333:user/\"><script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=1\">{i}")
            } else {
                format!("arn:aws:iam::111122223333:user/team{}/u{i}", i % 50)
            };
            let evidence = (0..1 + i % 2)
                .map(|k| Evidence {
                    source: format!("arn:aws:iam::111122223333:policy/P{}", (i + k) % 300),
                    statement: Some(k),
                    line: Some(u32::try_from(3 + 7 * k).unwrap_or(0)),
                    detail: format!("allows s3:GetObject on bucket phi-{}", i % 40),
                })
                .collect();
            Finding {
                check,
                title,
                severity,
                practice,
                hipaa: &["164.312(a)(1)"],
                status,
                account: None,
                resource: resource.clone(),
                principal: Some(resource),
                message: format!("finding number {i} of {check}"),
                evidence,
                remediation: "fix it",
                suppressed: None,
            }
        })
        .collect();
    Report {
        schema_version: 1,
        tool: "phiward 0.1.0".into(),
        account: Some("111122223333".into()),
        as_of: "2026-11-01T00:00:00+00:00".into(),
        findings,
        skipped: Vec::new(),
    }
}

#[test]
fn a_report_of_100000_findings_stays_usable_in_chromium() {
    let Some(browser) = chromium() else { return };
    let report = large_report();
    let started = Instant::now();
    let html = phiward_report::html::render(&report).expect("html");
    let render_time = started.elapsed();
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("large.html");
    std::fs::write(&page, &html).expect("write page");
    // Findings whose search text holds `/u4242`: u4242 and u42420..u42429.
    let term = "/u4242";
    let term_matches = report
        .findings
        .iter()
        .filter(|f| f.resource.to_lowercase().contains(term))
        .count() as u64;
    assert_eq!(term_matches, 11);
    let fails = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .count() as u64;
    let (r, elapsed) = selftest(&browser, &page, term, dir.path());
    // Recorded, not asserted: timings on a shared 2-core machine vary too much.
    println!(
        "100,000 findings: HTML {:.1} MB, rendered in {render_time:?}; Chromium load, self-test \
         and exit {elapsed:?}; page interactive after {} ms; search {} ms; status filter {} ms",
        html.len() as f64 / 1e6,
        int(&r, "ready_ms"),
        int(&r, "search_ms"),
        int(&r, "status_filter_ms")
    );
    assert_selftest(&r, 100_000, fails, term_matches);
    assert!(int(&r, "detail_evidence_rows") >= 1, "{r}");
}

/// Statement rows of the access report's JSON (a grant without statements is one row),
/// optionally only those of one person.
fn access_rows(report: &Value, person: Option<&str>) -> u64 {
    let mut n = 0;
    for p in report["people"].as_array().expect("people") {
        if person.is_some_and(|who| p["person"] != who) {
            continue;
        }
        for h in p["principals"].as_array().expect("principals") {
            for r in h["resources"].as_array().expect("resources") {
                for l in r["levels"].as_array().expect("levels") {
                    for g in l["grants"].as_array().expect("grants") {
                        n += g["via"].as_array().map_or(1, |v| v.len().max(1)) as u64;
                    }
                }
            }
        }
    }
    n
}

#[test]
fn the_demo_accounts_access_report_works_in_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("access.html");
    // A person whose name is markup, holding the clinicians' role: it must stay text.
    let people = dir.path().join("people.csv");
    std::fs::write(
        &people,
        "person,role\n\"<img src=x onerror=\"\"window.__pwned=1\"\">\",Clinician\n",
    )
    .expect("people file");
    let o = phiward(&[
        "access-report",
        "--snapshot",
        "examples/demo-account",
        "--phi-only",
        "--people",
        people.to_str().expect("path"),
        "--format",
        "json",
        "--output",
        &format!("html={}", page.display()),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: Value = serde_json::from_slice(&o.stdout).expect("json");
    let total = access_rows(&report, None);
    let kim = access_rows(&report, Some("researcher-kim"));
    let hostile = access_rows(&report, Some("<img src=x onerror=\"window.__pwned=1\">"));
    assert!(kim > 0 && hostile > 0 && total > kim + hostile);
    for (term, want) in [("researcher-kim", kim), ("onerror", hostile)] {
        let (r, elapsed) = selftest(&browser, &page, term, dir.path());
        println!(
            "access report: {total} rows, load {elapsed:?}, ready after {} ms",
            int(&r, "ready_ms")
        );
        assert_eq!(r["errors"], Value::Array(Vec::new()), "console errors: {r}");
        assert_eq!(int(&r, "rows"), total, "{r}");
        assert!(int(&r, "summary_cells") >= 6, "{r}");
        assert_eq!(r["summary_mismatches"], Value::Array(Vec::new()), "{r}");
        assert_eq!(int(&r, "matched_before"), total, "{r}");
        assert_eq!(int(&r, "rows_before"), total.min(200), "{r}");
        assert_eq!(int(&r, "expected_after"), want, "page and test agree: {r}");
        assert_eq!(int(&r, "matched_after"), want, "typing filtered: {r}");
        assert_eq!(int(&r, "rows_after"), want.min(200), "{r}");
        let filters = r["filters"].as_object().expect("filters");
        assert_eq!(filters.len(), 4, "{r}");
        for (id, counts) in filters {
            assert_eq!(counts[0], counts[1], "{id}: {r}");
            assert!(
                counts[1].as_u64().is_some_and(|n| n > 0 && n < total),
                "{id}: {r}"
            );
        }
        assert_eq!(int(&r, "scripts"), 3, "no injected script: {r}");
        assert_eq!(int(&r, "injected"), 0, "no element from the data: {r}");
        assert_eq!(r["pwned"], false, "{r}");
    }
    // The markup person is shown as its text.
    let (r, _) = selftest(&browser, &page, "onerror", dir.path());
    assert!(
        r["first_row"]
            .as_str()
            .is_some_and(|t| t.starts_with("<img src=x onerror=")),
        "{r}"
    );
}
