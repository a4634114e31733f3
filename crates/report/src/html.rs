//! One self-contained HTML file: no network access (CSS, script and data inline), for an
//! auditor who opens it from a mail attachment or an evidence folder.
//!
//! The summary (counts per practice, status and severity, with inline SVG bars) is
//! rendered here, so it shows even with scripts off. The findings go in one JSON blob
//! that `assets/report.js` renders as a filterable, paged table (200 rows a page, filters
//! over arrays), which keeps a 100,000-finding report responsive: the DOM never holds
//! more than a page. Strings are interned in the blob (policy names and evidence repeat
//! across findings) to keep the file small.
//!
//! The page is [`crate::page`]'s skeleton; escaping is described there.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::page::{escape, Page, Strings, STYLE};
use crate::text::PRACTICES;
use phiward_findings::{Report, Severity, Status};

const BODY: &str = include_str!("../assets/audit-body.html");
const SCRIPT: &str = include_str!("../assets/report.js");

/// Severities from most to least severe, as the summary lists them.
const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];
const STATUSES: [Status; 4] = [
    Status::Fail,
    Status::Error,
    Status::NotEvaluated,
    Status::Pass,
];

fn status_code(s: Status) -> u8 {
    match s {
        Status::Pass => 0,
        Status::Fail => 1,
        Status::Error => 2,
        Status::NotEvaluated => 3,
    }
}

/// The data the script reads, documented in `assets/report.js`: checks as
/// `[id, title, severity 0-4 (info..critical), practice, hipaa, remediation]`, findings as
/// `[check, status 0-3 (pass, fail, error, not_evaluated), resource, principal or -1,
/// message, [source, statement or -1, line or -1, detail, ...], [reason, owner, expires]
/// or -1]`, with strings as indices into `strings`.
fn data(report: &Report) -> Value {
    let mut strings = Strings::default();
    let mut checks: Vec<Value> = Vec::new();
    let mut check_index: HashMap<&str, usize> = HashMap::new();
    let mut findings: Vec<Value> = Vec::with_capacity(report.findings.len());
    // In an organization's audit the account leads the message, so that the search box
    // finds an account's findings.
    let messages: Vec<Option<String>> = report
        .findings
        .iter()
        .map(|f| {
            f.account
                .as_ref()
                .map(|a| format!("account {a}: {}", f.message))
        })
        .collect();
    for (f, prefixed) in report.findings.iter().zip(&messages) {
        let check = *check_index.entry(f.check).or_insert_with(|| {
            checks.push(json!([
                f.check,
                f.title,
                f.severity as u8,
                f.practice,
                f.hipaa.join(", "),
                f.remediation
            ]));
            checks.len() - 1
        });
        let principal = f.principal.as_deref().map_or(-1, |p| strings.id(p) as i64);
        let mut evidence: Vec<Value> = Vec::with_capacity(f.evidence.len() * 4);
        for e in &f.evidence {
            evidence.push(json!(strings.id(&e.source)));
            evidence.push(json!(e.statement.map_or(-1, |s| s as i64)));
            evidence.push(json!(e.line.map_or(-1, i64::from)));
            evidence.push(json!(strings.id(&e.detail)));
        }
        let supp = match &f.suppressed {
            None => json!(-1),
            Some(s) => json!([
                strings.id(&s.reason),
                strings.id(&s.owner),
                strings.id(&s.expires)
            ]),
        };
        let message = strings.id(prefixed.as_deref().unwrap_or(&f.message));
        findings.push(json!([
            check,
            status_code(f.status),
            strings.id(&f.resource),
            principal,
            message,
            evidence,
            supp
        ]));
    }
    json!({
        "v": 1,
        "checks": checks,
        "strings": strings.list(),
        "findings": findings,
        "practices": PRACTICES,
    })
}

/// A stacked horizontal bar: one segment per `(count, css class)`, scaled to `total`.
fn bar(segments: &[(usize, &str)], total: usize) -> String {
    const WIDTH: usize = 240;
    let mut o = format!(
        "<svg class=\"bar\" width=\"{WIDTH}\" height=\"14\" viewBox=\"0 0 {WIDTH} 14\" role=\"img\">"
    );
    let mut x = 0usize;
    for (count, class) in segments {
        if *count == 0 || total == 0 {
            continue;
        }
        // Rounded up so that a single finding among 100,000 still shows as a sliver.
        let w = (count * WIDTH).div_ceil(total).min(WIDTH - x);
        let _ = write!(
            o,
            "<rect class=\"{class}\" x=\"{x}\" y=\"0\" width=\"{w}\" height=\"14\"><title>{count}</title></rect>"
        );
        x += w;
    }
    o.push_str("</svg>");
    o
}

