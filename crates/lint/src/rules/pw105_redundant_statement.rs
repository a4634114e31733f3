use phiward_policy::Effect;

use super::{stmt_name, Ctx, Hit};
use crate::cover::covers;

rule! {
    /// ## What
    /// Reports an `Allow` statement whose actions, resources and principals are all
    /// allowed by another, unconditional `Allow` statement of the same policy.
    ///
    /// ## Why
    /// The statement grants nothing the other does not, so removing it changes nothing;
    /// keeping it misleads reviewers, who may believe its conditions or narrower resources
    /// limit access. Containment is decided conservatively: only identical patterns, `*`,
    /// `service:*`, `Prefix*` actions and `arn:.../*` resources count as covering, so a
    /// statement is reported only when it is certainly redundant.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [
    ///    {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::phi/*"},
    ///    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::phi/2024/*",
    ///     "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}
    /// ```
    /// The second statement's condition limits nothing: the first already allows it all.
    ///
    /// ## Fix
    /// Remove the redundant statement, or, if its conditions were meant to apply, narrow
    /// the covering statement.
    pub static REDUNDANT_STATEMENT = {
        id: "PW105",
        name: "redundant-statement",
        title: "An `Allow` statement is wholly covered by another",
        severity: Info,
        catalog: false,
        fix: "remove the redundant statement, or narrow the covering one if its conditions were meant to apply",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let st = &cx.policy.statements;
    for (b, bsrc, ba) in cx.statements() {
        if b.effect != Effect::Allow {
            continue;
        }
        let by = st.iter().map(|s| (s, &s.action)).find(|(a, aa)| {
            a.index != b.index
                && a.effect == Effect::Allow
                && covers(a, aa, b, ba)
                // Two identical statements: report only the later one.
                && (a.index < b.index || !covers(b, ba, a, aa))
        });
        if let Some((a, _)) = by {
            out.push(Hit::new(
                bsrc.pos,
                format!(
                    "{} is redundant: {} already allows everything it allows, unconditionally",
                    stmt_name(b),
                    stmt_name(a)
                ),
            ));
        }
    }
}
