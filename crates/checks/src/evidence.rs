//! Evidence for findings: the statements behind a decided permission, facts of the
//! snapshot, and the caps that keep findings about thousands of principals readable.

use phiward_report::Evidence;

/// Evidence from a decided permission: one entry per granting statement.
pub fn statements(via: &[phiward_access::Via], detail: &str) -> Vec<Evidence> {
    via.iter()
        .map(|v| Evidence {
            source: v.policy.to_string(),
            statement: Some(v.statement),
            line: Some(v.line),
            detail: detail.to_string(),
        })
        .collect()
}

/// At most this many principals are named in one finding's message, and this many
/// grants' statements kept as its evidence: on a large account a finding may concern
/// thousands (every reader of a PHI bucket), which no one reads in a report; the rest are
/// counted, and `phiward who-can` lists them all.
pub const LISTED: usize = 25;

/// See [`LISTED`].
pub const EVIDENCE_GRANTS: usize = 50;

/// `a, b, c` or, past [`LISTED`], `a, b, ... and N more`.
pub fn listed<S: AsRef<str>>(names: &[S]) -> String {
    listed_with(names, |n| n.as_ref().to_string())
}

/// [`listed`] with each shown item described by `describe` (only those are described).
pub fn listed_with<T>(items: &[T], describe: impl Fn(&T) -> String) -> String {
    let shown: Vec<String> = items.iter().take(LISTED).map(describe).collect();
    match items.len().saturating_sub(LISTED) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The statements behind the first [`EVIDENCE_GRANTS`] grants, then one entry counting
/// the others and naming the command that lists them.
pub fn grants_evidence<V: AsRef<[phiward_access::Via]>>(
    grants: impl ExactSizeIterator<Item = (V, String)>,
    command: &str,
) -> Vec<Evidence> {
    // Counted without building: the items past the first few are never made.
    let total = grants.len();
    let mut out = Vec::new();
    for (via, detail) in grants.take(EVIDENCE_GRANTS) {
        out.extend(statements(via.as_ref(), &detail));
    }
    if total > EVIDENCE_GRANTS {
        out.push(fact(
            "phiward",
            format!(
                "{} more grants not shown; `{command}` lists them all",
                total - EVIDENCE_GRANTS
            ),
        ));
    }
    out
}

/// Evidence from a fact of the snapshot.
pub fn fact(source: &str, detail: impl Into<String>) -> Evidence {
    Evidence {
        source: source.to_string(),
        statement: None,
        line: None,
        detail: detail.into(),
    }
}

#[cfg(test)]
mod cap_tests {
    use super::*;

    #[test]
    fn long_lists_are_counted_not_spelled_out() {
        let names: Vec<String> = (0..30).map(|i| format!("p{i}")).collect();
        let text = listed(&names);
        assert!(text.starts_with("p0, p1, "));
        assert!(text.ends_with("p24 and 5 more"), "{text}");
        assert_eq!(listed(&names[..3]), "p0, p1, p2");
        let via = vec![phiward_access::Via {
            policy: "pol".into(),
            statement: 0,
            sid: None,
            line: 3,
        }];
        let grants: Vec<(&[phiward_access::Via], String)> =
            (0..60).map(|i| (via.as_slice(), format!("g{i}"))).collect();
        let ev = grants_evidence(grants.into_iter(), "phiward who-can X Y");
        assert_eq!(ev.len(), EVIDENCE_GRANTS + 1);
        assert!(ev[EVIDENCE_GRANTS]
            .detail
            .starts_with("10 more grants not shown"));
        let few: Vec<(&[phiward_access::Via], String)> = vec![(via.as_slice(), "g".into())];
        assert_eq!(grants_evidence(few.into_iter(), "x").len(), 1);
    }
}
