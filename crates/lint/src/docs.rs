//! The rule pages under `docs/rules/`, generated from the rules' doc comments.
//!
//! `cargo xtask docs --check` fails when the committed pages differ
//! from these; `cargo xtask docs` rewrites them.

use crate::{Rule, RULES};

/// The note at the top of every generated file.
pub const GENERATED: &str =
    "<!-- Generated from the rule's doc comment in crates/lint/src/rules/; \
do not edit. Regenerate with `cargo xtask docs`. -->";

/// `docs/rules/<ID>.md`.
pub fn rule_page(r: &Rule) -> String {
    let mut out = format!("{GENERATED}\n\n# {}: {}\n\n{}\n\n", r.id, r.name, r.title);
    out.push_str("| severity | needs the AWS catalog | fix |\n| --- | --- | --- |\n");
    out.push_str(&format!(
        "| {} | {} | {} |\n\n",
        r.severity,
        if r.catalog { "yes" } else { "no" },
        r.fix.replace('|', "\\|")
    ));
    out.push_str(r.doc_markdown().trim_end());
    out.push_str("\n\nSee also: [all rules](README.md), [`phiward lint`](../lint.md).\n");
    out
}

/// The Markdown table of every rule; `link` prefixes the rule pages' file names.
pub fn rule_table(link: &str) -> String {
    let mut out = String::from(
        "| id | name | severity | catalog | what it reports |\n| --- | --- | --- | --- | --- |\n",
    );
    for r in RULES {
        out.push_str(&format!(
            "| [{id}]({link}{id}.md) | `{}` | {} | {} | {} |\n",
            r.name,
            r.severity,
            if r.catalog { "yes" } else { "no" },
            r.title.replace('|', "\\|"),
            id = r.id,
        ));
    }
    out
}

/// `docs/rules/README.md`.
pub fn index_page() -> String {
    format!(
        "{GENERATED}\n\n# `phiward lint` rules\n\n\
Every rule has a permanent id. Rules marked *catalog* need the AWS action catalog and are \
skipped without it. See [`phiward lint`](../lint.md) for usage.\n\n{}",
        rule_table("")
    )
}

/// Every generated file: its path under `docs/` and its contents.
pub fn pages() -> Vec<(String, String)> {
    let mut out = vec![("rules/README.md".to_string(), index_page())];
    for r in RULES {
        out.push((format!("rules/{}.md", r.id), rule_page(r)));
    }
    out
}

/// The markers around the rule table in `docs/lint.md`.
pub const TABLE_START: &str = "<!-- rules:start -->";
/// See [`TABLE_START`].
pub const TABLE_END: &str = "<!-- rules:end -->";

/// `docs/lint.md` with the rule table between its markers replaced; `None` when the
/// markers are missing.
pub fn with_rule_table(lint_md: &str) -> Option<String> {
    let start = lint_md.find(TABLE_START)? + TABLE_START.len();
    let end = lint_md.get(start..)?.find(TABLE_END)? + start;
    Some(format!(
        "{}\n{}{}",
        lint_md.get(..start)?,
        rule_table("rules/"),
        lint_md.get(end..)?
    ))
}
