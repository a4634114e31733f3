//! The access-per-employee report as one self-contained HTML page on the skeleton of
//! [`crate::page`], like the audit's: no network access, a summary rendered here (so it
//! shows with scripts off), and the grants in one JSON blob that `assets/access.js`
//! renders as a filterable, paged table (by person, resource, access level and reach,
//! plus free-text search).
//!
//! The page is [`crate::page`]'s skeleton; escaping is described there.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use phiward_access::employee::AccessReport;
use phiward_access::Reach;
use serde_json::{json, Value};

use crate::page::{escape, Page, Strings, STYLE};

const BODY: &str = include_str!("../../assets/access-body.html");
const EXTRA_STYLE: &str = ".reach-conditional { color: #ef6c00; font-weight: 600; } \
.reach-allowed { color: #c62828; font-weight: 600; } \
.mono { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; }";
const SCRIPT: &str = include_str!("../../assets/access.js");

/// One grant's statement, as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessRow {
    /// The person.
    pub person: String,
    /// The IAM user or role ARN.
    pub principal: String,
    /// The resource ARN.
    pub resource: String,
    /// Whether the resource holds PHI.
    pub phi: bool,
    /// The access level (`Read`, `Write`, ...).
    pub level: String,
    /// Whether the grant needs conditions.
    pub conditional: bool,
    /// The actions, comma-separated.
    pub actions: String,
    /// The conditions, one a line.
    pub conditions: String,
    /// The policy, statement and line behind it.
    pub statement: String,
}

/// What the page's header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessPage {
    /// `phiward 0.1.0`.
    pub tool: String,
    /// The account, when known.
    pub account: Option<String>,
    /// `PHI resources` or `all resources`.
    pub scope: String,
    /// Notes on what the answers cannot account for.
    pub notes: Vec<String>,
}

/// The blob the script reads, documented in `assets/access.js`.
fn data(rows: &[AccessRow]) -> Value {
    let mut strings = Strings::default();
    let out: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!([
                strings.id(&r.person),
                strings.id(&r.principal),
                strings.id(&r.resource),
                strings.id(&r.level),
                u8::from(r.conditional),
                strings.id(&r.actions),
                strings.id(&r.conditions),
                strings.id(&r.statement),
                u8::from(r.phi)
            ])
        })
        .collect();
    json!({"v": 1, "strings": strings.list(), "rows": out})
}

fn cell(key: &str, n: usize) -> String {
    format!("<td class=\"num\" data-count=\"{}\">{n}</td>", escape(key))
}

/// Totals (rows, people, by reach) and rows per access level; the self-test checks each
/// `data-count` cell against the blob.
fn summary(rows: &[AccessRow], page: &AccessPage) -> String {
    let people: BTreeSet<&str> = rows.iter().map(|r| r.person.as_str()).collect();
    let conditional = rows.iter().filter(|r| r.conditional).count();
    let mut levels: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        *levels.entry(r.level.as_str()).or_default() += 1;
    }
    let mut o = String::from(
        "<section id=\"summary\"><h2>Summary</h2><table class=\"totals\"><tr><th>grants</th>\
         <th>people with access</th><th>allowed</th><th>conditional</th></tr>\n<tr>",
    );
    o.push_str(&cell("total", rows.len()));
    o.push_str(&cell("people", people.len()));
    o.push_str(&cell("reach-allowed", rows.len() - conditional));
    o.push_str(&cell("reach-conditional", conditional));
    o.push_str("</tr>\n</table><h3>By access level</h3><table class=\"levels\">\n");
    for (level, n) in &levels {
        let _ = write!(o, "<tr><td>{}</td>", escape(level));
        o.push_str(&cell(&format!("level-{level}"), *n));
        o.push_str("</tr>\n");
    }
    o.push_str("</table>");
    if !page.notes.is_empty() {
        o.push_str("<h3>Notes</h3><ul class=\"skipped\">");
        for n in &page.notes {
            let _ = write!(o, "<li>{}</li>", escape(n));
        }
        o.push_str("</ul>");
    }
    o.push_str("</section>");
    o
}

/// The report as one self-contained HTML page.
pub fn render(r: &AccessReport) -> Result<String, serde_json::Error> {
    let rows: Vec<AccessRow> = r
        .rows()
        .iter()
        .map(|row| AccessRow {
            person: row.person.to_string(),
            principal: row.principal.to_string(),
            resource: row.resource.to_string(),
            phi: row.phi,
            level: row.level.to_string(),
            conditional: row.access == Reach::Conditional,
            actions: row.actions.join(", "),
            conditions: row
                .conditions
                .iter()
                .map(|c| c.describe_at())
                .collect::<Vec<_>>()
                .join("\n"),
            statement: row.via.map(super::statement).unwrap_or_default(),
        })
        .collect();
    let page = AccessPage {
        tool: format!("phiward {}", env!("CARGO_PKG_VERSION")),
        account: r.account.clone(),
        scope: super::scope(r.phi_only).into(),
        notes: r.notes.clone(),
    };
    page_of(&page, &rows)
}

/// The page of these rows.
pub fn page_of(page: &AccessPage, rows: &[AccessRow]) -> Result<String, serde_json::Error> {
    let account = page.account.as_deref().unwrap_or("unknown account");
    let title = format!("phiward access per employee, {account}");
    let meta = format!(
        "{} · account {} · {}",
        escape(&page.tool),
        escape(account),
        escape(&page.scope)
    );
    let style = format!("{STYLE}\n{EXTRA_STYLE}");
    Page {
        title: &title,
        heading: "phiward access per employee",
        meta: &meta,
        style: &style,
        summary: &summary(rows, page),
        body: BODY,
        data: &data(rows),
        script: SCRIPT,
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(person: &str) -> AccessRow {
        AccessRow {
            person: person.into(),
            principal: "arn:aws:iam::1:user/a".into(),
            resource: "arn:aws:s3:::phi".into(),
            phi: true,
            level: "Read".into(),
            conditional: false,
            actions: "s3:GetObject".into(),
            conditions: String::new(),
            statement: "P statement 0 (line 3)".into(),
        }
    }

    #[test]
    fn hostile_names_stay_text_and_the_summary_counts() {
        let page = AccessPage {
            tool: "phiward <b>".into(),
            account: Some("1".into()),
            scope: "PHI resources".into(),
            notes: vec!["<i>note</i>".into()],
        };
        let html =
            page_of(&page, &[row("</script><script>x()</script>"), row("b")]).unwrap_or_default();
        assert!(!html.contains("</script><script>x()"));
        assert!(html.contains("\\u003c/script\\u003e"));
        assert!(html.contains("phiward &lt;b&gt;"));
        assert!(html.contains("&lt;i&gt;note"));
        assert!(html.contains("data-count=\"people\">2<"));
        assert!(html.contains("data-count=\"level-Read\">2<"));
        assert!(!html.contains("{{"));
    }
}