fn count_cell(key: &str, n: usize) -> String {
    format!("<td class=\"num\" data-count=\"{key}\">{n}</td>")
}

/// The summary: totals by status, a table per practice (statuses, failures by severity)
/// and failures by severity, each with bars.
fn summary(report: &Report) -> String {
    let mut by_practice = [[0usize; 4]; 8];
    let mut sev_by_practice = [[0usize; 5]; 8];
    let mut by_status = [0usize; 4];
    let mut by_severity = [0usize; 5];
    let mut suppressed = 0usize;
    for f in &report.findings {
        let p = usize::from(f.practice.min(7));
        let s = usize::from(status_code(f.status));
        by_practice[p][s] += 1;
        by_status[s] += 1;
        if f.status == Status::Fail {
            sev_by_practice[p][f.severity as usize] += 1;
            by_severity[f.severity as usize] += 1;
            suppressed += usize::from(f.suppressed.is_some());
        }
    }
    let total = report.findings.len();
    let status_segments = |counts: &[usize; 4]| -> Vec<(usize, &'static str)> {
        STATUSES
            .iter()
            .map(|s| (counts[usize::from(status_code(*s))], s.as_str()))
            .collect()
    };
    let mut o = String::new();
    o.push_str(
        "<section id=\"summary\"><h2>Summary</h2><table class=\"totals\"><tr><th>findings</th>",
    );
    for s in STATUSES {
        let _ = write!(o, "<th>{}</th>", s.as_str().replace('_', " "));
    }
    o.push_str("<th>suppressed</th><th></th></tr><tr>");
    o.push_str(&count_cell("total", total));
    for s in STATUSES {
        let key = format!("status-{}", s.as_str());
        o.push_str(&count_cell(&key, by_status[usize::from(status_code(s))]));
    }
    o.push_str(&count_cell("suppressed", suppressed));
    let _ = write!(
        o,
        "<td>{}</td></tr></table>",
        bar(&status_segments(&by_status), total)
    );

    o.push_str("<h3>By practice</h3><table class=\"practices\"><tr><th>practice</th>");
    for s in STATUSES {
        let _ = write!(o, "<th>{}</th>", s.as_str().replace('_', " "));
    }
    for s in SEVERITIES {
        let _ = write!(o, "<th class=\"sev-{0}\">fail {0}</th>", s.as_str());
    }
    o.push_str("<th></th></tr>");
    for (i, name) in PRACTICES.iter().enumerate() {
        let p = i + 1;
        let row_total: usize = by_practice[p].iter().sum();
        let _ = write!(o, "<tr><td>{}</td>", escape(name));
        for s in STATUSES {
            let key = format!("p{p}-{}", s.as_str());
            o.push_str(&count_cell(
                &key,
                by_practice[p][usize::from(status_code(s))],
            ));
        }
        for s in SEVERITIES {
            let key = format!("p{p}-sev-{}", s.as_str());
            o.push_str(&count_cell(&key, sev_by_practice[p][s as usize]));
        }
        let _ = write!(
            o,
            "<td>{}</td></tr>",
            bar(&status_segments(&by_practice[p]), row_total)
        );
    }
    o.push_str("</table><h3>Failures by severity</h3><table class=\"severities\">");
    let most = by_severity.iter().copied().max().unwrap_or(0);
    for s in SEVERITIES {
        let n = by_severity[s as usize];
        let _ = write!(o, "<tr><td>{}</td>", s.as_str());
        o.push_str(&count_cell(&format!("sev-{}", s.as_str()), n));
        let _ = write!(
            o,
            "<td>{}</td></tr>",
            bar(&[(n, &format!("sev-{}", s.as_str()))], most)
        );
    }
    o.push_str("</table>");
    if !report.skipped.is_empty() {
        o.push_str("<h3>Inputs not read</h3><ul class=\"skipped\">");
        for s in &report.skipped {
            let _ = write!(o, "<li>{}</li>", escape(s));
        }
        o.push_str("</ul>");
    }
    o.push_str("</section>");
    // One table row a line, for readable diffs of saved reports.
    o.replace("</tr>", "</tr>\n")
}

/// The report as one self-contained HTML page.
pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    let account = report.account.as_deref().unwrap_or("unknown account");
    let title = format!("phiward audit of {account} at {}", report.as_of);
    let meta = format!(
        "{} · account {} · as of {} · {} findings",
        escape(&report.tool),
        escape(account),
        escape(&report.as_of),
        report.findings.len()
    );
    Page {
        title: &title,
        heading: "phiward HIPAA audit",
        meta: &meta,
        style: STYLE,
        summary: &summary(report),
        body: BODY,
        data: &data(report),
        script: SCRIPT,
    }
    .render()
}
