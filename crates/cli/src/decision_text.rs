//! How a decision reads: the statements that allowed or denied it and why each one
//! matched (`phiward simulate --explain`).

use std::fmt::Write as _;

use phiward_policy::{
    Access, Decision, PartialResponse, PolicySet, Request, Response, StatementRef,
};

fn statement_line(out: &mut String, r: &StatementRef) {
    let _ = write!(out, "    - {r}");
    if let Some(v) = r.via {
        let _ = write!(out, " [principal matched via {}]", via_label(v));
    }
    out.push('\n');
}

fn via_label(v: phiward_policy::PrincipalMatch) -> &'static str {
    use phiward_policy::PrincipalMatch as M;
    match v {
        M::Direct => "its own ARN",
        M::Role => "its role ARN",
        M::FederatingUser => "the IAM user that federated it",
        M::Account => "its account (delegated to IAM policies)",
        M::Everyone => "a wildcard or NotPrincipal",
    }
}

fn kind_label(req: &Request) -> &'static str {
    use phiward_policy::PrincipalKind as K;
    match req.principal.kind {
        K::Anonymous => "anonymous",
        K::Service => "AWS service principal",
        K::Federated => "identity provider",
        _ => "principal",
    }
}

/// Renders one decision as text.
pub fn render(
    id: Option<&str>,
    description: Option<&str>,
    req: &Request,
    set: &PolicySet,
    resp: &Response,
    partial: Option<&PartialResponse>,
    expected: Option<Decision>,
) -> String {
    let mut out = String::new();
    let head = id.map(|i| format!("{i}: ")).unwrap_or_default();
    let _ = write!(out, "{head}{}", resp.decision.as_str());
    match expected {
        Some(x) if x == resp.decision => out.push_str("  (agrees with expected)"),
        Some(x) => {
            let _ = write!(out, "  (DIFFERS: expected {})", x.as_str());
        }
        None => {}
    }
    out.push('\n');
    if let Some(d) = description {
        let _ = writeln!(out, "  {d}");
    }
    let _ = writeln!(
        out,
        "  {} -> {} on {}",
        req.principal.arn, req.action, req.resource
    );
    let acct = req.effective_resource_account().unwrap_or("unknown");
    let _ = match req.principal.account.as_deref() {
        Some(pa) if !resp.cross_account => writeln!(out, "  same account ({pa})"),
        Some(pa) => writeln!(
            out,
            "  cross-account: principal in {pa}, resource in {acct}"
        ),
        None => writeln!(
            out,
            "  caller outside any account ({}), resource in {acct}",
            kind_label(req)
        ),
    };
    let counts = [
        ("identity", set.identity.len()),
        ("resource", usize::from(set.resource.is_some())),
        ("boundary", set.boundary.len()),
        ("session", usize::from(set.session.is_some())),
        ("SCP levels", set.scps.len()),
        ("RCP levels", set.rcps.len()),
    ];
    let listed: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    let _ = writeln!(
        out,
        "  policies: {}",
        if listed.is_empty() {
            "none".into()
        } else {
            listed.join(", ")
        }
    );
    if !resp.denied_by.is_empty() {
        out.push_str("  explicitly denied by:\n");
        resp.denied_by
            .iter()
            .for_each(|r| statement_line(&mut out, r));
    }
    if !resp.allowed_by.is_empty() {
        out.push_str("  allow statements that matched:\n");
        resp.allowed_by
            .iter()
            .for_each(|r| statement_line(&mut out, r));
    }
    if !resp.blocked_by.is_empty() {
        out.push_str("  not allowed because:\n");
        for b in &resp.blocked_by {
            let _ = writeln!(out, "    - {}", b.describe());
        }
    }
    if resp.decision == Decision::ImplicitlyDenied
        && resp.allowed_by.is_empty()
        && resp.blocked_by.is_empty()
    {
        out.push_str("  no statement allows the request\n");
    }
    if !resp.missing_context_keys.is_empty() {
        let _ = writeln!(
            out,
            "  context keys the policies test but the request lacks: {}",
            resp.missing_context_keys.join(", ")
        );
    }
    if !resp.unresolved_variables.is_empty() {
        let _ = writeln!(
            out,
            "  policy variables without a value (their statements did not apply): {}",
            resp.unresolved_variables
                .iter()
                .map(|v| format!("${{{v}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(p) = partial {
        let unknown = req.context.unknown_keys();
        let _ = writeln!(
            out,
            "  with {} unknown: {}",
            unknown.join(", "),
            match p.access {
                Access::Allowed => "allowed whatever they hold",
                Access::Denied => "denied whatever they hold",
                Access::Conditional => "allowed only under conditions",
            }
        );
        for c in &p.allowed_if {
            let _ = writeln!(out, "    - allowed if {c}");
        }
        for c in &p.denied_if {
            let _ = writeln!(out, "    - unless {c}");
        }
    }
    for n in &resp.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    out.push('\n');
    out
}
