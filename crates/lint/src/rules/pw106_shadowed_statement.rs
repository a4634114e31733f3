use phiward_policy::Effect;

use super::{stmt_name, Ctx, Hit};
use crate::cover::covers;

rule! {
    /// ## What
    /// Reports an `Allow` statement whose every action, resource and principal is denied
    /// by an unconditional `Deny` statement of the same policy.
    ///
    /// ## Why
    /// An explicit deny always wins, so the `Allow` never grants anything: either the
    /// `Allow` is dead weight, or the `Deny` is broader than intended and is blocking
    /// access someone needs. AWS: IAM User Guide, "Policy evaluation logic" (an explicit
    /// deny overrides every allow). Containment is decided conservatively, as for `PW105`.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [
    ///    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::phi/*"},
    ///    {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
    /// ```
    ///
    /// ## Fix
    /// Remove the `Allow`, or narrow the `Deny` (or give it the condition it was meant to
    /// have).
    pub static SHADOWED_STATEMENT = {
        id: "PW106",
        name: "shadowed-statement",
        title: "An `Allow` statement is wholly denied by a `Deny`",
        severity: Warning,
        catalog: false,
        fix: "remove the `Allow`, or narrow the `Deny` or give it the condition it was meant to have",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let st = &cx.policy.statements;
    for (b, bsrc, ba) in cx.statements() {
        if b.effect != Effect::Allow {
            continue;
        }
        let by = st
            .iter()
            .map(|s| (s, &s.action))
            .find(|(d, da)| d.effect == Effect::Deny && covers(d, da, b, ba));
        if let Some((d, _)) = by {
            out.push(Hit::new(
                bsrc.pos,
                format!(
                    "{} never grants anything: {} denies everything it allows, unconditionally",
                    stmt_name(b),
                    stmt_name(d)
                ),
            ));
        }
    }
}
