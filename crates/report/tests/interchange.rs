//! The ASFF, OCSF and HTML renderers on a small fixed report: snapshots, the fields each
//! format requires, its length limits, stable ids and escaping.

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use std::collections::HashSet;

use phiward_findings::{Evidence, Finding, Report, Severity, Status, Suppressed};
use phiward_report::{asff, html, ocsf, page};
use serde_json::Value;

const HOSTILE: &str = "\"><script>alert(1)</script>";

fn finding(check: &'static str, status: Status, resource: &str) -> Finding {
    Finding {
        check,
        title: "A check's title",
        severity: Severity::High,
        practice: 2,
        hipaa: &["164.312(a)(1)", "164.308(a)(4)(ii)(B)"],
        status,
        account: None,
        resource: resource.to_string(),
        principal: None,
        message: format!("{check} on {resource}"),
        evidence: Vec::new(),
        remediation: "do the right thing",
        suppressed: None,
    }
}

/// One finding of each status, resource kind and special case.
fn small() -> Report {
    let user = "arn:aws:iam::111122223333:user/ops/alice";
    let mut fail = finding("LP-001", Status::Fail, user);
    fail.principal = Some(user.into());
    fail.evidence = vec![Evidence {
        source: "arn:aws:iam::111122223333:policy/Ops".into(),
        statement: Some(1),
        line: Some(12),
        detail: "allows *:* on *".into(),
    }];
    let mut suppressed = finding(
        "LP-011",
        Status::Fail,
        "arn:aws:iam::111122223333:role/Partner",
    );
    suppressed.severity = Severity::Critical;
    suppressed.suppressed = Some(Suppressed {
        reason: "contract signed".into(),
        owner: "ciso@example.org".into(),
        expires: "2026-12-31".into(),
    });
    let mut long = finding("KEY-001", Status::Fail, user);
    long.severity = Severity::Medium;
    long.message = "é".repeat(3000);
    long.remediation = "ü ".repeat(600).leak();
    let mut twin = finding("KEY-001", Status::Fail, user);
    twin.severity = Severity::Medium;
    Report {
        schema_version: 1,
        tool: "phiward 0.1.0".into(),
        account: Some("111122223333".into()),
        as_of: "2026-11-01T00:00:00+00:00".into(),
        findings: vec![
            finding("ROOT-001", Status::Pass, "account:111122223333"),
            fail,
            suppressed,
            finding("LP-007", Status::NotEvaluated, "arn:aws:s3:::phi-records"),
            finding(
                "LOG-002",
                Status::Error,
                "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main",
            ),
            finding(
                "LP-002",
                Status::Fail,
                "managed policy `arn:aws:iam::111122223333:policy/R` version `v1`",
            ),
            long,
            twin,
        ],
        skipped: Vec::new(),
    }
}

fn parse(s: &str) -> Vec<Value> {
    match serde_json::from_str::<Value>(s) {
        Ok(Value::Array(a)) => a,
        other => unreachable!("not a JSON array: {other:?}"),
    }
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| unreachable!("{pointer} missing in {v}"))
}

#[test]
fn asff_snapshot() {
    let out = asff::render(&small(), "eu-west-1").expect("asff");
    insta::assert_snapshot!(out);
}

#[test]
fn ocsf_snapshot() {
    let out = ocsf::render(&small()).expect("ocsf");
    insta::assert_snapshot!(out);
}

#[test]
fn asff_has_required_fields_within_limits() {
    let report = small();
    let out = parse(&asff::render(&report, "eu-west-1").expect("asff"));
    assert_eq!(
        out.len(),
        report.findings.len(),
        "passing findings are kept"
    );
    let mut ids = HashSet::new();
    for f in &out {
        for field in [
            "/SchemaVersion",
            "/Id",
            "/ProductArn",
            "/GeneratorId",
            "/AwsAccountId",
            "/CreatedAt",
            "/UpdatedAt",
            "/Title",
            "/Description",
            "/Severity/Label",
            "/Resources/0/Type",
            "/Resources/0/Id",
        ] {
            assert!(!text(f, field).trim().is_empty(), "{field} empty in {f}");
        }
        assert_eq!(text(f, "/SchemaVersion"), "2018-10-08");
        assert_eq!(
            text(f, "/ProductArn"),
            "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default"
        );
        assert_eq!(text(f, "/AwsAccountId").len(), 12);
        assert!(f["Types"].as_array().is_some_and(|t| !t.is_empty()));
        assert!(chrono::DateTime::parse_from_rfc3339(text(f, "/CreatedAt")).is_ok());
        assert!(ids.insert(text(f, "/Id").to_string()), "duplicate id {f}");
        assert!(text(f, "/Id").len() <= 512);
        assert!(text(f, "/Title").chars().count() <= asff::TITLE_MAX);
        assert!(text(f, "/Description").chars().count() <= asff::DESCRIPTION_MAX);
        let rec = text(f, "/Remediation/Recommendation/Text");
        assert!(rec.chars().count() <= asff::RECOMMENDATION_MAX);
        let fields = f["ProductFields"].as_object().expect("ProductFields");
        assert!(fields.len() <= 50);
        assert!(fields
            .values()
            .all(|v| v.as_str().is_some_and(|s| s.chars().count() <= 2048)));
        assert!(["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
            .contains(&text(f, "/Severity/Label")));
        assert!(["PASSED", "FAILED", "WARNING", "NOT_AVAILABLE"]
            .contains(&text(f, "/Compliance/Status")));
    }
    let by_check = |c: &str| {
        out.iter()
            .find(|f| text(f, "/GeneratorId") == c)
            .unwrap_or_else(|| unreachable!("{c}"))
    };
    let long = by_check("KEY-001");
    assert_eq!(text(long, "/Description").chars().count(), 1024, "cut");
    assert!(text(long, "/Description").ends_with('…'));
    assert_eq!(
        text(long, "/Remediation/Recommendation/Text")
            .chars()
            .count(),
        512
    );
    assert_eq!(
        text(by_check("ROOT-001"), "/Resources/0/Type"),
        "AwsAccount"
    );
    assert_eq!(text(by_check("ROOT-001"), "/Workflow/Status"), "RESOLVED");
    assert_eq!(
        text(by_check("ROOT-001"), "/Severity/Label"),
        "INFORMATIONAL"
    );
    assert_eq!(text(by_check("LP-011"), "/Workflow/Status"), "SUPPRESSED");
    assert_eq!(text(by_check("LP-007"), "/Compliance/Status"), "WARNING");
    assert_eq!(text(by_check("LP-007"), "/Resources/0/Type"), "AwsS3Bucket");
    let trail = by_check("LOG-002");
    assert_eq!(text(trail, "/Resources/0/Type"), "AwsCloudTrailTrail");
    assert_eq!(text(trail, "/Resources/0/Region"), "eu-west-1");
    assert_eq!(text(trail, "/Compliance/Status"), "NOT_AVAILABLE");
    let lp1 = by_check("LP-001");
    assert_eq!(text(lp1, "/Resources/0/Type"), "AwsIamUser");
    assert_eq!(
        text(lp1, "/Compliance/RelatedRequirements/0"),
        "HIPAA 164.312(a)(1)"
    );
    assert!(text(lp1, "/ProductFields/phiward~1evidence").contains("statement 1 (line 12)"));
    assert_eq!(
        text(by_check("LP-002"), "/Resources/0/Id"),
        "arn:aws:iam::111122223333:policy/R"
    );
}

#[test]
fn ids_are_stable_across_runs_and_reports() {
    let report = small();
    let once = parse(&asff::render(&report, "eu-west-1").expect("asff"));
    let again = parse(&asff::render(&report, "eu-west-1").expect("asff"));
    assert_eq!(once, again, "the output is reproducible");
    // The same finding in a report without the others keeps its id.
    let mut alone = small();
    alone.findings.retain(|f| f.check == "LP-001");
    let alone = parse(&asff::render(&alone, "eu-west-1").expect("asff"));
    let lp1 = once
        .iter()
        .find(|f| f["GeneratorId"] == "LP-001")
        .expect("LP-001");
    assert_eq!(alone[0]["Id"], lp1["Id"]);
    let ocsf_once = parse(&ocsf::render(&report).expect("ocsf"));
    let uids: HashSet<&str> = ocsf_once
        .iter()
        .map(|e| text(e, "/finding_info/uid"))
        .collect();
    assert_eq!(uids.len(), report.findings.len(), "unique OCSF uids");
}

#[test]
fn asff_needs_the_account() {
    let mut report = small();
    report.account = None;
    assert!(matches!(
        asff::render(&report, "us-east-1"),
        Err(asff::Error::NoAccount)
    ));
}

#[test]
fn ocsf_events_are_detection_findings() {
    let report = small();
    let out = parse(&ocsf::render(&report).expect("ocsf"));
    assert_eq!(out.len(), report.findings.len());
    for e in &out {
        assert_eq!(e["class_uid"], 2004);
        assert_eq!(e["category_uid"], 2);
        let activity = e["activity_id"].as_u64().expect("activity_id");
        assert_eq!(e["type_uid"].as_u64(), Some(2004 * 100 + activity));
        assert_eq!(e["time"].as_i64(), Some(1_793_491_200_000));
        assert!((1..=5).contains(&e["severity_id"].as_u64().expect("severity_id")));
        assert!(!text(e, "/finding_info/uid").is_empty());
        assert!(!text(e, "/finding_info/title").is_empty());
        assert_eq!(text(e, "/metadata/version"), ocsf::OCSF_VERSION);
        assert_eq!(text(e, "/metadata/product/name"), "phiward");
        assert_eq!(text(e, "/cloud/provider"), "AWS");
        assert_eq!(text(e, "/cloud/account/uid"), "111122223333");
        assert!(!text(e, "/resources/0/uid").is_empty());
        assert_eq!(
            text(e, "/unmapped/compliance/standards/0"),
            "HIPAA Security Rule"
        );
        assert!(!text(e, "/remediation/desc").is_empty());
    }
    let by_check = |c: &str| {
        out.iter()
            .find(|e| e["finding_info"]["analytic"]["uid"] == c)
            .unwrap_or_else(|| unreachable!("{c}"))
    };
    let pass = by_check("ROOT-001");
    assert_eq!(
        (pass["activity_id"].as_u64(), pass["status_id"].as_u64()),
        (Some(3), Some(4))
    );
    assert_eq!(pass["type_uid"], 200_403);
    assert_eq!(by_check("LP-011")["status_id"], 3, "suppressed");
    let fail = by_check("LP-001");
    assert_eq!(fail["type_uid"], 200_401);
    assert_eq!(fail["severity_id"], 4);
    assert_eq!(fail["unmapped"]["compliance"]["status_id"], 3);
    assert_eq!(fail["evidences"][0]["data"]["line"], 12);
    assert_eq!(by_check("LOG-002")["resources"][0]["region"], "eu-west-1");
    assert_eq!(by_check("LP-007")["unmapped"]["compliance"]["status_id"], 2);
}

/// The JSON blob of an HTML report, parsed.
fn blob(page: &str) -> Value {
    let start = page
        .find("id=\"phiward-data\">")
        .map(|i| i + "id=\"phiward-data\">".len())
        .expect("data blob");
    let end = start + page[start..].find("</script>").expect("blob end");
    serde_json::from_str(&page[start..end]).expect("blob JSON")
}

#[test]
fn html_summary_snapshot() {
    let page = html::render(&small()).expect("html");
    let start = page.find("<section id=\"summary\">").expect("summary");
    let end = start + page[start..].find("</section>").expect("summary end");
    insta::assert_snapshot!(&page[start..end]);
    assert!(page.contains("<td class=\"num\" data-count=\"status-fail\">5</td>"));
    assert!(page.contains("<td class=\"num\" data-count=\"p2-sev-critical\">1</td>"));
    assert!(page.contains("<td class=\"num\" data-count=\"suppressed\">1</td>"));
    let data = blob(&page);
    assert_eq!(data["findings"].as_array().map(Vec::len), Some(8));
}

#[test]
fn html_is_self_contained() {
    let page = html::render(&small()).expect("html");
    for network in ["http://", "https://", "src=", "href=", "@import", "url("] {
        assert!(!page.contains(network), "{network} in the page");
    }
    assert!(page.contains("default-src 'none'"), "CSP forbids fetching");
}

#[test]
fn html_escapes_hostile_names() {
    let mut report = small();
    let mut evil = finding("LP-001", Status::Fail, HOSTILE);
    evil.principal = Some(format!("{HOSTILE}<!--"));
    evil.message = format!("</script><!-- <script> \u{2028}\u{2029} {{{{script}}}} {HOSTILE}");
    evil.evidence = vec![Evidence {
        source: format!("<img src=x onerror=alert(1)>{HOSTILE}"),
        statement: None,
        line: None,
        detail: "</SCRIPT>".into(),
    }];
    report.findings.push(evil);
    report.account = Some(HOSTILE.into());
    report.skipped = vec![HOSTILE.into()];
    let page = html::render(&report).expect("html");
    assert!(
        !page.contains("<script>alert"),
        "raw script tag in the page"
    );
    assert!(!page.contains("<img"), "raw img tag in the page");
    assert!(!page.contains("<!-- "), "comment opener from the data");
    assert!(
        !page.to_lowercase().contains("</script><"),
        "script closed by data"
    );
    assert!(!page.contains('\u{2028}') && !page.contains('\u{2029}'));
    // The template's own three scripts, and no other.
    assert_eq!(page.matches("<script").count(), 3);
    assert_eq!(page.to_lowercase().matches("</script>").count(), 3);
    assert!(page.contains("account &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The data round-trips: the escapes change the bytes, not the text.
    let data = blob(&page);
    let strings: Vec<&str> = data["strings"]
        .as_array()
        .expect("strings")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(strings.contains(&HOSTILE));
    assert!(strings
        .iter()
        .any(|s| s.contains("\u{2028}\u{2029} {{script}}")));
}

#[test]
fn script_safe_json_escapes_only_what_it_must() {
    let raw =
        serde_json::to_string(&serde_json::json!({"a": "</script><!--&\u{2028}é"})).expect("json");
    let safe = page::script_safe_json(&raw);
    assert_eq!(safe, r#"{"a":"\u003c/script\u003e\u003c!--\u0026\u2028é"}"#);
    let back: Value = serde_json::from_str(&safe).expect("still JSON");
    assert_eq!(back["a"], "</script><!--&\u{2028}é");
}
